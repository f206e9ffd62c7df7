#include "tracking/page_token.h"

#include <fmt/format.h>

#include "base/base64.h"
#include "base/json_reader.h"

namespace cairn::tracking {

std::string EncodePageToken(int64_t offset) {
  return Base64Encode(fmt::format("{{\"offset\": {}}}", offset));
}

Result<int64_t> DecodePageToken(std::string_view token) {
  if (token.empty()) return int64_t{0};
  auto invalid = [&] { return InvalidArgument(fmt::format("Invalid page token, could not base64-decode '{}'", token.substr(0, 100))); };
  auto decoded = Base64Decode(token);
  if (!decoded) return invalid();
  auto doc = JsonDocument::ParseObject(*decoded);
  if (!doc) return invalid();
  auto offset = doc->root().GetInt64("offset");
  if (!offset || !offset->has_value() || **offset < 0) return invalid();
  return **offset;
}

}  // namespace cairn::tracking
