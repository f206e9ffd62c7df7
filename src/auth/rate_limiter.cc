#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "base/logging.h"

namespace cairn::auth {

Rate RateFor(double per_s) { return Rate{per_s, std::max(10.0, 2 * per_s)}; }

RateBucket SpendShared(const std::optional<RateBucket>& shared, const RateUsage& usage, int64_t now) {
  const Rate& rate = usage.rate;
  RateBucket b = shared.value_or(RateBucket{rate.burst, now});
  const double elapsed = static_cast<double>(std::max<int64_t>(0, now - b.updated_ms));
  b.tokens = std::min(rate.burst, b.tokens + elapsed * rate.per_s / 1000.0);
  b.tokens = std::max(-rate.burst, b.tokens - static_cast<double>(usage.admitted));
  b.updated_ms = std::max(b.updated_ms, now);
  return b;
}

RateLimiter::RateLimiter(const Clock& clock, size_t max_keys) : clock_(clock), max_keys_(max_keys) {}

void RateLimiter::Refill(Bucket& b, int64_t now) const {
  const double elapsed = static_cast<double>(std::max<int64_t>(0, now - b.updated_ms));
  b.tokens = std::min(b.rate.burst, b.tokens + elapsed * b.rate.per_s / 1000.0);
  b.updated_ms = now;
}

std::optional<int64_t> RateLimiter::Acquire(const std::string& key, Rate rate) {
  if (rate.per_s <= 0) return std::nullopt;
  rate.burst = std::max(1.0, rate.burst);
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) EvictLocked(now);
    it = buckets_.emplace(key, Bucket{rate.burst, now, rate}).first;
  }
  Bucket& b = it->second;
  b.rate = rate;  // an admin may have changed the user's rate
  Refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    ++b.admitted;
    return std::nullopt;
  }
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) * 1000.0 / rate.per_s)));
}

std::vector<RateUsage> RateLimiter::TakeUsage(int64_t active_ms) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  std::vector<RateUsage> usage;
  for (auto& [key, b] : buckets_) {
    if (b.admitted == 0 && now - b.updated_ms > active_ms) continue;
    usage.push_back(RateUsage{key, b.admitted, b.rate});
    b.admitted = 0;
  }
  return usage;
}

void RateLimiter::ReturnUsage(const std::string& key, int64_t admitted) {
  std::lock_guard lock(mu_);
  if (auto it = buckets_.find(key); it != buckets_.end()) it->second.admitted += admitted;
}

void RateLimiter::Adopt(const std::string& key, double shared_tokens) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return;  // not followed here: its first request starts a fresh bucket
  Bucket& b = it->second;
  Refill(b, now);
  // Lower only: what this replica admitted since it reported is already
  // off the local level but not yet off the shared one.
  b.tokens = std::min(b.tokens, std::max(-b.rate.burst, shared_tokens));
}

void RateLimiter::EvictLocked(int64_t now) {
  // Full buckets carry no state worth keeping; drop those first, then the
  // stalest half.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const Bucket& b = it->second;
    double tokens = b.tokens + static_cast<double>(now - b.updated_ms) * b.rate.per_s / 1000.0;
    it = tokens >= b.rate.burst && b.admitted == 0 ? buckets_.erase(it) : std::next(it);
  }
  if (buckets_.size() < max_keys_) return;
  std::vector<int64_t> times;
  for (const auto& [k, b] : buckets_) times.push_back(b.updated_ms);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  int64_t cut = times[times.size() / 2];
  for (auto it = buckets_.begin(); it != buckets_.end();) it = it->second.updated_ms <= cut ? buckets_.erase(it) : std::next(it);
}

LoginFailures AfterFailure(const LoginFailures& before, int64_t now, const FailedLoginOptions& options) {
  LoginFailures e = before;
  e.last_ms = now;
  if (e.failures == 0 || now - e.first_failure_ms > options.window_ms) {
    e.failures = 0;
    e.first_failure_ms = now;
  }
  if (++e.failures >= options.max_failures) {
    int64_t lockout = options.lockout_ms;
    for (int64_t i = 0; i < e.lockouts && lockout < options.max_lockout_ms; ++i) lockout *= 2;
    e.locked_until_ms = now + std::min(lockout, options.max_lockout_ms);
    ++e.lockouts;
    e.failures = 0;
  }
  return e;
}

FailedLoginGuard::FailedLoginGuard(const Clock& clock, FailedLoginOptions options)
    : clock_(clock), options_(options) {}

void FailedLoginGuard::Share(AuthStore* store) { shared_ = store; }

std::optional<int64_t> FailedLoginGuard::LockedFor(const std::string& key) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.locked_until_ms <= now) return std::nullopt;
  return it->second.locked_until_ms - now;
}

void FailedLoginGuard::RecordFailure(const std::string& key) {
  const int64_t now = clock_.NowMillis();
  std::optional<LoginFailures> counted;
  if (shared_ != nullptr) {
    auto result = shared_->UpdateLoginFailures(key, [&](const std::optional<LoginFailures>& current) {
      return AfterFailure(current.value_or(LoginFailures{}), now, options_);
    });
    if (result.ok()) {
      counted = *result;
    } else {
      // The database is unreachable: count here, so this replica still
      // locks the key.
      CAIRN_LOG(kWarn, "auth", "cannot record a failed login in the database: {}", result.status().ToString());
    }
  }
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= options_.max_keys) EvictLocked(now);
    it = entries_.emplace(key, LoginFailures{}).first;
  }
  it->second = counted ? *counted : AfterFailure(it->second, now, options_);
}

void FailedLoginGuard::RecordSuccess(const std::string& key) {
  if (shared_ != nullptr) {
    if (Status s = shared_->ClearLoginFailures(key); !s.ok()) {
      CAIRN_LOG(kWarn, "auth", "cannot clear failed logins in the database: {}", s.ToString());
    }
  }
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void FailedLoginGuard::Refresh(const std::vector<std::pair<std::string, int64_t>>& locks) {
  const int64_t now = clock_.NowMillis();
  std::lock_guard lock(mu_);
  for (const auto& [key, until] : locks) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (entries_.size() >= options_.max_keys) EvictLocked(now);
      it = entries_.emplace(key, LoginFailures{}).first;
    }
    it->second.locked_until_ms = std::max(it->second.locked_until_ms, until);
    it->second.last_ms = std::max(it->second.last_ms, now);
  }
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
