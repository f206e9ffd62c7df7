// Who is making a request, as the authentication layer established it.
// Plain value; thread-compatible.
#pragma once

#include <optional>
#include <string>

#include "auth/auth_store.h"

namespace cairn::auth {

struct Identity {
  enum class Via { kAnonymous, kBasic, kToken, kSession };
  Via via = Via::kAnonymous;
  User user;  // valid unless kAnonymous
  // kToken: the token (its workspace and task scope restrict what it reaches).
  std::optional<AccessToken> token;
  // kSession: the session's CSRF token and id hash.
  std::string csrf_token;
  std::string session_hash;

  bool authenticated() const { return via != Via::kAnonymous; }
  // Admin rights apply only to unrestricted credentials: a workspace or
  // task token of an admin is still confined to its scope.
  bool is_admin() const {
    return authenticated() && user.is_admin && !(token && (!token->workspace.empty() || token->kind == "task"));
  }
  bool is_task() const { return token && token->kind == "task"; }
  std::string workspace() const { return token ? token->workspace : std::string(); }
};

}  // namespace cairn::auth
