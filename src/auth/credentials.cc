#include "auth/credentials.h"

#include <cctype>

#include "base/base64.h"

namespace cairn::auth {
namespace {

Status Unauthenticated(std::string message) { return Status(StatusCode::kUnauthenticated, std::move(message)); }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// User names and passwords may be any UTF-8 but no control characters: they
// end up in logs and the audit table.
bool HasControl(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

Result<Credentials> ParseAuthorization(std::string_view header) {
  Credentials out;
  header = Trim(header);
  if (header.empty()) return out;
  if (header.size() > kMaxAuthorizationBytes) return Unauthenticated("The Authorization header is too long.");
  size_t space = header.find(' ');
  if (space == std::string_view::npos) return Unauthenticated("Malformed Authorization header: expected '<scheme> <credentials>'.");
  std::string_view scheme = header.substr(0, space);
  std::string_view value = Trim(header.substr(space + 1));
  if (value.empty()) return Unauthenticated("Malformed Authorization header: empty credentials.");
  if (IEquals(scheme, "Basic")) {
    auto decoded = Base64Decode(value);
    if (!decoded) return Unauthenticated("Malformed Basic credentials: not valid base64.");
    size_t colon = decoded->find(':');
    if (colon == std::string::npos) return Unauthenticated("Malformed Basic credentials: expected 'user:password'.");
    out.kind = Credentials::Kind::kBasic;
    out.username = decoded->substr(0, colon);
    out.password = decoded->substr(colon + 1);
    if (out.username.empty()) return Unauthenticated("Malformed Basic credentials: empty user name.");
    if (HasControl(out.username) || HasControl(out.password)) {
      return Unauthenticated("Malformed Basic credentials: control characters.");
    }
    return out;
  }
  if (IEquals(scheme, "Bearer")) {
    for (char c : value) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f) return Unauthenticated("Malformed bearer token.");
    }
    out.kind = Credentials::Kind::kBearer;
    out.token = std::string(value);
    return out;
  }
  return Unauthenticated("Unsupported Authorization scheme; use Basic or Bearer.");
}

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = Trim(header.substr(0, semi));
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) return std::string(Trim(pair.substr(eq + 1)));
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

}  // namespace cairn::auth
