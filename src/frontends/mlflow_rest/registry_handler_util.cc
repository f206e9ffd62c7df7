#include "frontends/mlflow_rest/registry_handler_util.h"

#include <cctype>

#include <fmt/format.h>

#include "base/base64.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "registry/validation.h"

namespace cairn::frontends {

std::string_view HttpMethodString(mlflow_wire::HttpMethod method) {
  switch (method) {
    case mlflow_wire::HttpMethod::kGet: return "GET";
    case mlflow_wire::HttpMethod::kPost: return "POST";
    case mlflow_wire::HttpMethod::kPut: return "PUT";
    case mlflow_wire::HttpMethod::kPatch: return "PATCH";
    case mlflow_wire::HttpMethod::kDelete: return "DELETE";
  }
  return "GET";
}

registry::Actor ActorOf(const HttpRequest& request) {
  std::string_view header = request.authorization;
  constexpr std::string_view kBasic = "Basic ";
  if (header.size() <= kBasic.size()) return {};
  for (size_t i = 0; i < kBasic.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(kBasic[i]))) {
      return {};
    }
  }
  auto decoded = Base64Decode(header.substr(kBasic.size()));
  if (!decoded) return {};
  std::string user = decoded->substr(0, decoded->find(':'));
  // A name only goes into records; keep it printable and bounded.
  if (user.size() > 255) user.resize(255);
  for (char& c : user) {
    if (static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  return registry::Actor{std::move(user)};
}

Result<int64_t> RequireVersion(const RequestParams& params, std::string_view field) {
  // GetString also accepts JSON numbers (stringified), so 3 and "3" both work.
  CAIRN_ASSIGN_OR_RETURN(auto text, params.GetString(field));
  if (!text || text->empty()) return RequestParams::Missing(field);
  return registry::ParseVersion(*text, field);
}

Result<std::vector<registry::Tag>> ReadRegistryTagList(const RequestParams& params, std::string_view field) {
  CAIRN_ASSIGN_OR_RETURN(auto tags, ReadTags(params, field));
  std::vector<registry::Tag> out;
  out.reserve(tags.size());
  for (auto& tag : tags) {
    registry::Tag t{std::move(tag.key), std::move(tag.value)};
    CAIRN_RETURN_IF_ERROR(registry::ValidateRegistryTag(t));
    out.push_back(std::move(t));
  }
  return out;
}

namespace {

void AddUnder(Router& router, std::initializer_list<std::string_view> prefixes, const mlflow_wire::Endpoint& endpoint,
              RegistryJsonFn fn) {
  Handler handler = WrapJson(
      [fn = std::move(fn)](const RequestParams& params, const HttpRequest& request) { return fn(params, request); });
  for (std::string_view prefix : prefixes) {
    router.Add(Route{std::string(HttpMethodString(endpoint.method)), fmt::format("{}{}", prefix, endpoint.path), false,
                     false, handler});
  }
}

}  // namespace

void AddRegistryRoute(Router& router, const mlflow_wire::Endpoint& endpoint, RegistryJsonFn fn) {
  AddUnder(router, {mlflow_wire::kApiPrefix, mlflow_wire::kAjaxApiPrefix}, endpoint, std::move(fn));
}

void AddCairnRoute(Router& router, const mlflow_wire::Endpoint& endpoint, RegistryJsonFn fn) {
  AddUnder(router, {mlflow_wire::kCairnApiPrefix, mlflow_wire::kCairnAjaxApiPrefix}, endpoint, std::move(fn));
}

}  // namespace cairn::frontends
