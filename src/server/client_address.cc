#include "server/client_address.h"

#include <fmt/format.h>

#include <optional>

namespace cairn::server {
namespace ip = boost::asio::ip;
namespace {

// IPv4 clients of a server listening on "::" arrive as ::ffff:a.b.c.d.
ip::address Unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// One X-Forwarded-For entry: an address, "[v6]" or "[v6]:port", or
// "v4:port" (some proxies add the port).
std::optional<ip::address> ParseForwarded(std::string_view entry) {
  entry = Trim(entry);
  if (!entry.empty() && entry.front() == '[') {
    size_t close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    entry = entry.substr(1, close - 1);
  } else if (entry.find(':') == entry.rfind(':') && entry.find(':') != std::string_view::npos) {
    entry = entry.substr(0, entry.find(':'));  // a.b.c.d:port
  }
  boost::system::error_code ec;
  ip::address address = ip::make_address(std::string(entry), ec);
  if (ec) return std::nullopt;
  return Unmapped(address);
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const std::string& raw : entries) {
    std::string entry(Trim(raw));
    if (entry.empty()) continue;
    auto bad = [&] {
      return InvalidArgument(fmt::format("--trusted-proxies: '{}' is not an IP address or CIDR range "
                                         "(like 10.0.0.0/8 or fd00::/8).", entry.substr(0, 100)));
    };
    boost::system::error_code ec;
    size_t slash = entry.find('/');
    ip::address address = ip::make_address(entry.substr(0, slash), ec);
    if (ec) return bad();
    address = Unmapped(address);
    int prefix = address.is_v4() ? 32 : 128;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos) return bad();
      prefix = std::stoi(bits);
      if (prefix > (address.is_v4() ? 32 : 128)) return bad();
    }
    if (address.is_v4()) {
      proxies.v4_.push_back(ip::network_v4(address.to_v4(), static_cast<unsigned short>(prefix)).canonical());
    } else {
      proxies.v6_.push_back(ip::network_v6(address.to_v6(), static_cast<unsigned short>(prefix)).canonical());
    }
  }
  return proxies;
}

bool TrustedProxies::Trusts(const ip::address& raw) const {
  const ip::address address = Unmapped(raw);
  if (address.is_v4()) {
    for (const auto& net : v4_) {
      if (ip::network_v4(address.to_v4(), net.prefix_length()).canonical() == net) return true;
    }
    return false;
  }
  for (const auto& net : v6_) {
    if (ip::network_v6(address.to_v6(), net.prefix_length()).canonical() == net) return true;
  }
  return false;
}

std::string TrustedProxies::ClientOf(const ip::address& peer, std::string_view forwarded_for) const {
  ip::address client = Unmapped(peer);
  if (!Trusts(client)) return client.to_string();
  // From the right: each entry was added by the hop after it.
  while (!forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view entry = comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1);
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    std::optional<ip::address> hop = ParseForwarded(entry);
    if (!hop) break;
    client = *hop;
    if (!Trusts(client)) break;
  }
  return client.to_string();
}

}  // namespace cairn::server
