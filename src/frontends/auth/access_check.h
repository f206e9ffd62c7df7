// AccessCheck: resolves what one request names (route_rules.h Target) to an
// experiment or registered model and checks the caller's permission on it;
// ApplyAfter runs the rule's after-step on a successful response. Internal to
// the auth layer. Not thread-safe; lives for one request.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "frontends/auth/auth_layer.h"
#include "frontends/auth/route_rules.h"
#include "frontends/http/request_params.h"

namespace cairn::frontends::authz {

class AccessCheck {
 public:
  AccessCheck(const AuthLayerDeps& deps, const auth::Identity& identity, const HttpRequest& request)
      : deps_(deps), identity_(identity), request_(request) {}

  // OK: allowed. kPermissionDenied: refused (message for the caller);
  // kInvalidArgument etc.: the request is malformed.
  Status Check(const Route& route, const Rule& rule);

  // Read access for response filtering (cached per resource).
  bool CanRead(auth::ResourceKind kind, const std::string& resource);
  // The experiment a tracking run is in ("" if the run does not exist).
  std::string RunExperiment(const std::string& run_id);

  // What the request was checked against, for the audit log.
  const std::string& target() const { return target_; }
  // Set by Check for creations: the workspace the new resource goes to.
  const std::string& new_workspace() const { return new_workspace_; }
  // Submit by experiment name that did not exist yet (it will be created).
  bool creates_experiment() const { return creates_experiment_; }
  const RequestParams* params() const { return params_ ? &*params_ : nullptr; }

 private:
  Status Need(auth::ResourceKind kind, const std::string& resource, auth::Need need);
  Status NeedExperiment(const std::string& experiment_id, auth::Need need) {
    return Need(auth::ResourceKind::kExperiment, experiment_id, need);
  }
  Status NeedRun(const std::string& run_id, auth::Need need);
  Status NeedModelUri(const std::string& uri, auth::Need need);
  Status NeedArtifactPath(const std::string& raw_path, auth::Need need);
  Status NeedSubmit(bool name_required);
  Status NeedVersionSource();
  Result<const RequestParams*> Params();
  Result<std::string> Param(std::string_view key);
  bool RunInTaskScope(const std::string& run_id);
  // kNotFound for a missing run.
  Result<std::string> FindRunExperiment(const std::string& run_id);

  const AuthLayerDeps& deps_;
  const auth::Identity& identity_;
  const HttpRequest& request_;
  std::optional<RequestParams> params_;
  std::map<std::pair<int, std::string>, auth::Permission> cache_;
  std::string target_;
  std::string new_workspace_;
  bool creates_experiment_ = false;
};

// The rule's after-step for a 2xx response (may rewrite `response`).
void ApplyAfter(const AuthLayerDeps& deps, const auth::Identity& identity, AccessCheck& check, After after,
                const HttpRequest& request, HttpResponse& response);

}  // namespace cairn::frontends::authz
