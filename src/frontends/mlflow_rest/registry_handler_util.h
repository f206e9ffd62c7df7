// Internal to the MLflow frontend: what the model-registry, logged-model and
// lineage handlers share — their dependencies, the request's actor, typed
// reading of registry parameters, and route registration under both API
// prefixes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/artifact_repository.h"
#include "artifacts/artifact_repository_registry.h"
#include "base/result.h"
#include "frontends/http/request_params.h"
#include "frontends/http/router.h"
#include "mlflow_wire/endpoints.h"
#include "registry/registry_store.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

// Everything the registry-side handlers use. All references outlive the
// router.
struct RegistryContext {
  registry::RegistryStore& registry;
  tracking::TrackingStore& tracking;
  artifacts::ArtifactRepositoryRegistry& artifacts;
  // URI under which registered versions get their own copy of run files
  // ("mlflow-artifacts:/models" when serving artifacts). Empty: versions
  // keep referring to their source (no copy).
  std::string model_storage_root;
  // A directory for temporary files during copies, preferably on the same
  // filesystem as the artifact destination so copies land by rename. Empty:
  // the system temp directory.
  std::string scratch_dir;
};

// The identity recorded as user_id and in the audit trail: the user name of
// an HTTP Basic Authorization header (what MLflow clients send when
// MLFLOW_TRACKING_USERNAME is set), "" otherwise. Authentication is not
// enforced by this frontend; the name is as the client claims it.
registry::Actor ActorOf(const HttpRequest& request);

// A required version parameter ("version" by default): a string or number
// holding a positive integer; otherwise kInvalidArgument.
Result<int64_t> RequireVersion(const RequestParams& params, std::string_view field = "version");

// [{key, value}] objects under `field`, each checked as a registry tag.
Result<std::vector<registry::Tag>> ReadRegistryTagList(const RequestParams& params, std::string_view field);

// filter, max_results (default `default_max`, checked against `limit`),
// order_by and page_token, as both registry search endpoints take them.
Result<registry::SearchRequest> ReadRegistrySearch(const RequestParams& params, int64_t default_max, int64_t limit);

// A JSON handler that also sees the request (for the actor).
using RegistryJsonFn = std::function<Result<std::string>(const RequestParams&, const HttpRequest&)>;

// Registers `fn` for `endpoint` under /api/2.0/mlflow and /ajax-api/2.0/mlflow.
void AddRegistryRoute(Router& router, const mlflow_wire::Endpoint& endpoint, RegistryJsonFn fn);
// The same under /api/2.0/cairn and /ajax-api/2.0/cairn.
void AddCairnRoute(Router& router, const mlflow_wire::Endpoint& endpoint, RegistryJsonFn fn);

}  // namespace cairn::frontends
