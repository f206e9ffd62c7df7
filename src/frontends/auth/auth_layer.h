// The authentication and authorization layer of the HTTP API (docs/auth.md).
// InstallAuthLayer gives every route registered on the router (exact,
// prefix and fallback) an admission stage and wraps its handler, once, at
// start-up. Admission runs before the listener reads the body:
//   1. authentication: Authorization Basic/Bearer, else the cairn_session
//      cookie (auth/authenticator.h); a bad credential is 401
//      UNAUTHENTICATED with WWW-Authenticate: Basic realm="cairn"; locked
//      out keys and exhausted rate limits are 429 with Retry-After; the
//      caller's body limits (RequestLimits, auth::UserLimits) are set, and
//      the identity is left in HttpRequest::identity.
// The wrapped handler runs after the body is read:
//   2. CSRF: a cookie-authenticated POST/PUT/PATCH/DELETE must carry the
//      session's token in X-CSRF-Token, else 403;
//   3. authorization by the route's rule (route_rules.h): the resource the
//      request names is resolved (run -> experiment, pipeline run ->
//      experiment, deployment -> model, ...) and the caller's effective
//      permission (auth/authorizer.h) must allow the rule's need, else 403
//      PERMISSION_DENIED — before the handler runs, so a forbidden request
//      changes nothing;
//   4. after a successful handler: creator grants, renames, and filtering of
//      search/list responses down to what the caller may read.
// Denied and failed requests go to the audit log.
//
// The identity of the request being handled is available to handlers that
// run inside the layer (the auth API) through CurrentIdentity().
// Thread-safety: the installed handlers are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "auth/audit.h"
#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "auth/identity.h"
#include "auth/rate_limiter.h"
#include "frontends/http/router.h"
#include "registry/registry_store.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

namespace authz {
class RunExperiments;
}  // namespace authz

// The request size and rate limits of users without their own
// (auth::UserLimits), and of anonymous callers.
struct RequestLimits {
  uint64_t anonymous_max_body_bytes = 64 * 1024;  // bodies and uploads alike
  uint64_t max_body_bytes = 0;                    // 0: the server's --max-body-bytes
  uint64_t max_upload_bytes = 0;                  // 0: unlimited
  double requests_per_second = 0;                 // 0: unlimited (needs request_limiter)
};

struct AuthLayerDeps {
  auth::AuthStore* store = nullptr;
  auth::Authenticator* authenticator = nullptr;
  auth::Authorizer* authorizer = nullptr;
  auth::AuditLog* audit = nullptr;
  // Per-user (per-address for anonymous callers) request limit; nullptr: none.
  auth::RateLimiter* request_limiter = nullptr;
  RequestLimits limits;
  tracking::TrackingStore* tracking = nullptr;
  // Run -> experiment, remembered (run_experiments.h); nullptr: read the
  // run from `tracking` each time.
  authz::RunExperiments* run_experiments = nullptr;
  registry::RegistryStore* registry = nullptr;  // nullable
  // Resolvers into the other subsystems (nullable: those routes are then
  // admin-only): pipeline run id -> tracking experiment id, tuning
  // experiment id -> tracking experiment id, deployment name -> model URI.
  std::function<Result<std::string>(const std::string&)> pipeline_run_experiment;
  std::function<Result<std::string>(const std::string&)> tuning_experiment_tracking;
  std::function<Result<std::string>(const std::string&)> deployment_model_uri;
};

// `deps` pointers must outlive the router.
void InstallAuthLayer(Router& router, const AuthLayerDeps& deps);

// The identity of the request being handled on this thread (set by the
// layer around the handler call); anonymous outside it.
const auth::Identity& CurrentIdentity();

// The MLflow error JSON responses of the layer.
HttpResponse UnauthenticatedResponse(const std::string& message, bool challenge);
HttpResponse PermissionDeniedResponse(const std::string& message);
HttpResponse TooManyRequestsResponse(const std::string& message, int64_t retry_after_ms);

}  // namespace cairn::frontends
