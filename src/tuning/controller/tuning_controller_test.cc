// The controller against real processes (LocalExecutor) with a scripted
// suggester and the in-memory store: trial states, end conditions, stop,
// timeout, and a restart in the middle of an experiment.
#include "tuning/controller/tuning_controller.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "pipelines/executor/local/local_executor.h"

namespace cairn::tuning {
namespace {

namespace fs = std::filesystem;

// Suggests x = 0, 1, 2, ... in order (or `values` when given), a pure
// function of how many trials exist, as the contract requires.
class CountingSuggester final : public Suggester {
 public:
  explicit CountingSuggester(std::vector<int> values) : values_(std::move(values)) {}
  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) {
      size_t n = trials.size() + static_cast<size_t>(i);
      if (!values_.empty() && n >= values_.size()) break;
      int x = values_.empty() ? static_cast<int>(n) : values_[n];
      out.push_back({{{"x", std::to_string(x)}}, {{"n", std::to_string(n)}}});
    }
    return out;
  }
  bool Exhausted(const std::vector<TrialObservation>& trials) const override {
    return !values_.empty() && trials.size() >= values_.size();
  }

 private:
  std::vector<int> values_;
};

// Stops a running trial once it reported twice with a loss above 10.
class ThresholdStopper final : public EarlyStopper {
 public:
  bool ShouldStop(const TrialObservation& t, const std::vector<TrialObservation>&) const override {
    return t.intermediate_losses.size() >= 2 && t.intermediate_losses.back().second > 10;
  }
};

std::string Study(const std::string& command, const std::string& extra,
                  const std::string& objective = "{type: minimize, metric: loss}") {
  return fmt::format(R"(
name: t
objective: {}
algorithm: random
parameters: {{x: {{type: int, min: 0, max: 1000}}}}
command: [sh, -c, '{}']
{}
)",
                     objective, command, extra);
}

class TuningControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("cairn-tuning-test-{}-{}", getpid(), counter_++);
    fs::create_directories(dir_);
    pipelines::LocalExecutorOptions eo;
    eo.kill_grace_ms = 200;
    eo.base_env = pipelines::LocalExecutor::ProcessEnvironment();
    executor_ = std::move(pipelines::LocalExecutor::Create(eo)).value();
    store_ = CreateMemoryExperimentStore();
    clock_ = CreateSystemClock();
  }
  void TearDown() override {
    controller_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::unique_ptr<TuningController> MakeController(const std::string& owner, std::vector<int> values = {},
                                                   int max_running_trials = 0) {
    TuningOptions o;
    o.root = (dir_ / "trials").string();
    o.owner_id = owner;
    o.poll_interval_ms = 20;
    o.max_running_trials = max_running_trials;
    TuningDeps d;
    d.store = store_.get();
    d.executor = executor_.get();
    d.clock = clock_.get();
    d.make_suggester = [values](const SuggesterConfig&) -> Result<std::unique_ptr<Suggester>> {
      return std::unique_ptr<Suggester>(new CountingSuggester(values));
    };
    d.make_early_stopper = [](const std::string&, const std::vector<std::pair<std::string, std::string>>&)
        -> Result<std::unique_ptr<EarlyStopper>> { return std::unique_ptr<EarlyStopper>(new ThresholdStopper()); };
    return std::make_unique<TuningController>(o, d);
  }
  ExperimentRecord Run(const std::string& spec, std::vector<int> values = {}) {
    controller_ = MakeController("a", std::move(values));
    EXPECT_TRUE(controller_->Start().ok());
    SubmitExperimentRequest r;
    r.spec_text = spec;
    r.source_name = "t.yaml";
    auto e = controller_->Submit(r);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    if (!e.ok()) return {};
    auto done = controller_->WaitForExperiment(e->experiment_id, 60000);
    EXPECT_TRUE(done.ok());
    return done.ok() ? *done : ExperimentRecord{};
  }
  std::vector<TrialRecord> Trials(const ExperimentRecord& e) { return *store_->ListTrials(e.experiment_id); }

  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<pipelines::LocalExecutor> executor_;
  std::unique_ptr<ExperimentStore> store_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<TuningController> controller_;
};

