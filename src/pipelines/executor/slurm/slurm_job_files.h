// What the Slurm executor writes for Slurm and reads back: job scripts, job
// names, the --array index spec, and handles. Pure functions (no Slurm, no
// files), so they are unit tested on their own (slurm_job_files_test.cc).
//
// Handles:
//   "<job id>@<attempt dir>"            a job of its own (Submit)
//   "<job id>_<index>@<attempt dir>"    element <index> of job array <job id>
//                                       (SubmitBatch)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pipelines/executor/executor.h"

namespace cairn::pipelines {

struct SlurmHandle {
  // Slurm's id of the job or array element: "123" or "123_4" (what squeue
  // --array, sacct and scancel take).
  std::string job_id;
  // The array's job id ("123"), empty for a job of its own.
  std::string array_job_id;
  // The element's index in its array; -1 for a job of its own.
  int64_t array_index = -1;
  std::string attempt_dir;
};

// kInvalidArgument for anything that is not one of the two handle forms.
Result<SlurmHandle> ParseSlurmHandle(std::string_view handle);
std::string FormatSlurmHandle(std::string_view job_id, std::string_view attempt_dir);

// POSIX shell single quoting: it's -> 'it'\''s'.
std::string ShellQuote(std::string_view s);

// The Slurm job name of an attempt (Find looks a job up by it after a crash
// between sbatch and the job id file), and of the array holding a batch of
// attempts (derived from all their keys, in order).
std::string AttemptJobName(std::string_view attempt_key);
std::string ArrayJobName(const std::vector<std::string>& attempt_keys);

// The script of one attempt: enter `work_dir`, run argv (under `timeout`
// when the launch has a limit) and record its exit status atomically in
// <attempt_dir>/exit_status before exiting with it. With `env_in_script`
// the launch's environment is set by the script (`env NAME=VALUE ...`)
// rather than by sbatch, as one array job's elements share sbatch's.
std::string AttemptScript(const TaskLaunch& launch, const std::string& work_dir, bool env_in_script);

// The script of a job array: element i runs <array_dir>/<i>/job.sh, where
// <array_dir>/<i> links to the i-th launch's attempt directory.
std::string ArrayScript(const std::string& array_dir);

// sbatch's --array value for `count` elements: "0-3", "0-3%2" when at most
// `max_running` (> 0) run at once.
std::string ArrayIndexSpec(int64_t count, int64_t max_running);

// The <attempt dir>/array file: which array an attempt was submitted in,
// written before sbatch so Find can look the array up by name.
struct ArrayMembership {
  std::string job_name;
  int64_t index = -1;
  std::string array_dir;
};
std::string FormatArrayMembership(const ArrayMembership& membership);
// nullopt for text that is not such a file (e.g. cut short by a crash).
std::optional<ArrayMembership> ParseArrayMembership(std::string_view text);

}  // namespace cairn::pipelines
