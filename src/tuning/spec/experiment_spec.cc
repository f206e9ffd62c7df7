#include "tuning/spec/experiment_spec.h"

namespace cairn::tuning {

MetricStrategy ObjectiveSpec::StrategyFor(const std::string& metric) const {
  for (const auto& [name, strategy] : strategies) {
    if (name == metric) return strategy;
  }
  return type == ObjectiveType::kMinimize ? MetricStrategy::kMin : MetricStrategy::kMax;
}

std::vector<std::string> ObjectiveSpec::AllMetrics() const {
  std::vector<std::string> out = {metric_name};
  for (const std::string& m : additional_metrics) {
    if (m != metric_name) out.push_back(m);
  }
  return out;
}

std::string_view MetricStrategyName(MetricStrategy s) {
  switch (s) {
    case MetricStrategy::kMin: return "min";
    case MetricStrategy::kMax: return "max";
    case MetricStrategy::kLatest: return "latest";
  }
  return "min";
}

std::string_view ResumePolicyName(ResumePolicy p) {
  switch (p) {
    case ResumePolicy::kNever: return "Never";
    case ResumePolicy::kLongRunning: return "LongRunning";
    case ResumePolicy::kFromVolume: return "FromVolume";
  }
  return "Never";
}

std::string_view CollectorKindName(CollectorKind k) {
  switch (k) {
    case CollectorKind::kStdOut: return "StdOut";
    case CollectorKind::kFile: return "File";
    case CollectorKind::kPush: return "Push";
  }
  return "StdOut";
}

std::string_view ParameterTypeName(ParameterType t) {
  switch (t) {
    case ParameterType::kDouble: return "double";
    case ParameterType::kInt: return "int";
    case ParameterType::kCategorical: return "categorical";
    case ParameterType::kDiscrete: return "discrete";
  }
  return "double";
}

std::string_view DistributionName(Distribution d) {
  switch (d) {
    case Distribution::kUniform: return "uniform";
    case Distribution::kLogUniform: return "logUniform";
    case Distribution::kNormal: return "normal";
    case Distribution::kLogNormal: return "logNormal";
  }
  return "uniform";
}

}  // namespace cairn::tuning
