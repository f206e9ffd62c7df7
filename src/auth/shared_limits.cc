#include "auth/shared_limits.h"

#include <string>
#include <vector>

namespace cairn::auth {
namespace {

constexpr int64_t kPruneEveryMs = 60 * 1000;
constexpr int kMaxLocksRead = 10000;

}  // namespace

SharedLimits::SharedLimits(AuthStore& store, const Clock& clock, RateLimiter* limiter, FailedLoginGuard& guard)
    : store_(store), clock_(clock), limiter_(limiter), guard_(guard) {}

Status SharedLimits::Sync() {
  const int64_t now = clock_.NowMillis();
  Status rates = SyncRates(now);
  auto locks = store_.ListLoginLocks(now, kMaxLocksRead);
  if (locks.ok()) guard_.Refresh(*locks);
  if (now - last_prune_ms_ >= kPruneEveryMs) {
    last_prune_ms_ = now;
    CAIRN_RETURN_IF_ERROR(store_.PruneRateBuckets(now - kIdlePruneMs));
    CAIRN_RETURN_IF_ERROR(store_.PruneLoginFailures(now, now - guard_.options().window_ms));
  }
  CAIRN_RETURN_IF_ERROR(rates);
  return locks.status();
}

Status SharedLimits::SyncRates(int64_t now) {
  if (limiter_ == nullptr) return Status::Ok();
  std::vector<RateUsage> usage = limiter_->TakeUsage(kActiveMs);
  if (usage.empty()) return Status::Ok();
  std::vector<std::string> keys;
  keys.reserve(usage.size());
  for (const RateUsage& u : usage) keys.push_back(u.key);
  auto shared = store_.UpdateRateBuckets(
      keys, [&](size_t i, const std::optional<RateBucket>& current) { return SpendShared(current, usage[i], now); });
  if (!shared.ok()) {
    // Not spent anywhere: the next Sync reports it again, so the database
    // learns of it once it is reachable.
    for (const RateUsage& u : usage) {
      if (u.admitted > 0) limiter_->ReturnUsage(u.key, u.admitted);
    }
    return shared.status();
  }
  for (size_t i = 0; i < usage.size(); ++i) limiter_->Adopt(usage[i].key, (*shared)[i].tokens);
  return Status::Ok();
}

}  // namespace cairn::auth
