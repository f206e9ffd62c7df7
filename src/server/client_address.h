// TrustedProxies: who a request really comes from when the server sits
// behind proxies or load balancers it trusts (--trusted-proxies). Without
// this, every request through nginx would have nginx's address, so
// per-address rate limits and login lockouts would lump all clients
// together: one brute-force attempt would lock everyone out.
//
// ClientOf follows X-Forwarded-For (each proxy appends the address it got
// the request from) from the right: the first address that is not a
// trusted proxy is the client. A peer that is not trusted is the client
// itself, whatever header it sends (a client cannot pick its address).
// Plain value; thread-compatible (const use is thread-safe).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cairn::server {

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Addresses and CIDR ranges ("10.0.0.0/8", "127.0.0.1", "fd00::/8");
  // kInvalidArgument naming a bad entry.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool empty() const { return v4_.empty() && v6_.empty(); }
  bool Trusts(const boost::asio::ip::address& address) const;

  // The client's address as text: `peer` unless it is trusted; then the
  // rightmost untrusted entry of `forwarded_for` (all trusted: the leftmost;
  // a malformed entry ends the walk at the last good address).
  std::string ClientOf(const boost::asio::ip::address& peer, std::string_view forwarded_for) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace cairn::server
