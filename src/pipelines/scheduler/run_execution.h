// RunExecution: the execution tree of one pipeline run and the rules that
// advance it (see scheduler.h for the semantics). Internal to the scheduler:
// only the scheduler thread touches it. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipelines/graph.h"
#include "pipelines/run_state/run_store.h"
#include "pipelines/scheduler/scheduler.h"
#include "pipelines/scheduler/task_io.h"
#include "pipelines/spec/resolver.h"

namespace cairn::pipelines {

class RunExecution {
 public:
  // A new run whose record was just created (state PENDING).
  static Result<std::unique_ptr<RunExecution>> Create(const SchedulerOptions& options, const SchedulerDeps& deps,
                                                      PipelineRunRecord record, Pipeline pipeline,
                                                      TaskIo root_inputs);
  // A run an earlier scheduler left unfinished: rebuilds the tree from its
  // stored task records; running attempts are re-attached on the first
  // Advance. Errors when the stored spec no longer loads.
  static Result<std::unique_ptr<RunExecution>> Resume(const SchedulerOptions& options, const SchedulerDeps& deps,
                                                      PipelineRunRecord record);
  ~RunExecution();
  RunExecution(const RunExecution&) = delete;
  RunExecution& operator=(const RunExecution&) = delete;

  const std::string& run_id() const { return record_.run_id; }
  const PipelineRunRecord& record() const { return record_; }
  bool finished() const { return IsTerminal(record_.state); }

  // Stops running attempts and starts nothing new, except exit handlers'
  // exit tasks, which still run (KFP dsl.ExitHandler cleanup); a second
  // request stops those too.
  void RequestCancel();
  // Polls the attempts that are running; true if any finished.
  bool PollAttempts();
  // Advances the tree and starts containers: at most `slots` new attempts
  // (the scheduler's global budget). Returns how many it started.
  int64_t Advance(int64_t slots);
  // Attempts currently placed with the executor.
  int64_t running_attempts() const { return static_cast<int64_t>(running_.size()); }
  // Earliest time (ms) a retry is due; 0 when none waits.
  int64_t NextTimerMs() const;
  // Persists changed nodes and the run record.
  Status Flush();
  // Marks a run that cannot continue as FAILED (cancels running attempts).
  void Abort(const std::string& error);

  // Helpers shared with the scheduler.
  static std::string RunDirectory(const std::string& pipeline_root, const std::string& pipeline_name,
                                  const std::string& run_id);

 private:
  struct Node;
  struct AttemptPlan;
  enum class Resolution { kOk, kSkip, kNotTriggered, kError };

  RunExecution(const SchedulerOptions& options, const SchedulerDeps& deps, PipelineRunRecord record,
               Pipeline pipeline);

  Node* NewNode(Node* parent, const std::string& id);
  void InstantiateDagChildren(Node* dag_node, const std::map<std::string, TaskRecord>* stored);
  void RestoreNode(Node* n, const std::map<std::string, TaskRecord>& stored);
  void Evaluate(Node* container_node);
  void EvaluateDag(Node* d);
  void EvaluateLoop(Node* loop);
  void TryStartTask(Node* n);
  void StartBody(Node* n);
  void StartIteration(Node* loop, size_t index);
  Resolution ResolveInputs(Node* n, Node* scope, const Value* item, const RuntimeArtifact* item_artifact,
                           bool skip_iterator_bindings, std::string* why);
  Status ComputeLoopItems(Node* loop);
  void CompleteDag(Node* d);
  void CompleteLoop(Node* loop);
  void Finish(Node* n, NodeState state, std::string error = {});
  void MarkDirty(Node* n);
  void Schedule(Node* dag_like);
  void RunImporter(Node* n);

  // Containers.
  Result<AttemptPlan> PlanAttempt(Node* n, int32_t attempt);
  // Whether `n` must stop because the run is being cancelled (exit handlers
  // keep running until a second cancel).
  bool CancelledNow(const Node* n) const;
  // Appends the task's secretAsEnv values to `launch.env`; fails the
  // attempt's planning when a required secret or key is missing.
  Status AddSecretEnv(const Node* n, const ContainerSpec& container, TaskLaunch& launch) const;
  // The secret name of `secret`: its constant, or its secretNameParameter
  // binding read from the task's inputs or its parent's scope.
  Result<std::string> SecretName(const Node* n, const SecretEnv& secret) const;
  bool PrepareLaunch(Node* n);  // false when it finished instead (cache hit, error)
  // Submits the prepared attempts; a loop's ready body attempts as one
  // Executor::SubmitBatch (a Slurm job array).
  void SubmitPrepared();
  // The nearest loop above `n`, or null.
  static const Node* EnclosingLoop(const Node* n);
  // Records the handle of a submitted attempt, or fails the attempt.
  void OnSubmitted(Node* n, Result<std::string> handle);
  void OnAttemptEnd(Node* n, const ExecutionStatus& status);
  void FailAttempt(Node* n, const std::string& message);

  // Tracking.
  void StartTaskTracking(Node* n, const AttemptPlan& plan);
  void FinishTaskTracking(Node* n);
  void FinishRunTracking();

  void CompleteRun();
  RuntimeInfo Runtime(const Node* n) const;

  const SchedulerOptions& options_;
  const SchedulerDeps& deps_;
  PipelineRunRecord record_;
  Pipeline pipeline_;
  std::string run_dir_;
  bool run_dirty_ = false;
  bool cancelling_ = false;
  // Set by a second RequestCancel: exit handlers are cancelled too.
  bool cancel_exit_handlers_ = false;

  std::vector<std::unique_ptr<Node>> nodes_;
  std::unordered_map<std::string, Node*> by_id_;
  Node* root_ = nullptr;
  std::vector<Node*> worklist_;    // DAG-like nodes and loops to evaluate
  std::vector<Node*> dirty_;       // nodes to persist
  std::vector<Node*> ready_;       // containers waiting for a slot (FIFO)
  size_t ready_head_ = 0;
  std::vector<Node*> prepared_;    // persisted as RUNNING, to submit
  std::vector<Node*> running_;     // placed with the executor
  std::vector<Node*> retrying_;    // waiting for their backoff
};

}  // namespace cairn::pipelines
