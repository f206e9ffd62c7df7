#include "client/error_mapping.h"

#include <fmt/format.h>

namespace cairn::client {
namespace {

std::string Excerpt(std::string_view body) {
  constexpr size_t kMax = 300;
  std::string out(body.substr(0, kMax));
  if (body.size() > kMax) out += "...";
  return out;
}

}  // namespace

StatusCode StatusCodeFromErrorName(std::string_view error_code) {
  struct Alias {
    std::string_view name;
    StatusCode code;
  };
  static constexpr Alias kAliases[] = {
      {"NOT_FOUND", StatusCode::kNotFound},
      {"ALREADY_EXISTS", StatusCode::kAlreadyExists},
      {"ABORTED", StatusCode::kConflict},
      {"RESOURCE_EXHAUSTED", StatusCode::kResourceExhausted},
      {"CUSTOMER_UNAUTHORIZED", StatusCode::kUnauthenticated},
      {"DATA_LOSS", StatusCode::kInternal},
  };
  for (const auto& alias : kAliases) {
    if (alias.name == error_code) return alias.code;
  }
  StatusCode code = StatusCodeFromName(error_code);
  // "OK" as an error code is a broken server, not success.
  return code == StatusCode::kOk ? StatusCode::kInternal : code;
}

Status StatusFromErrorResponse(const HttpResponse& response, std::string_view what) {
  if (auto doc = JsonDocument::ParseObject(response.body); doc.ok()) {
    auto error_code = doc->root().GetString("error_code");
    if (error_code.ok() && error_code->has_value()) {
      auto message = doc->root().GetString("message");
      std::string text = message.ok() && message->has_value() ? std::move(**message) : std::string();
      if (text.empty()) text = fmt::format("{} failed with {}", what, **error_code);
      return Status(StatusCodeFromErrorName(**error_code), std::move(text),
                    fmt::format("{} -> HTTP {}", what, response.status));
    }
  }
  StatusCode code = response.status == 400   ? StatusCode::kBadRequest
                    : response.status == 404 ? StatusCode::kEndpointNotFound
                                             : StatusCode::kInternal;
  return Status(code, fmt::format("{} failed with HTTP {}: {}", what, response.status, Excerpt(response.body)));
}

Result<JsonDocument> ParseJsonResponse(const HttpResponse& response, std::string_view what) {
  std::string_view body = response.body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) body = "{}";
  auto doc = JsonDocument::ParseObject(body);
  if (!doc.ok()) {
    return Internal(fmt::format("{} returned a response that is not a JSON object: {}", what, Excerpt(body)));
  }
  return doc;
}

}  // namespace cairn::client
