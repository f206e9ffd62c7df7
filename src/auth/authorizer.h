// Authorizer: the effective permission of an identity on an experiment or a
// registered model, in this order:
//   1. anonymous: nothing (the HTTP layer answers 401 first);
//   2. admin (unrestricted credentials): MANAGE;
//   3. workspace: a resource in workspace W is reachable only by members of
//      W, and a token bound to workspace T reaches only resources in T —
//      so a token for one team's workspace never reads another's;
//   4. task token: READ on its experiment, nothing else (its own run is
//      checked by the HTTP layer, which knows runs);
//   5. an explicit permission row (experiment_permissions /
//      registered_model_permissions), as MLflow;
//   6. the member's workspace role, for resources in a workspace;
//   7. the default permission (--auth-default-permission, READ as MLflow).
// Thread-safety: thread-safe (the store is).
#pragma once

#include "auth/auth_store.h"
#include "auth/identity.h"

namespace cairn::auth {

class Authorizer {
 public:
  Authorizer(AuthStore& store, Permission default_permission) : store_(store), default_(default_permission) {}

  Result<Permission> Effective(const Identity& identity, ResourceKind kind, const std::string& resource);

  // Where a resource created by `identity` goes: the token's workspace, or
  // `requested` (X-Cairn-Workspace) when the caller may create there
  // (EDIT role or admin); "" for none. kPermissionDenied otherwise.
  Result<std::string> WorkspaceForNew(const Identity& identity, const std::string& requested);

  Permission default_permission() const { return default_; }
  AuthStore& store() { return store_; }

 private:
  AuthStore& store_;
  const Permission default_;
};

}  // namespace cairn::auth