TEST_F(TuningControllerTest, RunsMaxTrialsAndRecordsTheBest) {
  ExperimentRecord e = Run(Study("echo loss=$((${x} + 3))", "parallelTrials: 2\nmaxTrials: 5"), {4, 2, 7, 0, 9, 1});
  EXPECT_EQ(e.state, ExperimentState::kSucceeded);
  EXPECT_EQ(e.reason, "ExperimentMaxTrialsReached");
  auto trials = Trials(e);
  ASSERT_EQ(trials.size(), 5u);
  for (const auto& t : trials) EXPECT_EQ(t.state, TrialPhase::kSucceeded) << t.name << " " << t.message;
  EXPECT_EQ(e.best_trial_name, "t-0004");
  EXPECT_EQ(e.best_objective, 3.0);
  EXPECT_EQ(trials[1].objective, 5.0);
  EXPECT_EQ(trials[1].labels_json, R"({"n":"1"})");
}

// --tuning-parallelism: two experiments that would run 3 trials each share
// 2 slots; both get them in turn and both finish.
TEST_F(TuningControllerTest, TrialCapIsSharedByExperiments) {
  controller_ = MakeController("a", {}, 2);
  ASSERT_TRUE(controller_->Start().ok());
  std::vector<std::string> ids;
  for (const char* name : {"first", "second"}) {
    SubmitExperimentRequest r;
    r.spec_text = Study("sleep 0.3; echo loss=${x}", "parallelTrials: 3\nmaxTrials: 4");
    r.source_name = "t.yaml";
    r.name = name;
    auto e = controller_->Submit(r);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    ids.push_back(e->experiment_id);
  }
  std::vector<TrialRecord> all;

  for (const std::string& id : ids) {
    auto done = controller_->WaitForExperiment(id, 60000);
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->state, ExperimentState::kSucceeded) << done->message;
    auto trials = Trials(*done);
    EXPECT_EQ(trials.size(), 4u);
    for (const TrialRecord& t : trials) {
      EXPECT_EQ(t.state, TrialPhase::kSucceeded) << t.name << " " << t.message;
      all.push_back(t);
    }
  }
  // Never more than 2 trials pending or running at any moment.
  for (const TrialRecord& at : all) {
    int overlapping = 0;
    for (const TrialRecord& t : all) overlapping += t.created_ms <= at.created_ms && at.created_ms < t.finished_ms;
    EXPECT_LE(overlapping, 2) << "at " << at.name;
  }
}

TEST_F(TuningControllerTest, StdOutCollectorReadsStderrToo) {
  // Python's logging writes to stderr; Katib's collector reads the whole
  // container log.
  ExperimentRecord e = Run(Study("echo loss=${x} >&2", "parallelTrials: 1\nmaxTrials: 2"), {4, 2});
  auto trials = Trials(e);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, TrialPhase::kSucceeded) << trials[0].message;
  EXPECT_EQ(trials[1].objective, 2.0);
  EXPECT_GT(trials[1].stderr_offset, 0);
}

TEST_F(TuningControllerTest, GoalReachedEndsTheExperiment) {
  ExperimentRecord e = Run(Study("echo loss=${x}", "parallelTrials: 1\nmaxTrials: 20",
                                 "{type: minimize, metric: loss, goal: 2}"),
                           {5, 4, 3, 2, 1, 0});
  EXPECT_EQ(e.state, ExperimentState::kSucceeded);
  EXPECT_EQ(e.reason, "ExperimentGoalReached") << e.message;
  EXPECT_EQ(Trials(e).size(), 4u);
}

TEST_F(TuningControllerTest, MaxFailedTrialsFailsIt) {
  ExperimentRecord e = Run(Study("echo boom >&2; exit 3", "parallelTrials: 1\nmaxTrials: 10\nmaxFailedTrials: 2"));
  EXPECT_EQ(e.state, ExperimentState::kFailed);
  EXPECT_EQ(e.reason, "ExperimentMaxFailedTrialsReached");
  auto trials = Trials(e);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].state, TrialPhase::kFailed);
  EXPECT_EQ(trials[0].exit_code, 3);
}

