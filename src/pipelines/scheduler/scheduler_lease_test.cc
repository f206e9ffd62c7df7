// Several schedulers (server replicas) over one PipelineRunStore: each run is
// driven by the holder of its lease. Real task processes (LocalExecutor);
// the store contract suite covers the lease arithmetic itself, the
// replicas e2e (tests/integration/replicas/) a SIGKILLed replica.
#include <gtest/gtest.h>

#include <algorithm>

#include "pipelines/scheduler/scheduler_test_fixture.h"

namespace cairn::pipelines {
namespace {

// `first` appends its pid to the marker and sleeps; `second` appends
// "second": a step run twice would show as an extra line.
constexpr char kTwoSteps[] = R"(
name: lease-steps
params:
  marker: {type: string}
  seconds: {type: string, default: "1"}
steps:
  first:
    run: echo $$ >> "${{ params.marker }}" && sleep "${{ params.seconds }}"
  second:
    needs: [first]
    run: echo second >> "${{ params.marker }}"
)";

class SchedulerLeaseTest : public SchedulerTest {
 protected:
  static SchedulerOptions Replica(const std::string& id) {
    SchedulerOptions options;
    options.owner_id = id;
    options.lease_ms = 600;
    options.lease_renew_ms = 100;
    return options;
  }

  // A second replica over the same store, with its own executor.
  void StartOtherReplica(const std::string& id) {
    auto executor = LocalExecutor::Create({});
    ASSERT_TRUE(executor.ok());
    other_executor_ = std::move(executor).value();
    other_ = MakeScheduler(Replica(id), other_executor_.get());
    ASSERT_TRUE(other_->Start().ok());
  }

  void TearDown() override {
    other_.reset();
    other_executor_.reset();
    SchedulerTest::TearDown();
  }

  PipelineRunRecord Stored(const std::string& run_id) {
    auto run = store_->GetRun(run_id);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : PipelineRunRecord{};
  }

  std::unique_ptr<LocalExecutor> other_executor_;
  std::unique_ptr<Scheduler> other_;
};

TEST_F(SchedulerLeaseTest, ALiveReplicasRunsAreNotTakenOver) {
  StartScheduler(Replica("a"));
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kTwoSteps, {{"marker", marker}, {"seconds", "2"}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  StartOtherReplica("b");
  // Several of b's lease rounds pass; a keeps renewing, so b claims nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(Stored(run.run_id).owner, "a");
  PipelineRunRecord done = Wait(run.run_id);
  EXPECT_EQ(done.state, RunState::kSucceeded) << done.error;
  EXPECT_EQ(done.owner, "a");
  std::string lines = ReadAll(marker);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
}

TEST_F(SchedulerLeaseTest, AnotherReplicaTakesOverWhenTheOwnerStops) {
  StartScheduler(Replica("a"));
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kTwoSteps, {{"marker", marker}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  StartOtherReplica("b");
  // a goes away mid-task (its task process keeps running); b adopts the
  // run, follows the running attempt through its handle, runs the rest.
  scheduler_.reset();
  ASSERT_TRUE(Eventually([&] { return IsTerminal(Stored(run.run_id).state); }));
  PipelineRunRecord done = Stored(run.run_id);
  EXPECT_EQ(done.state, RunState::kSucceeded) << done.error;
  EXPECT_EQ(done.owner, "b");
  std::string lines = ReadAll(marker);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;  // `first` once, `second` once
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("first").attempt, 1);
}

TEST_F(SchedulerLeaseTest, ACancelThroughAnotherReplicaReachesTheOwner) {
  StartScheduler(Replica("a"));
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kTwoSteps, {{"marker", marker}, {"seconds", "1000"}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  pid_t pid = std::stoi(ReadAll(marker));
  StartOtherReplica("b");
  ASSERT_TRUE(other_->Cancel(run.run_id).ok());  // b does not drive it
  PipelineRunRecord done = Wait(run.run_id, 20000);
  EXPECT_EQ(done.state, RunState::kCancelled);
  EXPECT_EQ(done.owner, "a");
  EXPECT_TRUE(Eventually([&] { return kill(-pid, 0) != 0 && errno == ESRCH; }));
}

TEST_F(SchedulerLeaseTest, AStaleOwnerStopsDrivingARunTakenFromIt) {
  StartScheduler(Replica("a"));
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kTwoSteps, {{"marker", marker}, {"seconds", "1"}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  // As if a had stalled past its lease: b claims the run (and then, in this
  // test, never drives it).
  auto taken = store_->ClaimUnfinishedRuns("b", clock_->NowMillis() + 60000, 600000);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);
  // a's next renewal shows the run is gone; it must not finish it, launch
  // `second`, or overwrite b's ownership.
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  PipelineRunRecord stored = Stored(run.run_id);
  EXPECT_EQ(stored.owner, "b");
  EXPECT_FALSE(IsTerminal(stored.state));
  EXPECT_EQ(ReadAll(marker).find("second"), std::string::npos) << ReadAll(marker);
  EXPECT_EQ(scheduler_->WaitForRun(run.run_id, 0)->owner, "b");  // a no longer waits on it
}

}  // namespace
}  // namespace cairn::pipelines
