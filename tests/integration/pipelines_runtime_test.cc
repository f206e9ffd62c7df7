// Pipelines against the real binary, the hard cases: the server killed
// (SIGKILL) mid-run and restarted (the run resumes; no task lost or run
// twice), --no-pipelines-resume (the run fails cleanly and its tasks are
// killed), a 10,000-task fan-out under bounded parallelism, a step printing
// gigabytes (log capped), a step that never ends (timeout kills its process
// group), and the `cairn pipelines` CLI.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "integration/pipelines_test_util.h"
#include "integration/server_process.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

namespace fs = std::filesystem;

// `sleep` writes its pid to `marker`, sleeps; `after` appends "after".
constexpr char kSleeper[] = R"(
pipelineInfo: {name: sleeper}
schemaVersion: 2.1.0
components:
  comp-sleep:
    executorLabel: exec-sleep
    inputDefinitions: {parameters: {marker: {parameterType: STRING}, seconds: {parameterType: STRING}}}
  comp-after:
    executorLabel: exec-after
    inputDefinitions: {parameters: {marker: {parameterType: STRING}}}
deploymentSpec:
  executors:
    exec-sleep: {container: {image: alpine, command: [sh, -c, 'echo $$ >> "$0"; sleep "$1"; echo slept', "{{$.inputs.parameters['marker']}}", "{{$.inputs.parameters['seconds']}}"]}}
    exec-after: {container: {image: alpine, command: [sh, -c, 'echo after >> "$0"', "{{$.inputs.parameters['marker']}}"]}}
root:
  dag:
    tasks:
      sleep:
        componentRef: {name: comp-sleep}
        inputs: {parameters: {marker: {componentInputParameter: marker}, seconds: {componentInputParameter: seconds}}}
        taskInfo: {name: sleep}
      after:
        componentRef: {name: comp-after}
        dependentTasks: [sleep]
        inputs: {parameters: {marker: {componentInputParameter: marker}}}
        taskInfo: {name: after}
  inputDefinitions:
    parameters:
      marker: {parameterType: STRING}
      seconds: {parameterType: STRING}
)";

bool GroupGone(pid_t pgid, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::kill(-pgid, 0) != 0 && errno == ESRCH) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string WaitForMarker(const fs::path& marker) {
  for (int i = 0; i < 1000; ++i) {
    std::string text = ReadText(marker);
    if (!text.empty() && text.back() == '\n') return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "";
}

// ------------------------------------------------------------ restart

class PipelinesRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }
  void TearDown() override {
    if (HasFailure() && server_) PrintServerLog(*server_, 0, "test failed");
  }
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PipelinesRestartTest, ServerKilledMidRunResumesWithoutRunningATaskTwice) {
  Api api(server_->url());
  PipelinesClient pipelines(api);
  fs::path marker = server_->dir() / "marker";
  Reply submitted = pipelines.Submit(kSleeper, fmt::format(R"({{"marker":{},"seconds":"2"}})", Quoted(marker)));
  ASSERT_EQ(submitted.status, 200) << submitted.Describe();
  std::string id = PipelinesClient::RunId(submitted);
  ASSERT_FALSE(WaitForMarker(marker).empty());
  // Crash the server while `sleep` runs; the task keeps running.
  ASSERT_TRUE(server_->Restart().ok());
  Api restarted(server_->url());
  PipelinesClient after_restart(restarted);
  Value get = after_restart.Wait(id);
  ASSERT_EQ(PipelinesClient::State(get), "SUCCEEDED") << get.ToJson();
  const Value* sleep = PipelinesClient::Task(get, "sleep");
  ASSERT_NE(sleep, nullptr);
  EXPECT_EQ(Int(*sleep, "attempt"), 1);
  EXPECT_EQ(after_restart.Logs(id, "sleep"), "slept\n");
  // One pid line from the only run of `sleep`, then `after`, once.
  std::string lines = ReadText(marker);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
  EXPECT_NE(lines.find("after"), std::string::npos) << lines;
  EXPECT_NE(server_->Log().find("resuming pipeline run " + id), std::string::npos);
}

