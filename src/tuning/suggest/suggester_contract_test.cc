// The contract every algorithm in SuggesterNames() keeps: deterministic from
// the seed and history, values inside the space with the right types, steps
// and list members, unknown settings rejected.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/number_text.h"
#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::IntParam;
using testing::ListParam;

// Every kind of parameter; grid gets steps on the continuous ones.
std::vector<ParameterSpec> MixedSpace(const std::string& algorithm) {
  ParameterSpec stepped = DoubleParam("momentum", 0.5, 0.9);
  stepped.step = 0.1;
  ParameterSpec lr = DoubleParam("lr", 1e-4, 1e-1, Distribution::kLogUniform);
  ParameterSpec dropout = DoubleParam("dropout", 0, 0.5, Distribution::kNormal);
  if (algorithm == "grid") {
    lr.step = 0.01;
    dropout.step = 0.25;
  }
  return {lr,
          IntParam("layers", 1, 5),
          stepped,
          dropout,
          ListParam("opt", ParameterType::kCategorical, {"sgd", "adam", "ftrl"}),
          ListParam("batch", ParameterType::kDiscrete, {"16", "32", "64"})};
}

// Settings an algorithm needs to accept the mixed space.
std::vector<std::pair<std::string, std::string>> RequiredSettings(const std::string& algorithm) {
  if (algorithm == "hyperband" || algorithm == "asha") return {{"resource_name", "layers"}};
  return {};
}

void ExpectInSpace(const Assignment& a) {
  ASSERT_EQ(a.size(), 6u);
  const auto m = testing::AsMap(a);
  const double lr = std::stod(m.at("lr"));
  EXPECT_GE(lr, 1e-4);
  EXPECT_LE(lr, 1e-1);
  const std::string& layers = m.at("layers");
  EXPECT_EQ(layers.find('.'), std::string::npos) << layers;
  EXPECT_GE(std::stoi(layers), 1);
  EXPECT_LE(std::stoi(layers), 5);
  const double momentum = std::stod(m.at("momentum"));
  EXPECT_TRUE((std::set<std::string>{"0.5", "0.6", "0.7", "0.8", "0.9"}.contains(m.at("momentum")))) << momentum;
  const double dropout = std::stod(m.at("dropout"));
  EXPECT_GE(dropout, 0);
  EXPECT_LE(dropout, 0.5);
  EXPECT_TRUE((std::set<std::string>{"sgd", "adam", "ftrl"}.contains(m.at("opt"))));
  EXPECT_TRUE((std::set<std::string>{"16", "32", "64"}.contains(m.at("batch"))));
}

double MixedLoss(const Assignment& a) {
  const auto m = testing::AsMap(a);
  return std::pow(std::log10(std::stod(m.at("lr"))) + 2, 2) + std::stod(m.at("dropout")) +
         (m.at("opt") == "adam" ? 0 : 1) + 0.1 * std::stoi(m.at("layers"));
}

class SuggesterContractTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SuggesterContractTest, SameSeedAndHistoryGiveTheSameSuggestions) {
  auto config = Config(GetParam(), MixedSpace(GetParam()), 11, RequiredSettings(GetParam()));
  auto a = MakeSuggester(config);
  auto b = MakeSuggester(config);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok());
  // Build a history with `a` and replay every call on a fresh `b`.
  std::vector<TrialObservation> trials = testing::RunSequential(**a, MixedLoss, 25);
  for (size_t n : {size_t{0}, size_t{5}, size_t{12}, trials.size()}) {
    std::vector<TrialObservation> prefix(trials.begin(), trials.begin() + std::min(n, trials.size()));
    auto x = (*a)->Suggest(prefix, 3);
    auto y = (*b)->Suggest(prefix, 3);
    ASSERT_TRUE(x.ok() && y.ok());
    ASSERT_EQ(x->size(), y->size());
    for (size_t i = 0; i < x->size(); ++i) {
      EXPECT_EQ(testing::AsMap((*x)[i].assignment), testing::AsMap((*y)[i].assignment));
      EXPECT_EQ((*x)[i].labels, (*y)[i].labels);
    }
  }
}

