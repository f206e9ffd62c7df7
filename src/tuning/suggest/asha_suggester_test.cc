#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::IntParam;

double Loss(const Assignment& a) { return std::fabs(testing::Num(a, "lr") - 0.2) + 1.0 / testing::Num(a, "epochs"); }

TEST(AshaSuggesterTest, PromotesTheTopThirdWithoutWaiting) {
  auto s = MakeSuggester(Config("asha", {DoubleParam("lr", 0, 1), IntParam("epochs", 1, 9)}, 2,
                                {{"resource_name", "epochs"}}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  std::vector<TrialObservation> trials = testing::RunSequential(**s, Loss, 60);
  ASSERT_EQ(trials.size(), 60u);
  std::map<std::string, int> per_rung;
  std::map<std::string, std::set<std::string>> epochs;
  for (const TrialObservation& t : trials) {
    per_rung[t.labels.at("asha.rung")]++;
    epochs[t.labels.at("asha.rung")].insert(testing::AsMap(t.assignment)["epochs"]);
  }
  EXPECT_EQ(epochs["0"], std::set<std::string>{"1"});
  EXPECT_EQ(epochs["1"], std::set<std::string>{"3"});
  EXPECT_EQ(epochs["2"], std::set<std::string>{"9"});
  EXPECT_GT(per_rung["0"], per_rung["1"]);
  EXPECT_GT(per_rung["1"], per_rung["2"]);
  EXPECT_GT(per_rung["2"], 0);
  // A promoted configuration keeps its other values.
  std::map<std::string, std::string> lr_of;
  for (const TrialObservation& t : trials) {
    const std::string lr = testing::AsMap(t.assignment)["lr"];
    auto [it, fresh] = lr_of.emplace(t.labels.at("asha.config"), lr);
    EXPECT_EQ(it->second, lr);
  }
  // Running trials never block: there is always something to run.
  std::vector<TrialObservation> running = trials;
  for (TrialObservation& t : running) t.state = TrialState::kRunning, t.loss.reset();
  auto more = (*s)->Suggest(running, 3);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->size(), 3u);
}

TEST(AshaSuggesterTest, SettingsAreValidated) {
  std::vector<ParameterSpec> space = {DoubleParam("lr", 0, 1), IntParam("epochs", 1, 81)};
  EXPECT_FALSE(MakeSuggester(Config("asha", space, 1)).ok());
  EXPECT_FALSE(MakeSuggester(Config("asha", space, 1, {{"resource_name", "lr"}, {"eta", "0.5"}})).ok());
  EXPECT_TRUE(MakeSuggester(Config("asha", space, 1,
                                   {{"resource_name", "epochs"}, {"eta", "3"}, {"min_resource", "3"},
                                    {"max_resource", "81"}}))
                  .ok());
}

TEST(AshaSuggesterTest, BudgetsFromTheResourceRangeAreChecked) {
  // Defaults taken from a huge or inverted resource range are refused
  // instead of reaching the rung arithmetic.
  auto huge = MakeSuggester(Config("asha", {DoubleParam("lr", 0, 1), DoubleParam("epochs", 1, 1.7e308)}, 1,
                                   {{"resource_name", "epochs"}, {"min_resource", "1e-12"}}));
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("max_resource in [1e-12, 1e12]"), std::string::npos) << huge.status().message();
  auto above_max = MakeSuggester(Config("asha", {DoubleParam("lr", 0, 1), IntParam("epochs", 50, 81)}, 1,
                                        {{"resource_name", "epochs"}, {"max_resource", "9"}}));
  ASSERT_FALSE(above_max.ok());
  EXPECT_NE(above_max.status().message().find("min_resource in [1e-12, max_resource]"), std::string::npos)
      << above_max.status().message();
}

}  // namespace
}  // namespace cairn::tuning::suggest
