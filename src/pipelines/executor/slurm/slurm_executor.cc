#include "pipelines/executor/slurm/slurm_executor.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/json_reader.h"
#include "pipelines/executor/log_file.h"
#include "pipelines/executor/slurm/slurm_job_files.h"
#include "pipelines/executor/slurm/slurm_resources.h"

namespace cairn::pipelines {
namespace {

namespace fs = std::filesystem;

constexpr char kScript[] = "job.sh";
constexpr char kArrayScript[] = "array.sh";
constexpr char kArrayFile[] = "array";
constexpr char kJobIdFile[] = "job_id";
constexpr char kExitStatusFile[] = "exit_status";
constexpr char kCancelledFile[] = "cancelled";
// Present when the job runs under `timeout` (its limit in seconds).
constexpr char kTimeoutFile[] = "timeout_seconds";
constexpr char kStdoutFile[] = "stdout.log";
constexpr char kStderrFile[] = "stderr.log";
// coreutils `timeout` exits with this when the limit struck.
constexpr int kTimeoutExitCode = 124;

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  std::string text = out.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

bool WriteFile(const std::string& path, const std::string& text, fs::perms perms = fs::perms::owner_read |
                                                                                 fs::perms::owner_write) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return false;
  std::error_code ec;
  fs::permissions(path, perms, ec);
  return !ec;
}

bool IsActiveSlurmState(std::string_view state) {
  return state == "PENDING" || state == "CONFIGURING" || state == "RUNNING" || state == "COMPLETING" ||
         state == "SUSPENDED" || state == "RESIZING" || state == "REQUEUED" || state == "REQUEUE_HOLD" ||
         state == "REQUEUE_FED" || state == "SIGNALING" || state == "STAGE_OUT" || state == "STOPPED";
}

}  // namespace

Result<std::unique_ptr<SlurmExecutor>> SlurmExecutor::Create(SlurmExecutorOptions options) {
  std::unique_ptr<SlurmExecutor> executor(new SlurmExecutor(std::move(options)));
  auto version = executor->RunSlurmCommand({"sbatch", "--version"});
  if (!version.ok() || !version->ok()) {
    return Status(StatusCode::kFailedPrecondition,
                  "the slurm executor needs Slurm's client commands (sbatch, squeue, scancel) on PATH and a "
                  "reachable cluster (SLURM_CONF)",
                  version.ok() ? version->stderr_data : version.status().message());
  }
  return executor;
}

Result<platform::SubprocessResult> SlurmExecutor::RunSlurmCommand(std::vector<std::string> argv) const {
  platform::SubprocessOptions run;
  run.argv = std::move(argv);
  run.timeout_ms = options_.command_timeout_ms;
  run.max_output_bytes = 8 << 20;
  return platform::RunSubprocess(run);
}

Result<std::string> SlurmExecutor::WriteAttemptFiles(const TaskLaunch& launch, bool in_array) const {
  if (launch.argv.empty()) return InvalidArgument("A task needs a command.");
  if (launch.attempt_dir.empty()) return InvalidArgument("The slurm executor needs an attempt directory.");
  const std::string work_dir = launch.working_dir.empty() ? launch.attempt_dir + "/work" : launch.working_dir;
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  if (ec) return Internal("Cannot create the task's directories.", fmt::format("{}: {}", work_dir, ec.message()));
  const std::string script_path = launch.attempt_dir + "/" + kScript;
  if (!WriteFile(script_path, AttemptScript(launch, work_dir, in_array), fs::perms::owner_all)) {
    return Internal("Cannot write the job script.", script_path);
  }
  if (launch.timeout_ms > 0) {
    WriteFile(launch.attempt_dir + "/" + kTimeoutFile, fmt::format("{}\n", launch.timeout_ms / 1000));
  }
  // What an earlier, never-submitted try of this attempt left (a server
  // that crashed before sbatch) must not point Find at another job.
  fs::remove(launch.attempt_dir + "/" + (in_array ? kJobIdFile : kArrayFile), ec);
  return work_dir;
}

