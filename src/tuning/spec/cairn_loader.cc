// cairn's short study form (docs/tuning.md, "Short form"): the same
// experiment without the Kubernetes wrapping. `${name}` in the command is
// the value of parameter `name`; the loader turns the command into a
// one-container Job so both forms share the runtime.
#include <fmt/format.h>

#include "tuning/spec/load.h"
#include "tuning/spec/parameter_reader.h"

namespace cairn::tuning {

using pipelines::Value;
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

// `algorithm: tpe` or `algorithm: {name: tpe, settings: {gamma: 0.25}}`.
std::optional<AlgorithmSpec> ReadAlgorithm(const std::optional<YamlNode>& node, std::vector<SpecProblem>& problems) {
  if (!node || node->IsNull()) return std::nullopt;
  AlgorithmSpec a;
  if (node->IsScalar()) {
    a.name = *node->AsString();
    return a;
  }
  a.name = ReadString(*node, "name", problems);
  if (auto settings = node->Get("settings"); settings && !settings->IsNull()) {
    auto entries = settings->Entries();
    if (!entries.ok()) {
      AddProblem(problems, settings->path(), entries.status());
    } else {
      for (const auto& [k, v] : *entries) {
        auto s = v.AsString();
        if (!s.ok()) {
          AddProblem(problems, v.path(), v.Error("setting values must be scalars"));
        } else {
          a.settings.emplace_back(k, *s);
        }
      }
    }
  }
  if (a.name.empty()) AddProblem(problems, node->path(), node->Error("the algorithm needs a name"));
  return a;
}

// `${p}` for a parameter p becomes `${trialParameters.p}`.
std::string RewritePlaceholders(const std::string& text, const SearchSpace& space) {
  std::string out = text;
  for (const ParameterSpec& p : space.parameters) {
    std::string from = "${" + p.name + "}";
    std::string to = "${trialParameters." + p.name + "}";
    for (size_t pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size())) {
      out.replace(pos, from.size(), to);
    }
  }
  return out;
}

}  // namespace

