#include "pipelines/executor/slurm/slurm_executor.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/json_reader.h"
#include "pipelines/executor/log_file.h"
#include "pipelines/executor/slurm/slurm_resources.h"
#include "pipelines/scheduler/sha256.h"

namespace cairn::pipelines {
namespace {

namespace fs = std::filesystem;

constexpr char kScript[] = "job.sh";
constexpr char kJobIdFile[] = "job_id";
constexpr char kExitStatusFile[] = "exit_status";
constexpr char kCancelledFile[] = "cancelled";
// Present when the job runs under `timeout` (its limit in seconds).
constexpr char kTimeoutFile[] = "timeout_seconds";
constexpr char kStdoutFile[] = "stdout.log";
constexpr char kStderrFile[] = "stderr.log";
// coreutils `timeout` exits with this when the limit struck.
constexpr int kTimeoutExitCode = 124;

// POSIX shell single quoting: 'it'\''s'.
std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

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

std::string JobName(const std::string& attempt_key) { return "cairn-" + Sha256Hex(attempt_key).substr(0, 16); }

// The batch script: enter the working directory, run argv (under `timeout`
// when limited), and record the exit status atomically before exiting with
// it. Exit status files make the outcome readable after Slurm forgot the job.
std::string BatchScript(const TaskLaunch& launch, const std::string& work_dir) {
  const std::string status_tmp = ShellQuote(launch.attempt_dir + "/" + kExitStatusFile + ".tmp");
  const std::string status_file = ShellQuote(launch.attempt_dir + "/" + kExitStatusFile);
  std::string one_line_key = launch.attempt_key;
  for (char& ch : one_line_key) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  std::string script = "#!/bin/sh\n# cairn task attempt " + one_line_key + "\n";
  script += fmt::format("record() {{ printf '%s\\n' \"$1\" > {} && mv -f {} {}; }}\n", status_tmp, status_tmp,
                        status_file);
  script += "cd " + ShellQuote(work_dir) +
            " || { echo 'cairn: cannot enter the working directory' >&2; record 1; exit 1; }\n";
  std::string command;
  if (launch.timeout_ms > 0) {
    const int64_t seconds = (launch.timeout_ms + 999) / 1000;
    command = fmt::format("timeout --kill-after=5 {} ", seconds);
  }
  for (const std::string& arg : launch.argv) command += ShellQuote(arg) + " ";
  script += command + "\nstatus=$?\nrecord \"$status\"\nexit \"$status\"\n";
  return script;
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

Result<SlurmExecutor::ParsedHandle> SlurmExecutor::ParseHandle(const std::string& handle) {
  const size_t at = handle.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= handle.size()) {
    return InvalidArgument(fmt::format("'{}' is not a slurm executor handle", handle));
  }
  ParsedHandle parsed{handle.substr(0, at), handle.substr(at + 1)};
  for (char ch : parsed.job_id) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) {
      return InvalidArgument(fmt::format("'{}' is not a slurm executor handle", handle));
    }
  }
  return parsed;
}

Result<std::string> SlurmExecutor::Submit(const TaskLaunch& launch) {
  if (launch.argv.empty()) return InvalidArgument("A task needs a command.");
  if (launch.attempt_dir.empty()) return InvalidArgument("The slurm executor needs an attempt directory.");
  const std::string work_dir = launch.working_dir.empty() ? launch.attempt_dir + "/work" : launch.working_dir;
  std::error_code ec;
  fs::create_directories(work_dir, ec);
  if (ec) return Internal("Cannot create the task's directories.", fmt::format("{}: {}", work_dir, ec.message()));
  const std::string script_path = launch.attempt_dir + "/" + kScript;
  if (!WriteFile(script_path, BatchScript(launch, work_dir), fs::perms::owner_all)) {
    return Internal("Cannot write the job script.", script_path);
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> resources, SbatchResourceOptions(launch));
  if (launch.timeout_ms > 0) WriteFile(launch.attempt_dir + "/" + kTimeoutFile, fmt::format("{}\n", launch.timeout_ms / 1000));

  platform::SubprocessOptions sbatch;
  sbatch.argv = {"sbatch",
                 "--parsable",
                 "--job-name=" + JobName(launch.attempt_key),
                 "--output=" + launch.attempt_dir + "/" + kStdoutFile,
                 "--error=" + launch.attempt_dir + "/" + kStderrFile,
                 "--chdir=" + work_dir,
                 "--export=ALL"};
  if (!options_.partition.empty()) sbatch.argv.push_back("--partition=" + options_.partition);
  sbatch.argv.insert(sbatch.argv.end(), resources.begin(), resources.end());
  sbatch.argv.insert(sbatch.argv.end(), options_.extra_sbatch_args.begin(), options_.extra_sbatch_args.end());
  sbatch.argv.push_back(script_path);
  // --export=ALL hands the job sbatch's own environment: the task's. sbatch
  // itself still needs to find its cluster.
  platform::Environment env = platform::MergeEnvironment(options_.base_env, launch.env);
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
  WriteFile(launch.attempt_dir + "/" + kJobIdFile, job_id + "\n");
  {
    std::lock_guard<std::mutex> lock(mu_);
    submitted_[job_id] = std::chrono::steady_clock::now();
  }
  return job_id + "@" + launch.attempt_dir;
}

