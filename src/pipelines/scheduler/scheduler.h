// Scheduler: runs pipeline runs. It owns one thread (Start / Stop) that
// drives every active run:
//  * a run is a tree of nodes (run_state/run_store.h): the tasks of the root
//    DAG, sub-DAG tasks whose children are their DAG's tasks, loops whose
//    children are iterations; node ids are paths ("exit-handler-1/fail",
//    "for-loop-2[3]/print");
//  * a task becomes ready when its upstream tasks are done; it is
//    NOT_TRIGGERED when one of them failed (unless its strategy is
//    ALL_UPSTREAM_TASKS_COMPLETED: exit handlers, ignore_upstream_failure),
//    SKIPPED when its condition is false or an input comes from a skipped
//    task; otherwise its inputs are resolved and it starts;
//  * containers run through the Executor, at most `max_parallel_tasks`
//    at once over all runs, and at most the run's `parallelism`; loops start
//    at most their parallelismLimit iterations at once; retries follow the
//    task's retryPolicy with exponential backoff;
//  * caching (KFP fingerprint, scoped by pipeline name): a task with caching
//    on reuses the outputs of the latest successful task with the same
//    fingerprint, unless the run or the server turned caching off;
//  * every state change is persisted (PipelineRunStore) before the executor
//    is asked to act on it, so a restarted scheduler (Start claims every
//    unfinished run) re-attaches to running attempts, launches what had not
//    started, and never launches an attempt twice;
//  * tracking (optional): the run is a tracking run, each container task a
//    nested run (mlflow.parentRunId) with its inputs as params, numeric
//    outputs and Metrics-artifact values as metrics, logs and output
//    artifacts as artifacts, image / command / cache hit as tags; the task
//    process gets MLFLOW_TRACKING_URI, MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_ID.
//
// Thread-safety: Submit, Cancel and WaitForRun are thread-safe; the run
// tree is touched only by the scheduler thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "pipelines/executor/executor.h"
#include "pipelines/graph.h"
#include "pipelines/run_state/run_store.h"
#include "tracking/tracking_store.h"

