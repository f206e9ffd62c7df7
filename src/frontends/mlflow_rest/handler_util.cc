#include "frontends/mlflow_rest/handler_util.h"

#include <exception>

#include <fmt/format.h>

#include "base/logging.h"
#include "frontends/http/status_mapping.h"
#include "mlflow_wire/endpoints.h"

namespace cairn::frontends {

Handler WrapRaw(Handler handler) {
  return [handler = std::move(handler)](HttpRequest& request) -> HttpResponse {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      return ErrorResponse(Internal("Internal server error.", e.what()));
    } catch (...) {
      return ErrorResponse(Internal("Internal server error.", "unknown exception"));
    }
  };
}

Handler WrapJson(JsonHandler handler) {
  return WrapRaw([handler = std::move(handler)](HttpRequest& request) -> HttpResponse {
    auto params = RequestParams::FromRequest(request);
    if (!params) return ErrorResponse(params.error());
    auto body = handler(*params, request);
    if (!body) return ErrorResponse(body.error());
    return HttpResponse::Json(std::move(*body));
  });
}

void AddMlflowRoute(Router& router, std::string_view method, std::string_view path, Handler handler) {
  for (std::string_view prefix : {mlflow_wire::kApiPrefix, mlflow_wire::kAjaxApiPrefix}) {
    router.Add(Route{std::string(method), fmt::format("{}{}", prefix, path), false, false, handler});
  }
}

Result<std::string> RequireRunId(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto run_id, params.GetString("run_id"));
  if (!run_id || run_id->empty()) {
    CAIRN_ASSIGN_OR_RETURN(run_id, params.GetString("run_uuid"));
  }
  if (!run_id || run_id->empty()) return RequestParams::Missing("run_id");
  return std::move(*run_id);
}

Result<tracking::ViewType> ParseViewTypeParam(const RequestParams& params, std::string_view key) {
  CAIRN_ASSIGN_OR_RETURN(auto text, params.GetString(key));
  if (!text || text->empty()) return tracking::ViewType::kActiveOnly;
  if (auto view = tracking::ParseViewType(*text)) return *view;
  if (*text == "1") return tracking::ViewType::kActiveOnly;
  if (*text == "2") return tracking::ViewType::kDeletedOnly;
  if (*text == "3") return tracking::ViewType::kAll;
  return InvalidArgument(fmt::format(
      "Invalid value '{}' for parameter '{}': expected one of ACTIVE_ONLY, DELETED_ONLY, ALL.",
      text->substr(0, 100), key));
}

Result<std::vector<tracking::Tag>> ReadTags(const RequestParams& params, std::string_view field) {
  CAIRN_ASSIGN_OR_RETURN(auto objects, params.GetObjectList(field));
  std::vector<tracking::Tag> tags;
  tags.reserve(objects.size());
  for (const auto& object : objects) {
    CAIRN_ASSIGN_OR_RETURN(auto key, object.GetString("key"));
    CAIRN_ASSIGN_OR_RETURN(auto value, object.GetString("value"));
    if (!key || key->empty()) return RequestParams::Missing(fmt::format("{}.key", field));
    tags.push_back({std::move(*key), value ? std::move(*value) : std::string()});
  }
  return tags;
}

}  // namespace cairn::frontends
