#include "server/task_token_sweeper.h"

namespace cairn::server {

Result<bool> TaskTokenSweeper::Ended(const auth::AccessToken& token) {
  if (token.scope_run_id.empty()) return false;
  auto run = tracking_.GetRun(token.scope_run_id);
  if (!run.ok()) {
    if (run.status().code() == StatusCode::kNotFound) return true;  // its run is gone
    return run.status();
  }
  const tracking::RunInfo& info = run->info;
  if (info.status == tracking::RunStatus::kRunning || info.status == tracking::RunStatus::kScheduled) return false;
  // A run ended before this token was minted was reopened for a new
  // attempt since; that attempt's end is still to come.
  return !info.end_time || *info.end_time >= token.created_time;
}

Result<int> TaskTokenSweeper::Sweep() {
  constexpr int64_t kHourMs = 3600 * 1000;
  const int64_t now = clock_.NowMillis();
  if (now >= next_prune_ms_) {
    CAIRN_RETURN_IF_ERROR(auth_.PruneTaskTokens(now - 7 * 24 * kHourMs));
    next_prune_ms_ = now + kHourMs;
  }
  // Live task tokens are about as many as running tasks; the cap bounds
  // one pass, and the next pass goes on.
  CAIRN_ASSIGN_OR_RETURN(auto tokens, auth_.ListLiveTaskTokens(now, 10'000));
  int revoked = 0;
  for (const auth::AccessToken& token : tokens) {
    CAIRN_ASSIGN_OR_RETURN(bool ended, Ended(token));
    if (!ended) continue;
    CAIRN_RETURN_IF_ERROR(auth_.RevokeToken(token.token_id, now));
    ++revoked;
  }
  return revoked;
}

}  // namespace cairn::server
