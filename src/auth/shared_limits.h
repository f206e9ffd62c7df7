// SharedLimits: makes the rate limits and login lockouts of several server
// replicas on one database act as one (docs/auth.md "Limits").
//
// Each Sync (the server runs one a second):
//  * spends what this replica admitted per key since the last Sync from
//    the key's bucket in the database (auth_rate_buckets), and lowers the
//    local bucket to the shared level: every replica draws on one budget
//    per key, learning of the others' spending a Sync period late;
//  * adopts the login lockouts other replicas made (failures themselves
//    are counted in the database as they happen: FailedLoginGuard::Share);
//  * once a minute, prunes idle buckets and expired failure state.
// So a client can exceed its budget by at most what each replica admits
// within one Sync period.
//
// Thread-safety: Sync from one thread at a time (the server's sync thread).
#pragma once

#include <cstdint>

#include "auth/auth_store.h"
#include "auth/rate_limiter.h"
#include "base/clock.h"

namespace cairn::auth {

class SharedLimits {
 public:
  // `limiter` may be null (no request rate limit).
  SharedLimits(AuthStore& store, const Clock& clock, RateLimiter* limiter, FailedLoginGuard& guard);

  Status Sync();

  // Keys stay followed (their shared level read) this long after their
  // last request here.
  static constexpr int64_t kActiveMs = 60 * 1000;
  // Buckets not updated for this long are pruned from the database (a
  // bucket idle that long has refilled anyway).
  static constexpr int64_t kIdlePruneMs = 10 * 60 * 1000;

 private:
  Status SyncRates(int64_t now);

  AuthStore& store_;
  const Clock& clock_;
  RateLimiter* limiter_;
  FailedLoginGuard& guard_;
  int64_t last_prune_ms_ = 0;
};

}  // namespace cairn::auth
