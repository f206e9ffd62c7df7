// Executor: the seam that places one pipeline task (or tuning trial) as a
// process somewhere and reports its state. The scheduler decides *what* runs
// and *when*; an executor only runs what it is given:
//   local       a process per task on this host (executor/local/)
//   slurm       a batch job per attempt, a job array per batch (executor/slurm/)
//   kubernetes  a batch/v1 Job per attempt running the task's image
//               (executor/kubernetes/)
//
// Handles: Submit returns an opaque handle that the scheduler persists with
// the task's attempt. Everything else takes that handle, and must keep
// working in a *new* executor object after the server restarted (a local
// process that outlived the server, a Slurm job id, a pod name), so a
// restarted scheduler can resume a run without running a task twice.
// `Find` answers the one question a crash between "decided to launch" and
// "persisted the handle" leaves open: did this attempt start?
//
// Thread-safety: implementations are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "pipelines/placement.h"

namespace cairn::pipelines {

// What to run: one attempt of one task, fully resolved (no placeholders).
struct TaskLaunch {
  // Unique per attempt and stable across restarts (e.g. "<run>/<task>/<n>");
  // executors name jobs and directories after it, and Find looks it up.
  std::string attempt_key;
  // argv[0] is looked up on PATH. Must not be empty.
  std::vector<std::string> argv;
  // Added to (or overriding) the executor's base environment.
  std::vector<std::pair<std::string, std::string>> env;
  // The task's working directory; created if missing. Empty: the
  // executor's own per-attempt directory.
  std::string working_dir;
  // Where the executor keeps the attempt's bookkeeping and logs
  // (stdout.log, stderr.log). Created if missing. Required for `local`.
  std::string attempt_dir;
  // The container image the task was written for; local runs it on the
  // host and only records it, remote executors pull it.
  std::string image;
  // Wall-clock limit; <= 0: none. Exceeding it kills the task (kTimedOut).
  int64_t timeout_ms = 0;
  // Resource requests as written in the spec (k8s quantity strings);
  // local ignores them.
  std::string cpu_limit;
  std::string memory_limit;
  std::string cpu_request;
  std::string memory_request;
  std::string accelerator_type;
  int64_t accelerator_count = 0;
  // Cluster placement (node selector, tolerations, PVC mounts, ...) from the
  // spec's PlatformSpec; only the kubernetes executor uses it.
  TaskPlacement placement;
};

enum class ExecutionState {
  kRunning,    // submitted and not finished (includes queued remotely)
  kSucceeded,  // exit status 0
  kFailed,     // non-zero exit, killed by a signal, or could not start
  kCancelled,  // stopped by Cancel
  kTimedOut,   // stopped because it ran past timeout_ms
  kLost,       // the executor no longer knows the attempt (its monitor died)
};

std::string_view ExecutionStateName(ExecutionState state);
inline bool IsTerminal(ExecutionState state) { return state != ExecutionState::kRunning; }

struct ExecutionStatus {
  ExecutionState state = ExecutionState::kRunning;
  // For finished attempts: the exit code, or -1 if killed by a signal.
  int exit_code = -1;
  // The signal that ended the process, 0 if none.
  int term_signal = 0;
  // Human-readable reason for failures ("exit status 3", "killed by
  // SIGKILL", "timed out after 5s", "could not start 'foo': No such file").
  std::string message;
  // Logs were cut at the executor's cap (each stream separately).
  bool stdout_truncated = false;
  bool stderr_truncated = false;
};

enum class LogStream { kStdout, kStderr };

struct LogChunk {
  std::string data;
  int64_t next_offset = 0;  // pass back to continue reading
  bool eof = false;         // no more bytes now (the task may still write)
};

class Executor {
 public:
  virtual ~Executor() = default;

  // "local", "slurm", "kubernetes": recorded with each attempt.
  virtual std::string_view Name() const = 0;

  // Starts the attempt; returns its handle. kInvalidArgument for an empty
  // argv or a missing attempt_dir; kInternal when the OS refuses (fork,
  // files). A command that is not found is *not* an error here: the attempt
  // starts and then fails (Poll reports kFailed with the reason).
  virtual Result<std::string> Submit(const TaskLaunch& launch) = 0;

  // Starts several attempts at once (the ready iterations of one loop, a
  // round of tuning trials); result i is launches[i]'s handle or error, as
  // Submit would answer. `max_running` > 0 asks that at most that many of
  // them run at the same time (the loop's parallelism); callers still never
  // pass more than they allow to run. The default submits each one with
  // Submit; the Slurm executor makes launches with equal resources one job
  // array. Every handle works with Poll/Cancel/Logs/Find like Submit's.
  virtual std::vector<Result<std::string>> SubmitBatch(const std::vector<TaskLaunch>& launches,
                                                       int64_t max_running) {
    (void)max_running;
    std::vector<Result<std::string>> handles;
    handles.reserve(launches.size());
    for (const TaskLaunch& launch : launches) handles.push_back(Submit(launch));
    return handles;
  }

  // Current state. Cheap; the scheduler calls it often. kInvalidArgument
  // for a malformed handle.
  virtual Result<ExecutionStatus> Poll(const std::string& handle) = 0;

  // Requests the attempt to stop (the whole process group / job); returns
  // at once. Poll then reports kCancelled (or the state it reached first).
  // Cancelling a finished attempt is OK and changes nothing.
  virtual Status Cancel(const std::string& handle) = 0;

  // Reads `stream` from byte `offset`, at most `max_bytes`. Works while the
  // attempt runs and after it ended.
  virtual Result<LogChunk> Logs(const std::string& handle, LogStream stream, int64_t offset,
                                int64_t max_bytes) = 0;

  // The handle of an attempt that was submitted with `launch.attempt_key`
  // (and launch.attempt_dir) by this or an earlier executor instance, or
  // nullopt if it never started. Used after a restart for attempts whose
  // handle was not persisted.
  virtual Result<std::optional<std::string>> Find(const TaskLaunch& launch) = 0;

  // Registers `callback`, called from any thread whenever some attempt may
  // have changed state (the caller then Polls). Lets a scheduler sleep
  // instead of polling; executors without notifications never call it, and
  // callers must still Poll periodically. Replaces any earlier callback; an
  // empty function unregisters; once it returns, the previous callback is
  // not running and is never called again. The callback must be cheap and
  // must not call back into the executor.
  virtual void SetStateChangeCallback(std::function<void()> callback) {}
};

}  // namespace cairn::pipelines
