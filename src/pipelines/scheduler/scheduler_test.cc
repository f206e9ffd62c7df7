// Scheduler tests with the real LocalExecutor (tasks are host processes) and
// the in-memory run store: KFP container fixtures end to end, control flow
// (conditions, loops with fan-in, exit handlers), retries, caching, cancel,
// resume after a restart, and the hostile cases (wide fan-out, huge logs,
// steps that never end).
#include "pipelines/scheduler/scheduler.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pipelines/scheduler/scheduler_test_fixture.h"

namespace cairn::pipelines {
namespace {

// ---------------------------------------------------------------- specs

constexpr char kExitHandlerFails[] = R"(
pipelineInfo: {name: exit-handler-fails}
schemaVersion: 2.1.0
components:
  comp-exit-handler-1:
    dag:
      tasks:
        fail-op:
          componentRef: {name: comp-fail-op}
          taskInfo: {name: fail-op}
        after-fail:
          componentRef: {name: comp-echo}
          dependentTasks: [fail-op]
          inputs: {parameters: {msg: {runtimeValue: {constant: never}}}}
          taskInfo: {name: after-fail}
  comp-fail-op:
    executorLabel: exec-fail-op
  comp-echo:
    executorLabel: exec-echo
    inputDefinitions: {parameters: {msg: {parameterType: STRING}}}
  comp-exit-op:
    executorLabel: exec-exit-op
    inputDefinitions:
      parameters:
        status: {parameterType: TASK_FINAL_STATUS, isOptional: true}
deploymentSpec:
  executors:
    exec-fail-op: {container: {image: alpine, command: [sh, -c, "echo failing; exit 7"]}}
    exec-echo: {container: {image: alpine, command: [echo, "{{$.inputs.parameters['msg']}}"]}}
    exec-exit-op: {container: {image: alpine, command: [echo, "status:", "{{$.inputs.parameters['status']}}"]}}
root:
  dag:
    tasks:
      exit-handler-1:
        componentRef: {name: comp-exit-handler-1}
        taskInfo: {name: my-pipeline}
      exit-op:
        componentRef: {name: comp-exit-op}
        dependentTasks: [exit-handler-1]
        inputs: {parameters: {status: {taskFinalStatus: {producerTask: exit-handler-1}}}}
        taskInfo: {name: exit-op}
        triggerPolicy: {strategy: ALL_UPSTREAM_TASKS_COMPLETED}
)";

// ParallelFor over a raw list (at most 2 iterations at once), a scalar
// output per iteration collected into a list, summed by a fan-in task.
std::string LoopFanIn(const std::string& items, int parallelism) {
  return std::string(R"(
pipelineInfo: {name: loop-fan-in}
schemaVersion: 2.1.0
components:
  comp-for-loop-1:
    dag:
      outputs:
        parameters:
          pipelinechannel--square-Output:
            valueFromParameter: {producerSubtask: square, outputParameterKey: Output}
      tasks:
        square:
          componentRef: {name: comp-square}
          inputs: {parameters: {x: {componentInputParameter: pipelinechannel--loop-item-param-1}}}
          taskInfo: {name: square}
    inputDefinitions:
      parameters:
        pipelinechannel--loop-item-param-1: {parameterType: NUMBER_INTEGER}
    outputDefinitions:
      parameters:
        pipelinechannel--square-Output: {parameterType: LIST}
  comp-square:
    executorLabel: exec-square
    inputDefinitions: {parameters: {x: {parameterType: NUMBER_INTEGER}}}
    outputDefinitions: {parameters: {Output: {parameterType: NUMBER_INTEGER}}}
  comp-sum:
    executorLabel: exec-sum
    inputDefinitions: {parameters: {xs: {parameterType: LIST}}}
    outputDefinitions: {parameters: {Output: {parameterType: NUMBER_INTEGER}}}
deploymentSpec:
  executors:
    exec-square:
      container:
        image: alpine
        command: [sh, -c, 'echo $(($0 * $0)) > "$1"', "{{$.inputs.parameters['x']}}", "{{$.outputs.parameters['Output'].output_file}}"]
    exec-sum:
      container:
        image: alpine
        command: [sh, -c, 'echo "$0"; s=0; for v in $(echo "$0" | tr "[]," "   "); do s=$((s + v)); done; echo $s > "$1"', "{{$.inputs.parameters['xs']}}", "{{$.outputs.parameters['Output'].output_file}}"]
root:
  dag:
    outputs:
      parameters:
        total: {valueFromParameter: {producerSubtask: sum, outputParameterKey: Output}}
    tasks:
      for-loop-1:
        componentRef: {name: comp-for-loop-1}
        parameterIterator:
          itemInput: pipelinechannel--loop-item-param-1
          items: {raw: ')") + items + R"('}
        iteratorPolicy: {parallelismLimit: )" + std::to_string(parallelism) + R"(}
        taskInfo: {name: for-loop-1}
      sum:
        componentRef: {name: comp-sum}
        dependentTasks: [for-loop-1]
        inputs:
          parameters:
            xs: {taskOutputParameter: {producerTask: for-loop-1, outputParameterKey: pipelinechannel--square-Output}}
        taskInfo: {name: sum}
  outputDefinitions:
    parameters:
      total: {parameterType: NUMBER_INTEGER}
)";
}

// A task that fails until it has run three times (counted in a file).
constexpr char kFlaky[] = R"(
pipelineInfo: {name: flaky}
schemaVersion: 2.1.0
components:
  comp-flaky:
    executorLabel: exec-flaky
    inputDefinitions: {parameters: {counter: {parameterType: STRING}}}
deploymentSpec:
  executors:
    exec-flaky:
      container:
        image: alpine
        command: [sh, -c, 'echo x >> "$0"; n=$(wc -l < "$0"); echo "attempt $n"; [ "$n" -ge 3 ]', "{{$.inputs.parameters['counter']}}"]
root:
  dag:
    tasks:
      flaky:
        componentRef: {name: comp-flaky}
        inputs: {parameters: {counter: {componentInputParameter: counter}}}
        retryPolicy: {maxRetryCount: 3, backoffDuration: 0.2s, backoffFactor: 2, backoffMaxDuration: 10s}
        taskInfo: {name: flaky}
  inputDefinitions:
    parameters:
      counter: {parameterType: STRING}
)";

