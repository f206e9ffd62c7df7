// The MLflow REST endpoints cairn serves, declared once and used by both the
// server's router (frontends/mlflow_rest) and the client library, so the two
// cannot drift apart. Paths are relative to the API prefix.
#pragma once

#include <string_view>

namespace cairn::mlflow_wire {

enum class HttpMethod { kGet, kPost, kPut, kPatch, kDelete };

struct Endpoint {
  HttpMethod method;
  std::string_view path;  // below kApiPrefix / kAjaxApiPrefix
};

inline constexpr std::string_view kApiPrefix = "/api/2.0/mlflow";
inline constexpr std::string_view kAjaxApiPrefix = "/ajax-api/2.0/mlflow";
inline constexpr std::string_view kArtifactsApiPrefix = "/api/2.0/mlflow-artifacts";

namespace endpoints {
using enum HttpMethod;
// Experiments.
inline constexpr Endpoint kCreateExperiment{kPost, "/experiments/create"};
inline constexpr Endpoint kGetExperiment{kGet, "/experiments/get"};
inline constexpr Endpoint kGetExperimentByName{kGet, "/experiments/get-by-name"};
inline constexpr Endpoint kSearchExperiments{kPost, "/experiments/search"};
inline constexpr Endpoint kSearchExperimentsGet{kGet, "/experiments/search"};
inline constexpr Endpoint kListExperiments{kGet, "/experiments/list"};  // removed in MLflow 2.0; old clients
inline constexpr Endpoint kUpdateExperiment{kPost, "/experiments/update"};
inline constexpr Endpoint kDeleteExperiment{kPost, "/experiments/delete"};
inline constexpr Endpoint kRestoreExperiment{kPost, "/experiments/restore"};
inline constexpr Endpoint kSetExperimentTag{kPost, "/experiments/set-experiment-tag"};
inline constexpr Endpoint kDeleteExperimentTag{kPost, "/experiments/delete-experiment-tag"};
inline constexpr Endpoint kSearchDatasets{kPost, "/experiments/search-datasets"};
// Runs.
inline constexpr Endpoint kCreateRun{kPost, "/runs/create"};
inline constexpr Endpoint kGetRun{kGet, "/runs/get"};
inline constexpr Endpoint kUpdateRun{kPost, "/runs/update"};
inline constexpr Endpoint kDeleteRun{kPost, "/runs/delete"};
inline constexpr Endpoint kRestoreRun{kPost, "/runs/restore"};
inline constexpr Endpoint kLogMetric{kPost, "/runs/log-metric"};
inline constexpr Endpoint kLogParameter{kPost, "/runs/log-parameter"};
inline constexpr Endpoint kSetTag{kPost, "/runs/set-tag"};
inline constexpr Endpoint kDeleteTag{kPost, "/runs/delete-tag"};
inline constexpr Endpoint kLogBatch{kPost, "/runs/log-batch"};
inline constexpr Endpoint kLogInputs{kPost, "/runs/log-inputs"};
inline constexpr Endpoint kLogModel{kPost, "/runs/log-model"};
inline constexpr Endpoint kSearchRuns{kPost, "/runs/search"};
// Metrics and artifacts (tracking side).
inline constexpr Endpoint kGetMetricHistory{kGet, "/metrics/get-history"};
inline constexpr Endpoint kGetMetricHistoryBulkInterval{kGet, "/metrics/get-history-bulk-interval"};
inline constexpr Endpoint kListArtifacts{kGet, "/artifacts/list"};
}  // namespace endpoints

// mlflow-artifacts proxy: <kArtifactsApiPrefix>/artifacts/<path> with
// PUT (upload), GET (download), DELETE; GET <prefix>/artifacts?path=<dir> lists.
inline constexpr std::string_view kArtifactsPath = "/artifacts";

}  // namespace cairn::mlflow_wire