ExperimentSpec LoadCairnStudy(const YamlNode& root, std::vector<SpecProblem>& problems) {
  ExperimentSpec spec;
  spec.format = ExperimentSpec::Format::kCairn;
  if (!root.IsMap()) {
    AddProblem(problems, root.path(), root.Error("a study must be a mapping"));
    return spec;
  }
  if (Status s = root.CheckKeys({"name", "objective", "algorithm", "earlyStopping", "parallelTrials", "maxTrials",
                                 "maxFailedTrials", "trialTimeoutSeconds", "seed", "parameters", "command", "env",
                                 "image", "metrics"});
      !s.ok()) {
    AddProblem(problems, root.path(), s);
  }
  spec.name = ReadString(root, "name", problems);

  auto objective = root.Get("objective");
  if (!objective || !objective->IsMap()) {
    AddProblem(problems, root.path(), root.Error("objective is required: {type: minimize|maximize, metric: NAME}"));
  } else {
    ObjectiveSpec& o = spec.objective;
    std::string type = ReadString(*objective, "type", problems);
    if (type == "maximize") {
      o.type = ObjectiveType::kMaximize;
    } else if (type != "minimize") {
      AddProblem(problems, objective->path(), objective->Error("objective.type must be minimize or maximize"));
    }
    o.metric_name = ReadString(*objective, "metric", problems);
    if (o.metric_name.empty()) {
      AddProblem(problems, objective->path(),
                 objective->Error("objective.metric is required (the metric to optimize)"));
    }
    if (auto goal = objective->Get("goal"); goal && !goal->IsNull()) {
      auto v = goal->AsDouble();
      if (!v.ok()) {
        AddProblem(problems, goal->path(), goal->Error("goal must be a number"));
      } else {
        o.goal = *v;
      }
    }
    if (auto extra = objective->Get("additionalMetrics"); extra && !extra->IsNull()) {
      auto items = extra->Items();
      if (items.ok()) {
        for (const YamlNode& item : *items)
          o.additional_metrics.push_back(item.AsString().ok() ? *item.AsString() : "");
      } else {
        AddProblem(problems, extra->path(), items.status());
      }
    }
    if (auto strategies = objective->Get("strategies"); strategies && !strategies->IsNull()) {
      auto entries = strategies->Entries();
      if (!entries.ok()) {
        AddProblem(problems, strategies->path(), entries.status());
      } else {
        for (const auto& [k, v] : *entries) {
          std::string s = v.AsString().ok() ? *v.AsString() : "";
          if (s == "min") {
            o.strategies.emplace_back(k, MetricStrategy::kMin);
          } else if (s == "max") {
            o.strategies.emplace_back(k, MetricStrategy::kMax);
          } else if (s == "latest") {
            o.strategies.emplace_back(k, MetricStrategy::kLatest);
          } else {
            AddProblem(problems, v.path(), v.Error("a strategy must be min, max or latest"));
          }
        }
      }
    }
    const MetricStrategy fallback = o.type == ObjectiveType::kMinimize ? MetricStrategy::kMin : MetricStrategy::kMax;
    for (const std::string& metric : o.AllMetrics()) {
      bool present = false;
      for (const auto& [name, s] : o.strategies) present = present || name == metric;
      if (!present && !metric.empty()) o.strategies.emplace_back(metric, fallback);
    }
  }

  if (auto a = ReadAlgorithm(root.Get("algorithm"), problems)) {
    spec.algorithm = std::move(*a);
    if (auto unknown = UnknownAlgorithmMessage(spec.algorithm.name); unknown && !spec.algorithm.name.empty()) {
      const YamlNode node = *root.Get("algorithm");
      AddProblem(problems, node.path(), (node.IsMap() && node.Get("name") ? *node.Get("name") : node).Error(*unknown));
    }
  } else {
    spec.algorithm.name = "random";
  }
  spec.early_stopping = ReadAlgorithm(root.Get("earlyStopping"), problems);
  if (auto v = ReadSpecInt(root, "parallelTrials", 1, kMaxSpecCount, problems)) {
    spec.parallel_trial_count = static_cast<int>(*v);
  }
  if (auto v = ReadSpecInt(root, "maxTrials", 0, kMaxSpecCount, problems)) spec.max_trial_count = static_cast<int>(*v);
  if (auto v = ReadSpecInt(root, "maxFailedTrials", 0, kMaxSpecCount, problems)) {
    spec.max_failed_trial_count = static_cast<int>(*v);
  }
  if (auto v = ReadSpecInt(root, "trialTimeoutSeconds", 0, kMaxSpecSeconds, problems)) spec.trial_timeout_s = *v;
  if (auto v = ReadSpecInt(root, "seed", 0, kMaxSpecSeed, problems)) spec.seed = static_cast<uint64_t>(*v);

  if (auto params = root.Get("parameters"); !params || params->IsNull()) {
    AddProblem(problems, root.path(), root.Error("parameters are required (the search space)"));
  } else {
    auto entries = params->Entries();
    if (!entries.ok()) {
      AddProblem(problems, params->path(), entries.status());
    } else {
      for (const auto& [name, node] : *entries) {
        auto type = node.Get("type");
        ParameterSpec p;
        if (!type) {
          AddProblem(problems, node.path(), node.Error("a parameter needs a type: double, int, categorical, discrete"));
          continue;
        }
        if (node.Has("values") && !node.Has("list")) {
          spec.space.parameters.push_back(ReadParameter(name, *type, node, "values", problems));
        } else {
          spec.space.parameters.push_back(ReadParameter(name, *type, node, "list", problems));
        }
      }
    }
  }

  // The trial: one container running `command`.
  Value::List argv;
  if (auto command = root.Get("command"); !command || command->IsNull()) {
    AddProblem(problems, root.path(), root.Error("command is required: the trial program and its arguments"));
  } else if (command->IsScalar()) {
    argv.push_back(Value::String("sh"));
    argv.push_back(Value::String("-c"));
    argv.push_back(Value::String(RewritePlaceholders(*command->AsString(), spec.space)));
  } else {
    auto items = command->Items();
    if (!items.ok()) {
      AddProblem(problems, command->path(), items.status());
    } else {
      for (const YamlNode& item : *items) {
        auto s = item.AsString();
        if (!s.ok()) {
          AddProblem(problems, item.path(), item.Error("command items must be strings"));
          continue;
        }
        argv.push_back(Value::String(RewritePlaceholders(*s, spec.space)));
      }
    }
  }
  Value::List env;
  if (auto env_node = root.Get("env"); env_node && !env_node->IsNull()) {
    auto entries = env_node->Entries();
    if (!entries.ok()) {
      AddProblem(problems, env_node->path(), entries.status());
    } else {
      for (const auto& [k, v] : *entries) {
        std::string value = v.AsString().ok() ? *v.AsString() : "";
        env.push_back(Value::MakeStruct({{"name", Value::String(k)},
                                         {"value", Value::String(RewritePlaceholders(value, spec.space))}}));
      }
    }
  }
  Value::Struct container = {{"name", Value::String("trial")},
                             {"image", Value::String(ReadString(root, "image", problems))},
                             {"command", Value::MakeList(std::move(argv))}};
  if (!env.empty()) container.emplace_back("env", Value::MakeList(std::move(env)));
  spec.trial_template.primary_container_name = "trial";
  spec.trial_template.trial_spec = Value::MakeStruct(
      {{"apiVersion", Value::String("batch/v1")},
       {"kind", Value::String("Job")},
       {"spec",
        Value::MakeStruct(
            {{"template",
              Value::MakeStruct({{"spec", Value::MakeStruct({{"containers", Value::MakeList({Value::MakeStruct(
                                                                                std::move(container))})}})}})}})}});
  for (const ParameterSpec& p : spec.space.parameters) {
    spec.trial_template.trial_parameters.push_back({p.name, "", p.name});
  }

  if (auto metrics = root.Get("metrics"); metrics && !metrics->IsNull()) {
    std::string collector = ReadString(*metrics, "collector", problems);
    if (collector.empty() || collector == "StdOut" || collector == "stdout") {
      spec.collector.kind = CollectorKind::kStdOut;
    } else if (collector == "File" || collector == "file") {
      spec.collector.kind = CollectorKind::kFile;
    } else if (collector == "Push" || collector == "push") {
      spec.collector.kind = CollectorKind::kPush;
    } else {
      AddProblem(problems, metrics->path(), metrics->Error("metrics.collector must be StdOut, File or Push"));
    }
    spec.collector.file_path = ReadString(*metrics, "path", problems);
    std::string format = ReadString(*metrics, "format", problems);
    if (format == "JSON" || format == "json") spec.collector.format = MetricsFormat::kJson;
    if (auto filters = metrics->Get("filters"); filters && !filters->IsNull()) {
      auto items = filters->Items();
      if (items.ok()) {
        for (const YamlNode& item : *items)
          spec.collector.filters.push_back(item.AsString().ok() ? *item.AsString() : "");
      } else {
        AddProblem(problems, filters->path(), items.status());
      }
    }
    if (spec.collector.kind == CollectorKind::kFile && spec.collector.file_path.empty()) {
      spec.collector.file_path = kDefaultMetricsFilePath;
    }
  }
  return spec;
}

}  // namespace cairn::tuning