// `sleep` appends a line to `marker` and sleeps; `after` follows it.
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

// One cached task whose output is its own pid (differs on every real run).
constexpr char kCached[] = R"(
pipelineInfo: {name: cached}
schemaVersion: 2.1.0
components:
  comp-pid:
    executorLabel: exec-pid
    inputDefinitions: {parameters: {salt: {parameterType: STRING}}}
    outputDefinitions:
      parameters: {Output: {parameterType: STRING}}
      artifacts: {data: {artifactType: {schemaTitle: system.Dataset, schemaVersion: 0.0.1}}}
deploymentSpec:
  executors:
    exec-pid:
      container:
        image: alpine
        command: [sh, -c, 'echo -n $$ > "$0"; echo "$1" > "$2"', "{{$.outputs.parameters['Output'].output_file}}", "{{$.inputs.parameters['salt']}}", "{{$.outputs.artifacts['data'].path}}"]
root:
  dag:
    outputs:
      parameters:
        pid: {valueFromParameter: {producerSubtask: pid, outputParameterKey: Output}}
    tasks:
      pid:
        cachingOptions: {enableCache: true}
        componentRef: {name: comp-pid}
        inputs: {parameters: {salt: {componentInputParameter: salt}}}
        taskInfo: {name: pid}
  inputDefinitions:
    parameters:
      salt: {parameterType: STRING}
  outputDefinitions:
    parameters:
      pid: {parameterType: STRING}
)";


// ------------------------------------------------------ KFP fixtures

