// The Slurm executor against a real single-node cluster (started by
// tests/integration/slurm/run.sh, which sets SLURM_CONF and
// CAIRN_SLURM_TEST_DIR): submit, poll, logs, exit codes, timeouts, cancel,
// resources, Find after a restart, and whole pipelines scheduled onto Slurm.
#include "pipelines/executor/slurm/slurm_executor.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "pipelines/executor/local/local_executor.h"
#include "pipelines/run_state/run_store.h"
#include "pipelines/scheduler/scheduler.h"
#include "pipelines/scheduler/task_io.h"

namespace cairn::pipelines {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class SlurmExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("CAIRN_SLURM_TEST_DIR");
    ASSERT_NE(dir, nullptr) << "run through tests/integration/slurm/run.sh (it starts the cluster)";
    root_ = fs::path(dir) / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_);
    executor_ = NewExecutor();
  }

  static std::unique_ptr<SlurmExecutor> NewExecutor() {
    SlurmExecutorOptions options;
    options.base_env = LocalExecutor::ProcessEnvironment();
    options.status_cache_ms = 200;
    auto executor = SlurmExecutor::Create(std::move(options));
    EXPECT_TRUE(executor.ok()) << executor.status().ToString();
    return executor.ok() ? std::move(executor).value() : nullptr;
  }

  TaskLaunch Launch(const std::string& name, const std::string& script) {
    TaskLaunch launch;
    launch.attempt_key = "test/" + name + "/1";
    launch.attempt_dir = (root_ / name).string();
    launch.argv = {"sh", "-c", script};
    return launch;
  }

  ExecutionStatus WaitFor(const std::string& handle, int timeout_s = 60) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    ExecutionStatus status;
    while (std::chrono::steady_clock::now() < deadline) {
      auto polled = executor_->Poll(handle);
      EXPECT_TRUE(polled.ok()) << polled.status().ToString();
      if (polled.ok() && IsTerminal(polled->state)) return *polled;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "still running after " << timeout_s << " s";
    return status;
  }

  std::string Log(const std::string& handle, LogStream stream) {
    auto chunk = executor_->Logs(handle, stream, 0, 1 << 20);
    EXPECT_TRUE(chunk.ok());
    return chunk.ok() ? chunk->data : "";
  }

  fs::path root_;
  std::unique_ptr<SlurmExecutor> executor_;
};

TEST_F(SlurmExecutorTest, RunsAJobWithItsEnvironmentAndCapturesBothStreams) {
  TaskLaunch launch = Launch("hello", "echo \"hello $WHO\"; echo oops >&2; pwd");
  launch.env = {{"WHO", "slurm; $(not expanded)"}};
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ExecutionStatus done = WaitFor(*handle);
  EXPECT_EQ(done.state, ExecutionState::kSucceeded) << done.message;
  EXPECT_EQ(done.exit_code, 0);
  EXPECT_EQ(Log(*handle, LogStream::kStdout), "hello slurm; $(not expanded)\n" + launch.attempt_dir + "/work\n");
  EXPECT_EQ(Log(*handle, LogStream::kStderr), "oops\n");
  EXPECT_EQ(executor_->Name(), "slurm");
}

TEST_F(SlurmExecutorTest, ExitCodesAndMissingCommands) {
  auto fails = executor_->Submit(Launch("fails", "exit 3"));
  TaskLaunch missing = Launch("missing", "");
  missing.argv = {"cairn-no-such-command"};
  auto not_found = executor_->Submit(missing);
  ASSERT_TRUE(fails.ok() && not_found.ok());
  ExecutionStatus a = WaitFor(*fails);
  EXPECT_EQ(a.state, ExecutionState::kFailed);
  EXPECT_EQ(a.exit_code, 3);
  EXPECT_EQ(a.message, "exit status 3");
  ExecutionStatus b = WaitFor(*not_found);
  EXPECT_EQ(b.state, ExecutionState::kFailed);
  EXPECT_EQ(b.exit_code, 127);
}

