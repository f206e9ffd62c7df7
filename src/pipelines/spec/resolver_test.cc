// Placeholder resolution over the KFP container fixtures, and the
// ExecutorInput JSON shape.
#include "pipelines/spec/resolver.h"

#include <gtest/gtest.h>

namespace cairn::pipelines {
namespace {

Pipeline Load(const std::string& file) {
  auto p = LoadPipelineFile(std::string(CAIRN_PIPELINES_TESTDATA) + "/kfp/" + file);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : Pipeline{};
}

const ContainerSpec& OnlyContainer(const Pipeline& p) {
  return *p.root_dag().tasks.begin()->second.component->container();
}

RuntimeArtifact Artifact(std::string name, std::string uri, std::string path) {
  RuntimeArtifact a;
  a.name = std::move(name);
  a.type.schema_title = "system.Dataset";
  a.uri = std::move(uri);
  a.local_path = std::move(path);
  return a;
}

using Argv = std::vector<std::string>;

TEST(ResolverTest, ConcatPlaceholder) {
  Pipeline p = Load("container_with_concat_placeholder.yaml");
  ExecutionContext ctx;
  ctx.input_parameters["text1"] = Value::String("hello");
  ctx.output_artifacts["text2"] = {Artifact("text2", "minio://b/run/text2", "/minio/b/run/text2")};
  ctx.output_parameter_files["output_path"] = "/tmp/outputs/output_path";
  auto argv = ResolveArgv(OnlyContainer(p), ctx);
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  EXPECT_EQ(*argv, (Argv{"my_program", "prefix-hellominio://b/run/text2", "--output_path", "/tmp/outputs/output_path"}));
}

TEST(ResolverTest, IfPresentWithOptionalInput) {
  Pipeline p = Load("container_with_if_placeholder.yaml");
  ExecutionContext ctx;
  ctx.input_parameters["optional_input"] = Value::String("default");
  ctx.output_artifacts["dataset"] = {Artifact("dataset", "minio://b/ds", "/minio/b/ds")};
  ctx.output_parameter_files["output_path"] = "/o/p";
  auto argv = ResolveArgv(OnlyContainer(p), ctx);
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  EXPECT_EQ(*argv, (Argv{"my_program", "default", "--dataset", "minio://b/ds", "--output_path", "/o/p"}));
}

TEST(ResolverTest, IfPresentWithoutOptionalInput) {
  Pipeline p = Load("container_with_if_placeholder.yaml");
  ExecutionContext ctx;
  ctx.output_artifacts["dataset"] = {Artifact("dataset", "minio://b/ds", "/minio/b/ds")};
  ctx.output_parameter_files["output_path"] = "/o/p";
  auto argv = ResolveArgv(OnlyContainer(p), ctx);
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  EXPECT_EQ(*argv, (Argv{"my_program", "bye", "--dataset", "bye", "--output_path", "/o/p"}));
}

TEST(ResolverTest, ContainerIoAndArtifactPaths) {
  Pipeline io = Load("container_io.yaml");
  ExecutionContext ctx;
  ctx.input_parameters["text"] = Value::String("it's \"quoted\" $HOME");
  ctx.output_parameter_files["output_path"] = "/o/p";
  auto argv = ResolveArgv(OnlyContainer(io), ctx);
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  EXPECT_NE(std::find(argv->begin(), argv->end(), "it's \"quoted\" $HOME"), argv->end());

  Pipeline two = Load("two_step_pipeline_containerized.yaml");
  for (const auto& [key, task] : two.root_dag().tasks) {
    const ContainerSpec& c = *task.component->container();
    ExecutionContext t;
    for (const auto& [n, spec] : task.component->inputs.parameters) t.input_parameters[n] = Value::String("v");
    for (const auto& [n, spec] : task.component->inputs.artifacts) t.input_artifacts[n] = {Artifact(n, "u", "/in/" + n)};
    for (const auto& [n, spec] : task.component->outputs.artifacts) t.output_artifacts[n] = {Artifact(n, "u", "/out/" + n)};
    for (const auto& [n, spec] : task.component->outputs.parameters) t.output_parameter_files[n] = "/out/" + n;
    auto resolved = ResolveArgv(c, t);
    ASSERT_TRUE(resolved.ok()) << key << ": " << resolved.status().ToString();
    std::string joined;
    for (const auto& a : *resolved) joined += a + " ";
    EXPECT_EQ(joined.find("{{$"), std::string::npos) << joined;
  }
}

TEST(ResolverTest, ValueRendering) {
  StringTemplate t = ParseStringTemplate("{{$.inputs.parameters['x']}}");
  ExecutionContext ctx;
  auto render = [&](Value v) {
    ctx.input_parameters["x"] = std::move(v);
    return ResolveString(t, ctx).value();
  };
  EXPECT_EQ(render(Value::Int(3)), "3");
  EXPECT_EQ(render(Value::Double(3.0)), "3");
  EXPECT_EQ(render(Value::Double(0.1)), "0.1");
  EXPECT_EQ(render(Value::Bool(true)), "true");
  EXPECT_EQ(render(Value::String("a b")), "a b");
  EXPECT_EQ(render(Value::MakeList({Value::Int(1), Value::String("a")})), "[1,\"a\"]");
  EXPECT_EQ(render(Value::MakeStruct({{"k", Value::Double(1.5)}})), "{\"k\":1.5}");
}

TEST(ResolverTest, RuntimePlaceholdersAndErrors) {
  ExecutionContext ctx;
  ctx.runtime.pipeline_job_name = "job";
  ctx.runtime.pipeline_job_uuid = "uuid-1";
  ctx.runtime.pipeline_task_name = "train";
  ctx.runtime.pipeline_task_uuid = "uuid-2";
  ctx.runtime.pipeline_job_create_time_utc = "2026-01-01T00:00:00Z";
  ctx.runtime.pipeline_job_schedule_time_utc = "2026-01-01T00:00:01Z";
  auto s = ResolveString(ParseStringTemplate("{{$.pipeline_job_name}}/{{$.pipeline_job_uuid}}/{{$.pipeline_task_name}}/"
                                             "{{$.pipeline_task_uuid}}/{{$.pipeline_job_create_time_utc}}/"
                                             "{{$.pipeline_job_schedule_time_utc}}"),
                         ctx);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "job/uuid-1/train/uuid-2/2026-01-01T00:00:00Z/2026-01-01T00:00:01Z");

