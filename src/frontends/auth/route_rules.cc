#include "frontends/auth/route_rules.h"

#include <string>
#include <unordered_map>

#include "frontends/inference_http/deployments_api.h"
#include "mlflow_wire/endpoints.h"
#include "pipelines/api/routes.h"
#include "tuning/api/routes.h"

namespace cairn::frontends::authz {
namespace {

using auth::Need;
namespace ep = mlflow_wire::endpoints;

std::string Key(std::string_view method, std::string_view path) {
  std::string key(method);
  key += ' ';
  key += path;
  return key;
}

void Put(std::unordered_map<std::string, Rule>& map, const mlflow_wire::Endpoint& e, Rule rule) {
  map.emplace(Key(mlflow_wire::HttpMethodName(e.method), e.path), rule);
}

// Routes below /api/2.0/mlflow and /ajax-api/2.0/mlflow, by relative path.
const std::unordered_map<std::string, Rule>& MlflowRules() {
  static const auto* rules = [] {
    auto* m = new std::unordered_map<std::string, Rule>();
    auto& r = *m;
    // Experiments (MLflow: create any user; get READ; update EDIT; delete/restore MANAGE).
    Put(r, ep::kCreateExperiment, {Target::kAuthenticated, Need::kRead, {}, After::kGrantExperiment});
    Put(r, ep::kGetExperiment, {Target::kExperiment, Need::kRead, "experiment_id"});
    Put(r, ep::kGetExperimentByName, {Target::kExperimentByName, Need::kRead, "experiment_name"});
    Put(r, ep::kSearchExperiments, {Target::kAuthenticated, Need::kRead, {}, After::kFilterExperiments});
    Put(r, ep::kSearchExperimentsGet, {Target::kAuthenticated, Need::kRead, {}, After::kFilterExperiments});
    Put(r, ep::kListExperiments, {Target::kAuthenticated, Need::kRead, {}, After::kFilterExperiments});
    Put(r, ep::kUpdateExperiment, {Target::kExperiment, Need::kUpdate, "experiment_id"});
    Put(r, ep::kDeleteExperiment, {Target::kExperiment, Need::kDelete, "experiment_id"});
    Put(r, ep::kRestoreExperiment, {Target::kExperiment, Need::kDelete, "experiment_id"});
    Put(r, ep::kSetExperimentTag, {Target::kExperiment, Need::kUpdate, "experiment_id"});
    Put(r, ep::kDeleteExperimentTag, {Target::kExperiment, Need::kUpdate, "experiment_id"});
    Put(r, ep::kSearchDatasets, {Target::kExperimentList, Need::kRead, "experiment_ids"});
    // Runs: reading needs READ on the experiment, writing EDIT, deleting MANAGE.
    Put(r, ep::kCreateRun, {Target::kExperiment, Need::kUpdate, "experiment_id"});
    Put(r, ep::kGetRun, {Target::kRun, Need::kRead, "run_id"});
    Put(r, ep::kUpdateRun, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kDeleteRun, {Target::kRun, Need::kDelete, "run_id"});
    Put(r, ep::kRestoreRun, {Target::kRun, Need::kDelete, "run_id"});
    Put(r, ep::kLogMetric, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kLogParameter, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kSetTag, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kDeleteTag, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kLogBatch, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kLogInputs, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kLogModel, {Target::kRun, Need::kUpdate, "run_id"});
    Put(r, ep::kSearchRuns, {Target::kExperimentList, Need::kRead, "experiment_ids", After::kFilterRuns});
    Put(r, ep::kGetMetricHistory, {Target::kRun, Need::kRead, "run_id"});
    Put(r, ep::kGetMetricHistoryBulkInterval, {Target::kRunList, Need::kRead, "run_ids"});
    Put(r, ep::kListArtifacts, {Target::kRun, Need::kRead, "run_id"});
    // Registry (MLflow: create any user; read READ; update EDIT; delete MANAGE).
    Put(r, ep::kCreateRegisteredModel, {Target::kAuthenticated, Need::kRead, {}, After::kGrantRegisteredModel});
    Put(r, ep::kGetRegisteredModel, {Target::kRegisteredModel, Need::kRead, "name"});
    Put(r, ep::kRenameRegisteredModel, {Target::kRegisteredModel, Need::kUpdate, "name", After::kRenameRegisteredModel});
    Put(r, ep::kUpdateRegisteredModel, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kDeleteRegisteredModel, {Target::kRegisteredModel, Need::kDelete, "name", After::kForgetRegisteredModel});
    Put(r, ep::kSearchRegisteredModels, {Target::kAuthenticated, Need::kRead, {}, After::kFilterRegisteredModels});
    Put(r, ep::kGetLatestVersions, {Target::kRegisteredModel, Need::kRead, "name"});
    Put(r, ep::kGetLatestVersionsGet, {Target::kRegisteredModel, Need::kRead, "name"});
    Put(r, ep::kSetRegisteredModelTag, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kDeleteRegisteredModelTag, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kSetRegisteredModelAlias, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kDeleteRegisteredModelAlias, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kGetModelVersionByAlias, {Target::kRegisteredModel, Need::kRead, "name"});
    Put(r, ep::kCreateModelVersion, {Target::kModelVersionCreate, Need::kUpdate, "name"});
    Put(r, ep::kGetModelVersion, {Target::kRegisteredModel, Need::kRead, "name"});
    Put(r, ep::kUpdateModelVersion, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kDeleteModelVersion, {Target::kRegisteredModel, Need::kDelete, "name"});
    Put(r, ep::kSearchModelVersions, {Target::kAuthenticated, Need::kRead, {}, After::kFilterModelVersions});
    Put(r, ep::kTransitionModelVersionStage, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kGetModelVersionDownloadUri, {Target::kRegisteredModel, Need::kRead, "name"});
    Put(r, ep::kSetModelVersionTag, {Target::kRegisteredModel, Need::kUpdate, "name"});
    Put(r, ep::kDeleteModelVersionTag, {Target::kRegisteredModel, Need::kUpdate, "name"});
    // Logged models: by their experiment.
    Put(r, ep::kCreateLoggedModel, {Target::kExperiment, Need::kUpdate, "experiment_id"});
    Put(r, ep::kSearchLoggedModels, {Target::kExperimentList, Need::kRead, "experiment_ids"});
    // The UI's upload route (run_uuid in the query).
    r.emplace(Key("POST", "/upload-artifact"), Rule{Target::kRun, Need::kUpdate, "run_uuid"});
    return m;
  }();
  return *rules;
}

// Absolute paths (cairn's own APIs, the artifact proxy, the UI routes).
const std::unordered_map<std::string, Rule>& AbsoluteRules() {
  static const auto* rules = [] {
    auto* m = new std::unordered_map<std::string, Rule>();
    auto& r = *m;
    r.emplace(Key("GET", "/health"), Rule{Target::kPublic});
    r.emplace(Key("GET", "/version"), Rule{Target::kPublic});
    r.emplace(Key("GET", "/get-artifact"), Rule{Target::kRun, Need::kRead, "run_id"});
    r.emplace(Key("GET", mlflow_wire::kModelVersionArtifactPath), Rule{Target::kRegisteredModel, Need::kRead, "name"});
    // mlflow-artifacts proxy.
    const std::string artifacts = std::string(mlflow_wire::kArtifactsApiPrefix) + std::string(mlflow_wire::kArtifactsPath);
    r.emplace(Key("GET", artifacts + "/"), Rule{Target::kArtifactPath, Need::kRead});
    r.emplace(Key("PUT", artifacts + "/"), Rule{Target::kArtifactPath, Need::kUpdate});
    r.emplace(Key("DELETE", artifacts + "/"), Rule{Target::kArtifactPath, Need::kDelete});
    r.emplace(Key("GET", artifacts), Rule{Target::kArtifactPath, Need::kRead, "path"});
    r.emplace(Key("POST", std::string(mlflow_wire::kArtifactsApiPrefix) + "/mpu/"), Rule{Target::kArtifactPath, Need::kUpdate});
    // cairn lineage / registry audit (GET ?name=).
    for (std::string_view prefix : {mlflow_wire::kCairnApiPrefix, mlflow_wire::kCairnAjaxApiPrefix}) {
      r.emplace(Key("GET", std::string(prefix) + std::string(mlflow_wire::cairn_endpoints::kModelLineage.path)),
                Rule{Target::kRegisteredModel, Need::kRead, "name"});
      r.emplace(Key("GET", std::string(prefix) + std::string(mlflow_wire::cairn_endpoints::kRegistryAudit.path)),
                Rule{Target::kRegisteredModel, Need::kRead, "name"});
      // The dashboard's chart downsampling (dashboard.cc).
      r.emplace(Key("GET", std::string(prefix) + "/metrics/downsampled"), Rule{Target::kRun, Need::kRead, "run_id"});
    }
    // Pipelines.
    namespace pa = pipelines::api;
    r.emplace(Key(pa::kSubmitRun.method, pa::kSubmitRun.path), Rule{Target::kPipelineSubmit, Need::kUpdate, {}, After::kGrantSubmitted});
    r.emplace(Key(pa::kListRuns.method, pa::kListRuns.path), Rule{Target::kAuthenticated, Need::kRead, {}, After::kFilterPipelineRuns});
    r.emplace(Key(pa::kGetRun.method, pa::kGetRun.path), Rule{Target::kPipelineRun, Need::kRead, "run_id"});
    r.emplace(Key(pa::kGetLogs.method, pa::kGetLogs.path), Rule{Target::kPipelineRun, Need::kRead, "run_id"});
    r.emplace(Key(pa::kCancelRun.method, pa::kCancelRun.path), Rule{Target::kPipelineRun, Need::kUpdate, "run_id"});
    r.emplace(Key(pa::kValidate.method, pa::kValidate.path), Rule{Target::kAuthenticated, Need::kRead});
    // Tuning.
    namespace ta = tuning::api;
    r.emplace(Key(ta::kSubmitExperiment.method, ta::kSubmitExperiment.path), Rule{Target::kTuningSubmit, Need::kUpdate, {}, After::kGrantSubmitted});
    r.emplace(Key(ta::kListExperiments.method, ta::kListExperiments.path), Rule{Target::kAuthenticated, Need::kRead, {}, After::kFilterTuning});
    r.emplace(Key(ta::kGetExperiment.method, ta::kGetExperiment.path), Rule{Target::kTuningExperiment, Need::kRead, "experiment_id"});
    r.emplace(Key(ta::kStopExperiment.method, ta::kStopExperiment.path), Rule{Target::kTuningExperiment, Need::kUpdate, "experiment_id"});
    r.emplace(Key(ta::kResumeExperiment.method, ta::kResumeExperiment.path), Rule{Target::kTuningExperiment, Need::kUpdate, "experiment_id"});
    r.emplace(Key(ta::kTrialLogs.method, ta::kTrialLogs.path), Rule{Target::kTuningExperiment, Need::kRead, "experiment_id"});
    r.emplace(Key(ta::kValidate.method, ta::kValidate.path), Rule{Target::kAuthenticated, Need::kRead});
    // Serving control; deployment deletion needs MANAGE like a model's.
    const std::string deployments = kDeploymentsPath;
    r.emplace(Key("POST", deployments), Rule{Target::kDeploymentCreate, Need::kUpdate, "model_uri"});
    r.emplace(Key("GET", deployments), Rule{Target::kAuthenticated, Need::kRead, {}, After::kFilterDeployments});
    r.emplace(Key("GET", deployments + "/"), Rule{Target::kDeployment, Need::kRead});
    r.emplace(Key("PATCH", deployments + "/"), Rule{Target::kDeployment, Need::kUpdate, "model_uri"});
    r.emplace(Key("DELETE", deployments + "/"), Rule{Target::kDeployment, Need::kDelete});
    return m;
  }();
  return *rules;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::optional<Rule> FindRule(std::string_view method, std::string_view path, bool prefix) {
  // The auth API's own routes check inside their handlers.
  if (StartsWith(path, "/api/2.0/cairn/auth/") || StartsWith(path, "/ajax-api/2.0/cairn/auth/")) {
    return Rule{Target::kSelf};
  }
  for (std::string_view api : {mlflow_wire::kApiPrefix, mlflow_wire::kAjaxApiPrefix}) {
    if (!StartsWith(path, api)) continue;
    std::string_view rest = path.substr(api.size());
    if (StartsWith(rest, "/users/") || StartsWith(rest, "/experiments/permissions/") ||
        StartsWith(rest, "/registered-models/permissions/")) {
      return Rule{Target::kSelf};
    }
    if (prefix && StartsWith(rest, mlflow_wire::kLoggedModelsPath)) return Rule{Target::kLoggedModel, Need::kRead};
    auto& rules = MlflowRules();
    if (auto it = rules.find(Key(method, rest)); it != rules.end()) return it->second;
  }
  auto& rules = AbsoluteRules();
  if (auto it = rules.find(Key(method, path)); it != rules.end()) return it->second;
  // Inference protocols (OIP v2, V1, /invocations) and their health/metadata.
  if (StartsWith(path, "/v2/health") || path == "/ping") return Rule{Target::kPublic};
  if (path == "/v2" || StartsWith(path, "/v2/") || StartsWith(path, "/v1/") || path == "/invocations" || path == "/metrics") {
    return Rule{Target::kInference, Need::kRead};
  }
  return std::nullopt;
}

}  // namespace cairn::frontends::authz
