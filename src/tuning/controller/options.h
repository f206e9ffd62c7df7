// Options and dependencies of the tuning controller (tuning_controller.h),
// filled by the composition root.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "pipelines/executor/executor.h"
#include "tracking/tracking_store.h"
#include "tuning/state/experiment_store.h"
#include "tuning/suggester.h"

namespace cairn::tuning {

struct TuningOptions {
  // Trial directories: <root>/<experiment id>/<trial name>/ holds the
  // executor's bookkeeping and logs, and work/ the trial's working
  // directory.
  std::string root;
  // Kill a trial after this long when its spec sets no timeout; 0: never.
  int64_t default_trial_timeout_ms = 0;
  // Trials running at once across all experiments (pending ones count);
  // 0: no cap beyond each experiment's parallelTrialCount. Experiments take
  // free slots in turn, so none starves.
  int max_running_trials = 0;
  // Identity of this controller in ExperimentRecord::owner: stable across
  // restarts of one replica, distinct between replicas sharing a store.
  std::string owner_id = "cairn";
  // Leases, as the pipelines scheduler's (pipelines/scheduler/scheduler.h):
  // an experiment stays this controller's for lease_ms after the last
  // renewal; renewals (and taking over the experiments of dead replicas,
  // and stops requested through other replicas) every lease_renew_ms,
  // clamped to lease_ms / 3.
  int64_t lease_ms = 30000;
  int64_t lease_renew_ms = 2000;
  // How often running trials are polled (also a safety net for executor
  // notifications) and their metrics read.
  int64_t poll_interval_ms = 200;
  // Continue the unfinished experiments of earlier instances on Start; when
  // false they are failed (their running trials killed).
  bool resume = true;
  // Given to trials as MLFLOW_TRACKING_URI (empty: not set).
  std::string tracking_uri;
  // Extra environment for every trial.
  std::vector<std::pair<std::string, std::string>> trial_env;
};

// Copies the local file `local_path` into a tracking run's artifacts under
// `dest` ("" = the root); `artifact_uri` is the run's artifact root. Wired
// by the composition root to the artifact repositories.
using ArtifactSink = std::function<Status(const std::string& artifact_uri, const std::string& local_path,
                                          const std::string& dest)>;

using SuggesterFactory = std::function<Result<std::unique_ptr<Suggester>>(const SuggesterConfig&)>;
using EarlyStopperFactory = std::function<Result<std::unique_ptr<EarlyStopper>>(
    const std::string&, const std::vector<std::pair<std::string, std::string>>&)>;

struct TuningDeps {
  ExperimentStore* store = nullptr;             // required
  pipelines::Executor* executor = nullptr;      // required
  tracking::TrackingStore* tracking = nullptr;  // optional: trials are then not tracked (and Push cannot work)
  const Clock* clock = nullptr;                 // required
  SuggesterFactory make_suggester;              // empty: MakeSuggester
  EarlyStopperFactory make_early_stopper;       // empty: MakeEarlyStopper
  // Optional: a finished trial's stdout/stderr go to its run's artifacts
  // (logs/), the submitted spec to the experiment run's.
  ArtifactSink artifact_sink;
};

}  // namespace cairn::tuning
