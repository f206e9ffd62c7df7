#include "frontends/mlflow_rest/registry_handler_util.h"

#include <cctype>

#include <fmt/format.h>

#include "base/base64.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "registry/validation.h"

namespace cairn::frontends {

Result<registry::SearchRequest> ReadRegistrySearch(const RequestParams& params, int64_t default_max, int64_t limit) {
  registry::SearchRequest search;
  CAIRN_ASSIGN_OR_RETURN(auto filter, params.GetString("filter"));
  search.filter = filter.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  search.max_results = max_results.value_or(default_max);
  CAIRN_RETURN_IF_ERROR(registry::ValidateSearchMaxResults(search.max_results, limit));
  CAIRN_ASSIGN_OR_RETURN(search.order_by, params.GetStringList("order_by"));
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  search.page_token = token.value_or("");
  return search;
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
    router.Add(Route{std::string(mlflow_wire::HttpMethodName(endpoint.method)), fmt::format("{}{}", prefix, endpoint.path), false,
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