TEST_F(SchedulerTest, HelloWorldFixture) {
  StartScheduler();
  PipelineRunRecord run = Run(Fixture("hello_world.yaml"));
  EXPECT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  ASSERT_EQ(tasks.size(), 1u);
  const TaskRecord& echo = tasks.begin()->second;
  EXPECT_EQ(echo.state, NodeState::kSucceeded);
  EXPECT_EQ(Stdout(echo), "hello world\n");
  EXPECT_EQ(echo.image, "registry.access.redhat.com/ubi9/python-311:latest");
  EXPECT_EQ(echo.command_json, R"(["echo","hello world"])");
  EXPECT_EQ(echo.attempt, 1);
  EXPECT_EQ(echo.executor, "local");
}

TEST_F(SchedulerTest, ContainerIoFixture) {
  StartScheduler();
  PipelineRunRecord run = Run(Fixture("container_io.yaml"), {{"text", "hi there"}});
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  const TaskRecord& t = tasks.at("container-io");
  std::string out_file = t.attempt_dir + "/outputs/output_path";
  EXPECT_EQ(Output(t, "output_path").as_string(), "hi there|--output_path|" + out_file + "|");
  // The pipeline output is the DAG output bound to the task's.
  EXPECT_NE(run.outputs_json.find("hi there|--output_path|"), std::string::npos) << run.outputs_json;
}

TEST_F(SchedulerTest, ConcatPlaceholderFixture) {
  StartScheduler();
  PipelineRunRecord run = Run(Fixture("container_with_concat_placeholder.yaml"), {{"text1", "abc"}});
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  TaskRecord t = Tasks(run.run_id).at("container-with-concat-placeholder");
  std::string value = Output(t, "output_path").as_string();
  EXPECT_EQ(value.rfind("prefix-abc/", 0), 0u) << value;  // "prefix-" + text1 + the artifact uri
  EXPECT_NE(value.find("/container-with-concat-placeholder/artifacts/text2|--output_path|"), std::string::npos)
      << value;
}

TEST_F(SchedulerTest, IfPresentPlaceholderFixture) {
  StartScheduler();
  // optional_input has a default, so it counts as present (KFP semantics).
  PipelineRunRecord run = Run(Fixture("container_with_if_placeholder.yaml"));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  TaskRecord t = Tasks(run.run_id).at("container-with-if-placeholder");
  std::string value = Output(t, "output_path").as_string();
  EXPECT_EQ(value.rfind("default|--dataset|/", 0), 0u) << value;
  EXPECT_NE(value.find("/artifacts/dataset|--output_path|"), std::string::npos) << value;
}

TEST_F(SchedulerTest, PipelineWithAfterRunsInOrder) {
  StartScheduler();
  PipelineRunRecord run = Run(Fixture("pipeline_with_after.yaml"));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(Stdout(tasks.at("print-text")), "1st task\n");
  EXPECT_EQ(Stdout(tasks.at("print-text-2")), "2nd task\n");
  EXPECT_EQ(Stdout(tasks.at("print-text-3")), "3rd task\n");
  EXPECT_LE(tasks.at("print-text").finished_ms, tasks.at("print-text-2").started_ms);
  EXPECT_LE(tasks.at("print-text-2").finished_ms, tasks.at("print-text-3").started_ms);
}

