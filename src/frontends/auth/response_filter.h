// Filters an array in a JSON response body down to the elements a predicate
// keeps (search/list results the caller may not read). Bodies that are not
// JSON objects, or lack the array, are left as they are. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace cairn::frontends::authz {

// `element_key` picks the string field of each element the predicate sees:
// "name", or "info.experiment_id" (one level of nesting).
void FilterJsonArray(std::string& body, std::string_view array_key, std::string_view element_key,
                     const std::function<bool(const std::string&)>& keep);

// The string value of `key` ("a" or "a.b") in a JSON object body; "" if absent.
std::string JsonStringField(const std::string& body, std::string_view key);

}  // namespace cairn::frontends::authz
