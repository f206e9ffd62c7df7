#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/sobol_sequence.h"
#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

TEST(SobolSequenceTest, PrimitivePolynomialsMatchTheKnownList) {
  // x+1, x^2+x+1, x^3+x+1, x^3+x^2+1, x^4+x+1, x^4+x^3+1, then six of degree 5.
  const std::vector<uint32_t> p = PrimitivePolynomials(12);
  EXPECT_EQ(p, (std::vector<uint32_t>{0b11, 0b111, 0b1011, 0b1101, 0b10011, 0b11001, 0b100101, 0b101001, 0b101111,
                                      0b110111, 0b111011, 0b111101}));
}

TEST(SobolSequenceTest, EveryDyadicBoxOfTheFirst2PowKPointsIsHitOnce) {
  // The defining property per coordinate: the first 2^k points put exactly
  // one point in each interval [j/2^k, (j+1)/2^k); and pairs of coordinates
  // stratify a 2^a x 2^b grid for 2^(a+b) points when t allows (checked on
  // the first two dimensions, t = 0).
  SobolSequence s(8);
  for (int d = 0; d < 8; ++d) {
    std::set<uint32_t> cells;
    for (uint64_t i = 0; i < 256; ++i) cells.insert(s.Point(i)[d] >> 24);
    EXPECT_EQ(cells.size(), 256u) << "dimension " << d;
  }
  std::set<std::pair<uint32_t, uint32_t>> boxes;
  for (uint64_t i = 0; i < 64; ++i) {
    const auto p = s.Point(i);
    boxes.insert({p[0] >> 29, p[1] >> 29});
  }
  EXPECT_EQ(boxes.size(), 64u);
}

TEST(SobolSuggesterTest, SpreadsBetterThanRandomAndSeedsShiftIt) {
  using testing::Config;
  using testing::DoubleParam;
  auto discrepancy = [](const std::string& algorithm, uint64_t seed) {
    auto s = MakeSuggester(Config(algorithm, {DoubleParam("x", 0, 1), DoubleParam("y", 0, 1)}, seed));
    EXPECT_TRUE(s.ok());
    auto got = (*s)->Suggest({}, 256);
    std::vector<int> grid(16 * 16, 0);
    for (const Suggestion& g : *got) {
      const int cx = std::min(15, static_cast<int>(testing::Num(g.assignment, "x") * 16));
      const int cy = std::min(15, static_cast<int>(testing::Num(g.assignment, "y") * 16));
      grid[cx * 16 + cy]++;
    }
    int empty = 0;
    for (int c : grid) empty += c == 0;
    return empty;
  };
  EXPECT_EQ(discrepancy("sobol", 1), 0);
  EXPECT_GT(discrepancy("random", 1), 40);
  auto a = MakeSuggester(Config("sobol", {DoubleParam("x", 0, 1)}, 1));
  ASSERT_TRUE(a.ok());
  std::vector<TrialObservation> three(3);
  auto next = (*a)->Suggest(three, 1);
  auto all = (*a)->Suggest({}, 4);
  ASSERT_TRUE(next.ok() && all.ok());
  EXPECT_EQ(testing::AsMap((*next)[0].assignment), testing::AsMap((*all)[3].assignment)) << "trial i gets point i";
}

}  // namespace
}  // namespace cairn::tuning::suggest
