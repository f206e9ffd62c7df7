// Tuning against the real binary, the hard cases: the goal, max failures,
// trials that never report metrics, hanging trials (timeout), bad specs,
// the Push collector (the trial logs to its own run), the short cairn form,
// stop, trial logs, the `cairn tune` CLI, and the server SIGKILLed in the
// middle of an experiment and restarted.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <set>

#include "integration/server_process.h"
#include "integration/server_test.h"
#include "integration/tuning_test_util.h"

namespace cairn::integration {
namespace {

namespace fs = std::filesystem;

class TuningRuntimeTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    WriteTrialPrograms(server().dir());
  }
  std::string Random(const std::string& script = "fake_mnist.py") {
    return RewriteTrialScript(KatibFixture("random.yaml"), server().dir() / script);
  }
};

TEST_F(TuningRuntimeTest, GoalReachedEndsEarly) {
  TuningClient tuning(api());
  std::string spec = ReplaceAll(Random(), "goal: 0.001", "goal: 0.05");
  Value get = tuning.Run(spec, R"("parallel_trial_count": 1)");
  const Value& e = *get.Find("experiment");
  EXPECT_EQ(S(e, "state"), "SUCCEEDED");
  EXPECT_EQ(S(e, "reason"), "ExperimentGoalReached") << S(e, "message");
  EXPECT_LT(TuningClient::Trials(get).size(), 12u);
  EXPECT_LE(e.Find("best_objective")->as_double(), 0.05);
}

TEST_F(TuningRuntimeTest, MaxFailedTrialsFailsTheExperiment) {
  TuningClient tuning(api());
  Value get = tuning.Run(Random("failing.py"));
  const Value& e = *get.Find("experiment");
  EXPECT_EQ(S(e, "state"), "FAILED");
  EXPECT_EQ(S(e, "reason"), "ExperimentMaxFailedTrialsReached");
  auto counts = TuningClient::Counts(get);
  EXPECT_GE(counts["FAILED"], 3);
  EXPECT_EQ(counts["SUCCEEDED"], 0);
  EXPECT_LE(TuningClient::Trials(get).size(), 5u);  // 3 failures, at most 2 more in flight
}

TEST_F(TuningRuntimeTest, TrialWithoutMetricsIsMetricsUnavailable) {
  TuningClient tuning(api());
  Value get = tuning.Run(Random("silent.py"), R"("max_failed_trial_count": 1, "parallel_trial_count": 1)");
  const Value& e = *get.Find("experiment");
  EXPECT_EQ(S(e, "state"), "FAILED");
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(S(trials[0], "state"), "METRICS_UNAVAILABLE");
  EXPECT_NE(S(trials[0], "message").find("never reported the objective metric 'loss'"), std::string::npos);
}

