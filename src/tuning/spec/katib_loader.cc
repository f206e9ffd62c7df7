// Katib v1beta1 Experiment -> ExperimentSpec, with Katib's defaults
// (experiment_defaults.go): parallelTrialCount 3, metric strategies min for
// minimize / max for maximize, StdOut collector, File path
// /var/log/katib/metrics.log, resumePolicy Never. Fields that only matter on
// Kubernetes (primaryPodLabels, success/failureCondition) are accepted and
// ignored; configMap templates and NAS are reported as unsupported.
#include <fmt/format.h>

#include "tuning/spec/load.h"
#include "tuning/spec/parameter_reader.h"

namespace cairn::tuning {

using pipelines::YamlNode;

namespace {

std::string ReadString(const YamlNode& map, std::string_view key, std::vector<SpecProblem>& problems) {
  auto node = map.Get(key);
  if (!node || node->IsNull()) return "";
  auto s = node->AsString();
  if (!s.ok()) {
    AddProblem(problems, node->path(), node->Error("expected a string"));
    return "";
  }
  return *s;
}

// [{name, value}] lists (algorithmSettings): values are kept as text.
std::vector<std::pair<std::string, std::string>> ReadSettings(const std::optional<YamlNode>& node,
                                                              std::vector<SpecProblem>& problems) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!node || node->IsNull()) return out;
  auto items = node->Items();
  if (!items.ok()) {
    AddProblem(problems, node->path(), items.status());
    return out;
  }
  for (const YamlNode& item : *items) {
    std::string name = ReadString(item, "name", problems);
    if (name.empty()) {
      AddProblem(problems, item.path(), item.Error("a setting needs a name"));
      continue;
    }
    out.emplace_back(name, ReadString(item, "value", problems));
  }
  return out;
}

std::optional<AlgorithmSpec> ReadAlgorithm(const std::optional<YamlNode>& node, bool required,
                                           std::string_view what, std::vector<SpecProblem>& problems,
                                           const YamlNode& parent) {
  if (!node || node->IsNull()) {
    if (required) AddProblem(problems, parent.path(), parent.Error(fmt::format("{} is required", what)));
    return std::nullopt;
  }
  AlgorithmSpec spec;
  spec.name = ReadString(*node, "algorithmName", problems);
  if (spec.name.empty()) {
    AddProblem(problems, node->path(), node->Error("algorithmName is required"));
  }
  spec.settings = ReadSettings(node->Get("algorithmSettings"), problems);
  return spec;
}

void ReadObjective(const YamlNode& spec_node, ExperimentSpec& spec, std::vector<SpecProblem>& problems) {
  auto node = spec_node.Get("objective");
  if (!node || node->IsNull()) {
    AddProblem(problems, spec_node.path(), spec_node.Error("objective is required"));
    return;
  }
  ObjectiveSpec& o = spec.objective;
  std::string type = ReadString(*node, "type", problems);
  if (type == "minimize") {
    o.type = ObjectiveType::kMinimize;
  } else if (type == "maximize") {
    o.type = ObjectiveType::kMaximize;
  } else {
    auto at = node->Get("type");
    AddProblem(problems, node->path(),
               (at ? *at : *node).Error("objective.type must be minimize or maximize"));
  }
  if (auto goal = node->Get("goal"); goal && !goal->IsNull()) {
    auto text = goal->AsString();
    auto v = text.ok() ? ParseSpecNumber(*text) : std::nullopt;
    if (!v) {
      AddProblem(problems, goal->path(), goal->Error("goal must be a number"));
    } else {
      o.goal = *v;
    }
  }
  o.metric_name = ReadString(*node, "objectiveMetricName", problems);
  if (o.metric_name.empty()) {
    AddProblem(problems, node->path(), node->Error("objectiveMetricName is required (the metric to optimize)"));
  }
  if (auto extra = node->Get("additionalMetricNames"); extra && !extra->IsNull()) {
    auto items = extra->Items();
    if (!items.ok()) {
      AddProblem(problems, extra->path(), items.status());
    } else {
      for (const YamlNode& item : *items) {
        auto s = item.AsString();
        if (!s.ok() || s->empty()) {
          AddProblem(problems, item.path(), item.Error("metric names must be non-empty strings"));
        } else {
          o.additional_metrics.push_back(*s);
        }
      }
    }
  }
  if (auto strategies = node->Get("metricStrategies"); strategies && !strategies->IsNull()) {
    auto items = strategies->Items();
    if (!items.ok()) {
      AddProblem(problems, strategies->path(), items.status());
    } else {
      for (const YamlNode& item : *items) {
        std::string name = ReadString(item, "name", problems);
        std::string value = ReadString(item, "value", problems);
        MetricStrategy s = MetricStrategy::kMin;
        if (value == "min") {
          s = MetricStrategy::kMin;
        } else if (value == "max") {
          s = MetricStrategy::kMax;
        } else if (value == "latest") {
          s = MetricStrategy::kLatest;
        } else {
          AddProblem(problems, item.path(), item.Error("a metric strategy value must be min, max or latest"));
          continue;
        }
        if (name.empty()) {
          AddProblem(problems, item.path(), item.Error("a metric strategy needs the metric name"));
          continue;
        }
        o.strategies.emplace_back(name, s);
      }
    }
  }
  // Katib's defaulting: every objective and additional metric gets a
  // strategy (min for minimize, max for maximize) unless one was given.
  const MetricStrategy fallback = o.type == ObjectiveType::kMinimize ? MetricStrategy::kMin : MetricStrategy::kMax;
  for (const std::string& metric : o.AllMetrics()) {
    bool present = false;
    for (const auto& [name, s] : o.strategies) present = present || name == metric;
    if (!present && !metric.empty()) o.strategies.emplace_back(metric, fallback);
  }
}

