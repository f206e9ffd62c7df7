#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::ListParam;

double Sphere(const Assignment& a) {
  double s = 0;
  for (const ParameterValue& v : a) {
    if (v.name != "c") s += std::pow(std::stod(v.value) - 0.7, 2);
  }
  return s;
}

std::vector<ParameterSpec> Space(int dims) {
  std::vector<ParameterSpec> p;
  for (int i = 0; i < dims; ++i) p.push_back(DoubleParam("x" + std::to_string(i), -2, 2));
  return p;
}

TEST(CmaesSuggesterTest, ConvergesOnASphere) {
  auto s = MakeSuggester(Config("cmaes", Space(4), 1));
  ASSERT_TRUE(s.ok());
  auto trials = testing::RunSequential(**s, Sphere, 300);
  EXPECT_EQ(trials.size(), 300u);
  EXPECT_LT(testing::BestLoss(trials), 1e-3);
}

TEST(CmaesSuggesterTest, AGenerationWaitsForItsRunningMembers) {
  auto s = MakeSuggester(Config("cmaes", Space(2), 1));  // popsize 4 + floor(3 ln 2) = 6
  ASSERT_TRUE(s.ok());
  auto first = (*s)->Suggest({}, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 6u) << "one generation at a time";
  std::vector<TrialObservation> trials;
  std::set<std::string> indices;
  for (const Suggestion& g : *first) {
    EXPECT_EQ(g.labels.at("cmaes.generation"), "0");
    indices.insert(g.labels.at("cmaes.index"));
    TrialObservation t;
    t.assignment = g.assignment;
    t.labels = g.labels;
    t.state = TrialState::kRunning;
    trials.push_back(t);
  }
  EXPECT_EQ(indices.size(), 6u);
  auto waiting = (*s)->Suggest(trials, 3);
  ASSERT_TRUE(waiting.ok());
  EXPECT_TRUE(waiting->empty());
  for (size_t i = 0; i < trials.size(); ++i) {
    trials[i].state = i == 2 ? TrialState::kFailed : TrialState::kSucceeded;
    if (i != 2) trials[i].loss = Sphere(trials[i].assignment);
  }
  auto next = (*s)->Suggest(trials, 2);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].labels.at("cmaes.generation"), "1");
}

TEST(CmaesSuggesterTest, IpopRestartsWithALargerPopulation) {
  // A flat objective stalls at once (fitness range 0), so ipop restarts.
  auto s = MakeSuggester(Config("cmaes", Space(2), 1, {{"restart_strategy", "ipop"}}));
  ASSERT_TRUE(s.ok());
  auto trials = testing::RunSequential(**s, [](const Assignment&) { return 1.0; }, 160);
  std::set<std::string> restarts;
  for (const TrialObservation& t : trials) restarts.insert(t.labels.at("cmaes.restart"));
  EXPECT_GE(restarts.size(), 2u);
  auto batch = (*s)->Suggest(trials, 100);
  ASSERT_TRUE(batch.ok());
  EXPECT_GT(batch->size(), 6u) << "the population doubled";
}

TEST(CmaesSuggesterTest, CategoricalsComeFromThePriorAndNeedTwoNumerics) {
  auto ok = MakeSuggester(Config("cmaes", {DoubleParam("x", 0, 1), DoubleParam("y", 0, 1),
                                          ListParam("c", ParameterType::kCategorical, {"a", "b"})}));
  ASSERT_TRUE(ok.ok());
  auto got = (*ok)->Suggest({}, 6);
  ASSERT_TRUE(got.ok());
  std::set<std::string> cs;
  for (const Suggestion& g : *got) cs.insert(testing::AsMap(g.assignment)["c"]);
  EXPECT_EQ(cs.size(), 2u);
  auto bad = MakeSuggester(Config("cmaes", {DoubleParam("x", 0, 1), ListParam("c", ParameterType::kCategorical, {"a"})}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("at least two numeric"), std::string::npos);
  EXPECT_FALSE(MakeSuggester(Config("cmaes", Space(2), 1, {{"restart_strategy", "bipop"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("cmaes", Space(2), 1, {{"sigma", "0"}})).ok());
}

}  // namespace
}  // namespace cairn::tuning::suggest
