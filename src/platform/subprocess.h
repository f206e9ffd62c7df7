// RunSubprocess: runs a program to completion and captures what it prints —
// for the short helper commands cairn drives (sbatch, squeue, scancel,
// python3 probes), not for task processes (those belong to an Executor).
//
// No shell is involved: argv[0] is looked up on PATH and every argument is
// passed as is. Thread-safe (posix_spawn; descriptors are close-on-exec).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace cairn::platform {

using Environment = std::vector<std::pair<std::string, std::string>>;

struct SubprocessOptions {
  std::vector<std::string> argv;  // not empty
  // The whole environment of the child; nullopt: this process's.
  std::optional<Environment> env;
  // Written to the child's stdin (then closed); empty: /dev/null.
  std::string stdin_data;
  // Killed (SIGKILL) after this long; the result then has timed_out set.
  int64_t timeout_ms = 30000;
  // Each captured stream keeps at most this much (the rest is read and
  // dropped, so the child never blocks on a full pipe).
  size_t max_output_bytes = 16 << 20;
};

struct SubprocessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int term_signal = 0;  // the signal that ended it, 0 if none
  bool timed_out = false;
  std::string stdout_data;
  std::string stderr_data;

  bool ok() const { return exit_code == 0 && !timed_out; }
};

// kNotFound when argv[0] is not found, kInvalidArgument for an empty argv,
// kInternal when the OS refuses (pipes, spawn). A child that runs and fails
// is not an error: look at the result.
Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options);

// This process's environment as name/value pairs.
Environment CurrentEnvironment();

// `base` with `overrides` applied (same name: the override wins).
Environment MergeEnvironment(Environment base, const Environment& overrides);

}  // namespace cairn::platform