TEST_F(PipelinesRestartTest, RunSubmittedJustBeforeACrashStillRuns) {
  Api api(server_->url());
  PipelinesClient pipelines(api);
  fs::path marker = server_->dir() / "marker";
  // Many queued tasks: some launched, most not yet, when the server dies.
  std::string items = "[";
  for (int i = 0; i < 200; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  Reply submitted = pipelines.Submit(FanOutSpec(items));
  ASSERT_EQ(submitted.status, 200) << submitted.Describe();
  std::string id = PipelinesClient::RunId(submitted);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_TRUE(server_->Restart().ok());
  Api restarted(server_->url());
  PipelinesClient after_restart(restarted);
  Value get = after_restart.Wait(id);
  ASSERT_EQ(PipelinesClient::State(get), "SUCCEEDED") << Str(*get.Find("run"), "error");
  int containers = 0;
  for (const Value& t : get.Find("tasks")->as_list()) {
    if (Str(t, "kind") != "CONTAINER") continue;
    ++containers;
    EXPECT_EQ(Str(t, "state"), "SUCCEEDED") << Str(t, "node_id") << " " << Str(t, "error");
    // An attempt caught mid-launch by the crash (its monitor died with the
    // server before reporting) is relaunched once, and says so in the log;
    // every other task ran exactly once.
    if (Int(t, "attempt") != 1) {
      EXPECT_EQ(Int(t, "attempt"), 2) << Str(t, "node_id");
      EXPECT_NE(server_->Log().find("task " + Str(t, "node_id") + ": attempt 1 was lost with the previous server"),
                std::string::npos)
          << Str(t, "node_id");
    }
  }
  EXPECT_EQ(containers, 200);
}

TEST(PipelinesNoResumeTest, RunFailsCleanlyAndItsTasksAreKilled) {
  auto server = ServerProcess::Start({"--no-pipelines-resume"});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  Api api((*server)->url());
  PipelinesClient pipelines(api);
  fs::path marker = (*server)->dir() / "marker";
  Reply submitted = pipelines.Submit(kSleeper, fmt::format(R"({{"marker":{},"seconds":"1000"}})", Quoted(marker)));
  std::string id = PipelinesClient::RunId(submitted);
  std::string pid_line = WaitForMarker(marker);
  ASSERT_FALSE(pid_line.empty());
  ASSERT_TRUE((*server)->Restart().ok());
  Api restarted((*server)->url());
  PipelinesClient after_restart(restarted);
  Value get = after_restart.Get(id);
  EXPECT_EQ(PipelinesClient::State(get), "FAILED");
  EXPECT_NE(Str(*get.Find("run"), "error").find("restarted"), std::string::npos);
  EXPECT_TRUE(GroupGone(std::stoi(pid_line)));
}

// ------------------------------------------------------------ hostile

class PipelinesHostileTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    // The server-wide limit is generous (a loaded CI machine pipes 3 GB
    // slowly); the step that never ends has its own 2 s limit in its spec.
    StartSharedServer({"--pipelines-parallelism", "16", "--pipelines-task-timeout", "300", "--pipelines-max-log-bytes",
                       "1048576"});
  }
};

