// Parses what a client presents: the Authorization header (HTTP Basic as the
// MLflow clients send MLFLOW_TRACKING_USERNAME/PASSWORD, or Bearer as they
// send MLFLOW_TRACKING_TOKEN) and the session cookie. Hostile input (bad
// base64, no colon, control characters, oversized values) is an
// UNAUTHENTICATED Status, never a crash. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::auth {

struct Credentials {
  enum class Kind { kNone, kBasic, kBearer };
  Kind kind = Kind::kNone;
  std::string username;  // kBasic
  std::string password;  // kBasic
  std::string token;     // kBearer
};

// Headers longer than this are refused before any decoding.
inline constexpr size_t kMaxAuthorizationBytes = 4096;

// Empty header -> kind kNone. Scheme names are case-insensitive (RFC 7235).
Result<Credentials> ParseAuthorization(std::string_view header);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);

inline constexpr std::string_view kSessionCookie = "cairn_session";

}  // namespace cairn::auth
