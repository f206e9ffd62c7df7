// The trials the controller launches in one round reach the executor as one
// Executor::SubmitBatch (a Slurm job array), with parallelTrialCount as the
// batch's bound. Real processes (LocalExecutor) behind a recording wrapper.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include <fmt/format.h>

#include "pipelines/executor/local/local_executor.h"
#include "tuning/controller/tuning_controller.h"

namespace cairn::tuning {
namespace {

namespace fs = std::filesystem;

// x = 0, 1, 2, ...: a pure function of how many trials exist.
class SequenceSuggester final : public Suggester {
 public:
  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) out.push_back({{{"x", std::to_string(trials.size() + i)}}, {}});
    return out;
  }
  bool Exhausted(const std::vector<TrialObservation>&) const override { return false; }
};

class RecordingExecutor final : public pipelines::Executor {
 public:
  explicit RecordingExecutor(pipelines::Executor& inner) : inner_(inner) {}
  std::string_view Name() const override { return inner_.Name(); }
  Result<std::string> Submit(const pipelines::TaskLaunch& launch) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++singles_;
    return inner_.Submit(launch);
  }
  std::vector<Result<std::string>> SubmitBatch(const std::vector<pipelines::TaskLaunch>& launches,
                                               int64_t max_running) override {
    std::lock_guard<std::mutex> lock(mu_);
    batches_.emplace_back(launches.size(), max_running);
    std::vector<Result<std::string>> handles;
    for (const auto& launch : launches) handles.push_back(inner_.Submit(launch));
    return handles;
  }
  Result<pipelines::ExecutionStatus> Poll(const std::string& h) override { return inner_.Poll(h); }
  Status Cancel(const std::string& h) override { return inner_.Cancel(h); }
  Result<pipelines::LogChunk> Logs(const std::string& h, pipelines::LogStream s, int64_t o, int64_t m) override {
    return inner_.Logs(h, s, o, m);
  }
  Result<std::optional<std::string>> Find(const pipelines::TaskLaunch& l) override { return inner_.Find(l); }

  // (size, max_running) of each SubmitBatch call.
  std::vector<std::pair<size_t, int64_t>> batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  int singles() const {
    std::lock_guard<std::mutex> lock(mu_);
    return singles_;
  }

 private:
  pipelines::Executor& inner_;
  mutable std::mutex mu_;
  std::vector<std::pair<size_t, int64_t>> batches_;
  int singles_ = 0;
};

TEST(TrialBatchTest, EachRoundOfTrialsIsOneBatch) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("cairn-trial-batch-{}", getpid());
  fs::remove_all(dir);
  pipelines::LocalExecutorOptions eo;
  eo.base_env = pipelines::LocalExecutor::ProcessEnvironment();
  auto local = std::move(pipelines::LocalExecutor::Create(eo)).value();
  RecordingExecutor recording(*local);
  auto store = CreateMemoryExperimentStore();
  auto clock = CreateSystemClock();
  TuningOptions o;
  o.root = (dir / "trials").string();
  o.owner_id = "a";
  o.poll_interval_ms = 20;
  TuningDeps d;
  d.store = store.get();
  d.executor = &recording;
  d.clock = clock.get();
  d.make_suggester = [](const SuggesterConfig&) -> Result<std::unique_ptr<Suggester>> {
    return std::unique_ptr<Suggester>(new SequenceSuggester());
  };
  auto controller = std::make_unique<TuningController>(o, d);
  ASSERT_TRUE(controller->Start().ok());
  SubmitExperimentRequest r;
  r.source_name = "t.yaml";
  r.spec_text = R"(
name: t
objective: {type: minimize, metric: loss}
algorithm: random
parameters: {x: {type: int, min: 0, max: 1000}}
command: [sh, -c, 'echo loss=${x}']
parallelTrials: 3
maxTrials: 6
)";
  auto e = controller->Submit(r);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  auto done = controller->WaitForExperiment(e->experiment_id, 60000);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, ExperimentState::kSucceeded) << done->message;
  auto trials = store->ListTrials(e->experiment_id);
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ(trials->size(), 6u);
  for (const auto& t : *trials) EXPECT_EQ(t.state, TrialPhase::kSucceeded) << t.name << " " << t.message;
  controller.reset();

  auto batches = recording.batches();
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches.front().first, 3u) << "the first round fills parallelTrials at once";
  size_t launched = 0;
  for (const auto& [size, max_running] : batches) {
    EXPECT_EQ(max_running, 3);
    launched += size;
  }
  EXPECT_EQ(launched, 6u);
  EXPECT_EQ(recording.singles(), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cairn::tuning
