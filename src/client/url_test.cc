#include "client/url.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

TEST(UrlTest, EncodesEverythingButUnreserved) {
  EXPECT_EQ(UrlEncode("abcXYZ019-._~"), "abcXYZ019-._~");
  EXPECT_EQ(UrlEncode("a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  EXPECT_EQ(UrlEncode("metrics.\"acc\" > 0.9"), "metrics.%22acc%22%20%3E%200.9");
  EXPECT_EQ(UrlEncode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(UrlEncode(std::string_view("\0x", 2)), "%00x");
  EXPECT_EQ(UrlEncode(""), "");
}

TEST(UrlTest, PathEncodingKeepsSlashes) {
  EXPECT_EQ(UrlEncodePath("1/abc/artifacts/my model/x#1.txt"), "1/abc/artifacts/my%20model/x%231.txt");
}

TEST(UrlTest, DecodeInvertsEncode) {
  for (std::string s : {"a b&c=d", "100%", "\xC3\xA9/x?y", "~-._"}) {
    EXPECT_EQ(UrlDecode(UrlEncode(s)), s);
  }
  EXPECT_EQ(UrlDecode("a+b%2"), "a b%2");
  EXPECT_EQ(UrlDecode("%zz"), "%zz");
}

TEST(UrlTest, QueryKeepsOrderAndRepeatedKeys) {
  EXPECT_EQ(EncodeQuery({{"run_id", "a"}, {"run_id", "b c"}, {"metric_key", "x/y"}}),
            "run_id=a&run_id=b%20c&metric_key=x%2Fy");
  EXPECT_EQ(EncodeQuery({}), "");
}

TEST(UrlTest, BuildUrlJoinsBaseAndPath) {
  EXPECT_EQ(BuildUrl("http://h:5000/", "/api/2.0/mlflow/runs/get", {{"run_id", "r 1"}}),
            "http://h:5000/api/2.0/mlflow/runs/get?run_id=r%201");
  EXPECT_EQ(BuildUrl("http://h:5000", "/health"), "http://h:5000/health");
  EXPECT_EQ(BuildUrl("http://h/prefix//", "/x"), "http://h/prefix/x");
}

}  // namespace
}  // namespace cairn::client
