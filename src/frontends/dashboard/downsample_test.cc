// The same cases are in web/src/lib/downsample.test.ts: the TypeScript
// mirror must pick the same points.
#include "frontends/dashboard/downsample.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace cairn::frontends::dashboard {
namespace {

std::vector<double> Range(size_t n) {
  std::vector<double> xs(n);
  for (size_t i = 0; i < n; ++i) xs[i] = double(i);
  return xs;
}

std::vector<size_t> Keep(const std::vector<double>& xs, const std::vector<double>& ys, int64_t buckets,
                         std::optional<double> start = std::nullopt, std::optional<double> end = std::nullopt) {
  return DownsampleMinMax(xs, ys, DownsampleOptions{buckets, start, end});
}

TEST(DownsampleTest, SmallSeriesIsKeptWhole) {
  auto xs = Range(8);
  std::vector<double> ys = {5, 1, 4, 2, 8, 0, 3, 7};
  EXPECT_EQ(Keep(xs, ys, 2), (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_TRUE(Keep({}, {}, 10).empty());
}

TEST(DownsampleTest, KeepsFirstMinMaxLastPerBucket) {
  // 20 points, 2 buckets of width 9.5: [0..9] and [10..19].
  auto xs = Range(20);
  std::vector<double> ys = {3, 9, 1, 4, 4, 4, 4,  4, 4, 5,   // max at 1, min at 2
                            6, 6, 6, 0, 6, 6, 12, 6, 6, 7};  // min at 13, max at 16
  EXPECT_EQ(Keep(xs, ys, 2), (std::vector<size_t>{0, 1, 2, 9, 10, 13, 16, 19}));
}

TEST(DownsampleTest, TiesPickTheFirstPointAndNaNNeverWins) {
  double nan = std::numeric_limits<double>::quiet_NaN();
  // One bucket: first (NaN) 0, min 1 first at 6, max 9 first at 8, last 11.
  EXPECT_EQ(Keep(Range(12), {nan, 2, 2, nan, 2, 2, 1, 1, 9, 9, 1, nan}, 1), (std::vector<size_t>{0, 6, 8, 11}));
  // Two buckets of width 11.5: 0..11 is all 2 after a NaN; 12..23 holds -inf and 3.
  std::vector<double> ys(24, 2.0);
  ys[0] = nan;
  ys[17] = -std::numeric_limits<double>::infinity();
  ys[20] = 3;
  EXPECT_EQ(Keep(Range(24), ys, 2), (std::vector<size_t>{0, 1, 11, 12, 17, 20, 23}));
}

TEST(DownsampleTest, RangeKeepsOneNeighbourOnEachSide) {
  auto xs = Range(100);
  std::vector<double> ys(100);
  for (size_t i = 0; i < ys.size(); ++i) ys[i] = std::sin(double(i));
  EXPECT_EQ(Keep(xs, ys, 10, 40.0, 43.0), (std::vector<size_t>{39, 40, 41, 42, 43, 44}));
  EXPECT_EQ(Keep(xs, ys, 10, 40.5, 42.5), (std::vector<size_t>{40, 41, 42, 43}));
  EXPECT_EQ(Keep(xs, ys, 10, std::nullopt, 1.0), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(Keep(xs, ys, 10, 98.0, std::nullopt), (std::vector<size_t>{97, 98, 99}));
  EXPECT_EQ(Keep(xs, ys, 10, 200.0, 300.0), (std::vector<size_t>{99}));
}

TEST(DownsampleTest, RepeatedXAndUnevenSpacing) {
  // Steps logged twice and a gap: buckets split x, not the point count.
  std::vector<double> xs = {0, 0, 1, 1, 2, 2, 3, 3, 100, 100, 101, 101};
  EXPECT_EQ(Keep(xs, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 1), (std::vector<size_t>{0, 11}));
  EXPECT_EQ(Keep(xs, {5, 1, 5, 5, 5, 5, 5, 5, 5, 9, 5, 5}, 2), (std::vector<size_t>{0, 1, 7, 8, 9, 11}));
}

TEST(DownsampleTest, LargeSeriesIsBoundedAndKeepsExtremes) {
  const size_t n = 100000;
  auto xs = Range(n);
  std::vector<double> ys(n);
  for (size_t i = 0; i < n; ++i) ys[i] = std::sin(double(i) / 1000.0);
  ys[54321] = 50;
  ys[7] = -50;
  auto kept = Keep(xs, ys, 500);
  EXPECT_LE(kept.size(), 4u * 500);
  EXPECT_GE(kept.size(), 2u * 500);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  EXPECT_NE(std::find(kept.begin(), kept.end(), 54321u), kept.end());
  EXPECT_NE(std::find(kept.begin(), kept.end(), 7u), kept.end());
  EXPECT_EQ(kept.front(), 0u);
  EXPECT_EQ(kept.back(), n - 1);
}

}  // namespace
}  // namespace cairn::frontends::dashboard
