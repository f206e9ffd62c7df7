#include <cmath>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/json_reader.h"
#include "base/json_writer.h"
#include "base/numeric.h"
#include "base/result.h"

namespace cairn {
namespace {

TEST(NumericTest, ConversionsFromDoubleAreDefinedForEveryInput) {
  EXPECT_EQ(TruncToInt64(2.9), 2);
  EXPECT_EQ(TruncToInt64(-2.9), -2);
  EXPECT_EQ(TruncToInt64(-0x1p63), INT64_MIN);
  EXPECT_EQ(TruncToInt64(0x1p63), std::nullopt);
  EXPECT_EQ(TruncToInt64(3e99), std::nullopt);
  EXPECT_EQ(TruncToInt64(-3e99), std::nullopt);
  EXPECT_EQ(TruncToInt64(std::nan("")), std::nullopt);
  EXPECT_EQ(TruncToInt64(INFINITY), std::nullopt);
  EXPECT_EQ(ExactInt64(7.0), 7);
  EXPECT_EQ(ExactInt64(7.5), std::nullopt);
  EXPECT_EQ(ExactInt64(1e300), std::nullopt);
  EXPECT_EQ(SaturatingInt64(1e300), INT64_MAX);
  EXPECT_EQ(SaturatingInt64(-INFINITY), INT64_MIN);
  EXPECT_EQ(SaturatingInt64(std::nan("")), 0);
  EXPECT_EQ(SaturatingInt64(-5.5), -5);
}

TEST(StatusTest, OkIsCheapAndNamed) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  Status bad = InvalidArgument("nope");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeName(bad.code()), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(StatusCodeFromName("RESOURCE_DOES_NOT_EXIST"), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeFromName("SOMETHING_ELSE"), StatusCode::kInternal);
  Status copy = bad;
  EXPECT_EQ(copy.message(), "nope");
}

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd");
  return x / 2;
}

Status Chain(int x, int* out) {
  CAIRN_ASSIGN_OR_RETURN(int half, Half(x));
  CAIRN_ASSIGN_OR_RETURN(*out, Half(half));
  return Status::Ok();
}

TEST(ResultTest, AssignOrReturnPropagates) {
  int out = 0;
  EXPECT_TRUE(Chain(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(Chain(6, &out).code(), StatusCode::kInvalidArgument);
}

TEST(Base64Test, RoundTripsAllLengths) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto decoded = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, data);
    data += char(i * 37);
  }
  EXPECT_FALSE(Base64Decode("a").has_value());
  EXPECT_FALSE(Base64Decode("ab$d").has_value());
}

TEST(JsonReaderTest, TypedGettersCoerceLikeMlflow) {
  auto doc = JsonDocument::ParseObject(
      R"({"s":"x","n":5,"ns":"7","d":1.5,"nan":"NaN","inf":"-Infinity","b":true,"arr":[1,"2"],"nul":null})");
  ASSERT_TRUE(doc.ok());
  auto root = doc->root();
  EXPECT_EQ(**root.GetString("s"), "x");
  EXPECT_EQ(**root.GetString("n"), "5");  // numeric ids are stringified
  EXPECT_EQ(**root.GetInt64("ns"), 7);
  EXPECT_DOUBLE_EQ(**root.GetDouble("d"), 1.5);
  EXPECT_TRUE(std::isnan(**root.GetDouble("nan")));
  EXPECT_TRUE(std::isinf(**root.GetDouble("inf")));
  EXPECT_TRUE(**root.GetBool("b"));
  EXPECT_FALSE(root.GetString("missing")->has_value());
  EXPECT_FALSE(root.GetString("nul")->has_value());
  auto strings = (*root.GetArray("arr"))->Strings("arr");
  ASSERT_TRUE(strings.ok());
  EXPECT_EQ(*strings, (std::vector<std::string>{"1", "2"}));
}

TEST(JsonReaderTest, WrongTypesAreInvalidArgument) {
  auto doc = JsonDocument::ParseObject(R"({"s":{},"b":true,"n":"abc"})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->root().GetString("s").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc->root().GetDouble("b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc->root().GetInt64("n").status().code(), StatusCode::kInvalidArgument);
}

TEST(JsonReaderTest, MalformedAndNonObjectBodiesFail) {
  for (const char* text : {"", "{", "[1,2]", "42", "{\"a\":}", "\"[1]\"", "nul"}) {
    EXPECT_EQ(JsonDocument::ParseObject(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
  std::string deep(100000, '[');
  EXPECT_FALSE(JsonDocument::ParseObject(deep).ok());
}

TEST(JsonReaderTest, StringHoldingJsonIsDecodedTwice) {
  auto doc = JsonDocument::ParseObject(R"("{\"name\": \"x\"}")");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(**doc->root().GetString("name"), "x");
}

TEST(JsonWriterTest, NonFiniteDoublesAreStrings) {
  JsonWriter w;
  w.StartArray().Double(std::nan("")).Double(INFINITY).Double(-INFINITY).Double(0.25).EndArray();
  EXPECT_EQ(w.str(), R"(["NaN","Infinity","-Infinity",0.25])");
}

}  // namespace
}  // namespace cairn
