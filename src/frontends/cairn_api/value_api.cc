#include "frontends/cairn_api/value_api.h"

#include <fmt/format.h>

#include <utility>

#include "frontends/http/request_params.h"
#include "frontends/http/status_mapping.h"
#include "frontends/mlflow_rest/handler_util.h"

namespace cairn::frontends {

using pipelines::Value;

Result<Value> JsonObjectBody(const HttpRequest& request, std::string_view other_types_hint) {
  if (request.body.empty()) return Value::MakeStruct({});
  if (!request.content_type.empty() && request.content_type.find("json") == std::string::npos) {
    return InvalidArgument(other_types_hint.empty()
                               ? std::string("Content-Type must be application/json.")
                               : fmt::format("Content-Type must be application/json ({}).", other_types_hint));
  }
  auto body = Value::ParseJson(request.body);
  if (!body.ok()) return InvalidArgument(fmt::format("Malformed JSON body: {}", body.status().message()));
  if (!body->is_struct()) return InvalidArgument("The request body must be a JSON object.");
  return body;
}

Result<std::string> StringField(const Value& body, std::string_view key, bool required) {
  const Value* v = body.Find(key);
  if (v == nullptr || v->is_null()) {
    if (required) return RequestParams::Missing(key);
    return std::string();
  }
  if (!v->is_string()) return InvalidArgument(fmt::format("Parameter '{}' must be a string.", key));
  if (required && v->as_string().empty()) return RequestParams::Missing(key);
  return v->as_string();
}

bool IsYamlContentType(std::string_view content_type) { return content_type.find("yaml") != std::string_view::npos; }

Handler ValueHandler(std::function<Result<Value>(const HttpRequest&)> handler) {
  return WrapRaw([handler = std::move(handler)](HttpRequest& request) -> HttpResponse {
    auto body = handler(request);
    if (!body.ok()) return ErrorResponse(body.status());
    return HttpResponse::Json(body->ToJson());
  });
}

void AddApiRoute(Router& router, std::string_view method, std::string_view path, Handler handler) {
  router.Add(Route{std::string(method), std::string(path), false, false, std::move(handler)});
}

}  // namespace cairn::frontends
