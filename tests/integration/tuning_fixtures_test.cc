// Every Katib fixture (tests/data/katib/, copied from ../shared) against the
// real server: it loads (validate), and runs end to end with the trial
// program of tuning_test_util.h in place of the fixture's mnist.py,
// honouring parallelTrialCount, maxTrialCount, the goal and early stopping;
// trials are nested tracking runs with their parameters and metrics.
#include <gtest/gtest.h>

#include "integration/server_test.h"
#include "integration/tuning_test_util.h"

namespace cairn::integration {
namespace {

namespace fs = std::filesystem;

class TuningFixturesTest : public ServerTest, public ::testing::WithParamInterface<std::string> {
 protected:
  static void SetUpTestSuite() { StartSharedServer({"--tuning-trial-timeout", "120"}); }
  void SetUp() override {
    ServerTest::SetUp();
    WriteTrialPrograms(server().dir());
  }
};

int SpecInt(const std::string& yaml, const std::string& key) {
  size_t pos = yaml.find(key + ":");
  return pos == std::string::npos ? 0 : std::stoi(yaml.substr(pos + key.size() + 1));
}

TEST_P(TuningFixturesTest, LoadsAndRunsEndToEnd) {
  const std::string name = GetParam();
  TuningClient tuning(api());
  std::string spec = RewriteTrialScript(KatibFixture(name), server().dir() / "fake_mnist.py");
  std::string problems = tuning.Problems(spec);
  ASSERT_EQ(problems, "") << name;
  const int max_trials = SpecInt(spec, "maxTrialCount");
  const int parallel = SpecInt(spec, "parallelTrialCount");
  ASSERT_GT(max_trials, 0);

  Value get = tuning.Run(spec);
  const Value& e = *get.Find("experiment");
  ASSERT_EQ(S(e, "state"), "SUCCEEDED") << get.ToJson().substr(0, 4000);
  const std::string reason = S(e, "reason");
  auto trials = TuningClient::Trials(get);
  auto counts = TuningClient::Counts(get);
  EXPECT_LE(static_cast<int>(trials.size()), max_trials);
  if (reason == "ExperimentMaxTrialsReached") EXPECT_EQ(static_cast<int>(trials.size()), max_trials);
  EXPECT_TRUE(reason == "ExperimentMaxTrialsReached" || reason == "ExperimentGoalReached" ||
              reason == "ExperimentSuggestionEndReached")
      << reason;
  EXPECT_LE(TuningClient::PeakConcurrency(get), parallel) << name;
  // Trials are launched parallelTrialCount at a time (the first wave
  // starts together; hyperband may wait for rungs).
  if (name == "random.yaml" || name == "grid.yaml") EXPECT_EQ(TuningClient::PeakConcurrency(get), parallel);
  EXPECT_EQ(counts["FAILED"], 0) << get.ToJson().substr(0, 4000);
  EXPECT_EQ(counts["METRICS_UNAVAILABLE"], 0);
  EXPECT_GT(counts["SUCCEEDED"], 0);
  // The best trial is the best succeeded objective.
  const bool maximize = S(e, "objective_type") == "maximize";
  double best = maximize ? -1e300 : 1e300;
  for (const Value& t : trials) {
    if (S(t, "state") != "SUCCEEDED") continue;
    const Value* objective = t.Find("objective");
    ASSERT_TRUE(objective != nullptr && objective->is_number()) << t.ToJson();
    best = maximize ? std::max(best, objective->as_double()) : std::min(best, objective->as_double());
  }
  ASSERT_NE(get.Find("best_trial"), nullptr);
  EXPECT_DOUBLE_EQ(get.Find("best_trial")->Find("objective")->as_double(), best);
  EXPECT_DOUBLE_EQ(e.Find("best_objective")->as_double(), best);
  // Assignments are never repeated by the deterministic algorithms.
  if (name == "grid.yaml") {
    std::set<std::string> seen;
    for (const Value& t : trials) EXPECT_TRUE(seen.insert(t.Find("assignment")->ToJson()).second);
  }
  if (name == "median-stop.yaml") {
    EXPECT_GT(counts["EARLY_STOPPED"], 0) << "no trial was early-stopped: " << get.ToJson().substr(0, 4000);
    for (const Value& t : trials) {
      if (S(t, "state") == "EARLY_STOPPED") EXPECT_LT(I(t, "metric_reports"), 10) << t.ToJson();
    }
  }
  if (name == "file-metrics-collector.yaml") {
    // The objective (accuracy) and the additional metric (loss) were both
    // collected from the metrics file.
    const Value& t = *get.Find("best_trial");
    EXPECT_EQ(t.Find("observation")->as_list().size(), 2u) << t.ToJson();
    EXPECT_GT(best, 0.9);
  }
  const Value* importance = get.Find("parameter_importance");
  ASSERT_NE(importance, nullptr);
  EXPECT_FALSE(importance->as_list().empty());
}

INSTANTIATE_TEST_SUITE_P(Katib, TuningFixturesTest, ::testing::ValuesIn(KatibFixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

// Trials are nested runs of the experiment's run, with params and metrics.
class TuningTrackingTest : public TuningFixturesTest {};

TEST_F(TuningTrackingTest, TrialsAreNestedTrackingRuns) {
  TuningClient tuning(api());
  std::string spec = RewriteTrialScript(KatibFixture("random.yaml"), server().dir() / "fake_mnist.py");
  Value get = tuning.Run(spec, R"("max_trial_count": 3, "experiment_name": "tuning-tracking")");
  const Value& e = *get.Find("experiment");
  ASSERT_EQ(S(e, "state"), "SUCCEEDED") << get.ToJson().substr(0, 3000);
  const std::string parent = S(e, "mlflow_run_id");
  ASSERT_EQ(parent.size(), 32u);
  Value parent_run = ParseJsonOrEmpty(api().Get("runs/get", {{"run_id", parent}}).body);
  EXPECT_NE(parent_run.ToJson().find(R"("key":"cairn.tuning.best_trial")"), std::string::npos) << parent_run.ToJson();
  EXPECT_NE(parent_run.ToJson().find(R"("key":"best_loss")"), std::string::npos) << parent_run.ToJson();
  EXPECT_NE(api().Get("artifacts/list", {{"run_id", parent}}).body.find("experiment.yaml"), std::string::npos);
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 3u);
  for (const Value& t : trials) {
    Reply reply = api().Get("runs/get", {{"run_id", S(t, "mlflow_run_id")}});
    ASSERT_EQ(reply.status, 200) << reply.Describe();
    std::string run = reply.body;
    EXPECT_NE(run.find(R"({"key":"mlflow.parentRunId","value":")" + parent + "\"}"), std::string::npos) << run;
    EXPECT_NE(run.find(R"("key":"lr")"), std::string::npos) << run;
    EXPECT_NE(run.find(R"("key":"momentum")"), std::string::npos) << run;
    EXPECT_NE(run.find(R"("key":"loss")"), std::string::npos) << run;
    EXPECT_NE(run.find(R"("status":"FINISHED")"), std::string::npos) << run;
    // Every report is a step of the metric's history.
    Reply history = api().Get("metrics/get-history", {{"run_id", S(t, "mlflow_run_id")}, {"metric_key", "loss"}});
    EXPECT_EQ(ParseJsonOrEmpty(history.body).Find("metrics")->as_list().size(), 5u) << history.body;
    // Its output is archived with the run.
    Reply files = api().Get("artifacts/list", {{"run_id", S(t, "mlflow_run_id")}, {"path", "logs"}});
    EXPECT_NE(files.body.find("logs/stdout.log"), std::string::npos) << files.body;
  }
}

}  // namespace
}  // namespace cairn::integration
