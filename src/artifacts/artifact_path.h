// Path safety for artifact paths that come from clients (URL paths, query
// parameters, JSON). Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::artifacts {

// Checks an already percent-decoded relative path and returns it normalised
// (no leading/trailing '/', no empty segments). Rejects with kInvalidArgument
// "Invalid path": absolute paths (POSIX or Windows drive), '..' segments,
// backslashes, '#', NUL and control characters. "" and "." mean the root.
Result<std::string> ValidateArtifactPath(std::string_view path);

// Joins two relative paths with exactly one '/'; either may be empty.
std::string JoinArtifactPath(std::string_view a, std::string_view b);

}  // namespace cairn::artifacts
