// The pipelines REST API against the real binary: KFP container fixtures
// end to end, tracking (the run is a tracking run, tasks nested runs with
// params / metrics / artifacts / tags, task processes reporting to their own
// run through MLFLOW_TRACKING_URI + MLFLOW_RUN_ID), caching, cancel, logs,
// validate and bad input.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "integration/pipelines_test_util.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

namespace fs = std::filesystem;

constexpr char kTracked[] = R"(
pipelineInfo: {name: tracked}
schemaVersion: 2.1.0
components:
  comp-report:
    executorLabel: exec-report
    inputDefinitions: {parameters: {lr: {parameterType: NUMBER_DOUBLE}}}
    outputDefinitions:
      parameters: {score: {parameterType: NUMBER_DOUBLE}, note: {parameterType: STRING}}
      artifacts:
        metrics: {artifactType: {schemaTitle: system.Metrics, schemaVersion: 0.0.1}}
        model: {artifactType: {schemaTitle: system.Model, schemaVersion: 0.0.1}}
deploymentSpec:
  executors:
    exec-report:
      container:
        image: python:3.11
        command:
        - python3
        - -c
        - |
          import json, os, sys, urllib.request
          score_file, note_file, out_file, model_path, lr = sys.argv[1:6]
          uri, run_id = os.environ["MLFLOW_TRACKING_URI"], os.environ["MLFLOW_RUN_ID"]
          print("tracking", uri, run_id)
          body = json.dumps({"run_id": run_id, "key": "reported", "value": 7.5, "timestamp": 1, "step": 0}).encode()
          req = urllib.request.Request(uri + "/api/2.0/mlflow/runs/log-metric", data=body,
                                       headers={"Content-Type": "application/json"})
          urllib.request.urlopen(req).read()
          open(score_file, "w").write(str(float(lr) * 10))
          open(note_file, "w").write("fine")
          os.makedirs(model_path, exist_ok=True)
          open(os.path.join(model_path, "weights.txt"), "w").write("w")
          json.dump({"artifacts": {"metrics": {"artifacts": [{"name": "metrics", "metadata": {"accuracy": 0.91}}]}}},
                    open(out_file, "w"))
        - "{{$.outputs.parameters['score'].output_file}}"
        - "{{$.outputs.parameters['note'].output_file}}"
        - "{{$.outputs.output_file}}"
        - "{{$.outputs.artifacts['model'].path}}"
        - "{{$.inputs.parameters['lr']}}"
root:
  dag:
    outputs:
      parameters:
        score: {valueFromParameter: {producerSubtask: report, outputParameterKey: score}}
    tasks:
      report:
        cachingOptions: {enableCache: true}
        componentRef: {name: comp-report}
        inputs: {parameters: {lr: {componentInputParameter: lr}}}
        taskInfo: {name: report}
  inputDefinitions:
    parameters: {lr: {parameterType: NUMBER_DOUBLE, defaultValue: 0.1}}
  outputDefinitions:
    parameters: {score: {parameterType: NUMBER_DOUBLE}}
)";

class PipelinesApiTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    shims_ = fs::temp_directory_path() / fmt::format("cairn_pipelines_shims_{}", ::getpid());
    InstallShims(shims_);
    StartSharedServer({});
  }
  static void TearDownTestSuite() {
    ServerTest::TearDownTestSuite();
    fs::remove_all(shims_);
  }
  PipelinesClient pipelines() { return PipelinesClient(api()); }

  // runs/get of a tracking run.
  Value TrackingRun(const std::string& run_id) {
    Reply reply = api().Get("runs/get", {{"run_id", run_id}});
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    Value v = ParseOrEmpty(reply.body);
    const Value* run = v.Find("run");
    return run ? *run : Value::MakeStruct({});
  }
  static std::string DataEntry(const Value& run, std::string_view list, std::string_view key) {
    const Value* data = run.Find("data");
    const Value* items = data ? data->Find(list) : nullptr;
    if (items == nullptr || !items->is_list()) return "<none>";
    for (const Value& item : items->as_list()) {
      if (Str(item, "key") == key) {
        const Value* value = item.Find("value");
        return value->is_string() ? value->as_string() : value->ToJson();
      }
    }
    return "<none>";
  }

  static inline fs::path shims_;
};

