#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::IntParam;
using testing::ListParam;

// A bowl with its minimum at (0.3, 0.7), plus a categorical that matters.
double Bowl(const Assignment& a) {
  const auto m = testing::AsMap(a);
  const double x = std::stod(m.at("x")), y = std::stod(m.at("y"));
  return (x - 0.3) * (x - 0.3) + (y - 0.7) * (y - 0.7) + (m.at("c") == "b" ? 0 : 0.5);
}

std::vector<ParameterSpec> BowlSpace() {
  return {DoubleParam("x", 0, 1), DoubleParam("y", 0, 1),
          ListParam("c", ParameterType::kCategorical, {"a", "b", "c", "d"})};
}

double MedianBest(const std::string& algorithm, int trials) {
  std::vector<double> best;
  for (uint64_t seed = 0; seed < 7; ++seed) {
    auto s = MakeSuggester(Config(algorithm, BowlSpace(), seed));
    EXPECT_TRUE(s.ok());
    best.push_back(testing::BestLoss(testing::RunSequential(**s, Bowl, trials)));
  }
  std::sort(best.begin(), best.end());
  return best[best.size() / 2];
}

TEST(TpeSuggesterTest, BeatsRandomSearchOnABowl) {
  const double random = MedianBest("random", 60);
  EXPECT_LT(MedianBest("tpe", 60), random);
  EXPECT_LT(MedianBest("multivariate-tpe", 60), random);
  EXPECT_LT(MedianBest("tpe", 60), 0.01);
}

TEST(TpeSuggesterTest, ParallelSuggestionsAvoidEachOther) {
  for (const char* algorithm : {"tpe", "multivariate-tpe"}) {
    auto s = MakeSuggester(Config(algorithm, {IntParam("n", 1, 50)}, 3, {{"n_startup_trials", "3"}}));
    ASSERT_TRUE(s.ok());
    std::vector<TrialObservation> trials = testing::RunSequential(
        **s, [](const Assignment& a) { return std::fabs(testing::Num(a, "n") - 20); }, 10);
    auto batch = (*s)->Suggest(trials, 4);
    ASSERT_TRUE(batch.ok());
    std::set<std::string> values;
    for (const Suggestion& g : *batch) values.insert(testing::AsMap(g.assignment)["n"]);
    EXPECT_GE(values.size(), 3u) << algorithm << ": the constant liar spreads a batch";
  }
}

TEST(TpeSuggesterTest, FailedAndRunningTrialsAreNotLearntFrom) {
  auto s = MakeSuggester(Config("tpe", BowlSpace(), 1, {{"n_startup_trials", "2"}}));
  ASSERT_TRUE(s.ok());
  std::vector<TrialObservation> trials = testing::RunSequential(**s, Bowl, 5);
  TrialObservation failed = trials[0];
  failed.state = TrialState::kFailed;
  failed.loss.reset();
  trials.push_back(failed);
  EXPECT_TRUE((*s)->Suggest(trials, 2).ok());
}

TEST(TpeSuggesterTest, SettingsAreValidated) {
  EXPECT_FALSE(MakeSuggester(Config("tpe", BowlSpace(), 1, {{"gamma", "0"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("tpe", BowlSpace(), 1, {{"gamma", "1.5"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("tpe", BowlSpace(), 1, {{"n_EI_candidates", "0"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("multivariate-tpe", BowlSpace(), 1, {{"n_startup_trials", "x"}})).ok());
  EXPECT_TRUE(MakeSuggester(Config("tpe", BowlSpace(), 1,
                                   {{"gamma", "0.25"}, {"prior_weight", "1.0"}, {"n_EI_candidates", "24"}}))
                  .ok());
  EXPECT_TRUE(MakeSuggester(Config("multivariate-tpe", BowlSpace(), 1,
                                   {{"n_startup_trials", "5"}, {"n_ei_candidates", "10"}}))
                  .ok());
}

}  // namespace
}  // namespace cairn::tuning::suggest
