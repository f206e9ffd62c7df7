// Scheduler tests for what a task gets from the host side of a spec:
// secrets as environment variables (KFP PlatformSpec secretAsEnv, cairn
// `secrets:`) read from the local secrets directory, per-task timeouts (KFP
// activeDeadlineSeconds, cairn `timeout:`), exit handlers that still run
// after a cancel, and KFP lightweight Python components on the host's Python.
#include <gtest/gtest.h>

#include "pipelines/scheduler/scheduler_test_fixture.h"

namespace cairn::pipelines {
namespace {

// One KFP task that prints $DB_USER and $DB_PASSWORD, with `platform` as
// the kubernetes executor config of its executor (a PlatformSpec document).
std::string KfpWithPlatform(const std::string& executor_platform, const std::string& command = "") {
  std::string cmd = command.empty() ? "echo user=$DB_USER password=$DB_PASSWORD" : command;
  return R"(
pipelineInfo: {name: secret-env}
schemaVersion: 2.1.0
components:
  comp-step:
    executorLabel: exec-step
    inputDefinitions: {parameters: {secret_name: {parameterType: STRING, isOptional: true}}}
deploymentSpec:
  executors:
    exec-step: {container: {image: alpine, command: [sh, -c, ')" +
         cmd + R"(']}}
root:
  inputDefinitions: {parameters: {secret_name: {parameterType: STRING, defaultValue: db-creds}}}
  dag:
    tasks:
      step:
        componentRef: {name: comp-step}
        inputs: {parameters: {secret_name: {componentInputParameter: secret_name}}}
        taskInfo: {name: step}
---
platforms:
  kubernetes:
    deploymentSpec:
      executors:
        exec-step:
)" + executor_platform;
}

class SchedulerPlatformTest : public SchedulerTest {
 protected:
  void StartWithSecrets() {
    secrets_ = root_ / "secrets";
    fs::create_directories(secrets_ / "db-creds");
    std::ofstream(secrets_ / "db-creds" / "username") << "alice";
    std::ofstream(secrets_ / "db-creds" / "password") << "s3cr3t";
    SchedulerOptions options;
    options.secrets_dir = secrets_.string();
    StartScheduler(options);
  }
  fs::path secrets_;
};

TEST_F(SchedulerPlatformTest, KfpSecretAsEnvReachesTheTaskButNotItsRecord) {
  StartWithSecrets();
  PipelineRunRecord run = Run(KfpWithPlatform(R"(
          secretAsEnv:
          - secretName: db-creds
            keyToEnv:
            - {secretKey: username, envVar: DB_USER}
            - {secretKey: password, envVar: DB_PASSWORD}
)"));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  TaskRecord t = Tasks(run.run_id).at("step");
  EXPECT_EQ(Stdout(t), "user=alice password=s3cr3t\n");
  // The value is in the process environment only, never in what is stored.
  EXPECT_EQ(t.command_json.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(t.inputs_json.find("s3cr3t"), std::string::npos);
}

TEST_F(SchedulerPlatformTest, SecretNameFromAPipelineParameter) {
  StartWithSecrets();
  fs::create_directories(secrets_ / "other");
  std::ofstream(secrets_ / "other" / "password") << "other-pw";
  const std::string spec = KfpWithPlatform(R"(
          secretAsEnv:
          - secretNameParameter: {componentInputParameter: secret_name}
            keyToEnv:
            - {secretKey: password, envVar: DB_PASSWORD}
)");
  PipelineRunRecord run = Run(spec, {{"secret_name", "other"}});
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  EXPECT_EQ(Stdout(Tasks(run.run_id).at("step")), "user= password=other-pw\n");
}

TEST_F(SchedulerPlatformTest, MissingSecretFailsTheTaskUnlessOptional) {
  StartWithSecrets();
  PipelineRunRecord run = Run(KfpWithPlatform(R"(
          secretAsEnv:
          - secretName: db-creds
            keyToEnv:
            - {secretKey: token, envVar: DB_PASSWORD}
)"));
  EXPECT_EQ(run.state, RunState::kFailed);
  TaskRecord t = Tasks(run.run_id).at("step");
  EXPECT_EQ(t.state, NodeState::kFailed);
  EXPECT_NE(t.error.find("secret 'db-creds' has no key 'token'"), std::string::npos) << t.error;

  PipelineRunRecord optional = Run(KfpWithPlatform(R"(
          secretAsEnv:
          - secretName: absent
            optional: true
            keyToEnv:
            - {secretKey: password, envVar: DB_PASSWORD}
)"));
  ASSERT_EQ(optional.state, RunState::kSucceeded) << optional.error;
  EXPECT_EQ(Stdout(Tasks(optional.run_id).at("step")), "user= password=\n");
}

TEST_F(SchedulerPlatformTest, SecretNamesCannotLeaveTheSecretsDirectory) {
  StartWithSecrets();
  std::ofstream(root_ / "outside") << "not a secret";
  for (const char* name : {"..", "../outside", "db-creds/../..", "/etc"}) {
    PipelineRunRecord run = Run(KfpWithPlatform(R"(
          secretAsEnv:
          - secretNameParameter: {componentInputParameter: secret_name}
            keyToEnv:
            - {secretKey: password, envVar: DB_PASSWORD}
)"),
                                {{"secret_name", name}});
    EXPECT_EQ(run.state, RunState::kFailed) << name;
    TaskRecord t = Tasks(run.run_id).at("step");
    EXPECT_NE(t.error.find("is not a valid secret name"), std::string::npos) << name << ": " << t.error;
  }
}

TEST_F(SchedulerPlatformTest, CairnSecretsAndTimeout) {
  StartWithSecrets();
  PipelineRunRecord run = Run(R"(
name: cairn-secrets
steps:
  show:
    run: echo "pw=$PW"
    secrets:
      - {secret: db-creds, key: password, env: PW}
  slow:
    run: sleep 600
    timeout: 1s
)");
  EXPECT_EQ(run.state, RunState::kFailed);
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(Stdout(tasks.at("show")), "pw=s3cr3t\n");
  EXPECT_EQ(tasks.at("slow").state, NodeState::kFailed);
  EXPECT_NE(tasks.at("slow").error.find("timed out"), std::string::npos) << tasks.at("slow").error;
  EXPECT_LT(tasks.at("slow").finished_ms - tasks.at("slow").started_ms, 30000);
}

TEST_F(SchedulerPlatformTest, KfpActiveDeadlineSecondsTimesTheTaskOut) {
  StartScheduler();
  PipelineRunRecord run = Run(KfpWithPlatform("          activeDeadlineSeconds: '1'\n", "exec sleep 600"));
  EXPECT_EQ(run.state, RunState::kFailed);
  TaskRecord t = Tasks(run.run_id).at("step");
  EXPECT_NE(t.error.find("timed out"), std::string::npos) << t.error;
  EXPECT_LT(t.finished_ms - t.started_ms, 30000);
}

// An exit handler whose body sleeps; the exit task runs `exit_command`
// (default: print the body's final status).
std::string ExitHandlerSleeps(const std::string& exit_command =
                                  R"([echo, "status:", "{{$.inputs.parameters['status']}}"])") {
  return R"(
pipelineInfo: {name: exit-handler-cancel}
schemaVersion: 2.1.0
components:
  comp-exit-handler-1:
    dag:
      tasks:
        sleep:
          componentRef: {name: comp-sleep}
          taskInfo: {name: sleep}
  comp-sleep:
    executorLabel: exec-sleep
  comp-exit-op:
    executorLabel: exec-exit-op
    inputDefinitions:
      parameters:
        status: {parameterType: TASK_FINAL_STATUS, isOptional: true}
deploymentSpec:
  executors:
    exec-sleep: {container: {image: alpine, command: [sleep, "600"]}}
    exec-exit-op: {container: {image: alpine, command: )" +
         exit_command + R"(}}
root:
  dag:
    tasks:
      exit-handler-1:
        componentRef: {name: comp-exit-handler-1}
        taskInfo: {name: body}
      exit-op:
        componentRef: {name: comp-exit-op}
        dependentTasks: [exit-handler-1]
        inputs: {parameters: {status: {taskFinalStatus: {producerTask: exit-handler-1}}}}
        taskInfo: {name: exit-op}
        triggerPolicy: {strategy: ALL_UPSTREAM_TASKS_COMPLETED}
)";
}

bool Launched(const std::map<std::string, TaskRecord>& tasks, const std::string& id) {
  auto it = tasks.find(id);
  return it != tasks.end() && !it->second.handle.empty() && it->second.state == NodeState::kRunning;
}

TEST_F(SchedulerPlatformTest, ExitHandlerStillRunsAfterCancel) {
  StartScheduler();
  PipelineRunRecord run = Submit(ExitHandlerSleeps());
  ASSERT_TRUE(Eventually([&] { return Launched(Tasks(run.run_id), "exit-handler-1/sleep"); }));
  ASSERT_TRUE(scheduler_->Cancel(run.run_id).ok());
  PipelineRunRecord done = Wait(run.run_id, 30000);
  EXPECT_EQ(done.state, RunState::kCancelled);
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("exit-handler-1/sleep").state, NodeState::kCancelled);
  ASSERT_EQ(tasks.at("exit-op").state, NodeState::kSucceeded) << tasks.at("exit-op").error;
  const std::string out = Stdout(tasks.at("exit-op"));
  EXPECT_NE(out.find("\"state\":\"CANCELLED\""), std::string::npos) << out;
}

TEST_F(SchedulerPlatformTest, CairnAlwaysStepRunsAfterCancel) {
  StartScheduler();
  PipelineRunRecord run = Submit(R"(
name: cleanup-after-cancel
steps:
  work:
    run: exec sleep 600
  cleanup:
    needs: work
    always: true
    run: echo cleaned up
)");
  ASSERT_TRUE(Eventually([&] { return Launched(Tasks(run.run_id), "work"); }));
  ASSERT_TRUE(scheduler_->Cancel(run.run_id).ok());
  EXPECT_EQ(Wait(run.run_id, 30000).state, RunState::kCancelled);
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("work").state, NodeState::kCancelled);
  ASSERT_EQ(tasks.at("cleanup").state, NodeState::kSucceeded) << tasks.at("cleanup").error;
  EXPECT_EQ(Stdout(tasks.at("cleanup")), "cleaned up\n");
}

TEST_F(SchedulerPlatformTest, SecondCancelStopsTheExitHandlerToo) {
  StartScheduler();
  PipelineRunRecord run = Submit(ExitHandlerSleeps(R"([sleep, "600"])"));
  ASSERT_TRUE(Eventually([&] { return Launched(Tasks(run.run_id), "exit-handler-1/sleep"); }));
  ASSERT_TRUE(scheduler_->Cancel(run.run_id).ok());
  ASSERT_TRUE(Eventually([&] { return Launched(Tasks(run.run_id), "exit-op"); }));
  ASSERT_TRUE(scheduler_->Cancel(run.run_id).ok());
  PipelineRunRecord done = Wait(run.run_id, 30000);
  EXPECT_EQ(done.state, RunState::kCancelled);
  EXPECT_EQ(Tasks(run.run_id).at("exit-op").state, NodeState::kCancelled);
}

// A stand-in for the `kfp` distribution, installed on PYTHONPATH: enough of
// kfp.dsl.executor_main to call the component's function with its
// ExecutorInput parameters and write the Output parameter file, so the test
// shows what cairn does (checks the requirement, drops the pip step, passes
// the ExecutorInput) without network access to install the real package.
void InstallKfpStandIn(const fs::path& site) {
  fs::create_directories(site / "kfp" / "dsl");
  fs::create_directories(site / "kfp-2.14.6.dist-info");
  std::ofstream(site / "kfp-2.14.6.dist-info" / "METADATA") << "Metadata-Version: 2.1\nName: kfp\nVersion: 2.14.6\n";
  std::ofstream(site / "kfp" / "__init__.py") << "";
  std::ofstream(site / "kfp" / "dsl" / "__init__.py") << "";
  std::ofstream(site / "kfp" / "dsl" / "executor_main.py") << R"PY(
import argparse, importlib.util, json, os
parser = argparse.ArgumentParser()
parser.add_argument("--component_module_path")
parser.add_argument("--executor_input")
parser.add_argument("--function_to_execute")
args = parser.parse_args()
spec = importlib.util.spec_from_file_location("component", args.component_module_path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
executor_input = json.loads(args.executor_input)
params = executor_input["inputs"].get("parameterValues", {})
result = getattr(module, args.function_to_execute)(**params)
out = executor_input["outputs"]["parameters"]["Output"]["outputFile"]
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    f.write(json.dumps(result))
)PY";
}

TEST_F(SchedulerPlatformTest, LightweightPythonComponentWithoutKfpFailsNamingIt) {
  SchedulerOptions options;
  options.task_env = {{"PYTHONPATH", (root_ / "empty-site").string()}};
  StartScheduler(options);
  PipelineRunRecord run = Run(Fixture("add_numbers.yaml"), {{"a", "2"}, {"b", "3"}});
  EXPECT_EQ(run.state, RunState::kFailed);
  TaskRecord t = Tasks(run.run_id).at("add-numbers");
  EXPECT_EQ(t.state, NodeState::kFailed);
  EXPECT_NE(t.error.find("KFP lightweight Python component"), std::string::npos) << t.error;
  EXPECT_NE(t.error.find("kfp==2.14.6"), std::string::npos) << t.error;
  // typing-extensions is only required below Python 3.9.
  EXPECT_EQ(t.error.find("typing-extensions"), std::string::npos) << t.error;
}

TEST_F(SchedulerPlatformTest, LightweightPythonComponentRunsWithTheHostsKfp) {
  InstallKfpStandIn(root_ / "site");
  SchedulerOptions options;
  options.task_env = {{"PYTHONPATH", (root_ / "site").string()}};
  StartScheduler(options);
  PipelineRunRecord run = Run(Fixture("add_numbers.yaml"), {{"a", "2"}, {"b", "3"}});
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  TaskRecord t = Tasks(run.run_id).at("add-numbers");
  EXPECT_EQ(Output(t, "Output").ToJson(), "5");
  // The recorded command is what ran: no pip step.
  EXPECT_EQ(t.command_json.find("pip install"), std::string::npos) << t.command_json;
  EXPECT_NE(t.command_json.find("kfp.dsl.executor_main"), std::string::npos) << t.command_json;
}

}  // namespace
}  // namespace cairn::pipelines
