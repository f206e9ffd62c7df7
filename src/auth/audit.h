// AuditLog: records security-relevant actions (logins, user, permission,
// token and workspace changes, denied requests) in the store's append-only
// table and in the server log. A failure to write the audit row is logged,
// not returned: the audited action itself already happened or was refused.
// Thread-safety: thread-safe.
#pragma once

#include <string>

#include "auth/auth_store.h"
#include "base/clock.h"

namespace cairn::auth {

class AuditLog {
 public:
  AuditLog(AuthStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  void Record(const std::string& username, const std::string& client, const std::string& action,
              const std::string& target, const std::string& outcome, const std::string& detail = {});

 private:
  AuthStore& store_;
  const Clock& clock_;
};

}  // namespace cairn::auth
