// cairn pipeline YAML: examples load into the graph model the scheduler
// expects, validate clean, and resolve to safe argv.
#include <gtest/gtest.h>

#include "pipelines/graph.h"
#include "pipelines/spec/resolver.h"

namespace cairn::pipelines {
namespace {

std::string DataPath(const std::string& file) { return std::string(CAIRN_PIPELINES_TESTDATA) + "/cairn/" + file; }

std::string Describe(const std::vector<SpecProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += std::string(SeverityName(p.severity)) + " " + p.location + ": " + p.message + "\n";
  return out;
}

Pipeline LoadClean(const std::string& file) {
  auto p = LoadPipelineFile(DataPath(file));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  auto problems = ValidatePipeline(*p);
  EXPECT_TRUE(problems.empty()) << Describe(problems);
  return std::move(p).value();
}

TEST(CairnLoaderTest, Hello) {
  Pipeline p = LoadClean("hello.yaml");
  EXPECT_EQ(p.format, SpecFormat::kCairn);
  EXPECT_EQ(p.name, "hello");
  const Task& t = p.root_dag().tasks.at("say-hello");
  ASSERT_TRUE(t.component && t.component->container());
  auto argv = ResolveArgv(*t.component->container(), ExecutionContext{});
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  EXPECT_EQ(*argv, (std::vector<std::string>{"sh", "-ec", "echo \"hello from cairn\""}));
}

TEST(CairnLoaderTest, TrainEvaluateGraph) {
  Pipeline p = LoadClean("train_evaluate.yaml");
  const Dag& dag = p.root_dag();
  ASSERT_EQ(dag.tasks.size(), 4u);
  EXPECT_EQ(p.root->inputs.parameters.at("learning_rate").type, ParameterType::kNumberDouble);
  EXPECT_EQ(p.root->inputs.parameters.at("epochs").type, ParameterType::kNumberInteger);
  EXPECT_FALSE(p.root->inputs.parameters.at("dataset_url").optional);

  const Task& train = dag.tasks.at("train");
  EXPECT_EQ(train.upstream, (std::set<std::string>{"prepare"}));
  ASSERT_TRUE(train.artifact_inputs.contains("steps.prepare.outputs.dataset"));
  ASSERT_TRUE(train.retry.has_value());
  EXPECT_EQ(train.retry->max_retry_count, 2);
  EXPECT_DOUBLE_EQ(train.retry->backoff_seconds, 5);
  EXPECT_DOUBLE_EQ(train.retry->backoff_max_seconds, 60);
  EXPECT_EQ(train.component->container()->image, "python:3.11-slim");
  EXPECT_EQ(train.component->container()->resources.memory_limit.raw, "4Gi");
  EXPECT_TRUE(dag.tasks.at("prepare").caching.enabled);
  EXPECT_FALSE(train.caching.enabled);

  const Task& publish = dag.tasks.at("publish");
  ASSERT_TRUE(publish.trigger.condition_expr);
  EXPECT_EQ(publish.upstream, (std::set<std::string>{"train"}));
  auto activation = cel::KfpConditionActivation(
      {{"steps.train.outputs.accuracy", Value::Double(0.93)}, {"params.epochs", Value::Int(3)}});
  auto ok = cel::EvaluateCondition(*publish.trigger.condition_expr, activation);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(*ok);

  const Task& notify = dag.tasks.at("notify");
  EXPECT_EQ(notify.trigger.strategy, TriggerStrategy::kAllUpstreamTasksCompleted);
  EXPECT_TRUE(p.root->outputs.artifacts.contains("model"));
  EXPECT_EQ(p.root->outputs.parameters.at("accuracy").type, ParameterType::kNumberDouble);
}

TEST(CairnLoaderTest, RunScriptsPassValuesThroughEnvNotShellText) {
  Pipeline p = LoadClean("train_evaluate.yaml");
  const Task& train = p.root_dag().tasks.at("train");
  ExecutionContext ctx;
  ctx.input_parameters["params.learning_rate"] = Value::String("$(rm -rf /)");
  ctx.input_parameters["epochs"] = Value::Int(3);
  ctx.input_artifacts["steps.prepare.outputs.dataset"] = {{"dataset", {}, "file:///d", "/tmp/in/dataset", {}}};
  ctx.output_parameter_files["accuracy"] = "/tmp/out/accuracy";
  ctx.output_artifacts["model"] = {{"model", {}, "file:///m", "/tmp/out/model", {}}};
  auto argv = ResolveArgv(*train.component->container(), ctx);
  ASSERT_TRUE(argv.ok()) << argv.status().ToString();
  ASSERT_GE(argv->size(), 4u);
  EXPECT_EQ(argv->front(), "env");
  EXPECT_NE(std::find(argv->begin(), argv->end(), "CAIRN_PARAMS_LEARNING_RATE=$(rm -rf /)"), argv->end());
  EXPECT_NE(std::find(argv->begin(), argv->end(), "CAIRN_OUTPUTS_MODEL=/tmp/out/model"), argv->end());
  const std::string& script = argv->back();
  EXPECT_NE(script.find("lr=${CAIRN_PARAMS_LEARNING_RATE}"), std::string::npos) << script;
  EXPECT_EQ(script.find("rm -rf"), std::string::npos);
  EXPECT_EQ((*argv)[argv->size() - 3], "sh");
}

TEST(CairnLoaderTest, FanOutCompilesToLoopDags) {
  Pipeline p = LoadClean("fan_out.yaml");
  const Dag& dag = p.root_dag();
  const Task& shard = dag.tasks.at("per-shard");
  ASSERT_TRUE(shard.iterator.has_value());
  EXPECT_EQ(shard.iterator->parallelism_limit, 2);
  EXPECT_EQ(shard.iterator->item_input, "item");
  EXPECT_EQ(shard.iterator->input_parameter, "items");
  ASSERT_TRUE(shard.component && shard.component->dag());
  const Dag& body = *shard.component->dag();
  ASSERT_TRUE(body.tasks.contains("per-shard"));
  EXPECT_TRUE(body.output_parameters.at("line").collected);
  EXPECT_EQ(shard.component->outputs.parameters.at("line").type, ParameterType::kList);

  const Task& squares = dag.tasks.at("squares");
  ASSERT_TRUE(squares.iterator && squares.iterator->raw_items);
  EXPECT_EQ(squares.iterator->raw_items->as_list().size(), 4u);

  const Task& per_config = dag.tasks.at("per-config");
  const Task& inner = per_config.component->dag()->tasks.at("per-config");
  const ParameterInput& lr = inner.parameter_inputs.at("item.lr");
  EXPECT_EQ(lr.expression_selector, "parseJson(string_value)[\"lr\"]");
  EXPECT_EQ(per_config.upstream, (std::set<std::string>{"list-configs"}));

  const Task& total = dag.tasks.at("total");
  EXPECT_EQ(total.upstream, (std::set<std::string>{"per-shard", "squares"}));
  EXPECT_EQ(total.component->inputs.parameters.at("steps.squares.outputs.square").type, ParameterType::kList);
}

struct BadSpec {
  const char* name;
  const char* yaml;
  const char* expected;  // substring of the load error, or of a validation error
};

class CairnBadSpecTest : public testing::TestWithParam<BadSpec> {};

TEST_P(CairnBadSpecTest, ClearError) {
  const BadSpec& c = GetParam();
  auto p = LoadCairnPipeline(c.yaml, "bad.yaml");
  std::string text;
  if (!p.ok()) {
    text = p.status().message();
  } else {
    auto problems = ValidatePipeline(*p);
    ASSERT_TRUE(HasErrors(problems)) << "expected an error for " << c.name;
    text = Describe(problems);
  }
  EXPECT_NE(text.find(c.expected), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CairnBadSpecTest,
    testing::Values(
        BadSpec{"no_name", "steps: {a: {run: x}}", "needs a `name`"},
        BadSpec{"no_steps", "name: x", "needs `steps`"},
        BadSpec{"unknown_key", "name: x\nsteps: {a: {run: x, retry: 2}}", "unknown key \"retry\""},
        BadSpec{"run_and_command", "name: x\nsteps: {a: {run: x, command: [y]}}", "exactly one of run: or command:"},
        BadSpec{"unknown_param", "name: x\nsteps: {a: {run: 'echo ${{ params.nope }}'}}", "unknown param \"nope\""},
        BadSpec{"unknown_step", "name: x\nsteps: {a: {run: 'echo ${{ steps.b.outputs.c }}'}}", "unknown step \"b\""},
        BadSpec{"unknown_output", "name: x\nsteps: {a: {run: x}, b: {run: 'echo ${{ steps.a.outputs.c }}'}}",
                "has no output \"c\""},
        BadSpec{"bad_ref", "name: x\nsteps: {a: {run: 'echo ${{ env.HOME }}'}}", "unknown reference"},
        BadSpec{"item_outside_loop", "name: x\nsteps: {a: {run: 'echo ${{ item }}'}}", "only defined in for_each"},
        BadSpec{"unterminated", "name: x\nsteps: {a: {run: 'echo ${{ params.x'}}", "unterminated"},
        BadSpec{"bad_type", "name: x\nsteps: {a: {run: x, outputs: {o: tensor}}}", "unknown type \"tensor\""},
        BadSpec{"bad_when", "name: x\nsteps: {a: {run: x, when: 'params.a >'}}", "when:"},
        BadSpec{"when_unknown_name", "name: x\nsteps: {a: {run: x, when: 'foo == 1'}}", "unknown name \"foo\""},
        BadSpec{"needs_unknown", "name: x\nsteps: {a: {run: x, needs: [zzz]}}", "\"zzz\" is not a task"},
        BadSpec{"cycle", "name: x\nsteps: {a: {run: x, needs: [b]}, b: {run: x, needs: [a]}}", "dependency cycle"},
        BadSpec{"data_cycle",
                "name: x\nsteps:\n  a: {run: 'echo ${{ steps.b.outputs.o }}', outputs: {o: string}}\n"
                "  b: {run: 'echo ${{ steps.a.outputs.o }}', outputs: {o: string}}",
                "dependency cycle"},
        BadSpec{"self_output", "name: x\nsteps: {a: {run: 'echo ${{ steps.a.outputs.o }}', outputs: {o: string}}}",
                "cannot read its own outputs"},
        BadSpec{"reserved_env", "name: x\nsteps: {a: {run: x, env: {CAIRN_X: y}}}", "reserved"},
        BadSpec{"bad_retries", "name: x\nsteps: {a: {run: x, retries: -1}}", "retries must be"},
        BadSpec{"bad_duration", "name: x\nsteps: {a: {run: x, retries: {count: 1, backoff: soon}}}", "bad duration"},
        BadSpec{"two_documents", "name: x\nsteps: {a: {run: x}}\n---\nname: y\n", "single YAML document"}),
    [](const testing::TestParamInfo<BadSpec>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cairn::pipelines
