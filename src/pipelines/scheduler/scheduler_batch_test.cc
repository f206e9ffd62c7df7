// The scheduler hands the ready iterations of one loop to the executor as one
// Executor::SubmitBatch (a Slurm job array), bounded by the loop's
// parallelism; tasks outside loops still go through Submit. Real processes
// (LocalExecutor) behind a wrapper that records the calls.
#include <gtest/gtest.h>

#include <mutex>

#include "pipelines/scheduler/scheduler_test_fixture.h"

namespace cairn::pipelines {
namespace {

// Forwards to a LocalExecutor and records how attempts arrived.
class RecordingExecutor : public Executor {
 public:
  struct Batch {
    std::vector<std::string> attempt_keys;
    int64_t max_running = 0;
  };

  explicit RecordingExecutor(Executor& inner) : inner_(inner) {}

  std::string_view Name() const override { return inner_.Name(); }
  Result<std::string> Submit(const TaskLaunch& launch) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      singles_.push_back(launch.attempt_key);
    }
    return inner_.Submit(launch);
  }
  std::vector<Result<std::string>> SubmitBatch(const std::vector<TaskLaunch>& launches,
                                               int64_t max_running) override {
    Batch batch;
    batch.max_running = max_running;
    std::vector<Result<std::string>> handles;
    for (const TaskLaunch& launch : launches) {
      batch.attempt_keys.push_back(launch.attempt_key);
      handles.push_back(inner_.Submit(launch));
    }
    std::lock_guard<std::mutex> lock(mu_);
    batches_.push_back(std::move(batch));
    return handles;
  }
  Result<ExecutionStatus> Poll(const std::string& handle) override { return inner_.Poll(handle); }
  Status Cancel(const std::string& handle) override { return inner_.Cancel(handle); }
  Result<LogChunk> Logs(const std::string& handle, LogStream stream, int64_t offset, int64_t max_bytes) override {
    return inner_.Logs(handle, stream, offset, max_bytes);
  }
  Result<std::optional<std::string>> Find(const TaskLaunch& launch) override { return inner_.Find(launch); }

  std::vector<Batch> batches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  std::vector<std::string> singles() const {
    std::lock_guard<std::mutex> lock(mu_);
    return singles_;
  }

 private:
  Executor& inner_;
  mutable std::mutex mu_;
  std::vector<Batch> batches_;
  std::vector<std::string> singles_;
};

class SchedulerBatchTest : public SchedulerTest {
 protected:
  void StartRecording() {
    StartScheduler();  // builds the LocalExecutor with the fixture's PATH
    scheduler_.reset();
    recording_ = std::make_unique<RecordingExecutor>(*executor_);
    SchedulerOptions options;
    options.pipeline_root = (root_ / "pipelines").string();
    options.poll_interval_ms = 50;
    deps_.store = store_.get();
    deps_.executor = recording_.get();
    deps_.clock = clock_.get();
    scheduler_ = std::make_unique<Scheduler>(options, deps_);
    ASSERT_TRUE(scheduler_->Start().ok());
  }
  void TearDown() override {
    scheduler_.reset();
    recording_.reset();
    SchedulerTest::TearDown();
  }

  SchedulerDeps deps_;
  std::unique_ptr<RecordingExecutor> recording_;
};

std::string Loop(int parallelism) {
  return R"(
name: batches
steps:
  first:
    run: echo 1 > ${{ outputs.one }}
    outputs: {one: int}
  square:
    needs: first
    for_each: [1, 2, 3, 4, 5]
    parallelism: )" +
         std::to_string(parallelism) + R"(
    run: echo $(( ${{ item }} * ${{ item }} )) > ${{ outputs.sq }}
    outputs: {sq: int}
)";
}

TEST_F(SchedulerBatchTest, ALoopsReadyIterationsAreOneBatch) {
  StartRecording();
  PipelineRunRecord run = Run(Loop(0));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto batches = recording_->batches();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].attempt_keys.size(), 5u);
  EXPECT_EQ(batches[0].max_running, 0);
  for (const std::string& key : batches[0].attempt_keys) EXPECT_NE(key.find("/square["), std::string::npos) << key;
  auto singles = recording_->singles();
  ASSERT_EQ(singles.size(), 1u);
  EXPECT_NE(singles[0].find("/first/"), std::string::npos) << singles[0];
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(Output(tasks.at("square[3]"), "sq").as_int(), 16);
  EXPECT_EQ(Output(tasks.at("square"), "sq").ToJson(), "[1,4,9,16,25]");
}

TEST_F(SchedulerBatchTest, BatchesRespectTheLoopsParallelism) {
  StartRecording();
  PipelineRunRecord run = Run(Loop(2));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  size_t launched = 0;
  for (const auto& batch : recording_->batches()) {
    EXPECT_LE(batch.attempt_keys.size(), 2u);
    EXPECT_EQ(batch.max_running, 2);
    launched += batch.attempt_keys.size();
  }
  EXPECT_EQ(launched, 5u);
  EXPECT_EQ(recording_->batches().front().attempt_keys.size(), 2u);
}

}  // namespace
}  // namespace cairn::pipelines