Result<std::string> SlurmExecutor::RunSbatch(std::vector<std::string> args, const std::vector<std::string>& resources,
                                             const std::string& script, platform::Environment env) const {
  platform::SubprocessOptions sbatch;
  sbatch.argv = {"sbatch", "--parsable", "--export=ALL"};
  sbatch.argv.insert(sbatch.argv.end(), args.begin(), args.end());
  if (!options_.partition.empty()) sbatch.argv.push_back("--partition=" + options_.partition);
  sbatch.argv.insert(sbatch.argv.end(), resources.begin(), resources.end());
  sbatch.argv.insert(sbatch.argv.end(), options_.extra_sbatch_args.begin(), options_.extra_sbatch_args.end());
  sbatch.argv.push_back(script);
  // --export=ALL hands the job sbatch's own environment: the task's. sbatch
  // itself still needs to find its cluster.
  for (const auto& [k, v] : platform::CurrentEnvironment()) {
    if (k == "SLURM_CONF") env = platform::MergeEnvironment(std::move(env), {{k, v}});
  }
  sbatch.env = std::move(env);
  sbatch.timeout_ms = options_.command_timeout_ms;
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result, platform::RunSubprocess(sbatch));
  if (!result.ok()) {
    return Status(StatusCode::kUnavailable, "sbatch refused the task",
                  fmt::format("exit {}: {}", result.exit_code, result.stderr_data));
  }
  std::string job_id = result.stdout_data.substr(0, result.stdout_data.find_first_of(";\n"));
  if (job_id.empty() || job_id.find_first_not_of("0123456789") != std::string::npos) {
    return Internal("sbatch answered without a job id.", result.stdout_data);
  }
  return job_id;
}

Result<std::string> SlurmExecutor::Submit(const TaskLaunch& launch) {
  CAIRN_ASSIGN_OR_RETURN(std::string work_dir, WriteAttemptFiles(launch, /*in_array=*/false));
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> resources, SbatchResourceOptions(launch));
  // A job of its own takes the task's environment from sbatch.
  CAIRN_ASSIGN_OR_RETURN(std::string job_id,
                         RunSbatch({"--job-name=" + AttemptJobName(launch.attempt_key),
                                    "--output=" + launch.attempt_dir + "/" + kStdoutFile,
                                    "--error=" + launch.attempt_dir + "/" + kStderrFile, "--chdir=" + work_dir},
                                   resources, launch.attempt_dir + "/" + kScript,
                                   platform::MergeEnvironment(options_.base_env, launch.env)));
  WriteFile(launch.attempt_dir + "/" + kJobIdFile, job_id + "\n");
  {
    std::lock_guard<std::mutex> lock(mu_);
    submitted_[job_id] = std::chrono::steady_clock::now();
  }
  return FormatSlurmHandle(job_id, launch.attempt_dir);
}

std::vector<Result<std::string>> SlurmExecutor::SubmitBatch(const std::vector<TaskLaunch>& launches,
                                                            int64_t max_running) {
  std::vector<Result<std::string>> results(launches.size(), Result<std::string>(Internal("not submitted")));
  // Launches grouped by their sbatch resource options (an array job has one
  // set), in the order each group first appears.
  std::vector<std::pair<std::vector<std::string>, std::vector<size_t>>> groups;
  for (size_t i = 0; i < launches.size(); ++i) {
    auto resources = SbatchResourceOptions(launches[i]);
    if (!resources.ok()) {
      results[i] = resources.status();
      continue;
    }
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == *resources; });
    if (same == groups.end()) {
      groups.emplace_back(std::move(resources).value(), std::vector<size_t>{i});
    } else {
      same->second.push_back(i);
    }
  }
  for (const auto& [resources, members] : groups) {
    for (size_t from = 0; from < members.size(); from += kMaxArrayElements) {
      const size_t to = std::min(members.size(), from + kMaxArrayElements);
      if (to - from == 1) {
        results[members[from]] = Submit(launches[members[from]]);
        continue;
      }
      std::vector<const TaskLaunch*> chunk;
      std::vector<size_t> chunk_index;
      for (size_t k = from; k < to; ++k) {
        auto written = WriteAttemptFiles(launches[members[k]], /*in_array=*/true);
        if (!written.ok()) {
          results[members[k]] = written.status();
          continue;
        }
        chunk.push_back(&launches[members[k]]);
        chunk_index.push_back(members[k]);
      }
      if (chunk.empty()) continue;
      std::vector<Result<std::string>> handles = SubmitArray(chunk, resources, max_running);
      for (size_t k = 0; k < chunk.size(); ++k) results[chunk_index[k]] = std::move(handles[k]);
    }
  }
  return results;
}

