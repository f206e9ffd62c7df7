// The platform server's deployments, saved so a restart serves them again:
// a JSON file rewritten (write to a temporary file, then rename) after every
// change, read once at start.
//   {"deployments": [{"name", "model_uri", "canary_uri", "canary_traffic_percent",
//                     "max_batch_size", "max_queue_delay_us", "max_queue_size", "log_requests"}]}
// Pure file I/O; not thread-safe (the caller serialises saves).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "serving/model_repository.h"

namespace cairn::serving {

struct SavedDeployment {
  DeploymentSpec spec;
  std::string canary_uri;  // empty: no canary
  int canary_traffic_percent = 0;
};

Status SaveDeployments(const std::filesystem::path& file, const std::vector<Deployment>& deployments);
// A missing file is no deployments; a malformed one is kInvalidArgument.
Result<std::vector<SavedDeployment>> LoadDeployments(const std::filesystem::path& file);

}  // namespace cairn::serving
