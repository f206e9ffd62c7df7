// MetricLog: every report of a trial's metrics, in arrival order, and what
// is derived from it: a metric's value by its strategy (min / max / latest)
// and Katib's observation {min, max, latest}. Persisted with the trial as
// JSON (TrialRecord::metrics_json). Thread-compatible plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "tuning/spec/experiment_spec.h"

namespace cairn::tuning {

struct MetricPoint {
  int64_t step = 0;
  double value = 0;
  int64_t timestamp_ms = 0;
};

// Reports beyond this many per metric are dropped (a trial printing a
// metric every millisecond must not grow its record without bound).
inline constexpr size_t kMaxPointsPerMetric = 10000;

using MetricLog = std::map<std::string, std::vector<MetricPoint>>;

std::string MetricLogToJson(const MetricLog& log);
// Malformed text gives an empty log (the record was written by us).
MetricLog MetricLogFromJson(const std::string& json);

// nullopt when the metric never appeared.
std::optional<double> ApplyStrategy(const std::vector<MetricPoint>& points, MetricStrategy strategy);
std::optional<double> MetricValue(const MetricLog& log, const std::string& metric, MetricStrategy strategy);

}  // namespace cairn::tuning
