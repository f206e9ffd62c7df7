// The Slurm executor against a real single-node cluster (started by
// tests/integration/slurm/run.sh, which sets SLURM_CONF and
// CAIRN_SLURM_TEST_DIR): submit, poll, logs, exit codes, timeouts, cancel,
// resources, Find after a restart, job arrays (SubmitBatch), and whole
// pipelines scheduled onto Slurm (a ParallelFor as one array, resumed after
// a simulated crash).
#include "pipelines/executor/slurm/slurm_executor.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "base/clock.h"
#include "pipelines/executor/local/local_executor.h"
#include "pipelines/executor/slurm/slurm_job_files.h"
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

  // Submits `scripts` as one batch; expects every element accepted.
  std::vector<std::string> SubmitBatch(const std::string& name, const std::vector<std::string>& scripts,
                                       int64_t max_running = 0) {
    std::vector<TaskLaunch> launches;
    for (size_t i = 0; i < scripts.size(); ++i) launches.push_back(Launch(name + std::to_string(i), scripts[i]));
    std::vector<std::string> handles;
    auto results = executor_->SubmitBatch(launches, max_running);
    EXPECT_EQ(results.size(), scripts.size());
    for (auto& r : results) {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      handles.push_back(r.ok() ? *r : "");
    }
    return handles;
  }

  static SlurmHandle Parsed(const std::string& handle) {
    auto parsed = ParseSlurmHandle(handle);
    EXPECT_TRUE(parsed.ok()) << handle;
    return parsed.ok() ? *parsed : SlurmHandle{};
  }

  static Result<platform::SubprocessResult> Command(std::vector<std::string> argv) {
    platform::SubprocessOptions options;
    options.argv = std::move(argv);
    return platform::RunSubprocess(options);
  }

  static std::string Scontrol(const std::string& job_id) {
    auto shown = Command({"scontrol", "show", "job", job_id});
    EXPECT_TRUE(shown.ok());
    return shown.ok() ? shown->stdout_data : "";
  }

  // Slurm's states of the elements of array `array_job_id`, by index, as
  // squeue lists them one per line.
  static std::map<std::string, std::string> ArrayStates(const std::string& array_job_id) {
    auto listed =
        Command({"squeue", "--states=all", "--array", "--noheader", "--format=%i|%T", "--jobs=" + array_job_id});
    EXPECT_TRUE(listed.ok());
    std::map<std::string, std::string> states;
    std::istringstream lines(listed.ok() ? listed->stdout_data : "");
    for (std::string line; std::getline(lines, line);) {
      const size_t bar = line.find('|');
      if (bar != std::string::npos) states[line.substr(0, bar)] = line.substr(bar + 1);
    }
    return states;
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

TEST_F(SlurmExecutorTest, ABatchIsOneArrayJobWithItsOwnLogsPerElement) {
  std::vector<std::string> scripts;
  for (int i = 0; i < 3; ++i) {
    scripts.push_back(fmt::format("echo \"element {} of $SLURM_ARRAY_JOB_ID index $SLURM_ARRAY_TASK_ID who=$WHO\"; "
                                  "echo err{} >&2; pwd",
                                  i, i));
  }
  std::vector<TaskLaunch> launches;
  for (size_t i = 0; i < scripts.size(); ++i) {
    launches.push_back(Launch("each" + std::to_string(i), scripts[i]));
    launches.back().env = {{"WHO", fmt::format("w{}'$(x)", i)}};
  }
  auto results = executor_->SubmitBatch(launches, 0);
  ASSERT_EQ(results.size(), 3u);
  std::vector<std::string> handles;
  for (auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    handles.push_back(*r);
  }
  const std::string array = Parsed(handles[0]).array_job_id;
  ASSERT_FALSE(array.empty()) << handles[0];
  for (size_t i = 0; i < handles.size(); ++i) {
    EXPECT_EQ(handles[i], fmt::format("{}_{}@{}", array, i, launches[i].attempt_dir));
  }
  // One job in Slurm's eyes: three elements of array `array`.
  EXPECT_EQ(ArrayStates(array).size(), 3u);
  for (size_t i = 0; i < handles.size(); ++i) {
    ExecutionStatus done = WaitFor(handles[i]);
    EXPECT_EQ(done.state, ExecutionState::kSucceeded) << done.message;
    EXPECT_EQ(Log(handles[i], LogStream::kStdout), fmt::format("element {} of {} index {} who=w{}'$(x)\n{}/work\n", i,
                                                               array, i, i, launches[i].attempt_dir));
    EXPECT_EQ(Log(handles[i], LogStream::kStderr), fmt::format("err{}\n", i));
  }
}

TEST_F(SlurmExecutorTest, ArrayElementsFailWithTheirOwnExitCodes) {
  auto handles = SubmitBatch("codes", {"exit 0", "exit 3", "exit 5", "cairn-no-such-command"});
  ASSERT_EQ(handles.size(), 4u);
  const int expected[] = {0, 3, 5, 127};
  for (size_t i = 0; i < handles.size(); ++i) {
    ExecutionStatus done = WaitFor(handles[i]);
    EXPECT_EQ(done.exit_code, expected[i]) << i;
    EXPECT_EQ(done.state, i == 0 ? ExecutionState::kSucceeded : ExecutionState::kFailed) << i << done.message;
  }
}

TEST_F(SlurmExecutorTest, BatchesAreGroupedByResourcesAndThrottled) {
  std::vector<TaskLaunch> launches;
  for (int i = 0; i < 4; ++i) {
    launches.push_back(Launch("group" + std::to_string(i), "sleep 1"));
    launches.back().memory_limit = i % 2 == 0 ? "32Mi" : "64Mi";
  }
  TaskLaunch bad = Launch("group-bad", "true");
  bad.cpu_limit = "many";
  launches.push_back(bad);
  auto results = executor_->SubmitBatch(launches, 1);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[4].status().code(), StatusCode::kInvalidArgument) << "an unreadable request fails alone";
  std::vector<SlurmHandle> parsed;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status().ToString();
    parsed.push_back(Parsed(*results[i]));
  }
  // Two arrays, one per memory request, each element keeping its position.
  EXPECT_EQ(parsed[0].array_job_id, parsed[2].array_job_id);
  EXPECT_EQ(parsed[1].array_job_id, parsed[3].array_job_id);
  EXPECT_NE(parsed[0].array_job_id, parsed[1].array_job_id);
  EXPECT_EQ(parsed[2].array_index, 1);
  EXPECT_EQ(parsed[3].array_index, 1);
  const std::string shown = Scontrol(parsed[1].array_job_id);
  EXPECT_NE(shown.find("MinMemoryNode=64M"), std::string::npos) << shown;
  EXPECT_NE(shown.find("ArrayTaskThrottle=1"), std::string::npos) << shown;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(WaitFor(*results[i]).state, ExecutionState::kSucceeded);
}

