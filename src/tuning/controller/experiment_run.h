// ExperimentRun: one active experiment inside the controller: its spec,
// suggester, early stopper and trials, and the step that moves it on
// (Tick). Only the controller thread touches it.
//
// Each Tick:
//  1. running trials are polled; new metric reports are collected (stdout,
//     a file, or the trial's own tracking run for Push), logged to the
//     trial's run and offered to the early stopper;
//  2. finished trials get their state (Succeeded, Failed, Killed,
//     EarlyStopped, MetricsUnavailable) and objective; the best trial moves;
//  3. end conditions, in Katib's order: goal reached, maxFailedTrialCount,
//     maxTrialCount, stop requested, suggestions exhausted. An ending
//     experiment kills its running trials and ends once they are gone;
//  4. otherwise new trials fill parallelTrialCount (bounded by
//     maxTrialCount): each is persisted PENDING before it is launched, and
//     RUNNING with its executor handle after, so a restart neither repeats
//     nor loses it (PENDING ones are looked up with Executor::Find). The
//     trials launched in one Tick are one Executor::SubmitBatch (on Slurm,
//     one job array).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tuning/controller/options.h"
#include "tuning/metrics/metric_log.h"
#include "tuning/metrics/metrics_parser.h"
#include "tuning/spec/experiment_spec.h"
#include "tuning/state/experiment_store.h"

namespace cairn::tuning {

// The trials the controller lets start in one round
// (TuningOptions::max_running_trials), shared by the experiments in turn.
class TrialSlots {
 public:
  static TrialSlots Unlimited() { return TrialSlots(false, 0); }
  static TrialSlots Limited(int free) { return TrialSlots(true, free < 0 ? 0 : free); }

  // How many of `want` may start now; they are taken from the budget.
  int Take(int want);
  // Gives back what was taken but not started.
  void Return(int unused) {
    if (limited_ && unused > 0) free_ += unused;
  }

 private:
  TrialSlots(bool limited, int free) : limited_(limited), free_(free) {}
  bool limited_;
  int free_;
};

class ExperimentRun {
 public:
  // Builds the run of a stored experiment (new, or claimed after a restart:
  // its trials are reloaded). kInvalidArgument if its spec no longer loads
  // (the caller fails the experiment).
  static Result<std::unique_ptr<ExperimentRun>> Create(const TuningOptions& options, const TuningDeps& deps,
                                                       ExperimentRecord record, ExperimentSpec spec,
                                                       std::vector<TrialRecord> trials);

  // Moves the experiment on (see the header comment); new trials start only
  // as far as `slots` allows. Returns true once it is finished (terminal
  // state persisted).
  bool Tick(TrialSlots& slots);
  // Trials pending or running.
  int ActiveTrials() const;
  void RequestStop() { stop_requested_ = true; }
  // Fails the experiment now (kills running trials), e.g. when resuming is off.
  void Abandon(const std::string& message);

  const ExperimentRecord& record() const { return record_; }

 private:
  struct Trial {
    TrialRecord rec;
    Assignment assignment;
    std::map<std::string, std::string> labels;
    MetricLog log;
    bool dirty = false;
  };

  ExperimentRun(const TuningOptions& options, const TuningDeps& deps, ExperimentRecord record, ExperimentSpec spec);

  void PollTrial(Trial& t);
  void CollectMetrics(Trial& t, bool final);
  // Reads what `read(offset, data)` returns from `offset` on, parses the
  // complete lines (everything when `final`) and advances `offset`.
  void ParseNewOutput(Trial& t, int64_t& offset, bool final, const std::function<bool(int64_t, std::string&)>& read);
  void AddReports(Trial& t, const std::vector<MetricReport>& reports);
  void CheckEarlyStop(Trial& t);
  void FinishTrial(Trial& t, const pipelines::ExecutionStatus& status);
  void StopTrial(Trial& t, const std::string& reason);
  void ArchiveLogs(const Trial& t);
  // Launches PENDING trials: each is adopted when Executor::Find knows it
  // (launched before a restart), the others go to the executor as one
  // SubmitBatch (a Slurm job array); failures mark the trial
  // TrialLaunchFailed.
  void LaunchTrials(const std::vector<Trial*>& trials);
  // Creates the trial's tracking run and directories; the launch to submit,
  // or nullopt when Find adopted an earlier one (the trial is RUNNING).
  Result<std::optional<pipelines::TaskLaunch>> PrepareLaunch(Trial& t);
  void MarkLaunched(Trial& t, const std::string& handle);
  void FailLaunch(Trial& t, const Status& status);
  pipelines::TaskLaunch BuildLaunch(const Trial& t) const;
  void CreateNewTrials(int count);
  void UpdateBest();
  void Finish(ExperimentState state, const std::string& reason, const std::string& message);
  void Persist();
  std::vector<TrialObservation> Observations() const;
  std::string MetricsFilePath(const Trial& t) const;

  const TuningOptions& options_;
  const TuningDeps& deps_;
  ExperimentRecord record_;
  const ExperimentSpec spec_;
  std::unique_ptr<Suggester> suggester_;
  std::unique_ptr<EarlyStopper> stopper_;
  std::optional<MetricsParser> parser_;
  std::vector<Trial> trials_;
  bool record_dirty_ = false;
  bool stop_requested_ = false;
  bool suggest_ = true;  // something changed since the last Suggest
  // Set when an end condition holds while trials still run.
  std::optional<ExperimentState> ending_state_;
  std::string ending_reason_;
  std::string ending_message_;
};

// Applies ExperimentRecord::overrides_json to a loaded spec.
Status ApplyOverrides(const std::string& overrides_json, ExperimentSpec& spec);

}  // namespace cairn::tuning
