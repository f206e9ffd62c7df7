// KFP IR loader + validator over the vendored KFP sample pipelines
// (tests/data/kfp, copied from kubeflow/pipelines; see INDEX.md there).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "pipelines/graph.h"
#include "pipelines/spec/resolver.h"

namespace cairn::pipelines {
namespace {

std::string KfpDir() { return std::string(CAIRN_PIPELINES_TESTDATA) + "/kfp"; }

Pipeline MustLoad(const std::string& file) {
  auto p = LoadPipelineFile(KfpDir() + "/" + file);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : Pipeline{};
}

std::string Describe(const std::vector<SpecProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += std::string(SeverityName(p.severity)) + " " + p.location + ": " + p.message + "\n";
  }
  return out;
}

TEST(KfpLoaderTest, EveryFixtureLoadsAndValidates) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(KfpDir())) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    SCOPED_TRACE(entry.path().filename().string());
    auto p = LoadPipelineFile(entry.path().string());
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ(p->format, SpecFormat::kKfpIr);
    EXPECT_FALSE(p->name.empty());
    auto problems = ValidatePipeline(*p);
    EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
  }
  EXPECT_GE(count, 36);
}

}  // namespace
}  // namespace cairn::pipelines

namespace cairn::pipelines {
namespace {

const Task& RootTask(const Pipeline& p, const std::string& key) { return p.root_dag().tasks.at(key); }

TEST(KfpLoaderTest, HelloWorldShape) {
  Pipeline p = MustLoad("hello_world.yaml");
  ASSERT_TRUE(p.root && p.root->dag());
  ASSERT_EQ(p.root_dag().tasks.size(), 1u);
  const Task& t = p.root_dag().tasks.begin()->second;
  ASSERT_TRUE(t.component && t.component->container());
  EXPECT_FALSE(t.component->container()->image.empty());
  EXPECT_TRUE(t.caching.enabled);
  EXPECT_EQ(t.location, "root.dag.tasks." + t.key);
}

TEST(KfpLoaderTest, LoopsIteratorsAndSelectors) {
  Pipeline p = MustLoad("pipeline_with_loops.yaml");
  const Task& raw = RootTask(p, "for-loop-4");
  ASSERT_TRUE(raw.iterator && raw.iterator->raw_items);
  EXPECT_EQ(raw.iterator->raw_items->as_list().size(), 2u);
  EXPECT_EQ(raw.iterator->item_input, "pipelinechannel--loop-item-param-3");
  const Task& from_param = RootTask(p, "for-loop-1");
  EXPECT_EQ(from_param.iterator->input_parameter, "pipelinechannel--loop_parameter");
  const Task& from_task = RootTask(p, "for-loop-2");
  EXPECT_EQ(from_task.upstream, (std::set<std::string>{"args-generator-op"}));
  // parseJson(string_value)["A_a"] on a loop item.
  bool saw_selector = false;
  for (const auto& [_, c] : p.components) {
    const Dag* d = c->dag();
    if (!d) continue;
    for (const auto& [key, t] : d->tasks) {
      for (const auto& [name, in] : t.parameter_inputs) {
        if (in.expression_selector.empty()) continue;
        saw_selector = true;
        ASSERT_TRUE(in.selector_expr) << in.expression_selector;
        cel::Activation a{{"string_value", Value::String(R"({"A_a": "1", "B_b": "2"})")}};
        auto v = cel::Evaluate(*in.selector_expr, a);
        ASSERT_TRUE(v.ok()) << v.status().ToString();
        EXPECT_TRUE(v->is_string());
      }
    }
  }
  EXPECT_TRUE(saw_selector);
}

TEST(KfpLoaderTest, ParallelismLimit) {
  Pipeline p = MustLoad("pipeline_with_parallelfor_pipeline_param.yaml");
  bool found = false;
  for (const auto& [_, c] : p.components) {
    if (const Dag* d = c->dag()) {
      for (const auto& [k, t] : d->tasks) found = found || (t.iterator && t.iterator->parallelism_limit > 0);
    }
  }
  for (const auto& [k, t] : p.root_dag().tasks) found = found || (t.iterator && t.iterator->parallelism_limit > 0);
  EXPECT_TRUE(found);
}

TEST(KfpLoaderTest, CollectedParametersAndArtifacts) {
  Pipeline p = MustLoad("collected_parameters.yaml");
  const auto& loop = p.components.at("comp-for-loop-1");
  EXPECT_TRUE(loop->dag()->output_parameters.at("pipelinechannel--prepend-id-Output").collected);
  const auto& outer = p.components.at("comp-collecting-parameters");
  EXPECT_FALSE(outer->dag()->output_parameters.at("Output").collected);  // pass-through of a list

  Pipeline a = MustLoad("pipeline_with_collected_artifacts.yaml");
  bool collected_artifact = false;
  for (const auto& [_, c] : a.components) {
    if (const Dag* d = c->dag()) {
      for (const auto& [n, o] : d->output_artifacts) collected_artifact = collected_artifact || o.collected;
    }
  }
  EXPECT_TRUE(collected_artifact);
}

TEST(KfpLoaderTest, OneOfOutputs) {
  Pipeline p = MustLoad("if_elif_else_with_oneof_parameters.yaml");
  bool found = false;
  for (const auto& [_, c] : p.components) {
    if (const Dag* d = c->dag()) {
      for (const auto& [n, o] : d->output_parameters) {
        if (o.oneof) {
          found = true;
          EXPECT_EQ(o.selectors.size(), 3u);
        }
      }
    }
  }
  EXPECT_TRUE(found);
}

TEST(KfpLoaderTest, ConditionsParseAndEvaluate) {
  Pipeline p = MustLoad("pipeline_with_condition.yaml");
  int conditions = 0;
  for (const auto& [k, t] : p.root_dag().tasks) {
    if (t.trigger.condition.empty()) continue;
    ++conditions;
    ASSERT_TRUE(t.trigger.condition_expr) << t.trigger.condition;
    auto names = cel::ReferencedInputParameters(*t.trigger.condition_expr);
    ASSERT_EQ(names.size(), 1u);
    auto heads = cel::EvaluateCondition(*t.trigger.condition_expr,
                                        cel::KfpConditionActivation({{names[0], Value::String("heads")}}));
    ASSERT_TRUE(heads.ok()) << heads.status().ToString();
    EXPECT_TRUE(*heads);
  }
  EXPECT_GE(conditions, 1);
}

TEST(KfpLoaderTest, ExitHandlerAndFinalStatus) {
  Pipeline p = MustLoad("pipeline_with_exit_handler.yaml");
  const Task& exit_task = RootTask(p, "print-op");
  EXPECT_EQ(exit_task.trigger.strategy, TriggerStrategy::kAllUpstreamTasksCompleted);
  EXPECT_EQ(exit_task.exit_handler_for, "exit-handler-1");

  Pipeline f = MustLoad("pipeline_with_task_final_status.yaml");
  bool found = false;
  for (const auto& [k, t] : f.root_dag().tasks) {
    for (const auto& [n, in] : t.parameter_inputs) {
      if (const auto* s = std::get_if<binding::TaskFinalStatus>(&in.source)) {
        found = true;
        EXPECT_EQ(t.exit_handler_for, s->producer_task);
        EXPECT_TRUE(t.upstream.contains(s->producer_task));
        EXPECT_EQ(t.component->inputs.parameters.at(n).type, ParameterType::kTaskFinalStatus);
      }
    }
  }
  EXPECT_TRUE(found);

  Pipeline ignore = MustLoad("pipeline_with_task_using_ignore_upstream_failure.yaml");
  for (const auto& [k, t] : ignore.root_dag().tasks) EXPECT_TRUE(t.exit_handler_for.empty()) << k;
}

TEST(KfpLoaderTest, RetryPolicy) {
  Pipeline p = MustLoad("pipeline_with_retry.yaml");
  const Task& t = p.root_dag().tasks.begin()->second;
  ASSERT_TRUE(t.retry);
  EXPECT_EQ(t.retry->max_retry_count, 3);
  EXPECT_DOUBLE_EQ(t.retry->backoff_seconds, 0);
  EXPECT_DOUBLE_EQ(t.retry->backoff_factor, 2.0);
  EXPECT_DOUBLE_EQ(t.retry->backoff_max_seconds, 3600);
}

TEST(KfpLoaderTest, CachingOffWhenEmpty) {
  Pipeline p = MustLoad("pipeline_with_placeholders.yaml");
  const Task& t = p.root_dag().tasks.begin()->second;
  EXPECT_FALSE(t.caching.enabled);
  const auto& job_name = t.parameter_inputs.at("job_name");
  const auto* tmpl = std::get_if<binding::RuntimeTemplate>(&job_name.source);
  ASSERT_NE(tmpl, nullptr);
  ExecutionContext ctx;
  ctx.runtime.pipeline_job_name = "my-run";
  auto resolved = ResolveString(tmpl->tmpl, ctx);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(*resolved, "my-run");
}

TEST(KfpLoaderTest, Importer) {
  Pipeline p = MustLoad("pipeline_with_importer.yaml");
  const auto& imp = p.components.at("comp-importer");
  ASSERT_TRUE(imp->importer());
  EXPECT_EQ(imp->importer()->uri_constant, "gs://ml-pipeline-playground/shakespeare1.txt");
  EXPECT_EQ(imp->importer()->type.schema_title, "system.Dataset");
  ASSERT_NE(imp->importer()->metadata.Find("key"), nullptr);
  const auto& imp2 = p.components.at("comp-importer-2");
  EXPECT_EQ(imp2->importer()->uri_input_parameter, "uri");
  EXPECT_TRUE(imp2->importer()->reimport);
}

TEST(KfpLoaderTest, PlatformSecretsWorkspaceAndWarnings) {
  Pipeline s = MustLoad("pipeline_with_secret_as_env.yaml");
  const auto& comp = s.components.at("comp-comp");
  ASSERT_TRUE(comp->container());
  const auto& secrets = comp->container()->platform.secret_env;
  ASSERT_EQ(secrets.size(), 3u);
  EXPECT_TRUE(secrets[0].secret_name_from.has_value());
  EXPECT_EQ(secrets[1].secret_name, "test-secret-2");
  EXPECT_EQ(secrets[1].key_to_env.at(0), (std::pair<std::string, std::string>{"password", "PASSWORD_VAR1"}));
  // A secret name from a task output is a data edge.
  bool edge = false;
  for (const auto& [k, t] : s.root_dag().tasks) edge = edge || t.upstream.contains("generate-secret-name");
  EXPECT_TRUE(edge);

  Pipeline w = MustLoad("pipeline_with_workspace.yaml");
  EXPECT_TRUE(w.platform.workspace);
  EXPECT_EQ(w.platform.workspace_size, "1Gi");

  Pipeline g = MustLoad("nvidia_gpu_scheduling_check.yaml");
  auto problems = ValidatePipeline(g);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].severity, Severity::kWarning);
  EXPECT_NE(problems[0].message.find("tolerations"), std::string::npos);
  const auto& gpu = g.root_dag().tasks.begin()->second.component->container()->resources;
  EXPECT_EQ(gpu.accelerator_type.raw, "nvidia.com/gpu");
  EXPECT_EQ(gpu.accelerator_count.raw, "1");
}

