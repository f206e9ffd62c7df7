// URL helpers for request targets: percent-decoding and query-string parsing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::frontends {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). nullopt on a
// malformed escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// "a=1&b=x%20y&a=2" -> {{"a","1"},{"b","x y"},{"a","2"}}; malformed escapes
// make the whole query invalid (nullopt).
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

}  // namespace cairn::frontends
