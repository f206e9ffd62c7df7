#include "tuning/analysis/importance.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace cairn::tuning {
namespace {

TrialRecord Trial(double x, const std::string& noise, double objective) {
  TrialRecord t;
  t.state = TrialPhase::kSucceeded;
  t.assignment_json = fmt::format(R"([{{"name":"x","value":"{}"}},{{"name":"noise","value":"{}"}}])", x, noise);
  t.objective = objective;
  return t;
}

TEST(ImportanceTest, TheParameterThatDrivesTheObjectiveWins) {
  std::vector<TrialRecord> trials;
  for (int i = 0; i < 16; ++i) {
    double x = i / 16.0;
    trials.push_back(Trial(x, i % 2 ? "a" : "b", x * x));  // objective depends on x only
  }
  auto importance = ComputeParameterImportance(trials);
  ASSERT_EQ(importance.size(), 2u);
  EXPECT_EQ(importance[0].name, "x");
  EXPECT_GT(importance[0].importance, 0.8);
  EXPECT_NEAR(importance[0].importance + importance[1].importance, 1.0, 1e-9);
}

TEST(ImportanceTest, TooFewTrialsOrConstantObjectiveGiveZeros) {
  auto two = ComputeParameterImportance({Trial(0.1, "a", 1), Trial(0.2, "b", 2)});
  for (const auto& p : two) EXPECT_EQ(p.importance, 0);
  auto flat = ComputeParameterImportance({Trial(0.1, "a", 1), Trial(0.2, "b", 1), Trial(0.3, "a", 1)});
  for (const auto& p : flat) EXPECT_EQ(p.importance, 0);
  TrialRecord failed = Trial(0.5, "a", 9);
  failed.state = TrialPhase::kFailed;
  EXPECT_TRUE(ComputeParameterImportance({failed}).empty());
}

}  // namespace
}  // namespace cairn::tuning
