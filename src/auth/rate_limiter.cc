#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cairn::auth {

RateLimiter::RateLimiter(const Clock& clock, double rate_per_s, double burst, size_t max_keys)
    : clock_(clock), rate_per_ms_(rate_per_s / 1000.0), burst_(std::max(1.0, burst)), max_keys_(max_keys) {}

std::optional<int64_t> RateLimiter::Acquire(const std::string& key) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) EvictLocked(now);
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + static_cast<double>(std::max<int64_t>(0, now - b.updated_ms)) * rate_per_ms_);
  b.updated_ms = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  if (rate_per_ms_ <= 0) return int64_t{60 * 60 * 1000};
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / rate_per_ms_)));
}

void RateLimiter::EvictLocked(int64_t now) {
  // Full buckets carry no state worth keeping; drop those first, then the
  // stalest half.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double tokens = it->second.tokens + static_cast<double>(now - it->second.updated_ms) * rate_per_ms_;
    it = tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < max_keys_) return;
  std::vector<int64_t> times;
  for (const auto& [k, b] : buckets_) times.push_back(b.updated_ms);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  int64_t cut = times[times.size() / 2];
  for (auto it = buckets_.begin(); it != buckets_.end();) it = it->second.updated_ms <= cut ? buckets_.erase(it) : std::next(it);
}

FailedLoginGuard::FailedLoginGuard(const Clock& clock, FailedLoginOptions options)
    : clock_(clock), options_(options) {}

std::optional<int64_t> FailedLoginGuard::LockedFor(const std::string& key) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until_ms <= now) return std::nullopt;
  return it->second.locked_until_ms - now;
}

void FailedLoginGuard::RecordFailure(const std::string& key) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_keys) EvictLocked(now);
    it = entries_.emplace(key, Entry{}).first;
  }
  Entry& e = it->second;
  e.last_ms = now;
  if (e.failures == 0 || now - e.first_failure_ms > options_.window_ms) {
    e.failures = 0;
    e.first_failure_ms = now;
  }
  if (++e.failures >= options_.max_failures) {
    int64_t lockout = options_.lockout_ms;
    for (int i = 0; i < e.lockouts && lockout < options_.max_lockout_ms; ++i) lockout *= 2;
    e.locked_until_ms = now + std::min(lockout, options_.max_lockout_ms);
    ++e.lockouts;
    e.failures = 0;
  }
}

void FailedLoginGuard::RecordSuccess(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void FailedLoginGuard::EvictLocked(int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool stale = it->second.locked_until_ms <= now && now - it->second.last_ms > options_.window_ms;
    it = stale ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() < options_.max_keys) return;
  // Still full of live entries: forget the ones not locked (an attacker
  // flooding keys must not unlock others).
  for (auto it = entries_.begin(); it != entries_.end();) it = it->second.locked_until_ms <= now ? entries_.erase(it) : std::next(it);
}

}  // namespace cairn::auth
