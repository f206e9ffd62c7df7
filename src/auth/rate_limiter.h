// Request rate limits and brute-force protection.
//
//  * RateLimiter: a token bucket per key ("user:<name>" or "addr:<ip>"),
//    each Acquire naming the key's rate: `burst` requests at once, refilled
//    at `per_s`. Acquire says when to retry (for Retry-After) when the
//    bucket is empty. For replicas (shared_limits.h) it also counts what it
//    admitted per key (TakeUsage) and adopts the level of the bucket all
//    replicas share (Adopt), so they drain one budget.
//  * FailedLoginGuard: after `max_failures` failed logins for a key within
//    `window_ms`, the key is locked for `lockout_ms`, doubling on each
//    further lockout up to `max_lockout_ms`; a success clears the key. Keys
//    are "user:<name>" and "addr:<ip>" so neither a password-spraying client
//    nor a distributed attack on one account gets unlimited tries. With a
//    shared store (Share), failures are counted in the database, so every
//    replica sees one count; locks made elsewhere arrive through Refresh.
//
// Both bound their memory (`max_keys`): when full, the stalest keys go.
// Time comes from the injected Clock, so tests need no sleeps.
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "auth/auth_store.h"
#include "base/clock.h"

namespace cairn::auth {

struct Rate {
  double per_s = 0;  // <= 0: unlimited
  double burst = 1;  // at least 1
};

// The rate of a requests-per-second limit: bursts of up to two seconds'
// worth, and at least 10 requests (a web UI page load sends several at once).
Rate RateFor(double per_s);

// What one replica admitted for a key since it last reported.
struct RateUsage {
  std::string key;
  int64_t admitted = 0;
  Rate rate;
};

// The shared bucket after `usage` was spent from it at `now`: refilled for
// the time since it was last updated (a new bucket starts full), then
// debited, down to -burst at most.
RateBucket SpendShared(const std::optional<RateBucket>& shared, const RateUsage& usage, int64_t now);

class RateLimiter {
 public:
  explicit RateLimiter(const Clock& clock, size_t max_keys = 100000);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // nullopt: allowed (one token taken). Otherwise milliseconds until a
  // token is available (>= 1).
  std::optional<int64_t> Acquire(const std::string& key, Rate rate);

  // Requests admitted per key since the last call, for every key used
  // within `active_ms` (a count may be 0: the key is still followed).
  std::vector<RateUsage> TakeUsage(int64_t active_ms);
  // Puts back usage TakeUsage returned that could not be reported.
  void ReturnUsage(const std::string& key, int64_t admitted);
  // Lowers `key`'s bucket to the shared level when other replicas spent
  // from it (the level may be negative: a client that overspent elsewhere
  // waits here too).
  void Adopt(const std::string& key, double shared_tokens);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
    Rate rate;
    int64_t admitted = 0;  // since the last TakeUsage
  };
  void Refill(Bucket& b, int64_t now) const;
  void EvictLocked(int64_t now);

  const Clock& clock_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
};

struct FailedLoginOptions {
  int max_failures = 5;
  int64_t window_ms = 5 * 60 * 1000;
  int64_t lockout_ms = 60 * 1000;
  int64_t max_lockout_ms = 60 * 60 * 1000;
  size_t max_keys = 100000;
};

// The state after one more failure at `now` (pure; used in memory and
// inside the shared store's transaction alike).
LoginFailures AfterFailure(const LoginFailures& before, int64_t now, const FailedLoginOptions& options);

class FailedLoginGuard {
 public:
  FailedLoginGuard(const Clock& clock, FailedLoginOptions options = {});
  FailedLoginGuard(const FailedLoginGuard&) = delete;
  FailedLoginGuard& operator=(const FailedLoginGuard&) = delete;

  // From now on, failures are counted in `store` (shared by replicas).
  // Call before use; `store` must outlive the guard.
  void Share(AuthStore* store);

  // Milliseconds until `key` may try again; nullopt when not locked.
  std::optional<int64_t> LockedFor(const std::string& key);
  void RecordFailure(const std::string& key);
  void RecordSuccess(const std::string& key);
  // Adopts locks from the shared store (key -> locked_until_ms).
  void Refresh(const std::vector<std::pair<std::string, int64_t>>& locks);

  const FailedLoginOptions& options() const { return options_; }

 private:
  void EvictLocked(int64_t now);

  const Clock& clock_;
  const FailedLoginOptions options_;
  AuthStore* shared_ = nullptr;
  std::mutex mu_;
  std::unordered_map<std::string, LoginFailures> entries_;  // GUARDED_BY(mu_)
};

}  // namespace cairn::auth
