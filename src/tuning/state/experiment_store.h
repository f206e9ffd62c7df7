// ExperimentStore: where tuning experiments and their trials live, so that a
// restarted server continues every unfinished experiment without repeating
// or losing a trial (the controller persists a trial *before* it launches
// it, and its executor handle right after).
//
// Contract:
//  * thread-safe; an OK return is durable against a process crash;
//  * kNotFound for unknown experiments; kAlreadyExists for a taken id;
//  * SaveExperiment (with trials) is atomic;
//  * ListExperiments is newest first (created_ms, then id), offset page
//    tokens; list records carry no spec_yaml.
//
// Implementations: MemoryExperimentStore (tests, below),
// SqlExperimentStore (store/sql, over SQLite or PostgreSQL: migrations 4,
// 5 and 7).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace cairn::tuning {

// Katib's experiment conditions, plus STOPPED (stopped by a user).
enum class ExperimentState { kCreated, kRunning, kSucceeded, kFailed, kStopped };
std::string_view ExperimentStateName(ExperimentState s);  // "CREATED", ...
std::optional<ExperimentState> ParseExperimentState(std::string_view name);
inline bool IsTerminal(ExperimentState s) {
  return s == ExperimentState::kSucceeded || s == ExperimentState::kFailed || s == ExperimentState::kStopped;
}

// PENDING: recorded, not yet (known to be) launched.
enum class TrialPhase { kPending, kRunning, kSucceeded, kFailed, kKilled, kEarlyStopped, kMetricsUnavailable };
std::string_view TrialPhaseName(TrialPhase s);  // "PENDING", ..., "EARLY_STOPPED", "METRICS_UNAVAILABLE"
std::optional<TrialPhase> ParseTrialPhase(std::string_view name);
inline bool IsTerminal(TrialPhase s) { return s != TrialPhase::kPending && s != TrialPhase::kRunning; }

struct ExperimentRecord {
  std::string experiment_id;  // 32 hex
  std::string name;
  std::string namespace_name;
  std::string source_name;
  std::string spec_yaml;       // as submitted (empty in lists)
  std::string overrides_json;  // {"max_trial_count": N, "parallel_trial_count": N} applied on load
  std::string format;          // "katib" | "cairn"
  std::string algorithm;
  std::string objective_type;  // "minimize" | "maximize"
  std::string objective_metric;
  int64_t max_trial_count = 0;
  int64_t parallel_trial_count = 0;
  ExperimentState state = ExperimentState::kCreated;
  std::string reason;   // Katib condition reason: ExperimentGoalReached, ExperimentMaxTrialsReached, ...
  std::string message;  // human-readable
  std::string tracking_experiment_id;
  std::string mlflow_run_id;  // the parent run
  std::string best_trial_name;
  std::optional<double> best_objective;  // as reported (not negated)
  bool stop_requested = false;
  std::string owner;               // the controller driving it
  int64_t lease_expires_ms = 0;    // owner's lease; after it, another may claim
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

struct TrialRecord {
  std::string experiment_id;
  std::string name;  // "<experiment name>-<index:04>", unique in the experiment
  int64_t index = 0;  // creation order, from 0
  std::string assignment_json;  // [{"name": ..., "value": ...}]
  std::string labels_json;      // {"k": "v"} from the Suggestion
  TrialPhase state = TrialPhase::kPending;
  std::string reason;   // TrialTimedOut, EarlyStopped, ...
  std::string message;
  // Why the controller cancelled it ("EarlyStopped" | "Killed"), persisted
  // before Cancel so a restart finishes it with the right state.
  std::string stop_reason;
  std::string executor;
  std::string handle;
  std::string attempt_dir;
  std::string working_dir;
  std::string command_json;  // argv as a JSON list
  std::string mlflow_run_id;
  std::optional<double> objective;  // the objective by its strategy
  // {"loss": [[step, value, timestamp_ms], ...], ...}: every report
  // collected so far (capped per metric).
  std::string metrics_json;
  int64_t collector_offset = 0;  // bytes of stdout / file parsed
  int64_t stderr_offset = 0;     // bytes of stderr parsed (StdOut collector: a container log has both)
  int32_t exit_code = -1;
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

// An experiment a controller holds (RenewExperimentLeases).
struct ExperimentLease {
  std::string experiment_id;
  bool stop_requested = false;  // set through another replica, maybe
};

// The kConflict a fenced SaveExperiment returns: `holder` took it over.
Status ExperimentLeaseLost(const std::string& experiment_id, const std::string& holder);

struct ListExperimentsRequest {
  int64_t max_results = 100;  // 1..1000
  std::string page_token;
  std::optional<ExperimentState> state;
};

struct ExperimentPage {
  std::vector<ExperimentRecord> experiments;
  std::string next_page_token;
};

class ExperimentStore {
 public:
  virtual ~ExperimentStore() = default;

  virtual Status CreateExperiment(const ExperimentRecord& experiment) = 0;
  virtual Result<ExperimentRecord> GetExperiment(const std::string& experiment_id) = 0;
  // The newest experiment with that name; kNotFound if none.
  virtual Result<ExperimentRecord> GetExperimentByName(const std::string& name) = 0;
  virtual Result<ExperimentPage> ListExperiments(const ListExperimentsRequest& request) = 0;
  // Replaces every field but experiment_id, spec_yaml, created_ms and
  // stop_requested; keeps the later of the stored and the given
  // lease_expires_ms; upserts `trials` in the same transaction. Fenced:
  // kConflict (ExperimentLeaseLost), and nothing written, when another
  // controller than `experiment.owner` holds the unfinished experiment. A
  // finished one may be taken by anyone (resume with more trials).
  virtual Status SaveExperiment(const ExperimentRecord& experiment, const std::vector<TrialRecord>& trials) = 0;
  // Sets stop_requested. kNotFound for an unknown experiment. Idempotent.
  virtual Status RequestStop(const std::string& experiment_id) = 0;
  // Upserts trials (keyed by (experiment_id, name)).
  virtual Status PutTrials(const std::string& experiment_id, const std::vector<TrialRecord>& trials) = 0;
  // Ordered by index.
  virtual Result<std::vector<TrialRecord>> ListTrials(const std::string& experiment_id) = 0;
  // Leases, as PipelineRunStore's (pipelines/run_state/run_store.h):
  // claims the unfinished experiments with no owner, owned by `owner`, or
  // whose owner's lease expired before `now_ms`; oldest first, now owned by
  // `owner` until `now_ms + lease_ms`.
  virtual Result<std::vector<ExperimentRecord>> ClaimUnfinishedExperiments(const std::string& owner, int64_t now_ms,
                                                                           int64_t lease_ms) = 0;
  // Extends `owner`'s leases; returns the experiments it still holds.
  virtual Result<std::vector<ExperimentLease>> RenewExperimentLeases(const std::string& owner, int64_t now_ms,
                                                                     int64_t lease_ms) = 0;
  // Ends `owner`'s leases now (clean shutdown).
  virtual Status ReleaseExperimentLeases(const std::string& owner) = 0;
};

std::unique_ptr<ExperimentStore> CreateMemoryExperimentStore();

}  // namespace cairn::tuning