  auto missing = ResolveString(ParseStringTemplate("{{$.inputs.parameters['nope']}}"), ctx);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  auto unknown = ResolveString(ParseStringTemplate("{{$.inputs.bogus}}"), ctx);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown placeholder"), std::string::npos);
  auto ws = ResolveString(ParseStringTemplate("{{$.workspace_path}}"), ctx);
  EXPECT_FALSE(ws.ok());
}

TEST(ResolverTest, ArtifactMetadata) {
  ExecutionContext ctx;
  RuntimeArtifact a = Artifact("m", "u", "/p");
  a.metadata = Value::MakeStruct({{"accuracy", Value::Double(0.9)}});
  ctx.input_artifacts["m"] = {a};
  EXPECT_EQ(ResolveString(ParseStringTemplate("{{$.inputs.artifacts['m'].metadata}}"), ctx).value(),
            "{\"accuracy\":0.9}");
  EXPECT_EQ(ResolveString(ParseStringTemplate("{{$.inputs.artifacts['m'].metadata['accuracy']}}"), ctx).value(), "0.9");
}

TEST(ResolverTest, ExecutorInputJsonShape) {
  ExecutionContext ctx;
  ctx.input_parameters["n"] = Value::Int(3);
  ctx.input_parameters["s"] = Value::String("x");
  ctx.input_artifacts["data"] = {Artifact("data", "minio://b/data", "/minio/b/data")};
  ctx.output_parameter_files["Output"] = "/tmp/kfp/outputs/Output";
  ctx.output_artifacts["model"] = {Artifact("model", "minio://b/model", "/minio/b/model")};
  ctx.output_metadata_file = "/tmp/kfp/output_metadata.json";
  const std::string json = BuildExecutorInputJson(ctx);
  auto v = Value::ParseJson(json);
  ASSERT_TRUE(v.ok()) << json;
  const Value* inputs = v->Find("inputs");
  ASSERT_NE(inputs, nullptr);
  EXPECT_EQ(*inputs->Find("parameterValues")->Find("n"), Value::Int(3));
  const Value& art = inputs->Find("artifacts")->Find("data")->Find("artifacts")->as_list().at(0);
  EXPECT_EQ(art.Find("uri")->as_string(), "minio://b/data");
  EXPECT_EQ(art.Find("type")->Find("schemaTitle")->as_string(), "system.Dataset");
  EXPECT_TRUE(art.Find("metadata")->is_struct());
  const Value* outputs = v->Find("outputs");
  EXPECT_EQ(outputs->Find("parameters")->Find("Output")->Find("outputFile")->as_string(), "/tmp/kfp/outputs/Output");
  EXPECT_EQ(outputs->Find("artifacts")->Find("model")->Find("artifacts")->as_list().at(0).Find("name")->as_string(),
            "model");
  EXPECT_EQ(outputs->Find("outputFile")->as_string(), "/tmp/kfp/output_metadata.json");

  // {{$}} is the same JSON as one argv element.
  auto whole = ResolveString(ParseStringTemplate("{{$}}"), ctx);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, json);
}

TEST(ResolverTest, LightweightPythonComponentGetsExecutorInput) {
  Pipeline p = Load("add_numbers.yaml");
  const ContainerSpec& c = OnlyContainer(p);
  ExecutionContext ctx;
  ctx.input_parameters["a"] = Value::Int(1);
  ctx.input_parameters["b"] = Value::Int(2);
  ctx.output_parameter_files["Output"] = "/o";
  auto argv = ResolveArgv(c, ctx);
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  auto it = std::find(argv->begin(), argv->end(), "--executor_input");
  ASSERT_NE(it, argv->end());
  ASSERT_NE(it + 1, argv->end());
  EXPECT_EQ(*(it + 1), BuildExecutorInputJson(ctx));
}

}  // namespace
}  // namespace cairn::pipelines