std::vector<Result<std::string>> SlurmExecutor::SubmitArray(const std::vector<const TaskLaunch*>& launches,
                                                            const std::vector<std::string>& resources,
                                                            int64_t max_running) {
  auto fail_all = [&](const Status& status) { return std::vector<Result<std::string>>(launches.size(), status); };
  std::vector<std::string> keys;
  for (const TaskLaunch* launch : launches) keys.push_back(launch->attempt_key);
  const std::string job_name = ArrayJobName(keys);
  const std::string array_dir = launches.front()->attempt_dir + "/" + job_name;
  // A directory of this name is left by an earlier try of this very batch
  // that never reached Slurm (else Find would have adopted its attempts).
  std::error_code ec;
  fs::remove_all(array_dir, ec);
  fs::create_directories(array_dir, ec);
  if (ec) return fail_all(Internal("Cannot create the job array's directory.", array_dir + ": " + ec.message()));
  for (size_t i = 0; i < launches.size(); ++i) {
    fs::create_directory_symlink(fs::absolute(launches[i]->attempt_dir, ec), fs::path(array_dir) / std::to_string(i),
                                 ec);
    if (ec) return fail_all(Internal("Cannot link the job array's elements.", array_dir + ": " + ec.message()));
    // Before sbatch: a server that crashes between sbatch and the job id
    // files finds the element by the array's name.
    const std::string membership = launches[i]->attempt_dir + "/" + kArrayFile;
    if (!WriteFile(membership + ".tmp", FormatArrayMembership({job_name, static_cast<int64_t>(i), array_dir}))) {
      return fail_all(Internal("Cannot write the job array's files.", membership));
    }
    fs::rename(membership + ".tmp", membership, ec);
    if (ec) return fail_all(Internal("Cannot write the job array's files.", membership + ": " + ec.message()));
  }
  const std::string script = array_dir + "/" + kArrayScript;
  if (!WriteFile(script, ArrayScript(array_dir), fs::perms::owner_all)) {
    return fail_all(Internal("Cannot write the job array's script.", script));
  }
  // %a: the element's index; its link leads to that attempt's directory.
  auto job_id = RunSbatch({"--job-name=" + job_name,
                           "--array=" + ArrayIndexSpec(static_cast<int64_t>(launches.size()), max_running),
                           "--output=" + array_dir + "/%a/" + kStdoutFile,
                           "--error=" + array_dir + "/%a/" + kStderrFile, "--chdir=" + array_dir},
                          resources, script, options_.base_env);
  if (!job_id.ok()) return fail_all(job_id.status());
  WriteFile(array_dir + "/" + kJobIdFile, *job_id + "\n");
  std::vector<Result<std::string>> handles;
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < launches.size(); ++i) {
    const std::string element = fmt::format("{}_{}", *job_id, i);
    WriteFile(launches[i]->attempt_dir + "/" + kJobIdFile, element + "\n");
    handles.push_back(FormatSlurmHandle(element, launches[i]->attempt_dir));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < launches.size(); ++i) submitted_[fmt::format("{}_{}", *job_id, i)] = now;
  return handles;
}

