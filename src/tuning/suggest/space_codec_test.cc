#include "tuning/suggest/space_codec.h"

#include <gtest/gtest.h>

#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::DoubleParam;
using testing::IntParam;
using testing::ListParam;

SpaceCodec Codec(std::vector<ParameterSpec> params) {
  SearchSpace space;
  space.parameters = std::move(params);
  auto codec = SpaceCodec::Create(space);
  EXPECT_TRUE(codec.ok()) << codec.status().message();
  return *codec;
}

TEST(SearchSpaceTest, RejectsBadSpacesNamingTheParameter) {
  auto bad = [](ParameterSpec p) {
    SearchSpace s;
    s.parameters = {p};
    return ValidateSearchSpace(s);
  };
  EXPECT_NE(bad(DoubleParam("lr", 1, 0)).message().find("\"lr\": empty range"), std::string::npos);
  EXPECT_FALSE(bad(DoubleParam("lr", 0, 1, Distribution::kLogUniform)).ok());
  EXPECT_FALSE(bad(IntParam("n", 0.5, 3)).ok());
  EXPECT_FALSE(bad(ListParam("c", ParameterType::kCategorical, {})).ok());
  EXPECT_FALSE(bad(ListParam("d", ParameterType::kDiscrete, {"1", "x"})).ok());
  ParameterSpec stepped = DoubleParam("s", 0, 1);
  stepped.step = 0;
  EXPECT_FALSE(bad(stepped).ok());
  EXPECT_TRUE(bad(DoubleParam("const", 2, 2)).ok());
  SearchSpace dup;
  dup.parameters = {DoubleParam("a", 0, 1), DoubleParam("a", 0, 1)};
  EXPECT_FALSE(ValidateSearchSpace(dup).ok());
  EXPECT_FALSE(ValidateSearchSpace(SearchSpace{}).ok());
}

TEST(SearchSpaceTest, FormatsDoublesRoundTrippably) {
  EXPECT_EQ(FormatDoubleValue(0.1), "0.1");
  EXPECT_EQ(FormatDoubleValue(1e-5), "1e-05");
  EXPECT_EQ(FormatDoubleValue(-0.0), "0");
  const double x = 0.123456789012345678;
  EXPECT_EQ(std::stod(FormatDoubleValue(x)), x);
}

TEST(SpaceCodecTest, IntsGetEqualCellsAndNoDecimalPoint) {
  SpaceCodec c = Codec({IntParam("n", 1, 4)});
  EXPECT_EQ(c.Choices(0), 4);
  EXPECT_EQ(c.ValueText(0, 0.0), "1");
  EXPECT_EQ(c.ValueText(0, 0.26), "2");
  EXPECT_EQ(c.ValueText(0, 0.99999), "4");
  EXPECT_EQ(c.ValueText(0, 1.0), "4");
  EXPECT_DOUBLE_EQ(c.Snap(0, 0.3), 0.375);
}

TEST(SpaceCodecTest, SteppedDoublesPrintCleanGridValues) {
  ParameterSpec p = DoubleParam("lr", 0.1, 0.5);
  p.step = 0.1;
  SpaceCodec c = Codec({p});
  ASSERT_EQ(c.Choices(0), 5);
  EXPECT_EQ(c.ChoiceText(0, 2), "0.3");
  EXPECT_EQ(c.ChoiceText(0, 4), "0.5");
}

TEST(SpaceCodecTest, LogScaleAndRoundTrip) {
  SpaceCodec c = Codec({DoubleParam("lr", 1e-4, 1, Distribution::kLogUniform)});
  EXPECT_NEAR(std::stod(c.ValueText(0, 0.5)), 1e-2, 1e-12);
  auto u = c.Encode({{"lr", "0.001"}});
  ASSERT_TRUE(u);
  EXPECT_NEAR((*u)[0], 0.25, 1e-12);
}

TEST(SpaceCodecTest, ListsEncodeByTextAndDiscreteSortsNumbers) {
  SpaceCodec c = Codec({ListParam("opt", ParameterType::kCategorical, {"sgd", "adam"}),
                        ListParam("bs", ParameterType::kDiscrete, {"64", "16", "32"})});
  EXPECT_EQ(c.ValueText(0, 0.1), "sgd");
  EXPECT_EQ(c.ValueText(1, 0.1), "16");
  EXPECT_EQ(c.ValueText(1, 0.9), "64");
  auto u = c.Encode({{"opt", "adam"}, {"bs", "32"}});
  ASSERT_TRUE(u);
  EXPECT_DOUBLE_EQ((*u)[0], 0.75);
  EXPECT_DOUBLE_EQ((*u)[1], 0.5);
  EXPECT_FALSE(c.Encode({{"opt", "rmsprop"}, {"bs", "32"}}));
  EXPECT_FALSE(c.Encode({{"opt", "adam"}}));
}

TEST(SpaceCodecTest, NormalPriorConcentratesInTheMiddle) {
  SpaceCodec c = Codec({DoubleParam("x", 0, 6, Distribution::kNormal)});
  EXPECT_NEAR(c.FromPrior(0, 0.5), 0.5, 1e-9);
  EXPECT_NEAR(c.FromPrior(0, 0.8413447), 0.5 + 1.0 / 6, 1e-6);
  EXPECT_EQ(c.FromPrior(0, 1e-300), 0.0);
}

}  // namespace
}  // namespace cairn::tuning::suggest
