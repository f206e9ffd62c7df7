#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tuning/suggest/suggest_test_util.h"

namespace cairn::tuning::suggest {
namespace {

using testing::Config;
using testing::DoubleParam;
using testing::IntParam;

std::vector<ParameterSpec> Space() { return {DoubleParam("lr", 0, 1), IntParam("epochs", 1, 27)}; }

// Loss falls with the budget and is best at lr = 0.2.
double Loss(const Assignment& a) {
  return std::fabs(testing::Num(a, "lr") - 0.2) + 1.0 / testing::Num(a, "epochs");
}

// Runs every suggestion to completion in waves of `parallel`.
std::vector<TrialObservation> RunInWaves(Suggester& s, int parallel, int* waits) {
  std::vector<TrialObservation> trials;
  for (int wave = 0; wave < 1000 && !s.Exhausted(trials); ++wave) {
    auto got = s.Suggest(trials, parallel);
    EXPECT_TRUE(got.ok());
    if (got->empty()) ++*waits;
    size_t first = trials.size();
    for (const Suggestion& g : *got) {
      TrialObservation t;
      t.name = "t" + std::to_string(trials.size());
      t.assignment = g.assignment;
      t.labels = g.labels;
      t.state = TrialState::kRunning;
      trials.push_back(t);
    }
    // A second ask while these run: only members of the same rung may come.
    for (size_t i = first; i < trials.size(); ++i) {
      trials[i].state = TrialState::kSucceeded;
      trials[i].loss = Loss(trials[i].assignment);
    }
  }
  return trials;
}

TEST(HyperbandSuggesterTest, RunsKatibsBracketsAndPromotesTheBest) {
  auto s = MakeSuggester(Config("hyperband", Space(), 5, {{"resource_name", "epochs"}, {"eta", "3"}}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  int waits = 0;
  std::vector<TrialObservation> trials = RunInWaves(**s, 100, &waits);
  EXPECT_TRUE((*s)->Exhausted(trials));
  std::map<std::pair<std::string, std::string>, int> sizes;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> epochs;
  for (const TrialObservation& t : trials) {
    const auto key = std::make_pair(t.labels.at("hyperband.bracket"), t.labels.at("hyperband.rung"));
    sizes[key]++;
    epochs[key].insert(testing::AsMap(t.assignment)["epochs"]);
  }
  const std::map<std::pair<std::string, std::string>, int> want = {
      {{"3", "0"}, 27}, {{"3", "1"}, 9}, {{"3", "2"}, 3}, {{"3", "3"}, 1}, {{"2", "0"}, 12}, {{"2", "1"}, 4},
      {{"2", "2"}, 1},  {{"1", "0"}, 6}, {{"1", "1"}, 2}, {{"0", "0"}, 4}};
  EXPECT_EQ(sizes, want);
  EXPECT_EQ((epochs[{"3", "0"}]), (std::set<std::string>{"1"}));
  EXPECT_EQ((epochs[{"3", "1"}]), (std::set<std::string>{"3"}));
  EXPECT_EQ((epochs[{"3", "3"}]), (std::set<std::string>{"27"}));
  EXPECT_EQ((epochs[{"0", "0"}]), (std::set<std::string>{"27"}));
  // The promoted configurations are the best 9 of bracket 3's first rung.
  std::vector<std::pair<double, std::string>> rung0;
  std::set<std::string> promoted;
  for (const TrialObservation& t : trials) {
    if (t.labels.at("hyperband.bracket") != "3") continue;
    if (t.labels.at("hyperband.rung") == "0") rung0.push_back({*t.loss, t.labels.at("hyperband.config")});
    if (t.labels.at("hyperband.rung") == "1") promoted.insert(t.labels.at("hyperband.config"));
  }
  std::sort(rung0.begin(), rung0.end());
  std::set<std::string> best9;
  for (int i = 0; i < 9; ++i) best9.insert(rung0[i].second);
  EXPECT_EQ(promoted, best9);
}

TEST(HyperbandSuggesterTest, ARungWaitsForItsRunningTrials) {
  auto s = MakeSuggester(Config("hyperband", Space(), 5, {{"resource_name", "epochs"}}));
  ASSERT_TRUE(s.ok());
  auto first = (*s)->Suggest({}, 30);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 27u);
  std::vector<TrialObservation> trials;
  for (const Suggestion& g : *first) {
    TrialObservation t;
    t.assignment = g.assignment;
    t.labels = g.labels;
    t.state = TrialState::kSucceeded;
    t.loss = Loss(g.assignment);
    trials.push_back(t);
  }
  trials[4].state = TrialState::kRunning;
  trials[4].loss.reset();
  auto waiting = (*s)->Suggest(trials, 5);
  ASSERT_TRUE(waiting.ok());
  EXPECT_TRUE(waiting->empty());
  EXPECT_FALSE((*s)->Exhausted(trials));
  trials[4].state = TrialState::kFailed;  // a failure ranks last, the rung goes on
  auto next = (*s)->Suggest(trials, 5);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->size(), 5u);
}

TEST(HyperbandSuggesterTest, SettingsAreValidated) {
  auto missing = MakeSuggester(Config("hyperband", Space(), 1));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("resource_name"), std::string::npos);
  EXPECT_FALSE(MakeSuggester(Config("hyperband", Space(), 1, {{"resource_name", "nope"}})).ok());
  EXPECT_FALSE(MakeSuggester(Config("hyperband", Space(), 1, {{"resource_name", "epochs"}, {"eta", "1"}})).ok());
  EXPECT_TRUE(MakeSuggester(Config("hyperband", Space(), 1,
                                   {{"resource_name", "epochs"}, {"eta", "3"}, {"r_l", "9"}, {"current_s", "-1"}}))
                  .ok());
}

// Budgets from the resource parameter's range are checked like r_l itself,
// and a bracket whose size would not fit an int is refused up front.
TEST(HyperbandSuggesterTest, HugeBudgetsAreRefusedNotOverflowed) {
  auto huge_range = MakeSuggester(Config("hyperband", {DoubleParam("lr", 0, 1), DoubleParam("epochs", 1, 1e300)},
                                         1, {{"resource_name", "epochs"}, {"eta", "1000"}}));
  ASSERT_FALSE(huge_range.ok());
  EXPECT_NE(huge_range.status().message().find("r_l in [1e-9, 1e12]"), std::string::npos) << huge_range.status().message();
  auto wide_bracket = MakeSuggester(Config("hyperband", Space(), 1,
                                           {{"resource_name", "epochs"}, {"eta", "1000"}, {"r_l", "1e12"}}));
  ASSERT_FALSE(wide_bracket.ok());
  EXPECT_NE(wide_bracket.status().message().find("more than 1000000 trials"), std::string::npos)
      << wide_bracket.status().message();
}

}  // namespace
}  // namespace cairn::tuning::suggest

namespace cairn::tuning::suggest {
namespace {

TEST(HyperbandSuggesterTest, KatibFixtureBudgetsIgnoreThePlaceholderRange) {
  // As fixtures/katib/hyperband.yaml: the resource is int 1..1, eta 2, r_l 2.
  auto s = MakeSuggester(testing::Config(
      "hyperband", {testing::DoubleParam("lr", 0.01, 0.05), testing::DoubleParam("momentum", 0.5, 0.9),
                    testing::IntParam("epochs", 1, 1)},
      1, {{"resource_name", "epochs"}, {"eta", "2"}, {"r_l", "2"}}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  int waits = 0;
  std::vector<TrialObservation> trials = RunInWaves(**s, 2, &waits);
  ASSERT_EQ(trials.size(), 5u);  // bracket 1: 2 @ 1 epoch, 1 @ 2; bracket 0: 2 @ 2
  std::multiset<std::string> epochs;
  for (const TrialObservation& t : trials) epochs.insert(testing::AsMap(t.assignment)["epochs"]);
  EXPECT_EQ(epochs, (std::multiset<std::string>{"1", "1", "2", "2", "2"}));
}

}  // namespace
}  // namespace cairn::tuning::suggest
