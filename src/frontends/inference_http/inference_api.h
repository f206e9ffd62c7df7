// The inference endpoints over a ModelRepository:
//   Open Inference Protocol v2: GET /v2, /v2/health/live|ready, /v2/models,
//     GET /v2/models/{m}[/versions/{v}][/ready],
//     POST /v2/models/{m}[/versions/{v}]/infer
//   KServe V1: GET /v1/models, /v1/models/{m}; POST /v1/models/{m}:predict
//   MLflow scoring server: POST /invocations (the only deployment, or the
//     one named by the `model` query parameter), GET /ping
//   Prometheus: GET /metrics
// Errors are {"error": "..."} with KServe's statuses (inference_errors.h).
// Every inference response carries the X-Cairn-Model-Version header (and
// OIP responses model_version), so a prediction can be traced back to the
// model version, its run and its data.
#pragma once

#include <string>

#include "frontends/http/router.h"
#include "serving/model_repository.h"

namespace cairn::frontends {

struct InferenceApiDeps {
  serving::ModelRepository* repository = nullptr;  // required; outlives the router
  std::string server_name = "cairn";
  std::string version;
  // `cairn serve`: the server is ready only once its model is loaded. The
  // platform server is ready with no deployments.
  bool ready_requires_model = false;
  // Also answer GET /health and /version (the platform server has its own).
  bool add_health_routes = false;
};

void RegisterInferenceApi(Router& router, const InferenceApiDeps& deps);

}  // namespace cairn::frontends