Status SlurmExecutor::RefreshQueue() {
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result,
                         RunSlurmCommand({"squeue", "--states=all", "--array", "--noheader", "--format=%i|%T"}));
  if (!result.ok()) {
    return Status(StatusCode::kUnavailable, "squeue failed; is slurmctld reachable?", result.stderr_data);
  }
  // --array: one line per array element ("123_4"), pending ones included.
  std::map<std::string, std::string> queue;
  std::istringstream lines(result.stdout_data);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t bar = line.find('|');
    if (bar == std::string::npos) continue;
    queue[line.substr(0, bar)] = line.substr(bar + 1);
  }
  queue_ = std::move(queue);
  queue_time_ = std::chrono::steady_clock::now();
  return Status::Ok();
}

Result<std::optional<std::string>> SlurmExecutor::JobState(const std::string& job_id,
                                                           std::chrono::steady_clock::time_point fresh_after) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    if (queue_time_ <= fresh_after || now - queue_time_ > std::chrono::milliseconds(options_.status_cache_ms)) {
      CAIRN_RETURN_IF_ERROR(RefreshQueue());
    }
    auto it = queue_.find(job_id);
    if (it != queue_.end()) return std::optional<std::string>(it->second);
  }
  // Gone from squeue (MinJobAge passed): accounting may still know it.
  auto sacct = RunSlurmCommand({"sacct", "--jobs=" + job_id, "--noheader", "--allocations", "--parsable2",
                                "--format=State"});
  if (sacct.ok() && sacct->ok()) {
    std::string state = sacct->stdout_data.substr(0, sacct->stdout_data.find('\n'));
    // "CANCELLED by 0" -> "CANCELLED"
    state = state.substr(0, state.find(' '));
    if (!state.empty()) return std::optional<std::string>(state);
  }
  return std::optional<std::string>();
}

Result<ExecutionStatus> SlurmExecutor::Poll(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(SlurmHandle parsed, ParseSlurmHandle(handle));
  const std::string exit_path = parsed.attempt_dir + "/" + kExitStatusFile;
  const bool cancelled = fs::exists(parsed.attempt_dir + "/" + kCancelledFile);
  auto from_exit_file = [&]() -> std::optional<ExecutionStatus> {
    auto text = ReadSmallFile(exit_path);
    if (!text) return std::nullopt;
    ExecutionStatus status;
    status.exit_code = static_cast<int>(ParseInt64(*text).value_or(-1));
    if (status.exit_code == 0) {
      status.state = ExecutionState::kSucceeded;
    } else if (status.exit_code == kTimeoutExitCode && fs::exists(parsed.attempt_dir + "/" + kTimeoutFile)) {
      status.state = ExecutionState::kTimedOut;
      status.message = "timed out";
    } else {
      status.state = cancelled ? ExecutionState::kCancelled : ExecutionState::kFailed;
      status.message = status.exit_code == 127 ? "exit status 127 (command not found)"
                                               : fmt::format("exit status {}", status.exit_code);
    }
    return status;
  };
  if (auto status = from_exit_file()) return *status;

  std::chrono::steady_clock::time_point fresh_after{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = submitted_.find(parsed.job_id);
    if (it != submitted_.end()) fresh_after = it->second;
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> state, JobState(parsed.job_id, fresh_after));
  // The job may have ended between the two reads.
  if (auto status = from_exit_file()) return *status;
  ExecutionStatus status;
  if (!state) {
    status.state = cancelled ? ExecutionState::kCancelled : ExecutionState::kLost;
    status.message = cancelled ? "cancelled"
                               : fmt::format("Slurm no longer knows job {} and it left no exit status", parsed.job_id);
    return status;
  }
  if (IsActiveSlurmState(*state)) return status;  // kRunning
  if (*state == "CANCELLED" || cancelled) {
    status.state = ExecutionState::kCancelled;
    status.message = cancelled ? "cancelled" : fmt::format("Slurm job {} was cancelled outside cairn", parsed.job_id);
  } else if (*state == "TIMEOUT" || *state == "DEADLINE") {
    status.state = ExecutionState::kTimedOut;
    status.message = fmt::format("Slurm ended job {}: {}", parsed.job_id, *state);
  } else {
    status.state = ExecutionState::kFailed;
    status.message = fmt::format("Slurm job {} ended {} without recording an exit status", parsed.job_id, *state);
  }
  return status;
}

