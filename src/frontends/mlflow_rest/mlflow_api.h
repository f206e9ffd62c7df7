// The MLflow REST frontend: registers the tracking and model-registry APIs
// (/api/2.0/mlflow and /ajax-api/2.0/mlflow), the mlflow-artifacts proxy,
// cairn's lineage/audit API (/api/2.0/cairn) and /health, /version on a
// Router. Handlers only translate HTTP <-> domain calls; all state lives in
// the store and the artifact repositories passed in.
#pragma once

#include <string>

#include "artifacts/artifact_repository.h"
#include "artifacts/artifact_repository_registry.h"
#include "frontends/http/router.h"
#include "registry/registry_store.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

struct MlflowApiDeps {
  tracking::TrackingStore* store = nullptr;                   // required
  artifacts::ArtifactRepositoryRegistry* artifacts = nullptr;  // required
  // The proxied destination behind /api/2.0/mlflow-artifacts; nullptr when
  // the server runs with --no-serve-artifacts (those routes answer 503).
  artifacts::ArtifactRepository* proxied_artifacts = nullptr;
  std::string version;  // reported by /version
  // The model registry (/registered-models, /model-versions), MLflow 3
  // logged models and cairn's lineage and audit API (/api/2.0/cairn);
  // nullptr: those routes are not served.
  registry::RegistryStore* registry = nullptr;
  // Root URI under which registering a version from run files stores the
  // registry's own copy of them ("mlflow-artifacts:/models" when serving
  // artifacts). Empty: versions refer to their source (no copy).
  std::string model_storage_root;
  // Directory for temporary files while copying, ideally on the artifact
  // destination's filesystem. Empty: the system temp directory.
  std::string scratch_dir;
};

// The dependencies must outlive the router.
void RegisterMlflowApi(Router& router, const MlflowApiDeps& deps);

}  // namespace cairn::frontends
