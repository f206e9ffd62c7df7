// The MLflow REST endpoints cairn serves, declared once and used by both the
// server's router (frontends/mlflow_rest) and the client library, so the two
// cannot drift apart. Paths are relative to the API prefix.
#pragma once

#include <string_view>

namespace cairn::mlflow_wire {

enum class HttpMethod { kGet, kPost, kPut, kPatch, kDelete };

// "GET", "POST", ... (the one spelling used by server routes and the client).
std::string_view HttpMethodName(HttpMethod method);

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
// Model registry: registered models.
inline constexpr Endpoint kCreateRegisteredModel{kPost, "/registered-models/create"};
inline constexpr Endpoint kGetRegisteredModel{kGet, "/registered-models/get"};
inline constexpr Endpoint kRenameRegisteredModel{kPost, "/registered-models/rename"};
inline constexpr Endpoint kUpdateRegisteredModel{kPatch, "/registered-models/update"};
inline constexpr Endpoint kDeleteRegisteredModel{kDelete, "/registered-models/delete"};  // JSON body
inline constexpr Endpoint kSearchRegisteredModels{kGet, "/registered-models/search"};
inline constexpr Endpoint kGetLatestVersions{kPost, "/registered-models/get-latest-versions"};
inline constexpr Endpoint kGetLatestVersionsGet{kGet, "/registered-models/get-latest-versions"};
inline constexpr Endpoint kSetRegisteredModelTag{kPost, "/registered-models/set-tag"};
inline constexpr Endpoint kDeleteRegisteredModelTag{kDelete, "/registered-models/delete-tag"};
// Aliases: one path, three methods.
inline constexpr Endpoint kSetRegisteredModelAlias{kPost, "/registered-models/alias"};
inline constexpr Endpoint kDeleteRegisteredModelAlias{kDelete, "/registered-models/alias"};
inline constexpr Endpoint kGetModelVersionByAlias{kGet, "/registered-models/alias"};
// Model registry: model versions.
inline constexpr Endpoint kCreateModelVersion{kPost, "/model-versions/create"};
inline constexpr Endpoint kGetModelVersion{kGet, "/model-versions/get"};
inline constexpr Endpoint kUpdateModelVersion{kPatch, "/model-versions/update"};
inline constexpr Endpoint kDeleteModelVersion{kDelete, "/model-versions/delete"};
inline constexpr Endpoint kSearchModelVersions{kGet, "/model-versions/search"};
inline constexpr Endpoint kTransitionModelVersionStage{kPost, "/model-versions/transition-stage"};
inline constexpr Endpoint kGetModelVersionDownloadUri{kGet, "/model-versions/get-download-uri"};
inline constexpr Endpoint kSetModelVersionTag{kPost, "/model-versions/set-tag"};
inline constexpr Endpoint kDeleteModelVersionTag{kDelete, "/model-versions/delete-tag"};
// MLflow 3 logged models. The server serves the paths with {placeholders} as
// one prefix route below kLoggedModelsPath and parses the ids out of the
// path; the client fills them in (URL-escaped).
inline constexpr Endpoint kCreateLoggedModel{kPost, "/logged-models"};
inline constexpr Endpoint kSearchLoggedModels{kPost, "/logged-models/search"};
inline constexpr Endpoint kGetLoggedModel{kGet, "/logged-models/{model_id}"};
inline constexpr Endpoint kFinalizeLoggedModel{kPatch, "/logged-models/{model_id}"};
inline constexpr Endpoint kDeleteLoggedModel{kDelete, "/logged-models/{model_id}"};
inline constexpr Endpoint kSetLoggedModelTags{kPatch, "/logged-models/{model_id}/tags"};
inline constexpr Endpoint kDeleteLoggedModelTag{kDelete, "/logged-models/{model_id}/tags/{tag_key}"};
inline constexpr Endpoint kLogLoggedModelParams{kPost, "/logged-models/{model_id}/params"};
inline constexpr Endpoint kListLoggedModelArtifacts{kGet, "/logged-models/{model_id}/artifacts/directories"};
}  // namespace endpoints

inline constexpr std::string_view kLoggedModelsPath = "/logged-models";

// UI download route for a model version's files (no API prefix):
// GET /model-versions/get-artifact?name=&version=&path=
inline constexpr std::string_view kModelVersionArtifactPath = "/model-versions/get-artifact";

// cairn's own API (not MLflow): /api/2.0/cairn and /ajax-api/2.0/cairn.
// Documented in docs/protocols/cairn-lineage.md.
inline constexpr std::string_view kCairnApiPrefix = "/api/2.0/cairn";
inline constexpr std::string_view kCairnAjaxApiPrefix = "/ajax-api/2.0/cairn";
namespace cairn_endpoints {
using enum HttpMethod;
// ?name=N&version=V or ?name=N&alias=A
inline constexpr Endpoint kModelLineage{kGet, "/models/lineage"};
// ?name=N&max_results=K (name optional: all models)
inline constexpr Endpoint kRegistryAudit{kGet, "/registry/audit"};
}  // namespace cairn_endpoints

// mlflow-artifacts proxy: <kArtifactsApiPrefix>/artifacts/<path> with
// PUT (upload), GET (download), DELETE; GET <prefix>/artifacts?path=<dir> lists.
inline constexpr std::string_view kArtifactsPath = "/artifacts";

}  // namespace cairn::mlflow_wire
