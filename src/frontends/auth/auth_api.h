// The user, permission, token, workspace, session and audit endpoints
// (docs/auth.md):
//   MLflow's basic-auth API under /api/2.0/mlflow: users/create|get|
//   update-password|update-admin|delete, experiments/permissions/create|get|
//   update|delete, registered-models/permissions/create|get|update|delete;
//   cairn's under /api/2.0/cairn/auth: login, logout, me, users/list,
//   tokens/create|list|revoke, workspaces/create|list|delete,
//   workspaces/members/set|remove|list, workspaces/assign, audit.
// Every route also answers under /ajax-api/2.0/... (the web UI's prefix).
// The handlers check permissions themselves (route rule kSelf) against
// CurrentIdentity(). RegisterAuthDisabledApi serves only `me` when auth is
// off ({"user":null,"auth_enabled":false}).
#pragma once

#include "frontends/auth/auth_layer.h"

namespace cairn::frontends {

struct AuthApiDeps {
  AuthLayerDeps layer;
  const Clock* clock = nullptr;
  // Set the Secure attribute on the session cookie (the server runs TLS).
  bool secure_cookie = false;
};

// `deps` pointers must outlive the router.
void RegisterAuthApi(Router& router, const AuthApiDeps& deps);
void RegisterAuthDisabledApi(Router& router);

}  // namespace cairn::frontends
