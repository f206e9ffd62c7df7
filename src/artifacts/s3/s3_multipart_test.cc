#include "artifacts/s3/s3_multipart.h"

#include <gtest/gtest.h>

namespace cairn::artifacts::s3 {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

TEST(S3MultipartTest, SmallFilesGoUpInOnePut) {
  EXPECT_FALSE(NeedsMultipart(0, 8 * kMiB));
  EXPECT_FALSE(NeedsMultipart(8 * kMiB, 8 * kMiB));
  EXPECT_TRUE(NeedsMultipart(8 * kMiB + 1, 8 * kMiB));
  // A part size below S3's minimum is raised to it.
  EXPECT_FALSE(NeedsMultipart(5 * kMiB, 1));
}

TEST(S3MultipartTest, CutsIntoWholePartsAndARemainder) {
  auto parts = PlanParts(100 * kMiB, 8 * kMiB);
  ASSERT_EQ(parts.size(), 13u);
  EXPECT_EQ(parts[0].part_number, 1);
  EXPECT_EQ(parts[0].offset, 0);
  EXPECT_EQ(parts[0].length, 8 * kMiB);
  EXPECT_EQ(parts[12].part_number, 13);
  EXPECT_EQ(parts[12].offset, 96 * kMiB);
  EXPECT_EQ(parts[12].length, 4 * kMiB);
  int64_t total = 0;
  for (const auto& part : parts) total += part.length;
  EXPECT_EQ(total, 100 * kMiB);
  EXPECT_TRUE(PlanParts(0, 8 * kMiB).empty());
}

TEST(S3MultipartTest, HugeFilesStayWithinTenThousandParts) {
  int64_t size = int64_t{1} << 40;  // 1 TiB at 8 MiB would be 131072 parts
  auto parts = PlanParts(size, 8 * kMiB);
  EXPECT_LE(static_cast<int64_t>(parts.size()), kMaxParts);
  EXPECT_EQ(parts.back().offset + parts.back().length, size);
  EXPECT_EQ(parts[0].length % kMiB, 0);
}

}  // namespace
}  // namespace cairn::artifacts::s3