bool SlurmExecutor::ArrayAllDone(const std::string& attempt_dir) {
  auto membership = ParseArrayMembership(ReadSmallFile(attempt_dir + "/" + kArrayFile).value_or("") + "\n");
  if (!membership) return false;
  std::error_code ec;
  size_t elements = 0;
  for (const auto& entry : fs::directory_iterator(membership->array_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ++elements;
    if (!fs::exists(entry.path() / kExitStatusFile, ec) && !fs::exists(entry.path() / kCancelledFile, ec)) return false;
  }
  return !ec && elements > 0;
}

Status SlurmExecutor::Cancel(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(SlurmHandle parsed, ParseSlurmHandle(handle));
  if (fs::exists(parsed.attempt_dir + "/" + kExitStatusFile)) return Status::Ok();
  WriteFile(parsed.attempt_dir + "/" + kCancelledFile, "cancelled\n");
  // The last element of an array to be cancelled cancels the whole array,
  // so nothing of it (a pending element Slurm has not split out yet, the
  // array's record) is left behind.
  std::string target = parsed.job_id;
  if (!parsed.array_job_id.empty() && ArrayAllDone(parsed.attempt_dir)) target = parsed.array_job_id;
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result, RunSlurmCommand({"scancel", target}));
  // scancel of a job that already ended fails harmlessly; Poll tells.
  if (!result.ok() && result.stderr_data.find("Invalid job id") == std::string::npos &&
      result.stderr_data.find("already completing or completed") == std::string::npos) {
    return Status(StatusCode::kUnavailable, fmt::format("scancel {} failed", target), result.stderr_data);
  }
  return Status::Ok();
}

Result<LogChunk> SlurmExecutor::Logs(const std::string& handle, LogStream stream, int64_t offset,
                                     int64_t max_bytes) {
  CAIRN_ASSIGN_OR_RETURN(SlurmHandle parsed, ParseSlurmHandle(handle));
  return ReadLogFile(parsed.attempt_dir + "/" + (stream == LogStream::kStdout ? kStdoutFile : kStderrFile), offset,
                     max_bytes);
}

Result<std::optional<std::string>> SlurmExecutor::Find(const TaskLaunch& launch) {
  if (auto id = ReadSmallFile(launch.attempt_dir + "/" + kJobIdFile); id && !id->empty()) {
    return std::optional<std::string>(FormatSlurmHandle(*id, launch.attempt_dir));
  }
  // Crashed between sbatch answering and the job_id file: look the job up by
  // its name, which is derived from the attempt key (or, for an array
  // element, recorded in the array file before sbatch).
  std::string name = AttemptJobName(launch.attempt_key);
  std::optional<ArrayMembership> membership;
  if (auto text = ReadSmallFile(launch.attempt_dir + "/" + kArrayFile)) {
    membership = ParseArrayMembership(*text + "\n");
    if (membership) name = membership->job_name;
  }
  // %A: the array's job id for array elements, the job id otherwise.
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result,
                         RunSlurmCommand({"squeue", "--states=all", "--noheader", "--format=%A", "--name=" + name}));
  if (!result.ok()) return Status(StatusCode::kUnavailable, "squeue failed", result.stderr_data);
  std::string id = result.stdout_data.substr(0, result.stdout_data.find('\n'));
  while (!id.empty() && id.back() == ' ') id.pop_back();
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) return std::optional<std::string>();
  if (membership) id = fmt::format("{}_{}", id, membership->index);
  return std::optional<std::string>(FormatSlurmHandle(id, launch.attempt_dir));
}

}  // namespace cairn::pipelines
