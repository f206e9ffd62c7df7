// ExperimentSpec: one tuning experiment as the runtime needs it, whichever
// format it was written in (Katib v1beta1 `Experiment` YAML, or cairn's short
// study YAML; see docs/tuning.md). The loaders (katib_loader.h,
// cairn_loader.h) fill it and apply Katib's defaults; ValidateExperimentSpec
// checks it. Plain values, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pipelines/spec/value.h"
#include "tuning/search_space.h"
#include "tuning/suggester.h"

namespace cairn::tuning {

// How a trial's value is taken from its metric log (Katib metricStrategies).
enum class MetricStrategy { kMin, kMax, kLatest };

struct ObjectiveSpec {
  ObjectiveType type = ObjectiveType::kMinimize;
  std::optional<double> goal;
  std::string metric_name;                      // objectiveMetricName
  std::vector<std::string> additional_metrics;  // additionalMetricNames
  // One per metric (objective first, then additional ones), after defaults:
  // min for minimize, max for maximize.
  std::vector<std::pair<std::string, MetricStrategy>> strategies;

  MetricStrategy StrategyFor(const std::string& metric) const;
  // The objective and additional metric names, objective first.
  std::vector<std::string> AllMetrics() const;
};

struct AlgorithmSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> settings;
};

enum class CollectorKind { kStdOut, kFile, kPush };
enum class MetricsFormat { kText, kJson };

struct MetricsCollectorSpec {
  CollectorKind kind = CollectorKind::kStdOut;
  // kFile: the path as written in the spec (absolute container paths are
  // mapped into the trial's working directory); default
  // /var/log/katib/metrics.log.
  std::string file_path;
  MetricsFormat format = MetricsFormat::kText;
  // Regexes with two groups (name, value); empty: Katib's default.
  std::vector<std::string> filters;
};

struct TrialParameterSpec {
  std::string name;
  std::string description;
  // An experiment parameter name, or trial metadata `${trialSpec.Name}`,
  // `${trialSpec.Labels[key]}`, ...
  std::string reference;
};

struct TrialTemplateSpec {
  std::string primary_container_name;
  std::vector<TrialParameterSpec> trial_parameters;
  // The inline trialSpec (a k8s object) with `${trialParameters.x}`
  // placeholders still in it; the cairn form builds a minimal Job around
  // its command.
  pipelines::Value trial_spec;
  bool retain = false;
};

enum class ResumePolicy { kNever, kLongRunning, kFromVolume };

struct ExperimentSpec {
  std::string name;
  std::string namespace_name = "default";
  ObjectiveSpec objective;
  AlgorithmSpec algorithm;
  std::optional<AlgorithmSpec> early_stopping;
  int parallel_trial_count = 3;
  int max_trial_count = 0;         // 0: unbounded (until goal / exhausted)
  int max_failed_trial_count = 0;  // 0: no limit
  ResumePolicy resume_policy = ResumePolicy::kNever;
  SearchSpace space;
  TrialTemplateSpec trial_template;
  MetricsCollectorSpec collector;
  // Kill a trial after this long; 0: the server default. From the Job's
  // activeDeadlineSeconds or the cairn form's `trialTimeoutSeconds`.
  int64_t trial_timeout_s = 0;
  uint64_t seed = 0;
  enum class Format { kKatib, kCairn } format = Format::kKatib;
};

// One problem found while loading or validating, with where it is
// ("file.yaml:12:5: spec.parameters[0].feasibleSpace.min").
struct SpecProblem {
  std::string location;
  std::string message;
};

std::string_view MetricStrategyName(MetricStrategy s);  // "min" | "max" | "latest"
std::string_view ResumePolicyName(ResumePolicy p);      // "Never" | ...
std::string_view CollectorKindName(CollectorKind k);    // "StdOut" | "File" | "Push"
std::string_view ParameterTypeName(ParameterType t);    // "double" | "int" | ...
std::string_view DistributionName(Distribution d);      // "uniform" | "logUniform" | ...

// Katib's default for a File collector without a path.
inline constexpr char kDefaultMetricsFilePath[] = "/var/log/katib/metrics.log";
// Katib's default text filter: `name=value`, two groups.
inline constexpr char kDefaultMetricsRegex[] = R"(([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?))";

}  // namespace cairn::tuning
