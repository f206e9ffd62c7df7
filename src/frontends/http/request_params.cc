#include "frontends/http/request_params.h"

#include <fmt/format.h>

#include "frontends/http/url.h"

namespace cairn::frontends {
namespace {

bool IsJsonContentType(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media.size() != 16) return false;
  for (size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != "application/json"[i]) return false;
  }
  return true;
}

Status BadValue(std::string_view key, std::string_view value, std::string_view expected) {
  return InvalidArgument(fmt::format("Invalid value '{}' for parameter '{}' supplied: expected {}.",
                                     value.substr(0, 100), key, expected));
}

}  // namespace

Status RequestParams::Missing(std::string_view key) {
  return InvalidArgument(fmt::format(
      "Missing value for required parameter '{}'. See the API docs for more information about request parameters.",
      key));
}

Result<RequestParams> RequestParams::FromRequest(const HttpRequest& request) {
  RequestParams params;
  auto query = ParseQuery(request.query);
  if (!query) return InvalidArgument("Malformed percent-encoding in the query string.");
  params.query_ = std::move(*query);
  if (request.method == "GET") return params;
  if (request.body.empty() && request.content_type.empty() && request.method == "DELETE") return params;
  if (request.content_type.empty()) {
    return InvalidArgument("Bad Request. Content-Type header is missing.");
  }
  if (!IsJsonContentType(request.content_type)) {
    return InvalidArgument(fmt::format("Bad Request. Content-Type must be one of ['application/json'], got '{}'.",
                                       request.content_type.substr(0, 100)));
  }
  std::string_view body = request.body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) body = "{}";
  auto doc = JsonDocument::ParseObject(body);
  if (!doc) return doc.error();
  params.json_.emplace(std::move(*doc));
  return params;
}

const std::string* RequestParams::QueryValue(std::string_view key) const {
  for (const auto& [k, v] : query_) {
    if (k == key) return &v;
  }
  return nullptr;
}

Result<std::optional<std::string>> RequestParams::GetString(std::string_view key) const {
  if (json_) return json_->root().GetString(key);
  if (const std::string* v = QueryValue(key)) return std::optional<std::string>(*v);
  return std::optional<std::string>();
}

Result<std::string> RequestParams::RequireString(std::string_view key) const {
  auto value = GetString(key);
  if (!value) return value.error();
  if (!value->has_value() || (*value)->empty()) return Missing(key);
  return std::move(**value);
}

Result<std::optional<int64_t>> RequestParams::GetInt64(std::string_view key) const {
  if (json_) return json_->root().GetInt64(key);
  const std::string* v = QueryValue(key);
  if (!v) return std::optional<int64_t>();
  auto parsed = ParseInt64(*v);
  if (!parsed) return BadValue(key, *v, "an integer");
  return std::optional<int64_t>(*parsed);
}

Result<std::optional<double>> RequestParams::GetDouble(std::string_view key) const {
  if (json_) return json_->root().GetDouble(key);
  const std::string* v = QueryValue(key);
  if (!v) return std::optional<double>();
  auto parsed = ParseDouble(*v);
  if (!parsed) return BadValue(key, *v, "a number");
  return std::optional<double>(*parsed);
}

Result<std::optional<bool>> RequestParams::GetBool(std::string_view key) const {
  if (json_) return json_->root().GetBool(key);
  const std::string* v = QueryValue(key);
  if (!v) return std::optional<bool>();
  if (*v == "true") return std::optional<bool>(true);
  if (*v == "false") return std::optional<bool>(false);
  return BadValue(key, *v, "true or false");
}

Result<std::vector<std::string>> RequestParams::GetStringList(std::string_view key) const {
  if (json_) {
    auto array = json_->root().GetArray(key);
    if (!array) return array.error();
    if (!array->has_value()) return std::vector<std::string>();
    return (*array)->Strings(key);
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : query_) {
    if (k == key) out.push_back(v);
  }
  return out;
}

Result<std::vector<JsonObjectView>> RequestParams::GetObjectList(std::string_view key) const {
  if (!json_) return std::vector<JsonObjectView>();
  auto array = json_->root().GetArray(key);
  if (!array) return array.error();
  if (!array->has_value()) return std::vector<JsonObjectView>();
  return (*array)->Objects(key);
}

}  // namespace cairn::frontends
