// Translating a task's resource requests (Kubernetes quantity strings, as
// KFP writes them) into sbatch options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pipelines/executor/executor.h"

namespace cairn::pipelines {

// CPU cores from "2", "1.5", "500m"; rounded up to whole cores (Slurm
// allocates cores). nullopt for malformed or non-positive values.
std::optional<int64_t> ParseCpuCores(std::string_view quantity);

// Megabytes from memory quantities: "512Mi", "1Gi", "1G", "1000M",
// "2000000000" (bytes), "1.5Gi"; rounded up. nullopt for malformed values.
std::optional<int64_t> ParseMemoryMegabytes(std::string_view quantity);

// The sbatch options for `launch`'s resources and timeout:
// --cpus-per-task, --mem, --gres=gpu:N, --time (minutes, rounded up, plus
// one for the in-job `timeout` to act first). kInvalidArgument naming the
// bad quantity.
Result<std::vector<std::string>> SbatchResourceOptions(const TaskLaunch& launch);

}  // namespace cairn::pipelines