void ReadParameters(const YamlNode& spec_node, ExperimentSpec& spec, std::vector<SpecProblem>& problems) {
  auto node = spec_node.Get("parameters");
  if (!node || node->IsNull()) {
    AddProblem(problems, spec_node.path(), spec_node.Error("parameters are required (the search space)"));
    return;
  }
  auto items = node->Items();
  if (!items.ok()) {
    AddProblem(problems, node->path(), items.status());
    return;
  }
  for (const YamlNode& item : *items) {
    std::string name = ReadString(item, "name", problems);
    if (name.empty()) {
      AddProblem(problems, item.path(), item.Error("a parameter needs a name"));
      continue;
    }
    auto type = item.Get("parameterType");
    auto space = item.Get("feasibleSpace");
    spec.space.parameters.push_back(ReadParameter(name, type ? *type : item, space ? *space : item, "list", problems));
  }
}

void ReadTrialTemplate(const YamlNode& spec_node, ExperimentSpec& spec, std::vector<SpecProblem>& problems) {
  auto node = spec_node.Get("trialTemplate");
  if (!node || node->IsNull()) {
    AddProblem(problems, spec_node.path(), spec_node.Error("trialTemplate is required (what a trial runs)"));
    return;
  }
  TrialTemplateSpec& t = spec.trial_template;
  t.primary_container_name = ReadString(*node, "primaryContainerName", problems);
  if (auto retain = node->Get("retain"); retain && !retain->IsNull()) {
    auto b = retain->AsBool();
    if (b.ok()) t.retain = *b;
  }
  if (auto params = node->Get("trialParameters"); params && !params->IsNull()) {
    auto items = params->Items();
    if (!items.ok()) {
      AddProblem(problems, params->path(), items.status());
    } else {
      for (const YamlNode& item : *items) {
        TrialParameterSpec p;
        p.name = ReadString(item, "name", problems);
        p.description = ReadString(item, "description", problems);
        p.reference = ReadString(item, "reference", problems);
        if (p.name.empty() || p.reference.empty()) {
          AddProblem(problems, item.path(), item.Error("a trial parameter needs a name and a reference"));
          continue;
        }
        t.trial_parameters.push_back(std::move(p));
      }
    }
  }
  if (auto cm = node->Get("configMap"); cm && !cm->IsNull()) {
    AddProblem(problems, cm->path(),
               cm->Error("trial templates from a ConfigMap are not supported by cairn: inline the trialSpec"));
    return;
  }
  auto trial_spec = node->Get("trialSpec");
  if (!trial_spec || trial_spec->IsNull()) {
    AddProblem(problems, node->path(), node->Error("trialTemplate.trialSpec is required"));
    return;
  }
  auto value = trial_spec->ToValue();
  if (!value.ok()) {
    AddProblem(problems, trial_spec->path(), value.status());
    return;
  }
  t.trial_spec = std::move(value).value();
  // A Job's activeDeadlineSeconds bounds the trial's run time on k8s; it
  // bounds the trial process here.
  if (auto job_spec = trial_spec->Get("spec")) {
    if (auto deadline = ReadSpecInt(*job_spec, "activeDeadlineSeconds", 0, kMaxSpecSeconds, problems); deadline && *deadline > 0) {
      spec.trial_timeout_s = *deadline;
    }
  }
}