TEST_F(PipelinesApiTest, ContainerFixturesRunEndToEnd) {
  struct Case {
    std::string file;
    std::string params;
    std::string task;
    std::string expected_stdout;  // "" = not checked
  };
  const Case cases[] = {
      {"hello_world.yaml", "{}", "echo", "hello world\n"},
      {"pipeline_with_after.yaml", "{}", "print-text-3", "3rd task\n"},
      {"pipeline_with_task_final_status_yaml.yaml", R"({"message":"hi"})", "exit-handler-1/print-op", "hi\n"},
      {"two_step_pipeline_containerized.yaml", "{}", "", ""},
      {"container_io.yaml", R"({"text":"abc"})", "", ""},
      {"container_with_concat_placeholder.yaml", R"({"text1":"abc"})", "", ""},
      {"container_with_if_placeholder.yaml", "{}", "", ""},
      {"pipeline_with_nested_conditions_yaml.yaml", "{}", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    Reply submitted = pipelines().Submit(KfpFixture(c.file), c.params);
    ASSERT_EQ(submitted.status, 200) << submitted.Describe();
    std::string id = PipelinesClient::RunId(submitted);
    Value get = pipelines().Wait(id);
    EXPECT_EQ(PipelinesClient::State(get), "SUCCEEDED") << get.ToJson();
    if (!c.task.empty()) {
      ASSERT_NE(PipelinesClient::Task(get, c.task), nullptr) << get.ToJson();
      EXPECT_EQ(pipelines().Logs(id, c.task), c.expected_stdout);
    }
  }
}

TEST_F(PipelinesApiTest, RunIsTrackedWithNestedTaskRuns) {
  std::string experiment = CreateExperiment("pipelines");
  ASSERT_FALSE(HasFatalFailure());
  Value get = pipelines().Run(kTracked, R"({"lr": 0.5})", fmt::format(R"("experiment_id":"{}")", experiment));
  ASSERT_EQ(PipelinesClient::State(get), "SUCCEEDED") << get.ToJson();
  const Value& run = *get.Find("run");
  EXPECT_EQ(run.Find("outputs")->ToJson(), R"({"parameters":{"score":5},"artifacts":{}})");
  std::string parent_id = Str(run, "mlflow_run_id");
  ASSERT_FALSE(parent_id.empty());
  Value parent = TrackingRun(parent_id);
  EXPECT_EQ(Str(*parent.Find("info"), "status"), "FINISHED");
  EXPECT_EQ(Str(*parent.Find("info"), "experiment_id"), experiment);
  EXPECT_EQ(DataEntry(parent, "params", "lr"), "0.5");
  EXPECT_EQ(DataEntry(parent, "tags", "cairn.pipeline.run_id"), Str(run, "run_id"));
  EXPECT_EQ(DataEntry(parent, "metrics", "score"), "5");

  const Value* task = PipelinesClient::Task(get, "report");
  ASSERT_NE(task, nullptr);
  std::string child_id = Str(*task, "mlflow_run_id");
  ASSERT_FALSE(child_id.empty());
  Value child = TrackingRun(child_id);
  EXPECT_EQ(Str(*child.Find("info"), "status"), "FINISHED");
  EXPECT_EQ(DataEntry(child, "tags", "mlflow.parentRunId"), parent_id);
  EXPECT_EQ(DataEntry(child, "tags", "cairn.task.image"), "python:3.11");
  EXPECT_EQ(DataEntry(child, "tags", "cairn.task.cache_hit"), "false");
  EXPECT_NE(DataEntry(child, "tags", "cairn.task.command").find("python3"), std::string::npos);
  EXPECT_EQ(DataEntry(child, "tags", "cairn.output.note"), "fine");
  EXPECT_EQ(DataEntry(child, "params", "lr"), "0.5");
  EXPECT_EQ(DataEntry(child, "metrics", "score"), "5");        // numeric output parameter
  EXPECT_EQ(DataEntry(child, "metrics", "accuracy"), "0.91");  // Metrics artifact value
  EXPECT_EQ(DataEntry(child, "metrics", "reported"), "7.5");   // logged by the task itself
  // The task saw its own run.
  std::string out = pipelines().Logs(Str(run, "run_id"), "report");
  EXPECT_EQ(out, fmt::format("tracking {} {}\n", server().url(), child_id));
  // Logs and output artifacts are artifacts of the task's run.
  Reply listed = api().Get("artifacts/list", {{"run_id", child_id}, {"path", "logs"}});
  EXPECT_NE(listed.body.find("logs/stdout.log"), std::string::npos) << listed.Describe();
  Reply model = api().Get("artifacts/list", {{"run_id", child_id}, {"path", "outputs/model"}});
  EXPECT_NE(model.body.find("outputs/model/weights.txt"), std::string::npos) << model.Describe();
  // The submitted spec is an artifact of the pipeline run.
  Reply spec = api().Get("artifacts/list", {{"run_id", parent_id}});
  EXPECT_NE(spec.body.find("pipeline.yaml"), std::string::npos) << spec.Describe();
}

TEST_F(PipelinesApiTest, CacheHitOnRerunIsTracked) {
  Value first = pipelines().Run(kTracked, R"({"lr": 0.25})");
  ASSERT_EQ(PipelinesClient::State(first), "SUCCEEDED");
  Value second = pipelines().Run(kTracked, R"({"lr": 0.25})");
  ASSERT_EQ(PipelinesClient::State(second), "SUCCEEDED");
  const Value* task = PipelinesClient::Task(second, "report");
  ASSERT_NE(task, nullptr);
  EXPECT_TRUE(task->Find("cached")->as_bool());
  EXPECT_EQ(Str(*task, "cached_from"), Str(*first.Find("run"), "run_id") + "/report");
  EXPECT_EQ(second.Find("run")->Find("outputs")->ToJson(), first.Find("run")->Find("outputs")->ToJson());
  Value child = TrackingRun(Str(*task, "mlflow_run_id"));
  EXPECT_EQ(DataEntry(child, "tags", "cairn.task.cache_hit"), "true");
  // cache_enabled=false runs it again.
  Value third = pipelines().Run(kTracked, R"({"lr": 0.25})", R"("cache_enabled": false)");
  EXPECT_FALSE(PipelinesClient::Task(third, "report")->Find("cached")->as_bool());
}

TEST_F(PipelinesApiTest, CancelMidRun) {
  Reply submitted = pipelines().Submit(OneTaskSpec("sleeper", "echo started; exec sleep 1000"));
  ASSERT_EQ(submitted.status, 200) << submitted.Describe();
  std::string id = PipelinesClient::RunId(submitted);
  // Wait until the task runs.
  for (int i = 0; i < 500; ++i) {
    Reply logs = api().Get("/api/2.0/cairn/pipelines/runs/logs", {{"run_id", id}, {"task", "step"}});
    if (logs.status == 200 && Str(ParseOrEmpty(logs.body), "data") == "started\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Reply cancel = api().Post("/api/2.0/cairn/pipelines/runs/cancel", fmt::format(R"({{"run_id":"{}"}})", id));
  ASSERT_EQ(cancel.status, 200) << cancel.Describe();
  Value get = pipelines().Wait(id, std::chrono::seconds(30));
  EXPECT_EQ(PipelinesClient::State(get), "CANCELLED");
  EXPECT_EQ(Str(*PipelinesClient::Task(get, "step"), "state"), "CANCELLED");
  Value parent = TrackingRun(Str(*get.Find("run"), "mlflow_run_id"));
  EXPECT_EQ(Str(*parent.Find("info"), "status"), "KILLED");
}

// A spec POSTed as YAML (options in the query string), whose step reads a
// secret from the server's default secrets directory (<data>/secrets).
TEST_F(PipelinesApiTest, YamlSubmitWithASecret) {
  const fs::path secret = server().artifacts_dir().parent_path() / "secrets" / "api-token";
  fs::create_directories(secret);
  std::ofstream(secret / "token") << "tok-123";
  const std::string spec = R"(
name: yaml-submit
params:
  greeting: {type: string, default: hi}
steps:
  greet:
    run: echo "${{ params.greeting }} $TOKEN"
    secrets:
      - {secret: api-token, key: token, env: TOKEN}
    timeout: 60s
)";
  const std::string submit = "/api/2.0/cairn/pipelines/runs/submit";
  Reply reply = api().Send(client::HttpMethod::kPost, submit + "?param=greeting=hello&display_name=from-yaml", spec,
                           {{"Content-Type", "application/yaml"}});
  ASSERT_EQ(reply.status, 200) << reply.Describe();
  std::string id = PipelinesClient::RunId(reply);
  Value get = pipelines().Wait(id);
  EXPECT_EQ(PipelinesClient::State(get), "SUCCEEDED") << get.ToJson();
  EXPECT_EQ(Str(*get.Find("run"), "display_name"), "from-yaml");
  Reply logs = api().Get("/api/2.0/cairn/pipelines/runs/logs", {{"run_id", id}, {"task", "greet"}});
  EXPECT_EQ(Str(ParseOrEmpty(logs.body), "data"), "hello tok-123\n");
  // The secret's value is in the task's environment only, not in its record.
  EXPECT_EQ(get.ToJson().find("tok-123"), std::string::npos);

  auto yaml_post = [&](const std::string& query, const std::string& body) {
    return api().Send(client::HttpMethod::kPost, submit + query, body, {{"Content-Type", "application/yaml"}});
  };
  EXPECT_TRUE(IsApiError(yaml_post("?param=nokey", spec), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsApiError(yaml_post("?unknown=1", spec), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsApiError(yaml_post("?cache_enabled=maybe", spec), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsApiError(yaml_post("", ""), 400, "INVALID_PARAMETER_VALUE"));
  EXPECT_TRUE(IsApiError(yaml_post("", "steps: [unclosed"), 400, "INVALID_PARAMETER_VALUE"));
  Reply validate = api().Send(client::HttpMethod::kPost, "/api/2.0/cairn/pipelines/validate", spec,
                              {{"Content-Type", "application/yaml"}});
  ASSERT_EQ(validate.status, 200) << validate.Describe();
  EXPECT_NE(validate.body.find(R"("valid":true)"), std::string::npos) << validate.body;
}

TEST_F(PipelinesApiTest, ListAndLogPaging) {
  std::string id = PipelinesClient::RunId(pipelines().Submit(OneTaskSpec("counter", "seq 1 1000")));
  ASSERT_FALSE(id.empty());
  pipelines().Wait(id);
  Reply list = api().Get("/api/2.0/cairn/pipelines/runs/list", {{"max_results", "1"}});
  ASSERT_EQ(list.status, 200) << list.Describe();
  Value listed = ParseOrEmpty(list.body);
  ASSERT_EQ(listed.Find("runs")->as_list().size(), 1u);
  EXPECT_EQ(Str(listed.Find("runs")->as_list()[0], "run_id"), id);  // newest first
  EXPECT_FALSE(Str(listed, "next_page_token").empty());
  Reply succeeded = api().Get("/api/2.0/cairn/pipelines/runs/list", {{"state", "SUCCEEDED"}});
  EXPECT_NE(succeeded.body.find(id), std::string::npos);
  // Logs in chunks.
  Reply part = api().Get("/api/2.0/cairn/pipelines/runs/logs",
                         {{"run_id", id}, {"task", "step"}, {"offset", "2"}, {"max_bytes", "4"}});
  ASSERT_EQ(part.status, 200) << part.Describe();
  Value chunk = ParseOrEmpty(part.body);
  EXPECT_EQ(Str(chunk, "data"), "2\n3\n");
  EXPECT_EQ(Int(chunk, "next_offset"), 6);
  EXPECT_FALSE(chunk.Find("eof")->as_bool());
}

TEST_F(PipelinesApiTest, Validate) {
  Reply ok = api().Post("/api/2.0/cairn/pipelines/validate",
                        fmt::format(R"({{"spec":{}}})", Quoted(KfpFixture("hello_world.yaml"))));
  ASSERT_EQ(ok.status, 200) << ok.Describe();
  EXPECT_TRUE(ParseOrEmpty(ok.body).Find("valid")->as_bool());
  EXPECT_EQ(Str(ParseOrEmpty(ok.body), "pipeline_name"), "echo");
  Reply bad = api().Post("/api/2.0/cairn/pipelines/validate", R"({"spec":"root: [unclosed"})");
  ASSERT_EQ(bad.status, 200) << bad.Describe();
  EXPECT_FALSE(ParseOrEmpty(bad.body).Find("valid")->as_bool());
  EXPECT_EQ(ParseOrEmpty(bad.body).Find("problems")->as_list().size(), 1u);
}

TEST_F(PipelinesApiTest, BadInputGetsErrorJson) {
  auto expect_error = [](const Reply& reply, int status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.Describe();
    EXPECT_EQ(Str(ParseOrEmpty(reply.body), "error_code"), code) << reply.Describe();
  };
  const std::string submit = "/api/2.0/cairn/pipelines/runs/submit";
  expect_error(api().Post(submit, "{}"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Post(submit, "not json"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Post(submit, "[1,2]"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Post(submit, R"({"spec":"root: [unclosed"})"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Post(submit, R"({"spec":42})"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(pipelines().Submit(KfpFixture("hello_world.yaml"), R"({"nope":1})"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(pipelines().Submit(KfpFixture("container_io.yaml"), "{}"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(pipelines().Submit(KfpFixture("hello_world.yaml"), "{}", R"("parallelism":-1)"), 400,
               "INVALID_PARAMETER_VALUE");
  expect_error(pipelines().Submit(KfpFixture("hello_world.yaml"), "{}", R"("experiment_id":"424242")"), 400,
               "INVALID_PARAMETER_VALUE");
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/get", {{"run_id", "nope"}}), 404, "RESOURCE_DOES_NOT_EXIST");
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/get"), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/list", {{"state", "BOGUS"}}), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/list", {{"max_results", "0"}}), 400, "INVALID_PARAMETER_VALUE");
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/list", {{"page_token", "zzz"}}), 400,
               "INVALID_PARAMETER_VALUE");
  expect_error(api().Post("/api/2.0/cairn/pipelines/runs/cancel", R"({"run_id":"nope"})"), 404,
               "RESOURCE_DOES_NOT_EXIST");
  std::string id = PipelinesClient::RunId(pipelines().Submit(KfpFixture("hello_world.yaml")));
  ASSERT_FALSE(id.empty());
  pipelines().Wait(id);
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/logs", {{"run_id", id}, {"task", "nope"}}), 404,
               "RESOURCE_DOES_NOT_EXIST");
  expect_error(api().Get("/api/2.0/cairn/pipelines/runs/logs", {{"run_id", id}, {"task", "echo"}, {"stream", "x"}}),
               400, "INVALID_PARAMETER_VALUE");
  expect_error(
      api().Get("/api/2.0/cairn/pipelines/runs/logs", {{"run_id", id}, {"task", "echo"}, {"max_bytes", "999999999"}}),
      400, "INVALID_PARAMETER_VALUE");
  // Wrong method.
  EXPECT_EQ(api().Get("/api/2.0/cairn/pipelines/runs/submit").status, 405);
}

}  // namespace
}  // namespace cairn::integration
