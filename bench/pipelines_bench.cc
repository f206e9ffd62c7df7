// pipelines_bench: scheduler overhead per task and start-to-first-task
// latency, in-process (no HTTP), on the server's real stack: SQLite run
// store and tracking store on one database file, the local executor.
//
//   wide   N trivial tasks in one ParallelFor (fan-out, then nothing)
//   chain  N trivial tasks, each after the previous one
// each run with
//   local    the LocalExecutor running `true` (fork + exec per task)
//   instant  an executor whose attempts succeed at once (isolates the
//            scheduler, store and tracking cost from process start-up)
// and tracking of each task as a nested MLflow run on or off.
//
// Latency: submit -> the first task's process is running (it prints
// CLOCK_REALTIME in ns; `date +%s%N`), over several single-task runs.
//
// Usage: pipelines_bench [--tasks N] [--parallelism P] [--dir DIR]
// Results: bench/RESULTS.md, section "Pipelines".
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "pipelines/executor/local/local_executor.h"
#include "pipelines/scheduler/scheduler.h"
#include "store/sqlite_store_factory.h"

using namespace cairn;
using namespace cairn::pipelines;
namespace fs = std::filesystem;

namespace {

// Attempts succeed as soon as they are submitted.
class InstantExecutor final : public Executor {
 public:
  std::string_view Name() const override { return "instant"; }
  Result<std::string> Submit(const TaskLaunch& launch) override {
    std::function<void()> cb;
    {
      std::lock_guard<std::mutex> lock(mu_);
      cb = callback_;
    }
    if (cb) cb();
    return "instant:" + launch.attempt_key;
  }
  Result<ExecutionStatus> Poll(const std::string&) override {
    ExecutionStatus s;
    s.state = ExecutionState::kSucceeded;
    s.exit_code = 0;
    return s;
  }
  Status Cancel(const std::string&) override { return Status(); }
  Result<LogChunk> Logs(const std::string&, LogStream, int64_t offset, int64_t) override {
    LogChunk c;
    c.next_offset = offset;
    return c;
  }
  Result<std::optional<std::string>> Find(const TaskLaunch&) override { return std::optional<std::string>(); }
  void SetStateChangeCallback(std::function<void()> callback) override {
    std::lock_guard<std::mutex> lock(mu_);
    callback_ = std::move(callback);
  }

 private:
  std::mutex mu_;
  std::function<void()> callback_;
};

std::string WideSpec(int n) {
  std::string items = "[";
  for (int i = 0; i < n; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  return R"(
pipelineInfo: {name: wide}
schemaVersion: 2.1.0
components:
  comp-for-loop-1:
    dag:
      tasks:
        noop:
          componentRef: {name: comp-noop}
          inputs: {parameters: {x: {componentInputParameter: pipelinechannel--loop-item-param-1}}}
          taskInfo: {name: noop}
    inputDefinitions:
      parameters:
        pipelinechannel--loop-item-param-1: {parameterType: NUMBER_INTEGER}
  comp-noop:
    executorLabel: exec-noop
    inputDefinitions: {parameters: {x: {parameterType: NUMBER_INTEGER}}}
deploymentSpec:
  executors:
    exec-noop: {container: {image: alpine, command: ["true", "{{$.inputs.parameters['x']}}"]}}
root:
  dag:
    tasks:
      for-loop-1:
        componentRef: {name: comp-for-loop-1}
        parameterIterator:
          itemInput: pipelinechannel--loop-item-param-1
          items: {raw: ')" +
         items + R"('}
        taskInfo: {name: for-loop-1}
)";
}

std::string ChainSpec(int n) {
  std::string out = R"(
pipelineInfo: {name: chain}
schemaVersion: 2.1.0
components:
  comp-noop:
    executorLabel: exec-noop
deploymentSpec:
  executors:
    exec-noop: {container: {image: alpine, command: ["true"]}}
root:
  dag:
    tasks:
)";
  for (int i = 0; i < n; ++i) {
    out += fmt::format("      t{:05d}:\n        componentRef: {{name: comp-noop}}\n        taskInfo: {{name: t{:05d}}}\n",
                       i, i);
    if (i > 0) out += fmt::format("        dependentTasks: [t{:05d}]\n", i - 1);
  }
  return out;
}

constexpr char kFirstTask[] = R"(
pipelineInfo: {name: first-task}
schemaVersion: 2.1.0
components:
  comp-stamp:
    executorLabel: exec-stamp
deploymentSpec:
  executors:
    exec-stamp: {container: {image: alpine, command: [date, "+%s%N"]}}
root:
  dag:
    tasks:
      stamp:
        componentRef: {name: comp-stamp}
        taskInfo: {name: stamp}
)";

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

struct Env {
  store::SqliteStores stores;
  std::unique_ptr<Clock> clock = CreateSystemClock();
  std::unique_ptr<Executor> executor;
  std::unique_ptr<Scheduler> scheduler;
};