void ReadCollector(const YamlNode& spec_node, ExperimentSpec& spec, std::vector<SpecProblem>& problems) {
  auto node = spec_node.Get("metricsCollectorSpec");
  MetricsCollectorSpec& c = spec.collector;
  if (!node || node->IsNull()) return;
  if (auto collector = node->Get("collector"); collector && !collector->IsNull()) {
    std::string kind = ReadString(*collector, "kind", problems);
    if (kind.empty() || kind == "StdOut") {
      c.kind = CollectorKind::kStdOut;
    } else if (kind == "File") {
      c.kind = CollectorKind::kFile;
    } else if (kind == "Push") {
      c.kind = CollectorKind::kPush;
    } else {
      AddProblem(problems, collector->path(),
                 collector->Error(fmt::format("metrics collector '{}' is not supported by cairn: use StdOut, File or "
                                              "Push",
                                              kind.substr(0, 60))));
    }
  }
  if (auto source = node->Get("source"); source && !source->IsNull()) {
    if (auto fs_path = source->Get("fileSystemPath"); fs_path && !fs_path->IsNull()) {
      c.file_path = ReadString(*fs_path, "path", problems);
      std::string kind = ReadString(*fs_path, "kind", problems);
      if (!kind.empty() && kind != "File") {
        AddProblem(problems, fs_path->path(), fs_path->Error("only fileSystemPath.kind File is supported"));
      }
      std::string format = ReadString(*fs_path, "format", problems);
      if (format == "JSON") {
        c.format = MetricsFormat::kJson;
      } else if (!format.empty() && format != "TEXT") {
        AddProblem(problems, fs_path->path(), fs_path->Error("fileSystemPath.format must be TEXT or JSON"));
      }
    }
    if (auto filter = source->Get("filter"); filter && !filter->IsNull()) {
      if (auto formats = filter->Get("metricsFormat"); formats && !formats->IsNull()) {
        auto items = formats->Items();
        if (!items.ok()) {
          AddProblem(problems, formats->path(), items.status());
        } else {
          for (const YamlNode& item : *items) {
            auto s = item.AsString();
            if (!s.ok() || s->empty()) {
              AddProblem(problems, item.path(), item.Error("a metrics filter must be a regular expression"));
            } else {
              c.filters.push_back(*s);
            }
          }
        }
      }
    }
  }
  if (c.kind == CollectorKind::kFile && c.file_path.empty()) c.file_path = kDefaultMetricsFilePath;
}

}  // namespace

ExperimentSpec LoadKatibExperiment(const YamlNode& root, std::vector<SpecProblem>& problems) {
  ExperimentSpec spec;
  spec.format = ExperimentSpec::Format::kKatib;
  if (!root.IsMap()) {
    AddProblem(problems, root.path(), root.Error("an Experiment must be a mapping"));
    return spec;
  }
  std::string kind = ReadString(root, "kind", problems);
  if (kind != "Experiment") {
    AddProblem(problems, root.path(), root.Error(fmt::format("kind must be Experiment, not '{}'", kind.substr(0, 60))));
  }
  std::string api = ReadString(root, "apiVersion", problems);
  if (!api.empty() && api != "kubeflow.org/v1beta1") {
    AddProblem(problems, root.path(), root.Error(fmt::format("apiVersion must be kubeflow.org/v1beta1, not '{}'",
                                                              api.substr(0, 60))));
  }
  if (auto meta = root.Get("metadata"); meta && meta->IsMap()) {
    spec.name = ReadString(*meta, "name", problems);
    std::string ns = ReadString(*meta, "namespace", problems);
    if (!ns.empty()) spec.namespace_name = ns;
  }
  auto spec_node = root.Get("spec");
  if (!spec_node || !spec_node->IsMap()) {
    AddProblem(problems, root.path(), root.Error("spec is required"));
    return spec;
  }
  ReadObjective(*spec_node, spec, problems);
  if (auto a = ReadAlgorithm(spec_node->Get("algorithm"), true, "algorithm", problems, *spec_node)) {
    spec.algorithm = std::move(*a);
    // Reported here, where the line is known; validation would only have
    // the path.
    auto name = spec_node->Get("algorithm")->Get("algorithmName");
    if (!spec.algorithm.name.empty() && name) {
      if (auto unknown = UnknownAlgorithmMessage(spec.algorithm.name)) {
        AddProblem(problems, name->path(), name->Error(*unknown));
      }
    }
  }
  spec.early_stopping = ReadAlgorithm(spec_node->Get("earlyStopping"), false, "earlyStopping", problems, *spec_node);
  if (auto v = ReadSpecInt(*spec_node, "parallelTrialCount", 1, kMaxSpecCount, problems)) {
    spec.parallel_trial_count = static_cast<int>(*v);
  }
  if (auto v = ReadSpecInt(*spec_node, "maxTrialCount", 0, kMaxSpecCount, problems)) {
    spec.max_trial_count = static_cast<int>(*v);
  }
  if (auto v = ReadSpecInt(*spec_node, "maxFailedTrialCount", 0, kMaxSpecCount, problems)) {
    spec.max_failed_trial_count = static_cast<int>(*v);
  }
  std::string resume = ReadString(*spec_node, "resumePolicy", problems);
  if (resume.empty() || resume == "Never") {
    spec.resume_policy = ResumePolicy::kNever;
  } else if (resume == "LongRunning") {
    spec.resume_policy = ResumePolicy::kLongRunning;
  } else if (resume == "FromVolume") {
    spec.resume_policy = ResumePolicy::kFromVolume;
  } else {
    AddProblem(problems, spec_node->path(), spec_node->Error("resumePolicy must be Never, LongRunning or FromVolume"));
  }
  if (auto nas = spec_node->Get("nasConfig"); nas && !nas->IsNull()) {
    AddProblem(problems, nas->path(), nas->Error("neural architecture search (nasConfig) is not supported by cairn"));
  }
  ReadParameters(*spec_node, spec, problems);
  ReadTrialTemplate(*spec_node, spec, problems);
  ReadCollector(*spec_node, spec, problems);
  return spec;
}

}  // namespace cairn::tuning
