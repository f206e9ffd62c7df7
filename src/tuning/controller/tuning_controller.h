// TuningController: runs tuning experiments. It owns one thread (Start /
// Stop) that drives every active experiment (experiment_run.h): trials run
// as processes through the pipelines Executor, each a nested tracking run of
// the experiment's run; state lives in the ExperimentStore, so a restarted
// controller (Start claims the unfinished experiments of earlier instances)
// re-attaches to running trials and continues without repeating any.
//
// Thread-safety: Submit, StopExperiment and WaitForExperiment are
// thread-safe; experiments are touched only by the controller thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "tuning/controller/experiment_run.h"
#include "tuning/controller/options.h"

namespace cairn::tuning {

struct SubmitExperimentRequest {
  std::string spec_text;    // Katib Experiment or cairn study, YAML or JSON
  std::string source_name;  // file name, for messages
  std::string name;         // overrides the spec's name when set
  std::optional<int> max_trial_count;
  std::optional<int> parallel_trial_count;
  std::optional<int> max_failed_trial_count;
  std::optional<int64_t> trial_timeout_s;
  // The tracking experiment of the parent run; default: one named after the
  // tuning experiment (created if missing).
  std::string tracking_experiment_id;
  std::string tracking_experiment_name;
};

class TuningController {
 public:
  TuningController(TuningOptions options, TuningDeps deps);
  ~TuningController();  // Stop()
  TuningController(const TuningController&) = delete;
  TuningController& operator=(const TuningController&) = delete;

  // Claims unfinished experiments of earlier instances (resuming or failing
  // them, see TuningOptions::resume) and starts the thread.
  Status Start();
  // Stops the thread; running trial processes keep running and the next
  // Start re-attaches to them.
  void Stop();

  // Loads and validates the spec, records the experiment (and its parent
  // tracking run) and queues it. kInvalidArgument listing every problem of
  // a bad spec. Works before Start (the experiment waits).
  Result<ExperimentRecord> Submit(const SubmitExperimentRequest& request);
  // Stops an experiment: running trials are killed, nothing new starts;
  // it ends STOPPED. kNotFound for an unknown id; OK for a finished one.
  Status StopExperiment(const std::string& experiment_id);
  // Katib's restart of a finished experiment by raising maxTrialCount: for
  // resumePolicy LongRunning or FromVolume, a finished experiment runs on
  // (same trials, same suggester history) until `max_trial_count`.
  // kNotFound for an unknown id; kInvalidArgument when it still runs, its
  // resumePolicy is Never, or `max_trial_count` is not above its trial
  // count.
  Result<ExperimentRecord> ResumeExperiment(const std::string& experiment_id, int max_trial_count);
  // Blocks until the experiment is finished or `timeout_ms` passed, then
  // returns its stored record.
  Result<ExperimentRecord> WaitForExperiment(const std::string& experiment_id, int64_t timeout_ms);

  // Sets TuningOptions::tracking_uri; only before Start.
  void SetTrackingUri(std::string uri) { options_.tracking_uri = std::move(uri); }
  const TuningOptions& options() const { return options_; }

 private:
  void Loop();
  void Wake();
  Result<std::unique_ptr<ExperimentRun>> Rebuild(const ExperimentRecord& record);
  // Rebuilds claimed experiments and queues them (or fails / abandons them).
  void Adopt(const std::vector<ExperimentRecord>& claimed);
  // Controller thread: renew leases, drop experiments taken over, apply
  // remote stops, claim the experiments of dead replicas.
  void MaintainLeases();

  TuningOptions options_;
  const TuningDeps deps_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  bool wake_ = false;                                   // GUARDED_BY(mu_)
  bool stop_ = false;                                   // GUARDED_BY(mu_)
  bool running_ = false;                                // GUARDED_BY(mu_)
  std::deque<std::unique_ptr<ExperimentRun>> incoming_;  // GUARDED_BY(mu_)
  std::set<std::string> stops_;                         // GUARDED_BY(mu_)
  std::set<std::string> active_ids_;                    // GUARDED_BY(mu_)
  std::thread thread_;

  // Controller thread only.
  std::map<std::string, std::unique_ptr<ExperimentRun>> active_;
  int64_t next_lease_ms_ = 0;
  std::set<std::string> remote_stops_;  // stops already applied from the store
  size_t rotation_ = 0;                 // which experiment gets free trial slots first
};

}  // namespace cairn::tuning
