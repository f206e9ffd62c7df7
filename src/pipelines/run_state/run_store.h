// PipelineRunStore: where pipeline runs and the state of their tasks live,
// so that a restarted server resumes (or cleanly fails) every unfinished run
// and no task is silently lost or run twice.
//
// Records are plain values the scheduler owns; the store keeps the latest
// version of each. Task records are keyed by (run_id, node_id): node ids are
// paths in the run's execution tree ("train", "exit-handler-1/fail",
// "for-loop-2[3]/print"), stable across restarts.
//
// Contract (tests/contract/pipeline_run_store_contract_test.cc runs it on
// every implementation):
//  * thread-safe; an OK return is durable against a process crash;
//  * kNotFound for unknown runs/tasks; kAlreadyExists for a taken run id;
//  * PutTasks (and SaveRun with tasks) is atomic: all records or none;
//  * ListRuns is newest first (created_ms, then run_id), with offset page
//    tokens; records in lists carry no spec_yaml (GetRun has it).
//
// Implementations: MemoryPipelineRunStore (tests), SqlPipelineRunStore
// (store/sql, over SQLite or PostgreSQL: migrations 3 and 7).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"

namespace cairn::pipelines {

enum class RunState { kPending, kRunning, kSucceeded, kFailed, kCancelling, kCancelled };
std::string_view RunStateName(RunState state);  // "PENDING", ...
std::optional<RunState> ParseRunState(std::string_view name);
inline bool IsTerminal(RunState s) {
  return s == RunState::kSucceeded || s == RunState::kFailed || s == RunState::kCancelled;
}

// States of a node in the execution tree (KFP task states, reduced).
enum class NodeState {
  kPending,       // waiting for upstream tasks (or for a parallelism slot)
  kRunning,       // launched / has running children / waiting to retry
  kSucceeded,     // done (also a cache hit: see TaskRecord::cached)
  kFailed,        // failed after its retries, or could not be resolved
  kSkipped,       // its condition was false, or an input came from a skipped task
  kNotTriggered,  // an upstream task failed and it does not ignore that
  kCancelled,     // the run was cancelled before it finished
};
std::string_view NodeStateName(NodeState state);  // "SUCCEEDED", "NOT_TRIGGERED", ...
std::optional<NodeState> ParseNodeState(std::string_view name);
inline bool IsTerminal(NodeState s) { return s != NodeState::kPending && s != NodeState::kRunning; }

struct PipelineRunRecord {
  std::string run_id;
  std::string display_name;
  std::string pipeline_name;
  std::string source_name;     // file name or upload name
  std::string spec_yaml;       // the submitted spec, verbatim (empty in lists)
  std::string parameters_json;  // {"name": value} as submitted
  RunState state = RunState::kPending;
  bool cache_enabled = true;   // per-run switch (the server has a global one)
  int64_t parallelism = 0;     // max concurrent container tasks; 0 = server default
  std::string pipeline_root;   // resolved root of this run's artifacts
  std::string experiment_id;   // tracking: the run is a tracking run there
  std::string mlflow_run_id;
  std::string outputs_json;    // pipeline outputs, when finished
  std::string error;           // why it failed
  bool cancel_requested = false;
  std::string owner;           // the scheduler instance driving it
  int64_t lease_expires_ms = 0;  // owner's lease; after it, another may claim
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

enum class NodeKind {
  kContainer,  // runs a process
  kImporter,   // registers an existing artifact URI
  kDag,        // a sub-DAG task (conditions, exit handlers, nested pipelines)
  kLoop,       // a task with an iterator; its children are iterations
  kIteration,  // one item of a loop: runs the body component once
};
std::string_view NodeKindName(NodeKind kind);  // "CONTAINER", ...
std::optional<NodeKind> ParseNodeKind(std::string_view name);

struct TaskRecord {
  std::string run_id;
  std::string node_id;    // path in the execution tree
  std::string parent_id;  // "" for tasks of the root DAG
  std::string task_key;   // key in its Dag ("" for iterations)
  std::string display_name;
  std::string component;  // component name ("comp-train")
  NodeKind kind = NodeKind::kContainer;
  NodeState state = NodeState::kPending;
  int64_t iteration_index = -1;  // iterations only
  int32_t attempt = 0;           // attempts launched so far (1-based current)
  std::string executor;          // "local" ...
  std::string handle;            // executor handle of the current attempt
  std::string attempt_dir;       // current attempt's directory (logs)
  int64_t next_attempt_ms = 0;   // retry backoff: launch not before this
  int32_t exit_code = -1;
  std::string inputs_json;   // {"parameters":{...},"artifacts":{...}}
  std::string outputs_json;  // same shape
  std::string image;
  std::string command_json;  // resolved argv as a JSON list
  std::string fingerprint;   // cache key ("" when caching is off)
  bool cached = false;
  std::string cached_from;   // "<run_id>/<node_id>" of the reused task
  std::string mlflow_run_id;
  std::string error;
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

// One reusable result: outputs of a successful task by fingerprint.
struct CacheEntry {
  std::string pipeline_name;
  std::string fingerprint;
  std::string run_id;
  std::string node_id;
  std::string outputs_json;
  std::string mlflow_run_id;
  int64_t created_ms = 0;
};

struct ListRunsRequest {
  int64_t max_results = 100;  // 1..1000
  std::string page_token;
  std::optional<RunState> state;  // only runs in this state
};

// A run a scheduler holds (RenewRunLeases).
struct RunLease {
  std::string run_id;
  bool cancel_requested = false;  // set through another replica, maybe
};

struct RunPage {
  std::vector<PipelineRunRecord> runs;
  std::string next_page_token;
};

class PipelineRunStore {
 public:
  virtual ~PipelineRunStore() = default;

