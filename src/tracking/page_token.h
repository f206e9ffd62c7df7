// Opaque page tokens: base64 of {"offset": N}, as MLflow's SQL store emits,
// so tokens stay interchangeable with clients that peek at them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::tracking {

std::string EncodePageToken(int64_t offset);
// Empty token -> 0. Anything not produced by EncodePageToken ->
// kInvalidArgument "Invalid page token".
Result<int64_t> DecodePageToken(std::string_view token);

}  // namespace cairn::tracking
