// URL building for the REST client: percent-encoding (RFC 3986) of query
// components and path segments, and joining a base URL with a path and query.
// Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::client {

// Ordered key/value pairs; a key may repeat (`?run_id=a&run_id=b`), which is
// how MLflow takes repeated fields in GET requests.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Encodes every byte except the unreserved set [A-Za-z0-9-._~]; space becomes
// "%20" (not '+', which some servers read literally).
std::string UrlEncode(std::string_view text);
// Like UrlEncode but keeps '/', for artifact paths inside a URL path.
std::string UrlEncodePath(std::string_view path);
// Inverse of UrlEncode; also maps '+' to space (form encoding). Malformed
// escapes are kept literally.
std::string UrlDecode(std::string_view text);
// "k1=v1&k2=v2" with both sides encoded; empty for no params.
std::string EncodeQuery(const QueryParams& params);
// base_url without trailing '/' + path (which starts with '/') + "?query"
// when params are given.
std::string BuildUrl(std::string_view base_url, std::string_view path, const QueryParams& params = {});

}  // namespace cairn::client
