// SlurmExecutor: each task attempt is a Slurm batch job (sbatch), watched
// with squeue (sacct when the job has left squeue), cancelled with scancel.
// SubmitBatch makes the launches that ask for the same resources one job
// array (sbatch --array), one element per attempt.
//
// The attempt directory must be on a filesystem the compute nodes share with
// the server (the usual Slurm setup): the job script, the job's stdout/stderr
// and its exit status live there:
//   <attempt_dir>/job.sh        the attempt's script (cd, timeout, exec argv, record status)
//   <attempt_dir>/job_id        written right after sbatch answered ("123", or "123_4" in an array)
//   <attempt_dir>/exit_status   written by the job itself as it ends
//   <attempt_dir>/cancelled     written by Cancel
//   <attempt_dir>/timeout_seconds  present when the job runs under `timeout`
//   <attempt_dir>/stdout.log, stderr.log
//   <attempt_dir>/array         array attempts: the array's job name, this
//                               attempt's index and the array directory,
//                               written before sbatch (Find after a crash)
// An array lives in <first attempt_dir>/<array job name>/: array.sh (element
// N runs N/job.sh), job_id, and links N -> the N-th attempt's directory,
// through which Slurm writes each element's logs into its attempt directory.
// Handles are "<job id>@<attempt_dir>" or "<job id>_<index>@<attempt_dir>"
// (slurm_job_files.h), so a restarted server (a new executor) can poll, read
// logs and cancel jobs and array elements submitted before.
//
// The job gets the executor's base environment plus the launch's (sbatch
// --export=ALL from an environment cairn builds; an array element's own
// variables are set by its script), never the server's own beyond base_env.
// Timeouts are enforced inside the job with coreutils `timeout` (exact
// seconds; exit 124 = timed out) and, as a backstop, by Slurm's --time.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pipelines/executor/executor.h"
#include "platform/subprocess.h"

namespace cairn::pipelines {

struct SlurmExecutorOptions {
  // The environment of every job (e.g. LocalExecutor::ProcessEnvironment());
  // the Slurm commands themselves run with this process's environment
  // (SLURM_CONF and friends).
  platform::Environment base_env;
  // sbatch --partition; empty: the cluster's default partition.
  std::string partition;
  // Passed to sbatch before the script (e.g. "--account=ml", "--qos=low").
  std::vector<std::string> extra_sbatch_args;
  // One squeue call answers every Poll within this window.
  int64_t status_cache_ms = 1000;
  // Each sbatch/squeue/scancel/sacct call is killed after this long.
  int64_t command_timeout_ms = 30000;
};

class SlurmExecutor : public Executor {
 public:
  // kFailedPrecondition when `sbatch --version` does not run (Slurm's
  // client commands missing or misconfigured).
  static Result<std::unique_ptr<SlurmExecutor>> Create(SlurmExecutorOptions options);

  std::string_view Name() const override { return "slurm"; }
  Result<std::string> Submit(const TaskLaunch& launch) override;
  // Launches with equal sbatch resource options (cpu, memory, gpus, time)
  // share one array job (at most kMaxArrayElements each, `max_running` as
  // its %limit); a launch alone in its group is a job of its own. Errors are
  // per launch (a refused sbatch fails every element of that array).
  std::vector<Result<std::string>> SubmitBatch(const std::vector<TaskLaunch>& launches,
                                               int64_t max_running) override;
  Result<ExecutionStatus> Poll(const std::string& handle) override;
  Status Cancel(const std::string& handle) override;
  Result<LogChunk> Logs(const std::string& handle, LogStream stream, int64_t offset, int64_t max_bytes) override;
  Result<std::optional<std::string>> Find(const TaskLaunch& launch) override;

 private:
  explicit SlurmExecutor(SlurmExecutorOptions options) : options_(std::move(options)) {}

  // Below Slurm's default MaxArraySize (1001); larger groups are split.
  static constexpr size_t kMaxArrayElements = 1000;

  // Checks `launch` and writes its directories, job script and timeout
  // file; returns the task's working directory.
  Result<std::string> WriteAttemptFiles(const TaskLaunch& launch, bool in_array) const;
  // One array job for `launches` (already through WriteAttemptFiles), which
  // share `resources`; one result per launch.
  std::vector<Result<std::string>> SubmitArray(const std::vector<const TaskLaunch*>& launches,
                                               const std::vector<std::string>& resources, int64_t max_running);
  // Runs sbatch with `args` (then partition, `resources`, extra args and
  // `script`) in `env` plus SLURM_CONF; returns the job id.
  Result<std::string> RunSbatch(std::vector<std::string> args, const std::vector<std::string>& resources,
                                const std::string& script, platform::Environment env) const;
  // Whether every element of the array holding the attempt in `attempt_dir`
  // has finished or been cancelled.
  static bool ArrayAllDone(const std::string& attempt_dir);

  // Runs a Slurm client command with this process's environment.
  Result<platform::SubprocessResult> RunSlurmCommand(std::vector<std::string> argv) const;
  // Slurm's state name for `job_id` ("RUNNING", "COMPLETED", ...), or
  // nullopt when squeue (and sacct) no longer know it. `fresh_after`: a
  // cached squeue answer older than this is refreshed first.
  Result<std::optional<std::string>> JobState(const std::string& job_id,
                                              std::chrono::steady_clock::time_point fresh_after);
  Status RefreshQueue();

  const SlurmExecutorOptions options_;
  mutable std::mutex mu_;
  // job id -> state, from the last squeue --states=all.
  std::map<std::string, std::string> queue_;
  std::chrono::steady_clock::time_point queue_time_{};
  // When this executor submitted each job (a job newer than the cached queue
  // must not be judged missing from it).
  std::map<std::string, std::chrono::steady_clock::time_point> submitted_;
};

}  // namespace cairn::pipelines