TEST_F(TuningRuntimeTest, HangingTrialsTimeOut) {
  TuningClient tuning(api());
  auto start = std::chrono::steady_clock::now();
  Value get = tuning.Run(Random("hang.py"),
                         R"("max_trial_count": 2, "parallel_trial_count": 2, "trial_timeout_seconds": 1)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 2u);
  for (const Value& t : trials) {
    EXPECT_EQ(S(t, "state"), "FAILED");
    EXPECT_EQ(S(t, "reason"), "TrialTimedOut") << t.ToJson();
  }
  EXPECT_EQ(S(*get.Find("experiment"), "state"), "SUCCEEDED");  // maxTrialCount reached, no failure limit hit
}

TEST_F(TuningRuntimeTest, BadSpecsAreRejectedWithClearErrors) {
  TuningClient tuning(api());
  auto error = [&](const std::string& spec) {
    Reply reply = tuning.Submit(spec);
    EXPECT_EQ(reply.status, 400) << reply.Describe();
    EXPECT_NE(reply.body.find("INVALID_PARAMETER_VALUE"), std::string::npos) << reply.body;
    return S(ParseJsonOrEmpty(reply.body), "message");
  };
  std::string base = Random();
  EXPECT_NE(error(ReplaceAll(base, "algorithmName: random", "algorithmName: gradient-descent"))
                .find("unknown algorithm 'gradient-descent'"),
            std::string::npos);
  std::string inverted = error(ReplaceAll(base, "min: \"0.01\"", "min: \"0.09\""));
  EXPECT_NE(inverted.find("inverted range"), std::string::npos) << inverted;
  EXPECT_NE(inverted.find("test.yaml:21:"), std::string::npos) << inverted;
  EXPECT_NE(error(ReplaceAll(base, "objectiveMetricName: loss", "")).find("objectiveMetricName is required"),
            std::string::npos);
  EXPECT_NE(error(ReplaceAll(base, "                command:\n", "                cmd:\n")).find("no command"),
            std::string::npos);
  EXPECT_NE(error("kind: Experiment\nspec: [1, 2").find("test.yaml"), std::string::npos);
  Reply empty = api().Post("/api/2.0/cairn/tuning/experiments/submit", "{}");
  EXPECT_EQ(empty.status, 400);
  Reply missing = api().Get("/api/2.0/cairn/tuning/experiments/get", {{"experiment_id", "nope"}});
  EXPECT_EQ(missing.status, 404) << missing.Describe();
}

TEST_F(TuningRuntimeTest, PushCollectorReadsWhatTheTrialLogged) {
  // The trial logs its metric itself, through the MLflow REST API, to the
  // run named by MLFLOW_RUN_ID.
  std::ofstream(server().dir() / "push.py") << R"(import json, os, sys, time, urllib.request
x = float(sys.argv[1])
uri = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric"
for step in range(3):
    body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": "score", "value": -(x - 1) ** 2 - step * 0.01,
                       "timestamp": int(time.time() * 1000), "step": step}).encode()
    urllib.request.urlopen(urllib.request.Request(uri, body, {"Content-Type": "application/json"})).read()
)";
  std::string study = fmt::format(R"(
name: push-study
objective: {{type: maximize, metric: score, strategies: {{score: latest}}}}
algorithm: grid
parallelTrials: 2
maxTrials: 10
parameters:
  x: {{type: discrete, values: [0, 1, 2]}}
command: [python3, {}, "${{x}}"]
metrics: {{collector: push}}
)",
                                  (server().dir() / "push.py").string());
  TuningClient tuning(api());
  Value get = tuning.Run(study);
  const Value& e = *get.Find("experiment");
  EXPECT_EQ(S(e, "state"), "SUCCEEDED") << get.ToJson().substr(0, 3000);
  EXPECT_EQ(S(e, "reason"), "ExperimentSuggestionEndReached");
  EXPECT_EQ(S(e, "format"), "cairn");
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_NEAR(e.Find("best_objective")->as_double(), -0.02, 1e-9);  // x = 1, latest report
  for (const Value& t : trials) EXPECT_EQ(S(t, "state"), "SUCCEEDED") << t.ToJson();
}

TEST_F(TuningRuntimeTest, ShortFormWithJsonMetricsFile) {
  std::string study = fmt::format(R"(
name: short-form
objective: {{type: minimize, metric: loss, additionalMetrics: [acc]}}
algorithm: random
parallelTrials: 3
maxTrials: 6
parameters:
  lr: {{type: double, min: 0.001, max: 0.1, distribution: logUniform}}
  layers: {{type: int, min: 1, max: 3}}
  opt: {{type: categorical, values: [sgd, adam]}}
command: [sh, -c, 'echo "{{\"loss\": \"${{lr}}\", \"acc\": 0.5}}" > out/metrics.json; echo ${{opt}}-${{layers}}']
metrics: {{collector: File, path: out/metrics.json, format: JSON}}
)");
  TuningClient tuning(api());
  Value get = tuning.Run(study);
  const Value& e = *get.Find("experiment");
  ASSERT_EQ(S(e, "state"), "SUCCEEDED") << get.ToJson().substr(0, 3000);
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 6u);
  for (const Value& t : trials) {
    EXPECT_EQ(S(t, "state"), "SUCCEEDED") << t.ToJson();
    double lr = std::stod(S(t.Find("assignment")->as_list()[0], "value"));
    EXPECT_DOUBLE_EQ(t.Find("objective")->as_double(), lr);
    EXPECT_EQ(t.Find("observation")->as_list().size(), 2u);
  }
  // Logs of a trial through the API.
  Reply logs = api().Get("/api/2.0/cairn/tuning/trials/logs",
                         {{"experiment_id", S(e, "experiment_id")}, {"trial", S(trials[0], "name")}});
  ASSERT_EQ(logs.status, 200) << logs.Describe();
  std::string data = S(ParseJsonOrEmpty(logs.body), "data");
  EXPECT_TRUE(data.rfind("sgd-", 0) == 0 || data.rfind("adam-", 0) == 0) << data;
}

