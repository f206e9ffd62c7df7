// Internal to the MLflow frontend: one registration function per handler
// file, called by RegisterMlflowApi.
#pragma once

#include "artifacts/artifact_repository.h"
#include "artifacts/artifact_repository_registry.h"
#include "base/result.h"
#include "frontends/http/request_params.h"
#include "frontends/http/router.h"
#include "mlflow_wire/endpoints.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

// Registers `fn` for `endpoint` under both API prefixes.
void AddStoreRoute(Router& router, const mlflow_wire::Endpoint& endpoint, tracking::TrackingStore& store,
                   Result<std::string> (*fn)(tracking::TrackingStore&, const RequestParams&));

void RegisterExperimentRoutes(Router& router, tracking::TrackingStore& store);
void RegisterRunRoutes(Router& router, tracking::TrackingStore& store);
void RegisterMetricRoutes(Router& router, tracking::TrackingStore& store);
void RegisterArtifactRoutes(Router& router, tracking::TrackingStore& store,
                            artifacts::ArtifactRepositoryRegistry& registry,
                            artifacts::ArtifactRepository* proxied);

// Streams the file at `path` of `repo` as an attachment (guessed content
// type, nosniff), or the MLflow error JSON.
HttpResponse DownloadArtifact(artifacts::ArtifactRepository& repo, const std::string& path);

// Model registry, logged models and cairn's lineage/audit API
// (registry_*.cc, logged_model_handlers.cc, lineage_handlers.cc).
struct RegistryContext;
void RegisterRegistryModelRoutes(Router& router, const RegistryContext& context);
void RegisterRegistryVersionRoutes(Router& router, const RegistryContext& context);
void RegisterLoggedModelRoutes(Router& router, const RegistryContext& context);
void RegisterLineageRoutes(Router& router, const RegistryContext& context);

}  // namespace cairn::frontends