namespace cairn::pipelines {

// Copies a local file or directory into a tracking run's artifacts:
// `artifact_uri` is the run's artifact root, `dest` a relative directory
// under it ("" = the root). Wired by the composition root to the artifact
// repositories; may be empty (artifacts are then not logged).
using ArtifactSink = std::function<Status(const std::string& artifact_uri, const std::string& local_path,
                                          const std::string& dest)>;

struct SchedulerOptions {
  // Root of run directories and output artifacts:
  // <pipeline_root>/<pipeline name>/<run id>/<node path>/... . A spec's own
  // defaultPipelineRoot is used only when it is a local path or file:// URI.
  std::string pipeline_root;
  // Containers running at once, over all runs (bounded parallelism).
  int64_t max_parallel_tasks = 16;
  // The global off switch for caching (runs can also turn it off).
  bool cache_disabled = false;
  // Kill a task attempt after this long; 0 = no limit.
  int64_t task_timeout_ms = 0;
  // Identity of this scheduler in PipelineRunRecord::owner: stable across
  // restarts of one replica (a restarted replica takes its runs back at
  // once) and distinct between replicas sharing a store.
  std::string owner_id = "cairn";
  // How long a run stays this scheduler's after its last lease renewal
  // (renewed every lease_renew_ms while the scheduler lives). When a replica
  // dies, another claims its unfinished runs once their lease expired.
  int64_t lease_ms = 30000;
  // How often leases are renewed, runs taken over by another replica are
  // dropped, cancels requested through another replica are applied, and
  // the runs of dead replicas are claimed. Clamped to lease_ms / 3.
  int64_t lease_renew_ms = 2000;
  // How often running attempts are polled when the executor does not
  // notify (and as a safety net when it does).
  int64_t poll_interval_ms = 250;
  // Adopt the unfinished runs of earlier instances on Start (resume). When
  // false they are failed instead ("cleanly fail").
  bool resume_runs = true;
  // Given to task processes as MLFLOW_TRACKING_URI (empty: not set).
  std::string tracking_uri;
  // Create a nested tracking run per container task (the pipeline run is
  // always tracked when a TrackingStore is given).
  bool track_tasks = true;
  // Extra environment for every task.
  std::vector<std::pair<std::string, std::string>> task_env;
  // Where secretAsEnv / `secrets:` values come from: <dir>/<name>/<key>
  // (local_secrets.h). Empty: tasks that ask for a secret fail.
  std::string secrets_dir;
};

struct SchedulerDeps {
  PipelineRunStore* store = nullptr;         // required
  Executor* executor = nullptr;              // required
  tracking::TrackingStore* tracking = nullptr;  // optional
  ArtifactSink artifact_sink;                // optional
  const Clock* clock = nullptr;              // required
};

struct SubmitRequest {
  std::string spec_yaml;    // KFP IR or cairn pipeline YAML
  std::string source_name;  // file name, for messages and the record
  // Pipeline inputs as text ("k=v" from the CLI), typed by the pipeline's
  // input definitions (see ParseParameterArgument)...
  std::vector<std::pair<std::string, std::string>> parameters;
  // ...or as typed JSON values (the REST API); both may be used.
  std::vector<std::pair<std::string, Value>> parameter_values;
  std::string display_name;    // empty: the pipeline's name
  bool cache_enabled = true;   // per-run switch
  int64_t parallelism = 0;     // 0: only the global bound
  std::string experiment_id;   // tracking experiment; empty: "0"
};

class RunExecution;

class Scheduler {
 public:
  Scheduler(SchedulerOptions options, SchedulerDeps deps);
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Claims the unfinished runs of earlier instances (resuming or failing
  // them, see resume_runs) and starts the scheduler thread.
  Status Start();
  // Stops the thread. Running task processes are left running: the next
  // Start re-attaches to them.
  void Stop();

  // Loads and validates the spec, checks the parameters, records the run
  // (and its tracking run) and queues it. kInvalidArgument for a spec that
  // does not load or validate (the message lists the problems) or bad
  // parameters. Works before Start (the run waits).
  Result<PipelineRunRecord> Submit(const SubmitRequest& request);

  // Requests cancellation: running attempts are stopped, nothing new starts.
  // kNotFound for an unknown run; OK (no-op) for a finished one.
  Status Cancel(const std::string& run_id);

  // Blocks until the run is finished or `timeout_ms` passed (then returns
  // the current record). For the CLI's --wait over REST use polling instead.
  Result<PipelineRunRecord> WaitForRun(const std::string& run_id, int64_t timeout_ms);

  const SchedulerOptions& options() const { return options_; }
  // Sets SchedulerOptions::tracking_uri; only before Start (the server
  // learns its own address after binding).
  void SetTrackingUri(std::string uri) { options_.tracking_uri = std::move(uri); }

 private:
  void Loop();
  void Wake();
  void AdoptClaimedRuns(std::vector<PipelineRunRecord> runs);
  // Scheduler thread: renew leases, drop runs taken over, apply remote
  // cancels, claim the runs of dead replicas.
  void MaintainLeases();

  SchedulerOptions options_;  // tracking_uri may change before Start
  const SchedulerDeps deps_;

  std::mutex mu_;
  std::condition_variable cv_;       // wakes the loop
  std::condition_variable done_cv_;  // a run finished (WaitForRun)
  bool wake_ = false;                                   // GUARDED_BY(mu_)
  bool stop_ = false;                                   // GUARDED_BY(mu_)
  bool running_ = false;                                // GUARDED_BY(mu_)
  std::deque<std::unique_ptr<RunExecution>> incoming_;  // GUARDED_BY(mu_)
  std::set<std::string> cancels_;                       // GUARDED_BY(mu_)
  std::set<std::string> active_ids_;                    // GUARDED_BY(mu_): queued or active runs
  std::thread thread_;

  // Scheduler thread only.
  std::map<std::string, std::unique_ptr<RunExecution>> active_;
  int64_t running_attempts_ = 0;
  int64_t next_lease_ms_ = 0;                 // when MaintainLeases runs next
  std::set<std::string> remote_cancels_;      // cancels already applied from the store
};

}  // namespace cairn::pipelines