TEST(KfpLoaderTest, ResourcesFromTaskOutputsAddEdges) {
  Pipeline p = MustLoad("pipeline_with_string_machine_fields_task_output.yaml");
  const Task& t = RootTask(p, "sum-numbers");
  EXPECT_TRUE(t.dependent_tasks.empty());
  EXPECT_EQ(t.upstream.size(), 4u);
  const auto& r = t.component->container()->resources;
  ExecutionContext ctx;
  ctx.input_parameters["pipelinechannel--cpu-limit-Output"] = Value::String("4");
  auto cpu = ResolveString(r.cpu_limit, ctx);
  ASSERT_TRUE(cpu.ok()) << cpu.status().ToString();
  EXPECT_EQ(*cpu, "4");
}

TEST(KfpLoaderTest, PipelineJobWrapperAppliesRuntimeConfig) {
  std::ifstream in(KfpDir() + "/add_numbers.yaml");
  std::string spec((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string indented;
  for (size_t pos = 0; pos < spec.size();) {
    size_t end = spec.find('\n', pos);
    if (end == std::string::npos) end = spec.size();
    indented += "  " + spec.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  const std::string job = "displayName: job\nruntimeConfig:\n  parameterValues: {a: 5, b: 7}\npipelineSpec:\n" + indented;
  auto p = LoadPipeline(job, "job.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p->root->inputs.parameters.at("a").default_value, Value::Int(5));
  EXPECT_FALSE(HasErrors(ValidatePipeline(*p)));
  auto bad = LoadPipeline("runtimeConfig:\n  parameterValues: {zz: 1}\npipelineSpec:\n" + indented, "job.yaml");
  EXPECT_FALSE(bad.ok());
}

TEST(KfpLoaderTest, DefaultPipelineRoot) {
  Pipeline p = MustLoad("take_nap_pipeline_root_compiled.yaml");
  EXPECT_FALSE(p.pipeline_root.empty());
}

}  // namespace
}  // namespace cairn::pipelines
