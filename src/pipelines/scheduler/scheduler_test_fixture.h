// The fixture of the scheduler tests (scheduler_test.cc,
// scheduler_platform_test.cc): the real LocalExecutor over a temporary
// directory with shims on PATH, the in-memory run store, and helpers to
// submit, wait and read task records and logs.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pipelines/executor/local/local_executor.h"
#include "pipelines/scheduler/scheduler.h"
#include "pipelines/scheduler/task_io.h"

#ifndef CAIRN_PIPELINES_TESTDATA
#define CAIRN_PIPELINES_TESTDATA "tests/data"
#endif

namespace cairn::pipelines {

namespace fs = std::filesystem;

inline std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string Fixture(const std::string& name) {
  return ReadAll(std::string(CAIRN_PIPELINES_TESTDATA) + "/kfp/" + name);
}

// One task running `script` under sh.
inline std::string OneTask(const std::string& script) {
  return R"(
pipelineInfo: {name: one-task}
schemaVersion: 2.1.0
components:
  comp-step:
    executorLabel: exec-step
deploymentSpec:
  executors:
    exec-step: {container: {image: alpine, command: [sh, -c, ')" +
         script + R"(']}}
root:
  dag:
    tasks:
      step:
        componentRef: {name: comp-step}
        taskInfo: {name: step}
)";
}

// ---------------------------------------------------------------- fixture

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cairn_sched_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "bin");
    // Shims for the fixtures: `my_program` (fictional in the KFP samples)
    // records its argv and writes it to --output_path; `python` for hosts
    // that only have python3.
    WriteExecutable(root_ / "bin" / "my_program",
                    "#!/bin/sh\nout=''; prev=''\nfor a in \"$@\"; do [ \"$prev\" = --output_path ] && out=\"$a\"; "
                    "prev=\"$a\"; done\nprintf '%s|' \"$@\" > \"$out\"\n");
    WriteExecutable(root_ / "bin" / "python", "#!/bin/sh\nexec python3 \"$@\"\n");
    store_ = CreateMemoryPipelineRunStore();
    clock_ = CreateSystemClock();
  }
  void TearDown() override {
    scheduler_.reset();
    executor_.reset();
    fs::remove_all(root_);
  }

  static void WriteExecutable(const fs::path& path, const std::string& text) {
    std::ofstream(path) << text;
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  }

  void StartScheduler(SchedulerOptions options = {}, LocalExecutorOptions executor_options = {}) {
    scheduler_.reset();
    executor_.reset();
    auto env = LocalExecutor::ProcessEnvironment();
    for (auto& [k, v] : env) {
      if (k == "PATH") v = (root_ / "bin").string() + ":" + v;
    }
    executor_options.base_env = env;
    if (executor_options.kill_grace_ms == 5000) executor_options.kill_grace_ms = 500;
    auto executor = LocalExecutor::Create(std::move(executor_options));
    ASSERT_TRUE(executor.ok());
    executor_ = std::move(executor).value();
    scheduler_ = MakeScheduler(std::move(options), executor_.get());
    ASSERT_TRUE(scheduler_->Start().ok());
  }

  // A scheduler over the fixture's store and clock (not started).
  std::unique_ptr<Scheduler> MakeScheduler(SchedulerOptions options, Executor* executor) {
    if (options.pipeline_root.empty()) options.pipeline_root = (root_ / "pipelines").string();
    options.poll_interval_ms = 50;
    SchedulerDeps deps;
    deps.store = store_.get();
    deps.executor = executor;
    deps.clock = clock_.get();
    return std::make_unique<Scheduler>(std::move(options), std::move(deps));
  }

  PipelineRunRecord Submit(const std::string& yaml, std::vector<std::pair<std::string, std::string>> params = {},
                           bool cache = true) {
    SubmitRequest request;
    request.spec_yaml = yaml;
    request.source_name = "test.yaml";
    request.parameters = std::move(params);
    request.cache_enabled = cache;
    auto run = scheduler_->Submit(request);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : PipelineRunRecord{};
  }

  PipelineRunRecord Wait(const std::string& run_id, int64_t timeout_ms = 60000) {
    auto run = scheduler_->WaitForRun(run_id, timeout_ms);
    EXPECT_TRUE(run.ok());
    EXPECT_TRUE(IsTerminal(run->state)) << "run still " << RunStateName(run->state);
    return *run;
  }

  PipelineRunRecord Run(const std::string& yaml, std::vector<std::pair<std::string, std::string>> params = {},
                        bool cache = true) {
    return Wait(Submit(yaml, std::move(params), cache).run_id);
  }

  std::map<std::string, TaskRecord> Tasks(const std::string& run_id) {
    std::map<std::string, TaskRecord> out;
    auto tasks = store_->ListTasks(run_id);
    EXPECT_TRUE(tasks.ok());
    for (auto& t : *tasks) out[t.node_id] = t;
    return out;
  }

  static std::string Stdout(const TaskRecord& t) { return ReadAll(fs::path(t.attempt_dir) / "stdout.log"); }

  static Value Output(const TaskRecord& t, const std::string& key) {
    auto io = TaskIoFromJson(t.outputs_json);
    EXPECT_TRUE(io.ok()) << io.status().ToString() << " in " << t.outputs_json;
    if (!io.ok()) return Value();
    auto it = io->parameters.find(key);
    return it == io->parameters.end() ? Value() : it->second;
  }

  // Waits until `pred` holds (bounded; tasks are real processes).
  template <typename Pred>
  bool Eventually(Pred pred, int timeout_ms = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  fs::path root_;
  std::unique_ptr<PipelineRunStore> store_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<LocalExecutor> executor_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace cairn::pipelines