TEST_F(SlurmExecutorTest, TimeoutKillsTheJob) {
  TaskLaunch launch = Launch("slow", "echo $$ > pid; exec sleep 600");
  launch.timeout_ms = 1000;
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok());
  const auto start = std::chrono::steady_clock::now();
  ExecutionStatus done = WaitFor(*handle);
  EXPECT_EQ(done.state, ExecutionState::kTimedOut) << done.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(SlurmExecutorTest, CancelStopsTheJobsProcesses) {
  auto handle = executor_->Submit(Launch("cancel", "echo $$ > pid; exec sleep 600"));
  ASSERT_TRUE(handle.ok());
  const fs::path pid_file = root_ / "cancel" / "work" / "pid";
  for (int i = 0; i < 600 && ReadAll(pid_file).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_FALSE(ReadAll(pid_file).empty()) << "the job never started";
  const pid_t pid = std::stoi(ReadAll(pid_file));
  ASSERT_TRUE(executor_->Cancel(*handle).ok());
  ExecutionStatus done = WaitFor(*handle);
  EXPECT_EQ(done.state, ExecutionState::kCancelled) << done.message;
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = kill(pid, 0) != 0 && errno == ESRCH;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << "pid " << pid << " survived scancel";
  EXPECT_TRUE(executor_->Cancel(*handle).ok()) << "cancelling a finished job changes nothing";
}

TEST_F(SlurmExecutorTest, ResourcesReachSbatch) {
  TaskLaunch fits = Launch("fits", "sleep 2");
  fits.cpu_limit = "500m";
  fits.memory_limit = "64Mi";
  auto handle = executor_->Submit(fits);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  // What Slurm allocated, as scontrol reports it.
  const std::string job_id = handle->substr(0, handle->find('@'));
  auto shown = platform::RunSubprocess({.argv = {"scontrol", "show", "job", job_id}});
  ASSERT_TRUE(shown.ok());
  EXPECT_NE(shown->stdout_data.find("MinMemoryNode=64M"), std::string::npos) << shown->stdout_data;
  EXPECT_NE(shown->stdout_data.find("NumCPUs=1"), std::string::npos) << shown->stdout_data;
  EXPECT_EQ(WaitFor(*handle).state, ExecutionState::kSucceeded);
  // More memory than the node has: Slurm refuses at submit time, and the
  // refusal reaches the caller.
  TaskLaunch too_big = Launch("too-big", "echo never");
  too_big.memory_limit = "1000Ti";
  auto refused = executor_->Submit(too_big);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  TaskLaunch bad = Launch("bad", "echo never");
  bad.memory_limit = "plenty";
  EXPECT_EQ(executor_->Submit(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SlurmExecutorTest, ANewExecutorFindsAndFollowsEarlierJobs) {
  TaskLaunch launch = Launch("restart", "sleep 1; echo done");
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok());
  executor_ = NewExecutor();  // the server restarted
  auto found = executor_->Find(launch);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, *handle);
  EXPECT_EQ(WaitFor(**found).state, ExecutionState::kSucceeded);
  EXPECT_EQ(Log(**found, LogStream::kStdout), "done\n");
  auto never = executor_->Find(Launch("never-submitted", "true"));
  ASSERT_TRUE(never.ok());
  EXPECT_FALSE(never->has_value());
  EXPECT_EQ(executor_->Poll("not-a-handle").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor_->Poll("12x@/tmp").status().code(), StatusCode::kInvalidArgument);
}

// A whole pipeline on Slurm: parameters passed between steps, a loop with
// fan-in, a failing step retried; the scheduler only sees the Executor seam.
TEST_F(SlurmExecutorTest, SchedulerRunsAPipelineOnSlurm) {
  auto store = CreateMemoryPipelineRunStore();
  auto clock = CreateSystemClock();
  SchedulerOptions options;
  options.pipeline_root = (root_ / "pipelines").string();
  options.poll_interval_ms = 100;
  SchedulerDeps deps;
  deps.store = store.get();
  deps.executor = executor_.get();
  deps.clock = clock.get();
  Scheduler scheduler(options, deps);
  ASSERT_TRUE(scheduler.Start().ok());
  SubmitRequest request;
  request.source_name = "slurm.yaml";
  request.spec_yaml = R"(
name: on-slurm
params:
  n: {type: int, default: 3}
steps:
  make:
    run: echo ${{ params.n }} > ${{ outputs.count }}
    outputs: {count: int}
  square:
    for_each: [1, 2, 3]
    run: echo $(( ${{ item }} * ${{ item }} )) > ${{ outputs.sq }}
    outputs: {sq: int}
  flaky:
    needs: make
    retries: {count: 2, backoff: 100ms}
    run: test -f ../../attempt-1/work/marker || { touch marker; exit 1; }
)";
  auto run = scheduler.Submit(request);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto done = scheduler.WaitForRun(run->run_id, 120000);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, RunState::kSucceeded) << done->error;
  auto tasks = store->ListTasks(run->run_id);
  ASSERT_TRUE(tasks.ok());
  int containers = 0;
  for (const TaskRecord& t : *tasks) {
    if (t.kind != NodeKind::kContainer) continue;
    ++containers;
    EXPECT_EQ(t.executor, "slurm") << t.node_id;
    EXPECT_EQ(t.state, NodeState::kSucceeded) << t.node_id << ": " << t.error;
    if (t.task_key == "flaky") EXPECT_EQ(t.attempt, 2);
  }
  EXPECT_EQ(containers, 5);
  scheduler.Stop();
}

}  // namespace
}  // namespace cairn::pipelines
