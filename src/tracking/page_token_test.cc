#include "tracking/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "base/base64.h"

namespace cairn::tracking {
namespace {

using ::testing::HasSubstr;

void ExpectInvalid(std::string_view token) {
  auto result = DecodePageToken(token);
  ASSERT_FALSE(result.ok()) << "accepted: " << token;
  EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.error().message(), HasSubstr("Invalid page token"));
  EXPECT_LT(result.error().message().size(), 300u) << "message should not echo a huge token";
}

TEST(PageTokenTest, RoundTrips) {
  for (int64_t offset : {int64_t{0}, int64_t{1}, int64_t{1000}, int64_t{50000}, int64_t{1} << 40,
                         std::numeric_limits<int64_t>::max()}) {
    auto decoded = DecodePageToken(EncodePageToken(offset));
    ASSERT_TRUE(decoded.ok()) << offset << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, offset);
  }
}

TEST(PageTokenTest, MatchesMlflowEncoding) {
  // MLflow: base64.b64encode(json.dumps({"offset": 5}).encode()).
  EXPECT_EQ(EncodePageToken(5), "eyJvZmZzZXQiOiA1fQ==");
  auto decoded = DecodePageToken("eyJvZmZzZXQiOiA1fQ==");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, 5);
}

TEST(PageTokenTest, EmptyTokenIsTheFirstPage) {
  auto decoded = DecodePageToken("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, 0);
}

TEST(PageTokenTest, AcceptsEquivalentJson) {
  for (const char* json : {"{\"offset\":7}", "{ \"offset\" : 7 }", "{\"offset\": \"7\"}", "{\"offset\": 7.0}",
                           "{\"offset\": 7, \"extra\": true}"}) {
    auto decoded = DecodePageToken(Base64Encode(json));
    ASSERT_TRUE(decoded.ok()) << json << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, 7) << json;
  }
}

TEST(PageTokenTest, RejectsGarbage) {
  ExpectInvalid("!!!");
  ExpectInvalid("abc");  // bad padding
  ExpectInvalid("eyJvZmZzZXQiOiA1fQ==\n");
  ExpectInvalid(std::string("eyJv\0ZmZzZXQiOiA1fQ==", 21));
  ExpectInvalid("' OR 1=1 --");
  ExpectInvalid(std::string(1 << 20, 'A'));  // valid alphabet, not JSON
  ExpectInvalid(std::string(1 << 20, '%'));
}

TEST(PageTokenTest, RejectsWellFormedBase64OfBadContent) {
  for (const char* json : {"", "not json", "[]", "5", "\"offset\"", "{}", "{\"offset\": null}",
                           "{\"offset\": -1}", "{\"offset\": 1.5}", "{\"offset\": \"abc\"}", "{\"offset\": true}",
                           "{\"offset\": [1]}", "{\"offset\": {\"a\": 1}}", "{\"offset\": 1e30}",
                           "{\"offset\": 99999999999999999999}", "{\"Offset\": 1}", "{\"offset\": 1"}) {
    std::string token = Base64Encode(json);
    if (token.empty()) continue;  // "" means the first page, tested above
    ExpectInvalid(token);
  }
}

}  // namespace
}  // namespace cairn::tracking
