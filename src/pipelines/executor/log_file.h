// Reading a task's captured log file from an offset: shared by executors
// whose logs land in files (local, slurm).
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "pipelines/executor/executor.h"

namespace cairn::pipelines {

// At most `max_bytes` (capped at 16 MiB) of `path` from `offset`. A file
// that does not exist yet reads as empty with eof. kInvalidArgument for
// negative arguments.
Result<LogChunk> ReadLogFile(const std::string& path, int64_t offset, int64_t max_bytes);

}  // namespace cairn::pipelines
