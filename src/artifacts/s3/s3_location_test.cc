#include "artifacts/s3/s3_location.h"

#include <gtest/gtest.h>

namespace cairn::artifacts::s3 {
namespace {

TEST(S3LocationTest, ParsesBucketAndPrefix) {
  auto location = ParseS3Uri("s3://my-bucket/team/mlflow/");
  ASSERT_TRUE(location.ok()) << location.error().message();
  EXPECT_EQ(location->bucket, "my-bucket");
  EXPECT_EQ(location->prefix, "team/mlflow");
  auto bare = ParseS3Uri("s3://my.bucket");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->prefix, "");
  // The form a registry resolver receives (after "s3:").
  auto rest = ParseS3Uri("//bucket1/1/abc/artifacts");
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->bucket, "bucket1");
  EXPECT_EQ(rest->prefix, "1/abc/artifacts");
}

TEST(S3LocationTest, RejectsWhatS3WouldRejectOrWhatEscapes) {
  EXPECT_FALSE(ParseS3Uri("s3://").ok());
  EXPECT_FALSE(ParseS3Uri("s3:/bucket/x").ok());
  EXPECT_FALSE(ParseS3Uri("s3://Upper/x").ok());
  EXPECT_FALSE(ParseS3Uri("s3://ab/x").ok());
  EXPECT_FALSE(ParseS3Uri("s3://bucket/../x").ok());
  EXPECT_EQ(ParseS3Uri("s3://bucket_x").error().code(), StatusCode::kInvalidArgument);
}

TEST(S3LocationTest, KeysAndEncoding) {
  EXPECT_TRUE(IsS3Uri("s3://b/x"));
  EXPECT_FALSE(IsS3Uri("/data/s3://"));
  EXPECT_EQ(ObjectKey("", "a/b"), "a/b");
  EXPECT_EQ(ObjectKey("x/y", "a"), "x/y/a");
  EXPECT_EQ(ObjectKey("x", ""), "x");
  EXPECT_EQ(UriEncode("a b/c+d~e_f.g-h", true), "a%20b/c%2Bd~e_f.g-h");
  EXPECT_EQ(UriEncode("r1/", false), "r1%2F");
  EXPECT_EQ(UriEncode("t=k/+", false), "t%3Dk%2F%2B");
  EXPECT_EQ(UriEncode("\xC3\xA9", true), "%C3%A9");
}

}  // namespace
}  // namespace cairn::artifacts::s3