TEST_F(SlurmExecutorTest, CancelOneElementThenTheRest) {
  auto handles = SubmitBatch("stop", {"echo $$ > pid; exec sleep 600", "sleep 600", "sleep 600"});
  ASSERT_EQ(handles.size(), 3u);
  const std::string array = Parsed(handles[0]).array_job_id;
  const fs::path pid_file = root_ / "stop0" / "work" / "pid";
  for (int i = 0; i < 600 && ReadAll(pid_file).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_FALSE(ReadAll(pid_file).empty()) << "element 0 never started";
  const pid_t pid = std::stoi(ReadAll(pid_file));
  ASSERT_TRUE(executor_->Cancel(handles[0]).ok());
  EXPECT_EQ(WaitFor(handles[0]).state, ExecutionState::kCancelled);
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = kill(pid, 0) != 0 && errno == ESRCH;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << "pid " << pid << " survived scancel";
  // The others keep running (or waiting for a core).
  for (int i : {1, 2}) {
    auto polled = executor_->Poll(handles[i]);
    ASSERT_TRUE(polled.ok());
    EXPECT_EQ(polled->state, ExecutionState::kRunning) << i;
  }
  ASSERT_TRUE(executor_->Cancel(handles[1]).ok());
  ASSERT_TRUE(executor_->Cancel(handles[2]).ok());  // the last one: scancel of the whole array
  for (int i : {1, 2}) EXPECT_EQ(WaitFor(handles[i]).state, ExecutionState::kCancelled) << i;
  for (const auto& [element, state] : ArrayStates(array)) EXPECT_EQ(state, "CANCELLED") << element;
  EXPECT_TRUE(executor_->Cancel(handles[2]).ok()) << "cancelling a finished element changes nothing";
}

TEST_F(SlurmExecutorTest, ANewExecutorFindsArrayElements) {
  std::vector<TaskLaunch> launches = {Launch("found0", "sleep 2; echo zero"), Launch("found1", "sleep 2; echo one")};
  auto results = executor_->SubmitBatch(launches, 0);
  ASSERT_TRUE(results[0].ok() && results[1].ok());
  executor_ = NewExecutor();  // the server restarted
  auto found = executor_->Find(launches[0]);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ(**found, *results[0]);
  // A crash between sbatch and the job id files: the element is found by
  // the array's name and its index.
  fs::remove(fs::path(launches[1].attempt_dir) / "job_id");
  found = executor_->Find(launches[1]);
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ(**found, *results[1]);
  EXPECT_EQ(WaitFor(*results[1]).state, ExecutionState::kSucceeded);
  EXPECT_EQ(Log(*results[1], LogStream::kStdout), "one\n");
  EXPECT_EQ(Log(*results[0], LogStream::kStdout), "zero\n");
  EXPECT_EQ(executor_->Poll("12_x@/tmp").status().code(), StatusCode::kInvalidArgument);
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
  // The loop's three iterations became one array job.
  std::set<std::string> arrays;
  std::set<int64_t> indices;
  for (const TaskRecord& t : *tasks) {
    if (t.node_id.rfind("square[", 0) != 0 || t.handle.empty()) continue;
    SlurmHandle h = Parsed(t.handle);
    arrays.insert(h.array_job_id);
    indices.insert(h.array_index);
  }
  EXPECT_EQ(arrays.size(), 1u);
  EXPECT_FALSE(arrays.count(""));
  EXPECT_EQ(indices, (std::set<int64_t>{0, 1, 2}));
  scheduler.Stop();
}

// A ParallelFor on Slurm survives a crash in the worst window: its array was
// submitted, but neither the handles nor the job id files were written. The
// next scheduler (and executor) adopts every element through Executor::Find:
// each iteration runs exactly once and none is lost.
TEST_F(SlurmExecutorTest, ResumedSchedulerAdoptsAnArraysElements) {
  auto store = CreateMemoryPipelineRunStore();
  auto clock = CreateSystemClock();
  SchedulerOptions options;
  options.pipeline_root = (root_ / "pipelines").string();
  options.poll_interval_ms = 100;
  const std::string ran = (root_ / "ran").string();
  SubmitRequest request;
  request.source_name = "resume.yaml";
  request.spec_yaml = R"(
name: resume-on-slurm
steps:
  shard:
    for_each: [1, 2, 3]
    run: sleep 3; echo ${{ item }} >> )" + ran + R"(; echo $(( ${{ item }} * 10 )) > ${{ outputs.out }}
    outputs: {out: int}
)";
  std::string run_id;
  {
    SchedulerDeps deps;
    deps.store = store.get();
    deps.executor = executor_.get();
    deps.clock = clock.get();
    Scheduler first(options, deps);
    ASSERT_TRUE(first.Start().ok());
    auto run = first.Submit(request);
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    run_id = run->run_id;
    // Wait until the three elements are submitted and recorded.
    for (int i = 0; i < 300; ++i) {
      auto listed = store->ListTasks(run_id);
      int handles = 0;
      for (const TaskRecord& t : *listed) handles += t.handle.empty() ? 0 : 1;
      if (handles == 3) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    first.Stop();  // tasks keep running
  }
  // Forget the handles and job id files, as a SIGKILL right after sbatch
  // would have left them (attempt 1, RUNNING, no handle).
  auto tasks = store->ListTasks(run_id);
  ASSERT_TRUE(tasks.ok());
  std::vector<TaskRecord> forgotten;
  std::string array;
  for (TaskRecord t : *tasks) {
    if (t.handle.empty()) continue;
    array = Parsed(t.handle).array_job_id;
    fs::remove(fs::path(t.attempt_dir) / "job_id");
    t.handle.clear();
    forgotten.push_back(t);
  }
  ASSERT_EQ(forgotten.size(), 3u);
  ASSERT_FALSE(array.empty());
  ASSERT_TRUE(store->PutTasks(run_id, forgotten).ok());

  executor_ = NewExecutor();
  SchedulerDeps deps;
  deps.store = store.get();
  deps.executor = executor_.get();
  deps.clock = clock.get();
  Scheduler second(options, deps);
  ASSERT_TRUE(second.Start().ok());
  auto done = second.WaitForRun(run_id, 120000);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, RunState::kSucceeded) << done->error;
  second.Stop();
  std::string lines = ReadAll(ran);
  std::multiset<std::string> each;
  std::istringstream in(lines);
  for (std::string line; std::getline(in, line);) each.insert(line);
  EXPECT_EQ(each, (std::multiset<std::string>{"1", "2", "3"})) << lines;
  auto after = store->ListTasks(run_id);
  ASSERT_TRUE(after.ok());
  for (const TaskRecord& t : *after) {
    if (t.handle.empty()) continue;
    EXPECT_EQ(Parsed(t.handle).array_job_id, array) << t.node_id << " was submitted again";
    EXPECT_EQ(t.attempt, 1) << t.node_id;
  }
  EXPECT_EQ(ArrayStates(array).size(), 3u);
}

}  // namespace
}  // namespace cairn::pipelines