  // kAlreadyExists if the run id is taken.
  virtual Status CreateRun(const PipelineRunRecord& run) = 0;
  virtual Result<PipelineRunRecord> GetRun(const std::string& run_id) = 0;
  virtual Result<RunPage> ListRuns(const ListRunsRequest& request) = 0;
  // Replaces every field but run_id, spec_yaml, created_ms and
  // cancel_requested (which only RequestCancel sets); keeps the later of
  // the stored and the given lease_expires_ms; and, in the same
  // transaction, upserts `tasks` (may be empty). Fenced: kConflict
  // (RunLeaseLost), and nothing written, when another scheduler than
  // `run.owner` holds the unfinished run (its lease was taken over). A
  // finished run may be taken by anyone (to run it again).
  virtual Status SaveRun(const PipelineRunRecord& run, const std::vector<TaskRecord>& tasks) = 0;
  // Sets cancel_requested. kNotFound for an unknown run. Idempotent.
  virtual Status RequestCancel(const std::string& run_id) = 0;

  // Upserts task records of one run (kNotFound if the run does not exist).
  virtual Status PutTasks(const std::string& run_id, const std::vector<TaskRecord>& tasks) = 0;
  // Tasks of a run ordered by node_id.
  virtual Result<std::vector<TaskRecord>> ListTasks(const std::string& run_id) = 0;
  virtual Result<TaskRecord> GetTask(const std::string& run_id, const std::string& node_id) = 0;

  // Leases: several schedulers (server replicas) share one store; each
  // unfinished run is driven by the one holding its lease.
  //
  // Claims the unfinished runs that are free: no owner, owned by `owner`
  // itself (a restarted replica takes its runs back at once), or whose
  // owner's lease expired before `now_ms` (that replica died). Sets their
  // owner to `owner` and their lease to `now_ms + lease_ms`; oldest first.
  virtual Result<std::vector<PipelineRunRecord>> ClaimUnfinishedRuns(const std::string& owner, int64_t now_ms,
                                                                     int64_t lease_ms) = 0;
  // Extends to `now_ms + lease_ms` the lease of every unfinished run
  // `owner` holds, and returns those runs: a run missing from the answer was
  // taken over and must no longer be driven by `owner`.
  virtual Result<std::vector<RunLease>> RenewRunLeases(const std::string& owner, int64_t now_ms, int64_t lease_ms) = 0;
  // Ends `owner`'s leases now (clean shutdown), so another replica can
  // claim its unfinished runs without waiting for them to expire.
  virtual Status ReleaseRunLeases(const std::string& owner) = 0;

  // Cache: the latest entry wins. Lookups are scoped by pipeline name.
  virtual Status PutCacheEntry(const CacheEntry& entry) = 0;
  virtual Result<std::optional<CacheEntry>> FindCacheEntry(const std::string& pipeline_name,
                                                          const std::string& fingerprint) = 0;
};

// The kConflict a fenced SaveRun returns: `holder` took the run over.
Status RunLeaseLost(const std::string& run_id, const std::string& holder);

// An in-memory store for tests (thread-safe; not durable).
std::unique_ptr<PipelineRunStore> CreateMemoryPipelineRunStore();

}  // namespace cairn::pipelines