TEST_P(SuggesterContractTest, ValuesStayInTheSpace) {
  auto s = MakeSuggester(Config(GetParam(), MixedSpace(GetParam()), 3, RequiredSettings(GetParam())));
  ASSERT_TRUE(s.ok()) << s.status().message();
  std::vector<TrialObservation> trials = testing::RunSequential(**s, MixedLoss, 40);
  EXPECT_GT(trials.size(), 0u);
  for (const TrialObservation& t : trials) ExpectInSpace(t.assignment);
  auto more = (*s)->Suggest(trials, 4);
  ASSERT_TRUE(more.ok());
  for (const Suggestion& g : *more) ExpectInSpace(g.assignment);
}

TEST_P(SuggesterContractTest, DifferentSeedsDifferExceptForGrid) {
  auto a = MakeSuggester(Config(GetParam(), MixedSpace(GetParam()), 1, RequiredSettings(GetParam())));
  auto b = MakeSuggester(Config(GetParam(), MixedSpace(GetParam()), 2, RequiredSettings(GetParam())));
  ASSERT_TRUE(a.ok() && b.ok());
  auto x = (*a)->Suggest({}, 4);
  auto y = (*b)->Suggest({}, 4);
  ASSERT_TRUE(x.ok() && y.ok());
  bool differ = false;
  for (size_t i = 0; i < std::min(x->size(), y->size()); ++i) {
    differ |= testing::AsMap((*x)[i].assignment) != testing::AsMap((*y)[i].assignment);
  }
  // Grid walks the product in a fixed order: the seed must not matter.
  EXPECT_EQ(differ, GetParam() != "grid");
}

TEST_P(SuggesterContractTest, RandomStateSettingOverridesTheSeed) {
  auto settings = RequiredSettings(GetParam());
  settings.push_back({"random_state", "42"});
  auto a = MakeSuggester(Config(GetParam(), MixedSpace(GetParam()), 1, settings));
  auto b = MakeSuggester(Config(GetParam(), MixedSpace(GetParam()), 2, settings));
  ASSERT_TRUE(a.ok() && b.ok()) << a.status().message();
  auto x = (*a)->Suggest({}, 2);
  auto y = (*b)->Suggest({}, 2);
  ASSERT_TRUE(x.ok() && y.ok());
  ASSERT_EQ(x->size(), y->size());
  for (size_t i = 0; i < x->size(); ++i) {
    EXPECT_EQ(testing::AsMap((*x)[i].assignment), testing::AsMap((*y)[i].assignment));
  }
}

TEST_P(SuggesterContractTest, UnknownSettingIsRejectedByName) {
  auto settings = RequiredSettings(GetParam());
  settings.push_back({"no_such_setting", "1"});
  auto s = MakeSuggester(Config(GetParam(), MixedSpace(GetParam()), 1, settings));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("no_such_setting"), std::string::npos) << s.status().message();
}

TEST_P(SuggesterContractTest, BadRangeIsRejected) {
  auto s = MakeSuggester(Config(GetParam(), {DoubleParam("x", 2, 1), DoubleParam("y", 0, 1)}, 1));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("\"x\""), std::string::npos) << s.status().message();
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, SuggesterContractTest, ::testing::ValuesIn(SuggesterNames()),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

TEST(SuggesterFactoryTest, UnknownAlgorithmListsTheKnownOnes) {
  auto s = MakeSuggester(Config("annealing", {DoubleParam("x", 0, 1)}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("annealing"), std::string::npos);
  EXPECT_NE(s.status().message().find("random"), std::string::npos);
}

TEST(SuggesterFactoryTest, BadSettingValueIsNamed) {
  auto s = MakeSuggester(Config("random", {DoubleParam("x", 0, 1)}, 1, {{"random_state", "abc"}}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("random_state"), std::string::npos);
}

}  // namespace
}  // namespace cairn::tuning::suggest