TEST_F(TuningRuntimeTest, RawYamlBodyWithOptionsInTheQuery) {
  Reply reply = api().Send(client::HttpMethod::kPost,
                           "/api/2.0/cairn/tuning/experiments/submit?max_trial_count=2&name=raw-yaml", Random(),
                           {{"Content-Type", "application/yaml"}});
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  TuningClient tuning(api());
  Value get = tuning.Wait(TuningClient::Id(reply));
  EXPECT_EQ(S(*get.Find("experiment"), "name"), "raw-yaml");
  EXPECT_EQ(TuningClient::Trials(get).size(), 2u);
  Reply bad = api().Send(client::HttpMethod::kPost, "/api/2.0/cairn/tuning/experiments/submit?bogus=1", Random(),
                         {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  // The Katib object itself as the JSON body.
  Reply validate = api().Post("/api/2.0/cairn/tuning/validate",
                              R"({"spec": {"kind": "Experiment", "apiVersion": "kubeflow.org/v1beta1", "spec": {}}})");
  ASSERT_EQ(validate.status, 200) << validate.Describe();
  EXPECT_NE(validate.body.find(R"("valid":false)"), std::string::npos) << validate.body;
  EXPECT_NE(validate.body.find("objective is required"), std::string::npos) << validate.body;
}

TEST_F(TuningRuntimeTest, StopKillsTheRunningTrials) {
  TuningClient tuning(api());
  Reply reply = tuning.Submit(Random("hang.py"));
  std::string id = TuningClient::Id(reply);
  ASSERT_FALSE(id.empty()) << reply.Describe();
  for (int i = 0; i < 300 && TuningClient::Counts(tuning.Get(id))["RUNNING"] < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Reply stop = api().Post("/api/2.0/cairn/tuning/experiments/stop", fmt::format(R"({{"experiment_id":"{}"}})", id));
  ASSERT_EQ(stop.status, 200) << stop.Describe();
  Value get = tuning.Wait(id, std::chrono::seconds(60));
  EXPECT_EQ(TuningClient::State(get), "STOPPED");
  auto counts = TuningClient::Counts(get);
  EXPECT_EQ(counts["KILLED"], 3) << get.ToJson().substr(0, 3000);
  // Listed, newest first.
  Reply list = api().Get("/api/2.0/cairn/tuning/experiments/list", {{"state", "STOPPED"}});
  EXPECT_NE(list.body.find(id), std::string::npos);
}

TEST_F(TuningRuntimeTest, LongRunningExperimentResumesWithMoreTrials) {
  TuningClient tuning(api());
  std::string spec = ReplaceAll(Random(), "  maxFailedTrialCount: 3\n", "  maxFailedTrialCount: 3\n  resumePolicy: LongRunning\n");
  Value first = tuning.Run(spec, R"("max_trial_count": 2, "name": "long-running")");
  ASSERT_EQ(TuningClient::State(first), "SUCCEEDED");
  const std::string id = S(*first.Find("experiment"), "experiment_id");
  Reply too_few = api().Post("/api/2.0/cairn/tuning/experiments/resume",
                             fmt::format(R"({{"experiment_id":"{}","max_trial_count":2}})", id));
  EXPECT_EQ(too_few.status, 400) << too_few.Describe();
  Reply resumed = api().Post("/api/2.0/cairn/tuning/experiments/resume",
                             fmt::format(R"({{"experiment_id":"{}","max_trial_count":5}})", id));
  ASSERT_EQ(resumed.status, 200) << resumed.Describe();
  Value get = tuning.Wait(id);
  EXPECT_EQ(TuningClient::State(get), "SUCCEEDED");
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 5u);
  std::set<std::string> assignments;
  for (const Value& t : trials) assignments.insert(t.Find("assignment")->ToJson());
  EXPECT_EQ(assignments.size(), 5u);
  EXPECT_EQ(S(trials[0], "name"), "long-running-0001");
  // resumePolicy Never (the default) cannot be resumed.
  Value never = tuning.Run(Random(), R"("max_trial_count": 1)");
  Reply refused = api().Post("/api/2.0/cairn/tuning/experiments/resume",
                             fmt::format(R"({{"experiment_id":"{}","max_trial_count":3}})",
                                         S(*never.Find("experiment"), "experiment_id")));
  EXPECT_EQ(refused.status, 400) << refused.Describe();
  EXPECT_NE(refused.body.find("resumePolicy Never"), std::string::npos) << refused.body;
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

TEST_F(TuningRuntimeTest, CliTuneWaitListGetStop) {
  auto cairn = [&](const std::vector<std::string>& args) {
    std::string command = ShellQuote(CAIRN_BINARY_PATH);
    for (const auto& arg : args) command += " " + ShellQuote(arg);
    command += " --tracking-uri " + ShellQuote(server().url()) + " 2>&1";
    CliResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, n);
    int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
  };
  fs::path file = server().dir() / "random-cli.yaml";
  std::ofstream(file) << Random();
  CliResult run = cairn({"tune", file.string(), "--wait", "--max-trials", "4", "--name", "cli-random"});
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("SUCCEEDED"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Best trial  cli-random-"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ExperimentMaxTrialsReached"), std::string::npos) << run.out;

  CliResult get = cairn({"tune", "get", "cli-random"});
  ASSERT_EQ(get.exit_code, 0) << get.out;
  EXPECT_NE(get.out.find("cli-random-0004"), std::string::npos) << get.out;
  EXPECT_NE(get.out.find("Importance"), std::string::npos) << get.out;
  CliResult list = cairn({"tune", "list"});
  EXPECT_NE(list.out.find("cli-random"), std::string::npos) << list.out;
  CliResult logs = cairn({"tune", "logs", "cli-random", "cli-random-0001"});
  EXPECT_NE(logs.out.find("epoch 4: loss="), std::string::npos) << logs.out;

  fs::path bad = server().dir() / "bad.yaml";
  std::ofstream(bad) << ReplaceAll(Random(), "algorithmName: random", "algorithmName: nope");
  CliResult invalid = cairn({"tune", bad.string()});
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_NE(invalid.out.find("unknown algorithm 'nope'"), std::string::npos) << invalid.out;
  CliResult validate = cairn({"tune", "validate", file.string()});
  EXPECT_EQ(validate.exit_code, 0) << validate.out;

  fs::path hang = server().dir() / "hang.yaml";
  std::ofstream(hang) << Random("hang.py");
  CliResult submitted = cairn({"tune", hang.string(), "--name", "cli-hang"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.out;
  CliResult stop = cairn({"tune", "stop", "cli-hang"});
  EXPECT_EQ(stop.exit_code, 0) << stop.out;
  TuningClient tuning(api());
  EXPECT_EQ(TuningClient::State(tuning.Wait(submitted.out.substr(0, 32), std::chrono::seconds(60))), "STOPPED");
}

// ------------------------------------------------------------ restart

TEST(TuningRestartTest, ServerKilledMidExperimentCompletesWithoutRepeats) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  WriteTrialPrograms((*server)->dir());
  Api api((*server)->url());
  TuningClient tuning(api);
  std::string spec = RewriteTrialScript(KatibFixture("random.yaml"), (*server)->dir() / "slow.py");
  Reply reply = tuning.Submit(spec);
  std::string id = TuningClient::Id(reply);
  ASSERT_FALSE(id.empty()) << reply.Describe();
  // Kill it (SIGKILL) while the second wave of trials runs.
  for (int i = 0; i < 600 && TuningClient::Trials(tuning.Get(id)).size() < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GE(TuningClient::Trials(tuning.Get(id)).size(), 5u);
  ASSERT_TRUE((*server)->Restart().ok());
  Api restarted((*server)->url());
  TuningClient after(restarted);
  Value get = after.Wait(id);
  const Value& e = *get.Find("experiment");
  EXPECT_EQ(S(e, "state"), "SUCCEEDED") << get.ToJson().substr(0, 3000);
  EXPECT_EQ(S(e, "reason"), "ExperimentMaxTrialsReached");
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 12u);
  std::set<std::string> names, assignments;
  for (const Value& t : trials) {
    EXPECT_EQ(S(t, "state"), "SUCCEEDED") << t.ToJson();
    names.insert(S(t, "name"));
    assignments.insert(t.Find("assignment")->ToJson());
  }
  EXPECT_EQ(names.size(), 12u);
  EXPECT_EQ(assignments.size(), 12u);
  // Each trial process ran exactly once.
  std::string ran = ReadFile((*server)->dir() / "trials.log");
  std::multiset<std::string> runs;
  std::istringstream lines(ran);
  for (std::string line; std::getline(lines, line);) runs.insert(line);
  EXPECT_EQ(runs.size(), 12u) << ran;
  for (const std::string& n : names) EXPECT_EQ(runs.count(n), 1u) << n << "\n" << ran;
  EXPECT_NE((*server)->Log().find("resuming experiment random"), std::string::npos);
  if (HasFailure()) PrintServerLog(**server, 0, "restart test failed");
}

TEST(TuningRestartTest, ExperimentSubmittedJustBeforeACrashStillRunsEachTrialOnce) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  WriteTrialPrograms((*server)->dir());
  Api api((*server)->url());
  TuningClient tuning(api);
  Reply reply = tuning.Submit(RewriteTrialScript(KatibFixture("random.yaml"), (*server)->dir() / "fake_mnist.py"),
                              R"("max_trial_count": 6)");
  std::string id = TuningClient::Id(reply);
  ASSERT_FALSE(id.empty()) << reply.Describe();
  // Killed while its first trials are being recorded and launched.
  ASSERT_TRUE((*server)->Restart().ok());
  Api restarted((*server)->url());
  TuningClient after(restarted);
  Value get = after.Wait(id);
  EXPECT_EQ(TuningClient::State(get), "SUCCEEDED") << get.ToJson().substr(0, 3000);
  auto trials = TuningClient::Trials(get);
  ASSERT_EQ(trials.size(), 6u);
  std::multiset<std::string> runs;
  std::istringstream lines(ReadFile((*server)->dir() / "trials.log"));
  for (std::string line; std::getline(lines, line);) runs.insert(line);
  for (const Value& t : trials) EXPECT_EQ(runs.count(S(t, "name")), 1u) << S(t, "name");
  EXPECT_EQ(runs.size(), 6u);
  if (HasFailure()) PrintServerLog(**server, 0, "restart test failed");
}

TEST(TuningNoResumeTest, ExperimentFailsCleanlyAndItsTrialsAreKilled) {
  auto server = ServerProcess::Start({"--no-tuning-resume"});
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  WriteTrialPrograms((*server)->dir());
  Api api((*server)->url());
  TuningClient tuning(api);
  Reply reply = tuning.Submit(RewriteTrialScript(KatibFixture("random.yaml"), (*server)->dir() / "hang.py"));
  std::string id = TuningClient::Id(reply);
  ASSERT_FALSE(id.empty()) << reply.Describe();
  auto pids = [&] {
    std::vector<int> out;
    std::istringstream lines(ReadFile((*server)->dir() / "hang.pids"));
    for (std::string line; std::getline(lines, line);) out.push_back(std::stoi(line));
    return out;
  };
  for (int i = 0; i < 600 && pids().size() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(pids().size(), 3u);
  ASSERT_TRUE((*server)->Restart().ok());
  Api restarted((*server)->url());
  TuningClient after(restarted);
  Value get = after.Get(id);
  EXPECT_EQ(TuningClient::State(get), "FAILED");
  EXPECT_NE(S(*get.Find("experiment"), "message").find("resuming turned off"), std::string::npos) << get.ToJson();
  EXPECT_EQ(TuningClient::Counts(get)["KILLED"], 3);
  for (int pid : pids()) {
    bool gone = false;
    for (int i = 0; i < 300 && !gone; ++i) {
      gone = ::kill(pid, 0) != 0 && errno == ESRCH;
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(gone) << "trial process " << pid << " still runs";
  }
}

}  // namespace
}  // namespace cairn::integration