Status SlurmExecutor::RefreshQueue() {
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result,
                         RunSlurmCommand({"squeue", "--states=all", "--noheader", "--format=%i|%T"}));
  if (!result.ok()) {
    return Status(StatusCode::kUnavailable, "squeue failed; is slurmctld reachable?", result.stderr_data);
  }
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
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle parsed, ParseHandle(handle));
  const std::string exit_path = parsed.dir + "/" + kExitStatusFile;
  const bool cancelled = fs::exists(parsed.dir + "/" + kCancelledFile);
  auto from_exit_file = [&]() -> std::optional<ExecutionStatus> {
    auto text = ReadSmallFile(exit_path);
    if (!text) return std::nullopt;
    ExecutionStatus status;
    status.exit_code = static_cast<int>(ParseInt64(*text).value_or(-1));
    if (status.exit_code == 0) {
      status.state = ExecutionState::kSucceeded;
    } else if (status.exit_code == kTimeoutExitCode && fs::exists(parsed.dir + "/" + kTimeoutFile)) {
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

Status SlurmExecutor::Cancel(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle parsed, ParseHandle(handle));
  if (fs::exists(parsed.dir + "/" + kExitStatusFile)) return Status::Ok();
  WriteFile(parsed.dir + "/" + kCancelledFile, "cancelled\n");
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result, RunSlurmCommand({"scancel", parsed.job_id}));
  // scancel of a job that already ended fails harmlessly; Poll tells.
  if (!result.ok() && result.stderr_data.find("Invalid job id") == std::string::npos &&
      result.stderr_data.find("already completing or completed") == std::string::npos) {
    return Status(StatusCode::kUnavailable, fmt::format("scancel {} failed", parsed.job_id), result.stderr_data);
  }
  return Status::Ok();
}

Result<LogChunk> SlurmExecutor::Logs(const std::string& handle, LogStream stream, int64_t offset,
                                     int64_t max_bytes) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle parsed, ParseHandle(handle));
  return ReadLogFile(parsed.dir + "/" + (stream == LogStream::kStdout ? kStdoutFile : kStderrFile), offset, max_bytes);
}

Result<std::optional<std::string>> SlurmExecutor::Find(const TaskLaunch& launch) {
  if (auto id = ReadSmallFile(launch.attempt_dir + "/" + kJobIdFile); id && !id->empty()) {
    return std::optional<std::string>(*id + "@" + launch.attempt_dir);
  }
  // Crashed between sbatch answering and the job_id file: look the job up by
  // its name, which is derived from the attempt key.
  CAIRN_ASSIGN_OR_RETURN(platform::SubprocessResult result,
                         RunSlurmCommand({"squeue", "--states=all", "--noheader", "--format=%i",
                                          "--name=" + JobName(launch.attempt_key)}));
  if (!result.ok()) return Status(StatusCode::kUnavailable, "squeue failed", result.stderr_data);
  std::string id = result.stdout_data.substr(0, result.stdout_data.find('\n'));
  if (id.empty()) return std::optional<std::string>();
  return std::optional<std::string>(id + "@" + launch.attempt_dir);
}

}  // namespace cairn::pipelines
