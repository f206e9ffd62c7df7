#include "pipelines/executor/slurm/slurm_job_files.h"

#include <fmt/format.h>

#include <cctype>

#include "base/json_reader.h"
#include "pipelines/scheduler/sha256.h"

namespace cairn::pipelines {
namespace {

constexpr char kExitStatusFile[] = "exit_status";

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char ch : s) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

std::string OneLine(std::string text) {
  for (char& ch : text) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return text;
}

}  // namespace

Result<SlurmHandle> ParseSlurmHandle(std::string_view handle) {
  auto bad = [&] { return InvalidArgument(fmt::format("'{}' is not a slurm executor handle", handle)); };
  const size_t at = handle.find('@');
  if (at == std::string_view::npos || at + 1 >= handle.size()) return bad();
  SlurmHandle parsed;
  parsed.job_id = std::string(handle.substr(0, at));
  parsed.attempt_dir = std::string(handle.substr(at + 1));
  const size_t underscore = parsed.job_id.find('_');
  if (underscore == std::string::npos) {
    if (!AllDigits(parsed.job_id)) return bad();
    return parsed;
  }
  const std::string_view array = std::string_view(parsed.job_id).substr(0, underscore);
  const std::string_view index = std::string_view(parsed.job_id).substr(underscore + 1);
  if (!AllDigits(array) || !AllDigits(index)) return bad();
  parsed.array_job_id = std::string(array);
  parsed.array_index = ParseInt64(index).value_or(-1);
  if (parsed.array_index < 0) return bad();
  return parsed;
}

std::string FormatSlurmHandle(std::string_view job_id, std::string_view attempt_dir) {
  return fmt::format("{}@{}", job_id, attempt_dir);
}

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

std::string AttemptJobName(std::string_view attempt_key) {
  return "cairn-" + Sha256Hex(std::string(attempt_key)).substr(0, 16);
}

std::string ArrayJobName(const std::vector<std::string>& attempt_keys) {
  std::string all;
  for (const std::string& key : attempt_keys) all += key + '\n';
  // "cairn-a-" keeps array names apart from single attempts' names.
  return "cairn-a-" + Sha256Hex(all).substr(0, 16);
}

// Exit status files make the outcome readable after Slurm forgot the job;
// `record` writes them through a rename so a reader never sees half a number.
std::string AttemptScript(const TaskLaunch& launch, const std::string& work_dir, bool env_in_script) {
  const std::string status_tmp = ShellQuote(launch.attempt_dir + "/" + kExitStatusFile + ".tmp");
  const std::string status_file = ShellQuote(launch.attempt_dir + "/" + kExitStatusFile);
  std::string script = "#!/bin/sh\n# cairn task attempt " + OneLine(launch.attempt_key) + "\n";
  script += fmt::format("record() {{ printf '%s\\n' \"$1\" > {} && mv -f {} {}; }}\n", status_tmp, status_tmp,
                        status_file);
  script += "cd " + ShellQuote(work_dir) +
            " || { echo 'cairn: cannot enter the working directory' >&2; record 1; exit 1; }\n";
  std::string command;
  if (launch.timeout_ms > 0) {
    const int64_t seconds = (launch.timeout_ms + 999) / 1000;
    command = fmt::format("timeout --kill-after=5 {} ", seconds);
  }
  // After `timeout`, so the limit covers the task and env's PATH (the
  // launch's) finds argv[0] as the shell would in a job of its own.
  if (env_in_script && !launch.env.empty()) {
    command += "env --";
    for (const auto& [name, value] : launch.env) command += " " + ShellQuote(name + "=" + value);
    command += " ";
  }
  for (const std::string& arg : launch.argv) command += ShellQuote(arg) + " ";
  script += command + "\nstatus=$?\nrecord \"$status\"\nexit \"$status\"\n";
  return script;
}

std::string ArrayScript(const std::string& array_dir) {
  return "#!/bin/sh\n# cairn job array: element N runs the script of the attempt linked as N\n"
         "[ -n \"$SLURM_ARRAY_TASK_ID\" ] || { echo 'cairn: not run as a job array element' >&2; exit 1; }\n"
         "exec /bin/sh " +
         ShellQuote(array_dir) + "/\"$SLURM_ARRAY_TASK_ID\"/job.sh\n";
}

std::string ArrayIndexSpec(int64_t count, int64_t max_running) {
  std::string spec = fmt::format("0-{}", count - 1);
  if (max_running > 0 && max_running < count) spec += fmt::format("%{}", max_running);
  return spec;
}

std::string FormatArrayMembership(const ArrayMembership& membership) {
  return fmt::format("{}\n{}\n{}\n", membership.job_name, membership.index, membership.array_dir);
}

std::optional<ArrayMembership> ParseArrayMembership(std::string_view text) {
  // Three complete lines; a file cut short by a crash is not one.
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  if (lines.size() != 3 || lines[0].empty() || lines[2].empty() || !AllDigits(lines[1])) return std::nullopt;
  ArrayMembership m;
  m.job_name = std::string(lines[0]);
  m.index = ParseInt64(lines[1]).value_or(-1);
  m.array_dir = std::string(lines[2]);
  if (m.index < 0) return std::nullopt;
  return m;
}

}  // namespace cairn::pipelines