TEST_F(TuningControllerTest, NoMetricsMeansMetricsUnavailable) {
  ExperimentRecord e = Run(Study("echo nothing to see", "parallelTrials: 1\nmaxTrials: 3\nmaxFailedTrials: 1"));
  EXPECT_EQ(e.state, ExperimentState::kFailed);
  auto trials = Trials(e);
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].state, TrialPhase::kMetricsUnavailable);
  EXPECT_NE(trials[0].message.find("never reported the objective metric 'loss'"), std::string::npos);
}

TEST_F(TuningControllerTest, HangingTrialTimesOut) {
  ExperimentRecord e = Run(Study("sleep 60", "parallelTrials: 1\nmaxTrials: 1\ntrialTimeoutSeconds: 1"));
  auto trials = Trials(e);
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(trials[0].state, TrialPhase::kFailed);
  EXPECT_EQ(trials[0].reason, "TrialTimedOut");
  EXPECT_EQ(e.state, ExperimentState::kSucceeded);  // maxTrialCount reached; maxFailed unset
}

TEST_F(TuningControllerTest, EarlyStoppedTrialsAreMarked) {
  ExperimentRecord e = Run(
      Study("for i in 1 2 3 4 5 6 7 8 9 10; do echo loss=$((${x} * 10 + i)); sleep 0.1; done", "parallelTrials: 2\nmaxTrials: 4\nearlyStopping: {name: medianstop}"),
      {0, 5, 0, 7});
  auto trials = Trials(e);
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(trials[0].state, TrialPhase::kSucceeded);
  EXPECT_EQ(trials[1].state, TrialPhase::kEarlyStopped) << trials[1].message;
  EXPECT_EQ(trials[3].state, TrialPhase::kEarlyStopped);
  EXPECT_TRUE(trials[1].objective.has_value());
  EXPECT_EQ(e.best_trial_name, "t-0001");
}

TEST_F(TuningControllerTest, StopKillsRunningTrials) {
  controller_ = MakeController("a");
  ASSERT_TRUE(controller_->Start().ok());
  SubmitExperimentRequest r;
  r.spec_text = Study("sleep 60", "parallelTrials: 2\nmaxTrials: 10");
  auto e = controller_->Submit(r);
  ASSERT_TRUE(e.ok());
  for (int i = 0; i < 500 && Trials(*e).size() < 2; ++i) usleep(10000);
  ASSERT_TRUE(controller_->StopExperiment(e->experiment_id).ok());
  auto done = controller_->WaitForExperiment(e->experiment_id, 30000);
  EXPECT_EQ(done->state, ExperimentState::kStopped);
  for (const auto& t : Trials(*done)) EXPECT_EQ(t.state, TrialPhase::kKilled);
}

TEST_F(TuningControllerTest, RestartContinuesWithoutRepeatingOrLosingTrials) {
  controller_ = MakeController("first");
  ASSERT_TRUE(controller_->Start().ok());
  SubmitExperimentRequest r;
  r.spec_text = Study("sleep 0.4; echo loss=${x}", "parallelTrials: 2\nmaxTrials: 6");
  auto e = controller_->Submit(r);
  ASSERT_TRUE(e.ok());
  for (int i = 0; i < 500 && Trials(*e).size() < 3; ++i) usleep(10000);
  controller_->Stop();  // trial processes keep running, as when the server dies
  controller_ = MakeController("second");
  ASSERT_TRUE(controller_->Start().ok());
  auto done = controller_->WaitForExperiment(e->experiment_id, 60000);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, ExperimentState::kSucceeded) << done->message;
  auto trials = Trials(*done);
  ASSERT_EQ(trials.size(), 6u);
  std::set<std::string> assignments;
  for (const auto& t : trials) {
    EXPECT_EQ(t.state, TrialPhase::kSucceeded) << t.name << ": " << t.message;
    assignments.insert(t.assignment_json);
  }
  EXPECT_EQ(assignments.size(), 6u);
}

TEST_F(TuningControllerTest, BadSpecIsRejectedAtSubmit) {
  controller_ = MakeController("a");
  SubmitExperimentRequest r;
  r.spec_text = "name: x\nobjective: {type: minimize}\n";
  auto e = controller_->Submit(r);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::tuning
