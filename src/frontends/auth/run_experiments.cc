#include "frontends/auth/run_experiments.h"

namespace cairn::frontends::authz {

Result<std::string> RunExperiments::Find(const std::string& run_id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = known_.find(run_id); it != known_.end()) return it->second;
  }
  CAIRN_ASSIGN_OR_RETURN(tracking::Run run, store_.GetRun(run_id));
  std::lock_guard lock(mu_);
  if (known_.size() >= max_entries_) known_.clear();
  known_.emplace(run_id, run.info.experiment_id);
  return run.info.experiment_id;
}

}  // namespace cairn::frontends::authz
