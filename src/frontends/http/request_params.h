// RequestParams: reads API parameters the way MLflow does — from the query
// string for GET, from the JSON body otherwise — behind one typed accessor,
// so handlers do not care which. Errors are kInvalidArgument with MLflow's
// wording. Not thread-safe; lives for one request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json_reader.h"
#include "base/result.h"
#include "frontends/http/http_types.h"

namespace cairn::frontends {

class RequestParams {
 public:
  // POST/PUT/PATCH/DELETE with a body must be Content-Type application/json.
  // An empty body reads as {}.
  static Result<RequestParams> FromRequest(const HttpRequest& request);

  Result<std::optional<std::string>> GetString(std::string_view key) const;
  // Missing or empty -> "Missing value for required parameter '<key>'. ..."
  Result<std::string> RequireString(std::string_view key) const;
  Result<std::optional<int64_t>> GetInt64(std::string_view key) const;
  Result<std::optional<double>> GetDouble(std::string_view key) const;
  Result<std::optional<bool>> GetBool(std::string_view key) const;
  // Repeated query keys, or a JSON array of strings/numbers.
  Result<std::vector<std::string>> GetStringList(std::string_view key) const;
  // JSON array of objects (empty for GET requests or absent keys).
  Result<std::vector<JsonObjectView>> GetObjectList(std::string_view key) const;

  static Status Missing(std::string_view key);

 private:
  RequestParams() = default;
  const std::string* QueryValue(std::string_view key) const;

  std::optional<JsonDocument> json_;
  std::vector<std::pair<std::string, std::string>> query_;
};

}  // namespace cairn::frontends
