// TaskTokenSweeper: revokes the task tokens of tasks that have ended,
// judged by the database alone. TaskTokenExecutor revokes a token when it
// sees its task end, but only the process that minted it knows the token:
// after a restart, or when the replica that launched the task is gone, the
// token would live until it expires (24 h). The sweep closes that gap: a
// live task token whose run has ended (FINISHED, FAILED or KILLED, at or
// after the token was minted) or no longer exists is revoked. A run that
// is still RUNNING or SCHEDULED keeps its token, so a task adopted by a
// restarted server keeps working.
// Any replica may sweep; revoking twice is harmless.
// Thread-compatible.
#pragma once

#include <cstdint>

#include "auth/auth_store.h"
#include "base/clock.h"
#include "base/result.h"
#include "tracking/tracking_store.h"

namespace cairn::server {

class TaskTokenSweeper {
 public:
  TaskTokenSweeper(auth::AuthStore& auth, tracking::TrackingStore& tracking, const Clock& clock)
      : auth_(auth), tracking_(tracking), clock_(clock) {}

  // One pass; the number of tokens revoked. Once an hour it also forgets
  // task tokens dead for a week.
  Result<int> Sweep();

 private:
  // True when the token's task is over as far as the database tells.
  Result<bool> Ended(const auth::AccessToken& token);

  auth::AuthStore& auth_;
  tracking::TrackingStore& tracking_;
  const Clock& clock_;
  int64_t next_prune_ms_ = 0;
};

}  // namespace cairn::server
