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

}  // namespace cairn::frontends