TEST_F(PipelinesHostileTest, TenThousandTaskFanOutIsBounded) {
  PipelinesClient pipelines(api());
  const int n = 10000;
  std::string items = "[";
  for (int i = 0; i < n; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  auto start = std::chrono::steady_clock::now();
  Reply submitted = pipelines.Submit(FanOutSpec(items));
  ASSERT_EQ(submitted.status, 200) << submitted.Describe();
  std::string id = PipelinesClient::RunId(submitted);
  Value get = pipelines.Wait(id, std::chrono::seconds(900));
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(PipelinesClient::State(get), "SUCCEEDED") << Str(*get.Find("run"), "error");
  std::vector<std::pair<int64_t, int>> events;
  int containers = 0;
  for (const Value& t : get.Find("tasks")->as_list()) {
    if (Str(t, "kind") != "CONTAINER") continue;
    ++containers;
    events.emplace_back(Int(t, "started_time"), +1);
    events.emplace_back(Int(t, "finished_time"), -1);
  }
  EXPECT_EQ(containers, n);
  std::sort(events.begin(), events.end(), [](auto a, auto b) { return a.first != b.first ? a.first < b.first : a.second < b.second; });
  int live = 0, peak = 0;
  for (auto& e : events) peak = std::max(peak, live += e.second);
  EXPECT_LE(peak, 16);
  std::fprintf(stderr, "10,000-task fan-out: %.1f s, peak %d tasks at once, server peak RSS %lld MiB\n", seconds, peak,
               static_cast<long long>(server().PeakRssBytes().value_or(0) >> 20));
}

TEST_F(PipelinesHostileTest, StepPrintingGigabytesIsCapped) {
  PipelinesClient pipelines(api());
  Value get = pipelines.Run(OneTaskSpec("loud", "head -c 3000000000 /dev/zero; echo done >&2"));
  ASSERT_EQ(PipelinesClient::State(get), "SUCCEEDED") << get.ToJson();
  std::string id = Str(*get.Find("run"), "run_id");
  Reply tail = api().Get("/api/2.0/cairn/pipelines/runs/logs",
                         {{"run_id", id}, {"task", "step"}, {"offset", "1048000"}, {"max_bytes", "100000"}});
  Value chunk = ParseOrEmpty(tail.body);
  EXPECT_TRUE(chunk.Find("eof")->as_bool());
  EXPECT_LT(Int(chunk, "next_offset"), 1048576 + 200);
  EXPECT_NE(Str(chunk, "data").find("[cairn: log truncated at 1048576 bytes"), std::string::npos);
  EXPECT_EQ(pipelines.Logs(id, "step", "stderr"), "done\n");
  // The on-disk log is capped too.
  uintmax_t total = 0;
  for (auto& e : fs::recursive_directory_iterator(server().dir() / "pipelines")) {
    if (e.is_regular_file() && e.path().filename() == "stdout.log" &&
        e.path().string().find(id) != std::string::npos) {
      total += e.file_size();
    }
  }
  EXPECT_LT(total, 1048576u + 200);
}

TEST_F(PipelinesHostileTest, StepThatNeverEndsTimesOutAndItsGroupIsKilled) {
  PipelinesClient pipelines(api());
  fs::path marker = server().dir() / "never";
  auto start = std::chrono::steady_clock::now();
  // Its own limit, as kfp.kubernetes.set_timeout writes it (PlatformSpec).
  Value get = pipelines.Run(
      OneTaskSpec("never", fmt::format("echo $$ > {}; sleep 100000 & sleep 100000; wait", marker.string())) +
      "---\nplatforms:\n  kubernetes:\n    deploymentSpec:\n      executors:\n        exec-step:\n"
      "          activeDeadlineSeconds: '2'\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(PipelinesClient::State(get), "FAILED");
  const Value* step = PipelinesClient::Task(get, "step");
  ASSERT_NE(step, nullptr);
  EXPECT_NE(Str(*step, "error").find("timed out"), std::string::npos) << step->ToJson();
  EXPECT_TRUE(GroupGone(std::stoi(ReadText(marker))));
}

// ------------------------------------------------------------ CLI

struct CliResult {
  int exit_code = -1;
  std::string out;
};

std::string ShellQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class PipelinesCliTest : public ServerTest {
 protected:
  CliResult Cairn(const std::vector<std::string>& args, bool with_uri = true) {
    std::string command = ShellQuote(CAIRN_BINARY_PATH);
    for (const auto& arg : args) command += " " + ShellQuote(arg);
    if (with_uri) command += " --tracking-uri " + ShellQuote(server().url());
    command += " 2>&1";
    CliResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  }
  std::string Fixture(const std::string& name) {
    return (fs::path(CAIRN_TESTDATA_DIR) / "kfp" / name).string();
  }
  std::string WriteSpec(const std::string& name, const std::string& text) {
    fs::path path = server().dir() / name;
    std::ofstream(path) << text;
    return path.string();
  }
};

TEST_F(PipelinesCliTest, RunWaitGetLogsList) {
  CliResult run = Cairn({"pipelines", "run", Fixture("pipeline_with_task_final_status_yaml.yaml"), "--param",
                         "message=from the cli", "--wait"});
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("SUCCEEDED"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("exit-handler-1/print-op"), std::string::npos) << run.out;
  // The run id is the first word of the last line.
  std::string last = run.out.substr(run.out.rfind('\n', run.out.size() - 2) + 1);
  std::string id = last.substr(0, last.find(' '));
  ASSERT_EQ(id.size(), 32u) << run.out;

  CliResult get = Cairn({"pipelines", "get", id});
  ASSERT_EQ(get.exit_code, 0) << get.out;
  EXPECT_NE(get.out.find("exit-op"), std::string::npos) << get.out;
  EXPECT_NE(get.out.find("{\"message\":\"from the cli\"}"), std::string::npos) << get.out;

  CliResult logs = Cairn({"pipelines", "logs", id, "--task", "exit-op"});
  ASSERT_EQ(logs.exit_code, 0) << logs.out;
  EXPECT_NE(logs.out.find("user input: from the cli pipeline status: {\"state\":\"SUCCEEDED\""), std::string::npos)
      << logs.out;
  CliResult all = Cairn({"pipelines", "logs", id});
  EXPECT_NE(all.out.find("==> exit-handler-1/print-op <==\nfrom the cli\n"), std::string::npos) << all.out;

  CliResult list = Cairn({"pipelines", "list", "--state", "succeeded"});
  ASSERT_EQ(list.exit_code, 0) << list.out;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;

  CliResult json = Cairn({"pipelines", "get", id, "--json"});
  ASSERT_EQ(json.exit_code, 0);
  Value parsed = ParseOrEmpty(json.out);
  EXPECT_EQ(Str(*parsed.Find("run"), "state"), "SUCCEEDED") << json.out;
}

TEST_F(PipelinesCliTest, FailingRunExitsNonZero) {
  std::string spec = WriteSpec("fail.yaml", OneTaskSpec("fails", "echo bad >&2; exit 3"));
  CliResult run = Cairn({"pipelines", "run", spec, "--wait"});
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("FAILED"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("exit status 3"), std::string::npos) << run.out;
}

TEST_F(PipelinesCliTest, CancelFromTheCli) {
  std::string spec = WriteSpec("sleep.yaml", OneTaskSpec("sleeps", "exec sleep 1000"));
  CliResult run = Cairn({"pipelines", "run", spec});
  ASSERT_EQ(run.exit_code, 0) << run.out;
  std::string id = run.out.substr(0, 32);
  CliResult cancel = Cairn({"pipelines", "cancel", id});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.out;
  PipelinesClient pipelines(api());
  EXPECT_EQ(PipelinesClient::State(pipelines.Wait(id, std::chrono::seconds(30))), "CANCELLED");
}

TEST_F(PipelinesCliTest, ValidateLocallyAndBadArguments) {
  CliResult ok = Cairn({"pipelines", "validate", Fixture("pipeline_with_loops.yaml")}, false);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("valid"), std::string::npos);
  std::string broken = WriteSpec("broken.yaml", "root: [unclosed");
  CliResult bad = Cairn({"pipelines", "validate", broken}, false);
  EXPECT_EQ(bad.exit_code, 1) << bad.out;
  EXPECT_NE(bad.out.find("invalid"), std::string::npos) << bad.out;
  CliResult remote = Cairn({"pipelines", "validate", "--remote", broken});
  EXPECT_EQ(remote.exit_code, 1) << remote.out;
  CliResult param = Cairn({"pipelines", "run", Fixture("hello_world.yaml"), "--param", "novalue"});
  EXPECT_EQ(param.exit_code, 1) << param.out;
  EXPECT_NE(param.out.find("KEY=VALUE"), std::string::npos) << param.out;
  CliResult unknown = Cairn({"pipelines", "get", "0123456789abcdef0123456789abcdef"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.out;
  EXPECT_NE(unknown.out.find("not found"), std::string::npos) << unknown.out;
}

}  // namespace
}  // namespace cairn::integration
