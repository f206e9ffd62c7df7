#include "server/client_address.h"

#include <gtest/gtest.h>

namespace cairn::server {
namespace {

boost::asio::ip::address Ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(TrustedProxiesTest, ParsesAddressesAndRanges) {
  auto proxies = TrustedProxies::Parse({"10.0.0.0/8", " 127.0.0.1 ", "fd00::/8", ""});
  ASSERT_TRUE(proxies.ok()) << proxies.status().ToString();
  EXPECT_TRUE(proxies->Trusts(Ip("10.200.3.4")));
  EXPECT_TRUE(proxies->Trusts(Ip("127.0.0.1")));
  EXPECT_FALSE(proxies->Trusts(Ip("127.0.0.2")));
  EXPECT_TRUE(proxies->Trusts(Ip("fd12::1")));
  EXPECT_FALSE(proxies->Trusts(Ip("fe80::1")));
  EXPECT_TRUE(proxies->Trusts(Ip("::ffff:10.1.1.1"))) << "IPv4 clients of a v6 listener";
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "not-an-ip", "300.1.1.1", "fd00::/129", "1.2.3.4/-1"}) {
    auto parsed = TrustedProxies::Parse({bad});
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(TrustedProxies::Parse({})->empty());
}

TEST(TrustedProxiesTest, FollowsForwardedForFromTheRight) {
  auto proxies = *TrustedProxies::Parse({"10.0.0.0/8", "127.0.0.1"});
  // A peer that is not a trusted proxy is the client, whatever it claims.
  EXPECT_EQ(proxies.ClientOf(Ip("203.0.113.5"), "198.51.100.1"), "203.0.113.5");
  // Through one trusted proxy.
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "198.51.100.1"), "198.51.100.1");
  // Through two; a client-supplied entry left of the real one is ignored.
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "6.6.6.6, 198.51.100.1, 10.1.2.3"), "198.51.100.1");
  // Ports and brackets as some proxies write them.
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "198.51.100.1:5123"), "198.51.100.1");
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "[2001:db8::7]:443"), "2001:db8::7");
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "2001:db8::7"), "2001:db8::7");
  // No header, an empty one, or only trusted hops.
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), ""), "127.0.0.1");
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "10.9.9.9, 10.1.1.1"), "10.9.9.9");
  // Garbage ends the walk at the last good address.
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "198.51.100.1, garbage"), "127.0.0.1");
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), "garbage, 10.1.1.1"), "10.1.1.1");
  EXPECT_EQ(proxies.ClientOf(Ip("127.0.0.1"), std::string(10000, ',')), "127.0.0.1");
  // Nothing trusted: the header never counts.
  EXPECT_EQ(TrustedProxies().ClientOf(Ip("127.0.0.1"), "198.51.100.1"), "127.0.0.1");
}

}  // namespace
}  // namespace cairn::server
