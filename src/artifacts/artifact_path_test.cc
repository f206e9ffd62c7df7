#include "artifacts/artifact_path.h"

#include <gtest/gtest.h>

namespace cairn::artifacts {
namespace {

TEST(ArtifactPathTest, NormalisesSafePaths) {
  EXPECT_EQ(*ValidateArtifactPath(""), "");
  EXPECT_EQ(*ValidateArtifactPath("."), "");
  EXPECT_EQ(*ValidateArtifactPath("a/b.txt"), "a/b.txt");
  EXPECT_EQ(*ValidateArtifactPath("a//b/./c/"), "a/b/c");
  EXPECT_EQ(*ValidateArtifactPath("..a/b..c"), "..a/b..c");  // dots inside names are fine
}

TEST(ArtifactPathTest, RejectsEscapes) {
  for (const char* bad : {"../x", "a/../../x", "..", "/etc/passwd", "a\\b", "C:\\x", "C:/x", "a#b",
                          "a/..", "x\ny"}) {
    auto result = ValidateArtifactPath(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(result.error().message(), "Invalid path");
  }
  EXPECT_FALSE(ValidateArtifactPath(std::string("a\0b", 3)).ok());
}

TEST(ArtifactPathTest, Joins) {
  EXPECT_EQ(JoinArtifactPath("", "b"), "b");
  EXPECT_EQ(JoinArtifactPath("a/", "/b"), "a/b");
  EXPECT_EQ(JoinArtifactPath("a", ""), "a");
}

}  // namespace
}  // namespace cairn::artifacts
