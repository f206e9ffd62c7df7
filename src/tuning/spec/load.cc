#include "tuning/spec/load.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "tuning/metrics/metrics_parser.h"
#include "tuning/spec/trial_template.h"

namespace cairn::tuning {

using pipelines::YamlNode;

namespace {

bool LooksLikeKatib(const YamlNode& root) {
  if (!root.IsMap()) return false;
  if (root.Has("kind") || root.Has("apiVersion")) return true;
  // `spec:` with an objective inside is the Katib object without its header.
  auto spec = root.Get("spec");
  return spec && spec->IsMap() && spec->Has("objective");
}

// A value inside the space for every parameter (validation renders the
// trial template once with it).
Assignment SampleAssignment(const SearchSpace& space) {
  Assignment out;
  for (const ParameterSpec& p : space.parameters) {
    std::string value;
    if (p.type == ParameterType::kCategorical || p.type == ParameterType::kDiscrete) {
      value = p.list.empty() ? "" : p.list.front();
    } else if (p.type == ParameterType::kInt) {
      value = fmt::format("{}", static_cast<int64_t>(p.min));
    } else {
      value = fmt::format("{}", p.min);
    }
    out.push_back({p.name, value});
  }
  return out;
}

}  // namespace

std::optional<std::string> UnknownAlgorithmMessage(const std::string& name) {
  const std::vector<std::string> known = SuggesterNames();
  if (std::find(known.begin(), known.end(), name) != known.end()) return std::nullopt;
  return fmt::format("unknown algorithm '{}': cairn knows {}", name.substr(0, 60), fmt::join(known, ", "));
}

SuggesterConfig MakeSuggesterConfig(const ExperimentSpec& spec) {
  SuggesterConfig config;
  config.algorithm = spec.algorithm.name;
  config.settings = spec.algorithm.settings;
  config.space = spec.space;
  config.objective = spec.objective.type;
  config.seed = spec.seed;
  config.max_trial_count = spec.max_trial_count;
  config.parallel_trial_count = spec.parallel_trial_count;
  return config;
}

void ValidateExperimentSpec(const ExperimentSpec& spec, std::vector<SpecProblem>& problems) {
  if (spec.name.empty()) {
    problems.push_back({"metadata.name", "the experiment needs a name (metadata.name, or `name` in the short form)"});
  } else if (spec.name.size() > 200) {
    problems.push_back({"metadata.name", "the experiment name is longer than 200 characters"});
  }
  if (spec.parallel_trial_count < 1) {
    problems.push_back({"spec.parallelTrialCount", "parallelTrialCount must be >= 1"});
  }
  if (spec.max_trial_count < 0) problems.push_back({"spec.maxTrialCount", "maxTrialCount must be >= 0"});
  if (spec.max_failed_trial_count < 0) {
    problems.push_back({"spec.maxFailedTrialCount", "maxFailedTrialCount must be >= 0"});
  }
  if (spec.trial_timeout_s < 0) problems.push_back({"trialTimeoutSeconds", "the trial timeout must be >= 0"});
  if (spec.space.parameters.empty()) {
    problems.push_back({"spec.parameters", "the search space has no parameters"});
  }
  std::set<std::string> names;
  for (const ParameterSpec& p : spec.space.parameters) {
    if (!names.insert(p.name).second) {
      problems.push_back({"spec.parameters", fmt::format("parameter '{}' is defined twice", p.name)});
    }
  }
  const std::vector<std::string> metrics = spec.objective.AllMetrics();
  for (const auto& [name, strategy] : spec.objective.strategies) {
    if (std::find(metrics.begin(), metrics.end(), name) == metrics.end()) {
      problems.push_back({"spec.objective.metricStrategies",
                          fmt::format("a strategy is given for '{}', which is neither the objective nor an additional "
                                      "metric",
                                      name)});
    }
  }

  // The algorithm: its name first (a clear list of what exists), then the
  // algorithm itself judges its settings and the space.
  if (spec.algorithm.name.empty()) {
    problems.push_back({"spec.algorithm.algorithmName", "the algorithm name is required"});
  } else if (auto unknown = UnknownAlgorithmMessage(spec.algorithm.name)) {
    problems.push_back({"spec.algorithm.algorithmName", *unknown});
  } else if (names.size() == spec.space.parameters.size() && !spec.space.parameters.empty()) {
    auto suggester = MakeSuggester(MakeSuggesterConfig(spec));
    if (!suggester.ok()) {
      problems.push_back({"spec.algorithm", fmt::format("{}: {}", spec.algorithm.name, suggester.status().message())});
    }
  }
  if (spec.early_stopping) {
    auto stopper = MakeEarlyStopper(spec.early_stopping->name, spec.early_stopping->settings);
    if (!stopper.ok()) {
      problems.push_back({"spec.earlyStopping", fmt::format("{}: {}", spec.early_stopping->name,
                                                            stopper.status().message())});
    }
  }

  // The trial template: rendered once, so a missing command or a dangling
  // placeholder is found now and not in every trial.
  if (!spec.trial_template.trial_spec.is_null()) {
    std::set<std::string> trial_names;
    for (const TrialParameterSpec& p : spec.trial_template.trial_parameters) {
      if (!trial_names.insert(p.name).second) {
        problems.push_back({"spec.trialTemplate.trialParameters", fmt::format("trial parameter '{}' is defined twice",
                                                                              p.name)});
      }
    }
    auto rendered = RenderTrialCommand(spec, spec.name + "-validate", SampleAssignment(spec.space));
    if (!rendered.ok()) problems.push_back({"spec.trialTemplate", rendered.status().message()});
  }

  if (spec.collector.kind == CollectorKind::kFile && spec.collector.file_path.empty()) {
    problems.push_back({"spec.metricsCollectorSpec.source.fileSystemPath.path", "the File collector needs a path"});
  }
  if (!spec.collector.filters.empty()) {
    // Compiled the way the collector will compile them (RE2 braces).
    auto parser = MetricsParser::Create(MetricsFormat::kText, spec.collector.filters, {});
    if (!parser.ok()) {
      problems.push_back({"spec.metricsCollectorSpec.source.filter.metricsFormat", parser.status().message()});
    }
  }
}

LoadedSpec LoadExperimentSpecWithProblems(std::string_view text, std::string_view source_name) {
  LoadedSpec out;
  if (text.size() > kMaxExperimentSpecBytes) {
    out.problems.push_back({std::string(source_name), fmt::format("the spec is larger than {} bytes",
                                                                  kMaxExperimentSpecBytes)});
    return out;
  }
  auto docs = pipelines::ParseYamlDocuments(text, source_name.empty() ? "spec" : source_name);
  if (!docs.ok()) {
    out.problems.push_back({std::string(source_name), docs.status().message()});
    return out;
  }
  const YamlNode* root = nullptr;
  for (const YamlNode& doc : *docs) {
    if (doc.IsNull()) continue;
    if (root != nullptr) {
      out.problems.push_back({std::string(source_name), "the file holds several documents: one experiment per file"});
      return out;
    }
    root = &doc;
  }
  if (root == nullptr) {
    out.problems.push_back({std::string(source_name), "the spec is empty"});
    return out;
  }
  out.spec = LooksLikeKatib(*root) ? LoadKatibExperiment(*root, out.problems) : LoadCairnStudy(*root, out.problems);
  if (out.problems.empty()) ValidateExperimentSpec(out.spec, out.problems);
  return out;
}

Result<ExperimentSpec> LoadExperimentSpec(std::string_view text, std::string_view source_name) {
  LoadedSpec loaded = LoadExperimentSpecWithProblems(text, source_name);
  if (loaded.problems.empty()) return std::move(loaded.spec);
  std::string message = loaded.problems.size() == 1 ? "Invalid experiment spec: "
                                                     : fmt::format("Invalid experiment spec ({} problems):\n",
                                                                   loaded.problems.size());
  for (size_t i = 0; i < loaded.problems.size(); ++i) {
    if (i > 0) message += "\n";
    const SpecProblem& p = loaded.problems[i];
    // Problems from the YAML reader already start with their location.
    bool located = p.message.find(p.location) != std::string::npos || p.location.empty();
    message += located ? p.message : fmt::format("{}: {}", p.location, p.message);
  }
  return InvalidArgument(std::move(message));
}

}  // namespace cairn::tuning