TEST_F(SchedulerTest, NestedConditionsFixture) {
  StartScheduler();
  PipelineRunRecord run = Run(Fixture("pipeline_with_nested_conditions_yaml.yaml"));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  std::string coin = Output(tasks.at("flip-coin"), "output").as_string();
  ASSERT_TRUE(coin == "heads" || coin == "tails") << coin;
  // Exactly one branch of the coin runs; the other is skipped.
  const std::string taken = coin == "heads" ? "condition-1" : "condition-4";
  const std::string other = coin == "heads" ? "condition-4" : "condition-1";
  EXPECT_EQ(tasks.at(taken).state, NodeState::kSucceeded);
  EXPECT_EQ(tasks.at(other).state, NodeState::kSkipped);
  EXPECT_EQ(tasks.count(other + "/generate-random-number"), 0u);
  // Inside the taken branch, the number decides the nested condition.
  const std::string gen = coin == "heads" ? "condition-1/generate-random-number" : "condition-4/generate-random-number-2";
  int64_t n = Output(tasks.at(gen), "output").as_int();
  const int64_t threshold = coin == "heads" ? 5 : 15;
  std::string big = coin == "heads" ? "condition-1/condition-2" : "condition-4/condition-5";
  std::string small = coin == "heads" ? "condition-1/condition-3" : "condition-4/condition-6";
  EXPECT_EQ(tasks.at(big).state, n > threshold ? NodeState::kSucceeded : NodeState::kSkipped);
  EXPECT_EQ(tasks.at(small).state, n > threshold ? NodeState::kSkipped : NodeState::kSucceeded);
  // The f-string message was resolved against the task's other inputs.
  std::string printer = n > threshold ? big : small;
  bool found = false;
  for (const auto& [id, t] : tasks) {
    if (id.rfind(printer + "/print", 0) == 0) {
      EXPECT_NE(Stdout(t).find(coin + " and " + std::to_string(n)), std::string::npos) << Stdout(t);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(SchedulerTest, TaskFinalStatusFixture) {
  StartScheduler();
  PipelineRunRecord run = Run(Fixture("pipeline_with_task_final_status_yaml.yaml"));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(Stdout(tasks.at("exit-handler-1/print-op")), "Hello World!\n");
  std::string exit_out = Stdout(tasks.at("exit-op"));
  EXPECT_NE(exit_out.find("user input: Hello World! pipeline status: {\"state\":\"SUCCEEDED\""), std::string::npos)
      << exit_out;
  EXPECT_NE(exit_out.find("\"pipelineTaskName\":\"my-pipeline\""), std::string::npos) << exit_out;
}

// ------------------------------------------------------ control flow

TEST_F(SchedulerTest, ExitHandlerRunsAfterAFailingTask) {
  StartScheduler();
  PipelineRunRecord run = Run(kExitHandlerFails);
  EXPECT_EQ(run.state, RunState::kFailed);
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("exit-handler-1/fail-op").state, NodeState::kFailed);
  EXPECT_EQ(tasks.at("exit-handler-1/fail-op").exit_code, 7);
  EXPECT_EQ(tasks.at("exit-handler-1/after-fail").state, NodeState::kNotTriggered);
  EXPECT_EQ(tasks.at("exit-handler-1").state, NodeState::kFailed);
  ASSERT_EQ(tasks.at("exit-op").state, NodeState::kSucceeded);
  std::string out = Stdout(tasks.at("exit-op"));
  EXPECT_NE(out.find("status: {\"state\":\"FAILED\""), std::string::npos) << out;
  EXPECT_NE(out.find("task 'fail-op' failed: exit status 7"), std::string::npos) << out;
}

TEST_F(SchedulerTest, LoopWithFanIn) {
  StartScheduler();
  PipelineRunRecord run = Run(LoopFanIn("[1, 2, 3, 4]", 2));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("for-loop-1").kind, NodeKind::kLoop);
  EXPECT_EQ(tasks.at("for-loop-1[2]").kind, NodeKind::kIteration);
  EXPECT_EQ(Output(tasks.at("for-loop-1[2]/square"), "Output").as_int(), 9);
  EXPECT_EQ(Output(tasks.at("for-loop-1"), "pipelinechannel--square-Output").ToJson(), "[1,4,9,16]");
  EXPECT_EQ(Output(tasks.at("sum"), "Output").as_int(), 30);
  EXPECT_NE(run.outputs_json.find("\"total\":30"), std::string::npos) << run.outputs_json;
  // parallelismLimit 2: no three iterations overlapped.
  std::vector<std::pair<int64_t, int64_t>> spans;
  for (int i = 0; i < 4; ++i) {
    const TaskRecord& t = tasks.at("for-loop-1[" + std::to_string(i) + "]/square");
    spans.emplace_back(t.started_ms, t.finished_ms);
  }
  for (const auto& s : spans) {
    int overlapping = 0;
    for (const auto& o : spans) overlapping += (o.first <= s.first && s.first < o.second) ? 1 : 0;
    EXPECT_LE(overlapping, 2);
  }
}

TEST_F(SchedulerTest, EmptyLoopSucceedsWithEmptyList) {
  StartScheduler();
  PipelineRunRecord run = Run(LoopFanIn("[]", 0));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  EXPECT_EQ(Output(Tasks(run.run_id).at("sum"), "Output").as_int(), 0);
}

TEST_F(SchedulerTest, RetriesWithBackoff) {
  StartScheduler();
  std::string counter = (root_ / "counter").string();
  auto start = std::chrono::steady_clock::now();
  PipelineRunRecord run = Run(kFlaky, {{"counter", counter}});
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  TaskRecord t = Tasks(run.run_id).at("flaky");
  EXPECT_EQ(t.attempt, 3);
  EXPECT_EQ(ReadAll(counter), "x\nx\nx\n");
  EXPECT_EQ(Stdout(t), "attempt 3\n");
  EXPECT_NE(t.attempt_dir.find("attempt-3"), std::string::npos);
  // Backoff 0.2 s, then 0.4 s.
  EXPECT_GE(elapsed.count(), 600);
}

TEST_F(SchedulerTest, RetriesExhaustedFailTheTask) {
  StartScheduler();
  std::string counter = (root_ / "counter").string();
  std::string spec = kFlaky;
  spec.replace(spec.find("maxRetryCount: 3"), 16, "maxRetryCount: 1");
  PipelineRunRecord run = Run(spec, {{"counter", counter}});
  EXPECT_EQ(run.state, RunState::kFailed);
  TaskRecord t = Tasks(run.run_id).at("flaky");
  EXPECT_EQ(t.state, NodeState::kFailed);
  EXPECT_EQ(t.attempt, 2);
  EXPECT_EQ(t.error, "exit status 1");
}

TEST_F(SchedulerTest, CacheHitOnRerunAndOffSwitches) {
  StartScheduler();
  PipelineRunRecord first = Run(kCached, {{"salt", "a"}});
  ASSERT_EQ(first.state, RunState::kSucceeded) << first.error;
  TaskRecord t1 = Tasks(first.run_id).at("pid");
  EXPECT_FALSE(t1.cached);
  EXPECT_FALSE(t1.fingerprint.empty());

  PipelineRunRecord second = Run(kCached, {{"salt", "a"}});
  ASSERT_EQ(second.state, RunState::kSucceeded);
  TaskRecord t2 = Tasks(second.run_id).at("pid");
  EXPECT_TRUE(t2.cached);
  EXPECT_EQ(t2.cached_from, first.run_id + "/pid");
  EXPECT_EQ(t2.fingerprint, t1.fingerprint);
  EXPECT_EQ(Output(t2, "Output"), Output(t1, "Output"));
  EXPECT_EQ(second.outputs_json, first.outputs_json);
  EXPECT_EQ(t2.attempt, 0);  // nothing ran

  // Other inputs: another fingerprint, a real run.
  TaskRecord t3 = Tasks(Run(kCached, {{"salt", "b"}}).run_id).at("pid");
  EXPECT_FALSE(t3.cached);
  EXPECT_NE(t3.fingerprint, t1.fingerprint);

  // Per-run off switch.
  TaskRecord t4 = Tasks(Run(kCached, {{"salt", "a"}}, /*cache=*/false).run_id).at("pid");
  EXPECT_FALSE(t4.cached);
  EXPECT_NE(Output(t4, "Output"), Output(t1, "Output"));

  // Global off switch.
  SchedulerOptions options;
  options.cache_disabled = true;
  StartScheduler(options);
  TaskRecord t5 = Tasks(Run(kCached, {{"salt", "a"}}).run_id).at("pid");
  EXPECT_FALSE(t5.cached);
}

TEST_F(SchedulerTest, CacheMissWhenArtifactIsGone) {
  StartScheduler();
  PipelineRunRecord first = Run(kCached, {{"salt", "a"}});
  ASSERT_EQ(first.state, RunState::kSucceeded);
  auto io = TaskIoFromJson(Tasks(first.run_id).at("pid").outputs_json);
  ASSERT_TRUE(io.ok());
  fs::remove_all(io->artifacts.at("data").at(0).uri);
  EXPECT_FALSE(Tasks(Run(kCached, {{"salt", "a"}}).run_id).at("pid").cached);
}

TEST_F(SchedulerTest, CancelMidRunKillsTheTaskAndStopsTheRun) {
  StartScheduler();
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kSleeper, {{"marker", marker}, {"seconds", "1000"}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  pid_t pid = std::stoi(ReadAll(marker));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(scheduler_->Cancel(run.run_id).ok());
  PipelineRunRecord done = Wait(run.run_id, 20000);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(done.state, RunState::kCancelled);
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("sleep").state, NodeState::kCancelled);
  EXPECT_EQ(tasks.at("after").state, NodeState::kCancelled);
  EXPECT_TRUE(Eventually([&] { return kill(-pid, 0) != 0 && errno == ESRCH; }));
  EXPECT_EQ(ReadAll(marker).find("after"), std::string::npos);
  // Cancelling a finished run is a no-op; an unknown run is NotFound.
  EXPECT_TRUE(scheduler_->Cancel(run.run_id).ok());
  EXPECT_EQ(scheduler_->Cancel("nope").code(), StatusCode::kNotFound);
}

TEST_F(SchedulerTest, RestartMidRunResumesWithoutRunningATaskTwice) {
  StartScheduler();
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kSleeper, {{"marker", marker}, {"seconds", "1"}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  // "Crash" the server: the scheduler and executor go away, the task keeps
  // running; a new instance takes over.
  StartScheduler();
  PipelineRunRecord done = Wait(run.run_id);
  ASSERT_EQ(done.state, RunState::kSucceeded) << done.error;
  auto tasks = Tasks(run.run_id);
  EXPECT_EQ(tasks.at("sleep").attempt, 1);
  EXPECT_EQ(Stdout(tasks.at("sleep")), "slept\n");
  // Exactly one run of `sleep` (its pid line) and one of `after`.
  std::string lines = ReadAll(marker);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;
  EXPECT_NE(lines.find("after"), std::string::npos);
  EXPECT_EQ(done.owner, run.owner);  // the same replica, restarted, took its run back
}

TEST_F(SchedulerTest, RestartWithResumeDisabledFailsTheRunCleanly) {
  StartScheduler();
  std::string marker = (root_ / "marker").string();
  PipelineRunRecord run = Submit(kSleeper, {{"marker", marker}, {"seconds", "1000"}});
  ASSERT_TRUE(Eventually([&] { return !ReadAll(marker).empty(); }));
  pid_t pid = std::stoi(ReadAll(marker));
  SchedulerOptions options;
  options.resume_runs = false;
  StartScheduler(options);
  auto done = store_->GetRun(run.run_id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->state, RunState::kFailed);
  EXPECT_NE(done->error.find("restarted"), std::string::npos);
  EXPECT_TRUE(Eventually([&] { return kill(-pid, 0) != 0 && errno == ESRCH; }));
}

TEST_F(SchedulerTest, BadSpecsAndParametersAreRejected) {
  StartScheduler();
  SubmitRequest request;
  request.spec_yaml = "root: [";
  EXPECT_EQ(scheduler_->Submit(request).status().code(), StatusCode::kInvalidArgument);
  request.spec_yaml = kSleeper;
  request.parameters = {{"marker", "x"}};  // seconds missing
  EXPECT_EQ(scheduler_->Submit(request).status().code(), StatusCode::kInvalidArgument);
  request.parameters = {{"marker", "x"}, {"seconds", "1"}, {"bogus", "1"}};
  auto unknown = scheduler_->Submit(request);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("'bogus'"), std::string::npos);
}

// ------------------------------------------------------ hostile

TEST_F(SchedulerTest, StepThatNeverEndsTimesOut) {
  SchedulerOptions options;
  options.task_timeout_ms = 500;
  StartScheduler(options);
  PipelineRunRecord run = Run(OneTask("echo $$ > pid; exec sleep 1000"));
  EXPECT_EQ(run.state, RunState::kFailed);
  TaskRecord t = Tasks(run.run_id).at("step");
  EXPECT_EQ(t.state, NodeState::kFailed);
  EXPECT_NE(t.error.find("timed out"), std::string::npos) << t.error;
  pid_t pid = std::stoi(ReadAll(fs::path(t.attempt_dir) / "work" / "pid"));
  EXPECT_TRUE(Eventually([&] { return kill(-pid, 0) != 0 && errno == ESRCH; }));
}

TEST_F(SchedulerTest, StepPrintingGigabytesIsCapped) {
  LocalExecutorOptions executor_options;
  executor_options.max_log_bytes = 1 << 20;
  StartScheduler({}, executor_options);
  PipelineRunRecord run = Run(OneTask("head -c 2000000000 /dev/zero"));
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  TaskRecord t = Tasks(run.run_id).at("step");
  EXPECT_LT(fs::file_size(fs::path(t.attempt_dir) / "stdout.log"), (1u << 20) + 200);
  EXPECT_NE(ReadAll(fs::path(t.attempt_dir) / "stdout.log").find("[cairn: log truncated"), std::string::npos);
}

TEST_F(SchedulerTest, HugeOutputParameterFailsTheTask) {
  StartScheduler();
  PipelineRunRecord run = Run(R"(
pipelineInfo: {name: huge-output}
schemaVersion: 2.1.0
components:
  comp-big:
    executorLabel: exec-big
    outputDefinitions: {parameters: {Output: {parameterType: STRING}}}
deploymentSpec:
  executors:
    exec-big: {container: {image: alpine, command: [sh, -c, 'head -c 20000000 /dev/zero > "$0"', "{{$.outputs.parameters['Output'].output_file}}"]}}
root:
  dag:
    tasks:
      big:
        componentRef: {name: comp-big}
        taskInfo: {name: big}
)");
  EXPECT_EQ(run.state, RunState::kFailed);
  TaskRecord t = Tasks(run.run_id).at("big");
  EXPECT_NE(t.error.find("larger than"), std::string::npos) << t.error;
}

TEST_F(SchedulerTest, WideFanOutIsBoundedAndCompletes) {
  SchedulerOptions options;
  options.max_parallel_tasks = 8;
  StartScheduler(options);
  const int n = 1000;  // the 10,000-task version runs in the integration suite
  std::string items = "[";
  for (int i = 0; i < n; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  PipelineRunRecord run = Run(LoopFanIn(items, 0), {}, /*cache=*/false);
  ASSERT_EQ(run.state, RunState::kSucceeded) << run.error;
  auto tasks = Tasks(run.run_id);
  int64_t expected = 0;
  for (int64_t i = 0; i < n; ++i) expected += i * i;
  EXPECT_EQ(Output(tasks.at("sum"), "Output").as_int(), expected);
  // Never more than 8 containers at once.
  std::vector<std::pair<int64_t, int>> events;
  for (const auto& [id, t] : tasks) {
    if (t.kind != NodeKind::kContainer || id == "sum") continue;
    events.emplace_back(t.started_ms, +1);
    events.emplace_back(t.finished_ms, -1);
  }
  std::sort(events.begin(), events.end(), [](auto a, auto b) { return a.first != b.first ? a.first < b.first : a.second < b.second; });
  int live = 0, peak = 0;
  for (auto& e : events) peak = std::max(peak, live += e.second);
  EXPECT_LE(peak, 8);
}

}  // namespace
}  // namespace cairn::pipelines
