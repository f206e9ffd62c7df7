// What an unauthenticated client controls before any check: the
// Authorization header, the Cookie header and X-Forwarded-For (and, from an
// operator, the --trusted-proxies list). The input is split at its first
// two newlines into those three; each must parse or fail cleanly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/credentials.h"
#include "server/client_address.h"

namespace {

std::string_view TakeLine(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view authorization = TakeLine(rest);
  std::string_view cookie = TakeLine(rest);
  std::string_view forwarded_for = rest;

  (void)cairn::auth::ParseAuthorization(authorization);
  (void)cairn::auth::CookieValue(cookie, cairn::auth::kSessionCookie);

  static const auto proxies =
      cairn::server::TrustedProxies::Parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8"});
  const auto peer = boost::asio::ip::make_address("10.1.2.3");
  (void)proxies->ClientOf(peer, forwarded_for);

  // The same text as an operator's comma-separated --trusted-proxies list.
  std::vector<std::string> entries;
  for (std::string_view list = forwarded_for; !list.empty();) {
    size_t comma = list.find(',');
    entries.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  if (auto parsed = cairn::server::TrustedProxies::Parse(entries); parsed.ok()) {
    (void)parsed->ClientOf(peer, forwarded_for);
  }
  return 0;
}
