#include "auth/audit.h"

#include "base/logging.h"

namespace cairn::auth {
namespace {
// Audit fields come from requests; keep rows bounded.
std::string Cut(const std::string& s, size_t n = 512) { return s.size() <= n ? s : s.substr(0, n); }
}  // namespace

void AuditLog::Record(const std::string& username, const std::string& client, const std::string& action,
                      const std::string& target, const std::string& outcome, const std::string& detail) {
  AuditEvent event;
  event.time = clock_.NowMillis();
  event.username = Cut(username, 256);
  event.client = Cut(client, 128);
  event.action = Cut(action);
  event.target = Cut(target);
  event.outcome = outcome;
  event.detail = Cut(detail, 1024);
  CAIRN_LOG(kInfo, "audit", "{} user='{}' client={} action='{}' target='{}' {}", outcome, event.username, event.client,
            event.action, event.target, event.detail);
  if (Status s = store_.AppendAudit(event); !s.ok()) {
    CAIRN_LOG(kError, "audit", "cannot write the audit row: {}", s.ToString());
  }
}

}  // namespace cairn::auth
