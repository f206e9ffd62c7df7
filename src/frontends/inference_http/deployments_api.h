// cairn's deployments API (docs/protocols/cairn-serving.md): serve registry
// models from the platform server.
//   POST   /api/2.0/cairn/serving/deployments          create (loads, warms up)
//   GET    /api/2.0/cairn/serving/deployments          list
//   GET    /api/2.0/cairn/serving/deployments/{name}   get
//   PATCH  /api/2.0/cairn/serving/deployments/{name}   new version / canary split / batching
//   DELETE /api/2.0/cairn/serving/deployments/{name}   stop serving
// Errors use the MLflow-style {"error_code", "message"} of the rest of the
// cairn API (frontends/http/status_mapping.h).
#pragma once

#include "frontends/http/router.h"
#include "serving/model_repository.h"

namespace cairn::frontends {

inline constexpr char kDeploymentsPath[] = "/api/2.0/cairn/serving/deployments";

// `repository` must outlive the router.
void RegisterDeploymentsApi(Router& router, serving::ModelRepository& repository);

// The JSON of one deployment (also used by tests and the CLI docs).
std::string DeploymentJson(const serving::Deployment& deployment);

}  // namespace cairn::frontends
