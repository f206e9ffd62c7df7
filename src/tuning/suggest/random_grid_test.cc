#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::IntParam;
using testing::ListParam;

TEST(RandomSuggesterTest, CoversTheRangeAndFollowsLogScale) {
  auto s = MakeSuggester(Config("random", {DoubleParam("lr", 1e-4, 1, Distribution::kLogUniform)}));
  ASSERT_TRUE(s.ok());
  auto got = (*s)->Suggest({}, 2000);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2000u);
  int below_1e2 = 0;
  for (const Suggestion& g : *got) below_1e2 += testing::Num(g.assignment, "lr") < 1e-2;
  // Log-uniform: half the mass below the geometric middle 1e-2.
  EXPECT_NEAR(below_1e2 / 2000.0, 0.5, 0.05);
}

TEST(RandomSuggesterTest, NormalDistributionConcentrates) {
  auto s = MakeSuggester(Config("random", {DoubleParam("x", 0, 6, Distribution::kNormal)}));
  ASSERT_TRUE(s.ok());
  auto got = (*s)->Suggest({}, 2000);
  ASSERT_TRUE(got.ok());
  int within_1sd = 0;
  for (const Suggestion& g : *got) within_1sd += std::fabs(testing::Num(g.assignment, "x") - 3) < 1;
  EXPECT_NEAR(within_1sd / 2000.0, 0.683, 0.04);
}

TEST(RandomSuggesterTest, EveryCategoryAppears) {
  auto s = MakeSuggester(Config("random", {ListParam("c", ParameterType::kCategorical, {"a", "b", "c"})}));
  ASSERT_TRUE(s.ok());
  auto got = (*s)->Suggest({}, 300);
  ASSERT_TRUE(got.ok());
  std::map<std::string, int> counts;
  for (const Suggestion& g : *got) counts[testing::AsMap(g.assignment)["c"]]++;
  ASSERT_EQ(counts.size(), 3u);
  for (const auto& [k, n] : counts) EXPECT_GT(n, 70) << k;
}

TEST(GridSuggesterTest, WalksTheCartesianProductOnceThenIsExhausted) {
  ParameterSpec lr = DoubleParam("lr", 0.01, 0.03);
  lr.step = 0.01;
  auto s = MakeSuggester(Config("grid", {lr, IntParam("n", 1, 2), ListParam("o", ParameterType::kCategorical, {"a", "b"})}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  std::vector<TrialObservation> trials;
  std::set<std::map<std::string, std::string>> seen;
  while (!(*s)->Exhausted(trials)) {
    auto got = (*s)->Suggest(trials, 5);
    ASSERT_TRUE(got.ok());
    ASSERT_FALSE(got->empty());
    for (const Suggestion& g : *got) {
      EXPECT_TRUE(seen.insert(testing::AsMap(g.assignment)).second) << "duplicate";
      TrialObservation t;
      t.assignment = g.assignment;
      t.state = TrialState::kRunning;  // in flight counts as used
      trials.push_back(t);
    }
  }
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_TRUE(seen.contains({{"lr", "0.03"}, {"n", "2"}, {"o", "b"}}));
  auto after = (*s)->Suggest(trials, 3);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST(GridSuggesterTest, SkipsCombinationsAnEarlierServerHandedOut) {
  auto s = MakeSuggester(Config("grid", {IntParam("n", 1, 3)}));
  ASSERT_TRUE(s.ok());
  TrialObservation t;
  t.assignment = {{"n", "1"}};
  t.state = TrialState::kFailed;
  auto got = (*s)->Suggest({t}, 5);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ(testing::AsMap((*got)[0].assignment)["n"], "2");
  EXPECT_EQ(testing::AsMap((*got)[1].assignment)["n"], "3");
}

TEST(GridSuggesterTest, DoubleWithoutStepIsRejected) {
  auto s = MakeSuggester(Config("grid", {DoubleParam("lr", 0, 1)}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("\"lr\" needs a step"), std::string::npos) << s.status().message();
}

TEST(GridSuggesterTest, HugeGridIsFineAndStartsImmediately) {
  std::vector<ParameterSpec> params;
  for (int i = 0; i < 6; ++i) params.push_back(IntParam("p" + std::to_string(i), 0, 999));
  auto s = MakeSuggester(Config("grid", params));
  ASSERT_TRUE(s.ok());
  auto got = (*s)->Suggest({}, 2);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->size(), 2u);
  EXPECT_FALSE((*s)->Exhausted({}));
}

TEST(MedianStopTest, StopsATrialWorseThanTheMedianAfterStartStep) {
  auto stopper = MakeEarlyStopper("medianstop", {{"min_trials_required", "2"}, {"start_step", "2"}});
  ASSERT_TRUE(stopper.ok());
  auto trial = [](std::string name, TrialState state, std::vector<double> losses) {
    TrialObservation t;
    t.name = std::move(name);
    t.state = state;
    for (size_t i = 0; i < losses.size(); ++i) t.intermediate_losses.push_back({static_cast<int64_t>(i), losses[i]});
    return t;
  };
  std::vector<TrialObservation> all = {trial("a", TrialState::kSucceeded, {1.0, 0.8, 0.1}),
                                       trial("b", TrialState::kSucceeded, {0.6, 0.4, 0.2})};
  // Medians of the first-2 means: (0.9 + 0.5)/2 = 0.7.
  EXPECT_FALSE((*stopper)->ShouldStop(trial("c", TrialState::kRunning, {2.0}), all)) << "before start_step";
  EXPECT_TRUE((*stopper)->ShouldStop(trial("c", TrialState::kRunning, {2.0, 0.75}), all));
  EXPECT_FALSE((*stopper)->ShouldStop(trial("c", TrialState::kRunning, {2.0, 0.65}), all));
  std::vector<TrialObservation> one = {all[0]};
  EXPECT_FALSE((*stopper)->ShouldStop(trial("c", TrialState::kRunning, {2.0, 5.0}), one)) << "too few trials";
}

TEST(MedianStopTest, DefaultsAndErrors) {
  EXPECT_TRUE(MakeEarlyStopper("medianstop", {}).ok());
  EXPECT_FALSE(MakeEarlyStopper("medianstop", {{"start_step", "0"}}).ok());
  EXPECT_FALSE(MakeEarlyStopper("medianstop", {{"bogus", "1"}}).ok());
  EXPECT_FALSE(MakeEarlyStopper("truncation", {}).ok());
}

}  // namespace
}  // namespace cairn::tuning::suggest