std::unique_ptr<Env> MakeEnv(const fs::path& dir, bool local, bool track, int parallelism) {
  auto env = std::make_unique<Env>();
  store::SqliteStoreOptions options;
  options.path = (dir / "cairn.db").string();
  options.default_artifact_root = "file://" + (dir / "artifacts").string();
  auto stores = store::OpenSqliteStores(options);
  if (!stores.ok()) {
    std::fprintf(stderr, "store: %s\n", stores.status().ToString().c_str());
    std::exit(1);
  }
  env->stores = std::move(stores).value();
  if (local) {
    LocalExecutorOptions eo;
    eo.base_env = LocalExecutor::ProcessEnvironment();
    env->executor = std::move(LocalExecutor::Create(eo)).value();
  } else {
    env->executor = std::make_unique<InstantExecutor>();
  }
  SchedulerOptions so;
  so.pipeline_root = (dir / "pipelines").string();
  so.max_parallel_tasks = parallelism;
  so.track_tasks = track;
  SchedulerDeps deps;
  deps.store = env->stores.pipelines.get();
  deps.executor = env->executor.get();
  deps.tracking = env->stores.tracking.get();
  deps.clock = env->clock.get();
  env->scheduler = std::make_unique<Scheduler>(so, deps);
  if (Status s = env->scheduler->Start(); !s.ok()) {
    std::fprintf(stderr, "start: %s\n", s.ToString().c_str());
    std::exit(1);
  }
  return env;
}

double RunOnce(Env& env, const std::string& spec) {
  SubmitRequest request;
  request.spec_yaml = spec;
  request.cache_enabled = false;
  auto start = std::chrono::steady_clock::now();
  auto run = env.scheduler->Submit(request);
  if (!run.ok()) {
    std::fprintf(stderr, "submit: %s\n", run.status().ToString().c_str());
    std::exit(1);
  }
  auto done = env.scheduler->WaitForRun(run->run_id, 3600 * 1000);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!done.ok() || done->state != RunState::kSucceeded) {
    std::fprintf(stderr, "run failed: %s\n", done.ok() ? done->error.c_str() : done.status().ToString().c_str());
    std::exit(1);
  }
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int tasks = 1000;
  int parallelism = 8;
  fs::path dir = fs::temp_directory_path() / fmt::format("cairn_pipelines_bench_{}", getpid());
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tasks") == 0) tasks = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--parallelism") == 0) parallelism = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
  }
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf("pipelines_bench: %d tasks, parallelism %d, %u cores\n\n", tasks, parallelism,
              std::thread::hardware_concurrency());
  std::printf("| shape | executor | task tracking | wall (s) | per task (ms) | tasks/s |\n");
  std::printf("|---|---|---|---:|---:|---:|\n");
  int case_no = 0;
  for (const char* shape : {"wide", "chain"}) {
    for (bool local : {false, true}) {
      for (bool track : {false, true}) {
        auto env = MakeEnv(dir / fmt::format("case{}", case_no++), local, track, parallelism);
        double s = RunOnce(*env, std::string(shape) == "wide" ? WideSpec(tasks) : ChainSpec(tasks));
        std::printf("| %s | %s | %s | %.2f | %.3f | %.0f |\n", shape, local ? "local" : "instant", track ? "on" : "off",
                    s, 1000.0 * s / tasks, tasks / s);
        std::fflush(stdout);
      }
    }
  }

  // The local executor alone: sequential `true` attempts, woken by its
  // completion notification (the floor under the chain numbers above).
  {
    LocalExecutorOptions eo;
    eo.base_env = LocalExecutor::ProcessEnvironment();
    auto executor = std::move(LocalExecutor::Create(eo)).value();
    std::mutex mu;
    std::condition_variable cv;
    int64_t notified = 0;
    executor->SetStateChangeCallback([&] {
      std::lock_guard<std::mutex> lock(mu);
      ++notified;
      cv.notify_all();
    });
    const int n = std::min(tasks, 500);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      TaskLaunch launch;
      launch.attempt_key = fmt::format("solo/{}", i);
      launch.attempt_dir = (dir / "solo" / std::to_string(i)).string();
      launch.argv = {"true"};
      auto handle = executor->Submit(launch);
      if (!handle.ok()) return 1;
      while (true) {
        auto status = executor->Poll(*handle);
        if (status.ok() && IsTerminal(status->state)) break;
        std::unique_lock<std::mutex> lock(mu);
        int64_t seen = notified;
        cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return notified != seen; });
      }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\nlocal executor alone, %d sequential `true` attempts: %.3f ms each\n", n, 1000.0 * s / n);
  }

  // Start-to-first-task latency (local executor, tracking on, as the server).
  auto env = MakeEnv(dir / "latency", true, true, parallelism);
  std::vector<double> latencies;
  for (int i = 0; i < 20; ++i) {
    SubmitRequest request;
    request.spec_yaml = kFirstTask;
    request.cache_enabled = false;
    int64_t submitted = NowNs();
    auto run = env->scheduler->Submit(request);
    if (!run.ok()) return 1;
    auto done = env->scheduler->WaitForRun(run->run_id, 60000);
    auto tasks_of = env->stores.pipelines->ListTasks(run->run_id);
    if (!done.ok() || !tasks_of.ok() || tasks_of->empty()) return 1;
    std::ifstream in(tasks_of->front().attempt_dir + "/stdout.log");
    int64_t started = 0;
    in >> started;
    latencies.push_back((started - submitted) / 1e6);
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("\nstart-to-first-task latency (submit -> task process running; 20 runs): median %.2f ms, p90 %.2f ms, "
              "max %.2f ms\n",
              latencies[latencies.size() / 2], latencies[latencies.size() * 9 / 10], latencies.back());
  env.reset();
  fs::remove_all(dir);
  return 0;
}
