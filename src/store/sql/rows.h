// Row <-> entity conversion shared by the SQLite store's queries: the column
// lists selected for runs and experiments, their readers, and how metric
// values that SQL cannot hold (NaN, +-Inf) are encoded. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"
#include "tracking/entities.h"

namespace cairn::store::sql {

// Columns 0..8 read by ReadRunInfo; the runs table is aliased `r`.
inline constexpr std::string_view kRunColumns =
    "r.run_uuid, r.name, r.experiment_id, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, "
    "r.lifecycle_stage";
tracking::RunInfo ReadRunInfo(const Statement& stmt);

// Columns 0..5 read by ReadExperiment; the experiments table is aliased `e`.
inline constexpr std::string_view kExperimentColumns =
    "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time";
tracking::Experiment ReadExperiment(const Statement& stmt);

// NaN -> (0, is_nan); +-Inf -> +-1.7976931348623157e308 (MLflow's encoding).
struct StoredMetricValue {
  double value;
  bool is_nan;
};
StoredMetricValue EncodeMetricValue(double value);
// is_nan -> NaN; otherwise the stored value (so +-Inf reads back as +-DBL_MAX).
double DecodeMetricValue(double value, bool is_nan);

// Clamps +-Inf to +-DBL_MAX so filters compare like stored values.
double ClampInfinity(double value);

// `values` as a JSON array of strings, for `IN ({text_list})` (Dialect::Expand).
std::string JsonStringArray(const std::vector<std::string>& values);

tracking::LifecycleStage ParseLifecycleStage(std::string_view text);

// "mlflow-artifacts:" + "1" -> "mlflow-artifacts:/1": exactly one '/'
// between the parts. An empty root yields `child`.
std::string JoinUri(std::string_view root, std::string_view child);

}  // namespace cairn::store::sql
