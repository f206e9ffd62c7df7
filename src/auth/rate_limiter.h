// Request rate limits and brute-force protection, in memory (per server
// process; replicas each count their own, see docs/auth.md).
//
//  * RateLimiter: a token bucket per key (user name or client address):
//    `burst` requests at once, refilled at `rate_per_s`. Acquire says when
//    to retry (for Retry-After) when the bucket is empty.
//  * FailedLoginGuard: after `max_failures` failed logins for a key within
//    `window_ms`, the key is locked for `lockout_ms`, doubling on each
//    further lockout up to `max_lockout_ms`; a success clears the key. Keys
//    are "user:<name>" and "addr:<ip>" so neither a password-spraying client
//    nor a distributed attack on one account gets unlimited tries.
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

#include "base/clock.h"

namespace cairn::auth {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, double rate_per_s, double burst, size_t max_keys = 100000);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // nullopt: allowed (one token taken). Otherwise milliseconds until a
  // token is available (>= 1).
  std::optional<int64_t> Acquire(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  void EvictLocked(int64_t now);

  const Clock& clock_;
  const double rate_per_ms_;
  const double burst_;
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

class FailedLoginGuard {
 public:
  FailedLoginGuard(const Clock& clock, FailedLoginOptions options = {});
  FailedLoginGuard(const FailedLoginGuard&) = delete;
  FailedLoginGuard& operator=(const FailedLoginGuard&) = delete;

  // Milliseconds until `key` may try again; nullopt when not locked.
  std::optional<int64_t> LockedFor(const std::string& key);
  void RecordFailure(const std::string& key);
  void RecordSuccess(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    int64_t first_failure_ms = 0;
    int64_t locked_until_ms = 0;
    int lockouts = 0;
    int64_t last_ms = 0;
  };
  void EvictLocked(int64_t now);

  const Clock& clock_;
  const FailedLoginOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace cairn::auth
