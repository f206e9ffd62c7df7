#include "client/json_api_call.h"

#include <fmt/format.h>

#include <utility>

#include "client/error_mapping.h"
#include "client/url.h"

namespace cairn::client {

Result<pipelines::Value>
CallJsonApi(HttpClient &http, const std::string &base_url,
            std::string_view method, std::string_view path,
            const QueryParams &query, std::string body) {
  const std::string what = fmt::format("{} {}", method, path);
  Result<HttpResponse> response =
      method == "GET"
          ? http.Get(BuildUrl(base_url, path), query)
          : http.PostJson(BuildUrl(base_url, path, query), std::move(body));
  if (!response.ok())
    return response.status();
  if (!response->ok())
    return StatusFromErrorResponse(*response, what);
  auto value = pipelines::Value::ParseJson(response->body);
  if (!value.ok() || !value->is_struct()) {
    return Internal(
        fmt::format("The server's answer to {} is not a JSON object.", what),
        value.ok() ? "" : value.status().message());
  }
  return value;
}

} // namespace cairn::client
