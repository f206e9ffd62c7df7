// RunExperiments: which experiment a tracking run is in, remembered. Most
// authorized requests name a run (log-metric, log-batch, set-tag, get), and
// the permission is the experiment's; reading the whole run each time cost
// more than the request itself. A run never moves to another experiment, so
// an answer stays true for the run's life and needs no expiry. Unknown runs
// are not remembered (they may be created next). Bounded: the map is
// emptied when full. Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "base/result.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends::authz {

class RunExperiments {
 public:
  explicit RunExperiments(tracking::TrackingStore& store, size_t max_entries = 100'000)
      : store_(store), max_entries_(max_entries) {}

  // The run's experiment id; kNotFound when there is no such run.
  Result<std::string> Find(const std::string& run_id);

 private:
  tracking::TrackingStore& store_;
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> known_;  // GUARDED_BY(mu_)
};

}  // namespace cairn::frontends::authz
