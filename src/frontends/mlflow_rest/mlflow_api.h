// The MLflow REST frontend: registers the tracking API (/api/2.0/mlflow and
// /ajax-api/2.0/mlflow), the mlflow-artifacts proxy and /health, /version on a
// Router. Handlers only translate HTTP <-> domain calls; all state lives in
// the store and the artifact repositories passed in.
#pragma once

#include <string>

#include "artifacts/artifact_repository.h"
#include "artifacts/artifact_repository_registry.h"
#include "frontends/http/router.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

struct MlflowApiDeps {
  tracking::TrackingStore* store = nullptr;                   // required
  artifacts::ArtifactRepositoryRegistry* artifacts = nullptr;  // required
  // The proxied destination behind /api/2.0/mlflow-artifacts; nullptr when
  // the server runs with --no-serve-artifacts (those routes answer 503).
  artifacts::ArtifactRepository* proxied_artifacts = nullptr;
  std::string version;  // reported by /version
};

// The dependencies must outlive the router.
void RegisterMlflowApi(Router& router, const MlflowApiDeps& deps);

}  // namespace cairn::frontends
