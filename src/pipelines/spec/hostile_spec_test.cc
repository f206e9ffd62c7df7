// Hostile and broken specs: every one yields a clear error (load error or
// validation problem with a location), never a crash or a hang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "pipelines/graph.h"

namespace cairn::pipelines {
namespace {

std::string Describe(const std::vector<SpecProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += std::string(SeverityName(p.severity)) + " " + p.location + ": " + p.message + "\n";
  return out;
}

// A minimal valid KFP IR pipeline; `tasks` and `extra_components` are
// spliced in (YAML, indented for their position).
std::string Kfp(const std::string& tasks, const std::string& extra_components = "",
                const std::string& command = "[echo, hi]") {
  return "pipelineInfo: {name: p}\n"
         "schemaVersion: 2.1.0\n"
         "components:\n"
         "  comp-a:\n"
         "    executorLabel: exec-a\n"
         "    inputDefinitions: {parameters: {n: {parameterType: NUMBER_INTEGER, isOptional: true, defaultValue: 1}}}\n"
         "    outputDefinitions: {parameters: {out: {parameterType: STRING}}}\n" +
         extra_components +
         "deploymentSpec:\n"
         "  executors:\n"
         "    exec-a: {container: {image: alpine, command: " + command + "}}\n"
         "root:\n"
         "  dag:\n"
         "    tasks:\n" + tasks;
}

std::string OneTask(const std::string& key, const std::string& extra = "") {
  return "      " + key + ":\n        componentRef: {name: comp-a}\n        taskInfo: {name: " + key + "}\n" + extra;
}

// Loads and validates; returns the load error or all problems as text.
std::string Problems(const std::string& yaml, bool* load_failed = nullptr) {
  auto p = LoadPipeline(yaml, "spec.yaml");
  if (load_failed) *load_failed = !p.ok();
  if (!p.ok()) return p.status().message();
  return Describe(ValidatePipeline(*p));
}

TEST(HostileSpecTest, MinimalKfpIsClean) {
  EXPECT_EQ(Problems(Kfp(OneTask("a"))), "");
}

TEST(HostileSpecTest, CycleIsNamed) {
  const std::string text = Problems(Kfp(OneTask("a", "        dependentTasks: [c]\n") +
                                        OneTask("b", "        dependentTasks: [a]\n") +
                                        OneTask("c", "        dependentTasks: [b]\n")));
  EXPECT_NE(text.find("dependency cycle: a -> c -> b -> a"), std::string::npos) << text;
  EXPECT_NE(text.find("root.dag.tasks"), std::string::npos) << text;
}

TEST(HostileSpecTest, DataCycleThroughOutputs) {
  const std::string text = Problems(Kfp(
      OneTask("a", "        inputs: {parameters: {n: {taskOutputParameter: {producerTask: b, outputParameterKey: out}}}}\n") +
      OneTask("b", "        inputs: {parameters: {n: {taskOutputParameter: {producerTask: a, outputParameterKey: out}}}}\n")));
  EXPECT_NE(text.find("dependency cycle"), std::string::npos) << text;
  // STRING output into a NUMBER_INTEGER input is also reported.
  EXPECT_NE(text.find("type mismatch"), std::string::npos) << text;
}

TEST(HostileSpecTest, SelfDependency) {
  const std::string text = Problems(Kfp(OneTask("a", "        dependentTasks: [a]\n")));
  EXPECT_NE(text.find("depends on itself"), std::string::npos) << text;
}

TEST(HostileSpecTest, MissingComponentAndExecutor) {
  std::string text = Problems(Kfp("      a:\n        componentRef: {name: comp-missing}\n"));
  EXPECT_NE(text.find("root.dag.tasks.a.componentRef: component \"comp-missing\" is not defined"), std::string::npos)
      << text;
  text = Problems(Kfp(OneTask("a"), "  comp-b:\n    executorLabel: exec-missing\n"));
  EXPECT_NE(text.find("components.comp-b.executorLabel: executor \"exec-missing\""), std::string::npos) << text;
}

TEST(HostileSpecTest, UnknownPlaceholders) {
  std::string text = Problems(Kfp(OneTask("a"), "", "[echo, \"{{$.inputs.parameters['nope']}}\", \"{{$.bogus}}\"]"));
  EXPECT_NE(text.find("undeclared input parameter"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown placeholder {{$.bogus}}"), std::string::npos) << text;
  text = Problems(Kfp(OneTask("a"), "", "[echo, \"{{$.outputs.artifacts['m'].path}}\"]"));
  EXPECT_NE(text.find("undeclared output artifact"), std::string::npos) << text;
  text = Problems(Kfp(OneTask("a"), "", "['{\"IfPresent\": {\"InputName\": \"zz\", \"Then\": [\"x\"]}}']"));
  EXPECT_NE(text.find("IfPresent names undeclared input \"zz\""), std::string::npos) << text;
}

TEST(HostileSpecTest, MalformedStructuredPlaceholder) {
  bool load_failed = false;
  std::string text = Problems(Kfp(OneTask("a"), "", "['{\"IfPresent\": {\"Then\": [\"x\"]}}']"), &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("InputName"), std::string::npos) << text;
  // Nesting bomb inside JSON placeholders.
  std::string nested = "\"x\"";
  for (int i = 0; i < 60; ++i) nested = "{\\\"Concat\\\": [" + nested + "]}";
  text = Problems(Kfp(OneTask("a"), "", "[\"{\\\"Concat\\\": [" + nested + "]}\"]"), &load_failed);
  EXPECT_TRUE(load_failed) << text;
}

TEST(HostileSpecTest, BadReferences) {
  std::string text = Problems(Kfp(
      OneTask("a", "        inputs: {parameters: {n: {taskOutputParameter: {producerTask: ghost, outputParameterKey: out}}}}\n") +
      OneTask("b", "        inputs: {parameters: {n: {componentInputParameter: undeclared}}}\n") +
      OneTask("c", "        dependentTasks: [a]\n        inputs: {parameters: {n: {taskOutputParameter: {producerTask: a, outputParameterKey: nope}}}}\n") +
      OneTask("d", "        inputs: {parameters: {n: {runtimeValue: {constant: abc}}}}\n")));
  EXPECT_NE(text.find("root.dag.tasks.a.inputs.parameters.n: producer task \"ghost\""), std::string::npos) << text;
  EXPECT_NE(text.find("component input \"undeclared\" is not declared"), std::string::npos) << text;
  EXPECT_NE(text.find("has no output parameter \"nope\""), std::string::npos) << text;
  EXPECT_NE(text.find("constant \"abc\" does not match input type NUMBER_INTEGER"), std::string::npos) << text;
}

TEST(HostileSpecTest, BadConditionAndSelector) {
  std::string text = Problems(Kfp(OneTask("a", "        triggerPolicy: {condition: \"inputs.parameter_values['n'] ==\"}\n")));
  EXPECT_NE(text.find("triggerPolicy.condition"), std::string::npos) << text;
  text = Problems(Kfp(OneTask("a", "        triggerPolicy: {condition: \"inputs.parameter_values['zz'] == 1\"}\n")));
  EXPECT_NE(text.find("condition reads input \"zz\""), std::string::npos) << text;
}

TEST(HostileSpecTest, RecursiveComponentsRefused) {
  const std::string extra =
      "  comp-loop:\n    dag:\n      tasks:\n        inner:\n          componentRef: {name: comp-loop}\n";
  bool load_failed = false;
  std::string text = Problems(Kfp("      a:\n        componentRef: {name: comp-loop}\n", extra), &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("recursively"), std::string::npos) << text;
}

TEST(HostileSpecTest, DeepSubDagChainRefused) {
  std::string extra;
  for (int i = 0; i < 100; ++i) {
    extra += "  comp-d" + std::to_string(i) + ":\n    dag:\n      tasks:\n        t:\n          componentRef: {name: " +
             (i == 99 ? std::string("comp-a") : "comp-d" + std::to_string(i + 1)) + "}\n";
  }
  bool load_failed = false;
  std::string text = Problems(Kfp("      a:\n        componentRef: {name: comp-d0}\n", extra), &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("nested deeper"), std::string::npos) << text;
}

TEST(HostileSpecTest, MalformedYamlHasLineAndColumn) {
  bool load_failed = false;
  std::string text = Problems("pipelineInfo: {name: p\nroot: [", &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("spec.yaml:"), std::string::npos) << text;
  EXPECT_NE(text.find("invalid YAML"), std::string::npos) << text;
  text = Problems("a: b\n  c: d\n", &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("spec.yaml:"), std::string::npos) << text;
}

TEST(HostileSpecTest, WrongShapes) {
  for (const char* bad : {"", "42", "[1, 2]", "just a string", "root: 5", "pipelineInfo: {name: x}\nroot: {dag: 5}",
                          "root: {dag: {tasks: [1, 2]}}", "root: {dag: {tasks: {a: 5}}}",
                          "root: {dag: {tasks: {a: {componentRef: {name: c}, retryPolicy: {maxRetryCount: x}}}}}",
                          "root: {dag: {tasks: {a: {componentRef: {name: c}, parameterIterator: {itemInput: i, items: {raw: 'not json'}}}}}}",
                          "root: {dag: {tasks: {a: {componentRef: {name: c}, inputs: {parameters: {x: {}}}}}}}",
                          "steps: 5\nname: x", "\x01\x02\x03\xff\xfe"}) {
    bool load_failed = false;
    std::string text = Problems(bad, &load_failed);
    EXPECT_TRUE(load_failed) << "accepted: " << bad;
    EXPECT_FALSE(text.empty());
  }
}

TEST(HostileSpecTest, DuplicateKeys) {
  bool load_failed = false;
  std::string text = Problems(Kfp(OneTask("a") + OneTask("a")), &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("duplicate key \"a\""), std::string::npos) << text;
}

TEST(HostileSpecTest, DeeplyNestedYaml) {
  bool load_failed = false;
  std::string flow = "root: " + std::string(100000, '[') + std::string(100000, ']');
  std::string text = Problems(flow, &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("nested deeper"), std::string::npos) << text.substr(0, 200);

  std::string block;
  for (int i = 0; i < 300; ++i) block += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
  text = Problems(block, &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("nested deeper"), std::string::npos) << text.substr(0, 200);

  std::string braces = "steps: " + std::string(50000, '{');
  text = Problems(braces, &load_failed);
  EXPECT_TRUE(load_failed);
}

TEST(HostileSpecTest, YamlBombRefused) {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev + ", " + prev + ", " +
            prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + "]\n";
  }
  bomb += "steps: *a11\nname: bomb\n";
  bool load_failed = false;
  std::string text = Problems(bomb, &load_failed);
  EXPECT_TRUE(load_failed);
  EXPECT_NE(text.find("expands to more than"), std::string::npos) << text;
}

TEST(HostileSpecTest, ModestAliasesAreFine) {
  const std::string yaml =
      "name: anchors\n"
      "steps:\n"
      "  a: &step {run: echo hi, retries: 1}\n"
      "  b: *step\n";
  auto p = LoadCairnPipeline(yaml, "anchors.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->root_dag().tasks.size(), 2u);
}

TEST(HostileSpecTest, HugeLiteralFanOutIsAllowedButRecorded) {
  std::string items = "[";
  for (int i = 0; i < 20000; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  const std::string yaml = "name: wide\nsteps:\n  each:\n    for_each: " + items + "\n    run: echo ${{ item }}\n";
  auto p = LoadCairnPipeline(yaml, "wide.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const Task& t = p->root_dag().tasks.at("each");
  ASSERT_TRUE(t.iterator && t.iterator->raw_items);
  EXPECT_EQ(t.iterator->raw_items->as_list().size(), 20000u);
  auto problems = ValidatePipeline(*p);
  EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("fan-out of 20000"), std::string::npos);
  EXPECT_EQ(problems[0].location, "steps.each.parameterIterator.items.raw");

  // Same through KFP IR raw JSON.
  const std::string kfp =
      Kfp("      loop:\n        componentRef: {name: comp-body}\n"
          "        parameterIterator: {itemInput: it, items: {raw: '" + items + "'}}\n",
          "  comp-body:\n    inputDefinitions: {parameters: {it: {parameterType: NUMBER_INTEGER}}}\n"
          "    dag:\n      tasks:\n        a:\n          componentRef: {name: comp-a}\n"
          "          inputs: {parameters: {n: {componentInputParameter: it}}}\n");
  auto k = LoadKfpIr(kfp, "wide-kfp.yaml");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  problems = ValidatePipeline(*k);
  EXPECT_FALSE(HasErrors(problems)) << Describe(problems);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].severity, Severity::kWarning);
}

TEST(HostileSpecTest, LongDependencyChainAndCycle) {
  std::string yaml = "name: chain\nsteps:\n";
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    yaml += "  s" + std::to_string(i) + ": {run: x, needs: [s" + std::to_string((i + 1) % n) + "]}\n";
  }
  auto p = LoadCairnPipeline(yaml, "chain.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto problems = ValidatePipeline(*p);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("dependency cycle: s0 -> s1 -> s2"), std::string::npos)
      << problems[0].message.substr(0, 200);
  EXPECT_NE(problems[0].message.find("(19989 more) -> s19999 -> s0"), std::string::npos) << problems[0].message;
  EXPECT_LT(problems[0].message.size(), 400u);
}

TEST(HostileSpecTest, OversizedSpecRefused) {
  std::string big = "name: big\ndescription: '" + std::string(kMaxSpecBytes, 'x') + "'\nsteps: {a: {run: x}}\n";
  auto p = LoadPipeline(big, "big.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("larger than"), std::string::npos);
}

TEST(HostileSpecTest, TooManyDocuments) {
  std::string docs;
  for (int i = 0; i < 20; ++i) docs += "---\na: 1\n";
  auto p = LoadPipeline(docs, "docs.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("YAML documents"), std::string::npos) << p.status().message();
}

TEST(HostileSpecTest, MissingFile) {
  auto p = LoadPipelineFile("/nonexistent/pipeline.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
}

// Random byte mutations of every fixture: load + validate must not crash.
TEST(HostileSpecTest, MutatedFixturesNeverCrash) {
  std::mt19937 rng(12345);
  const std::string dir = std::string(CAIRN_PIPELINES_TESTDATA);
  int loaded = 0, rejected = 0;
  for (const auto& sub : {"/kfp", "/cairn"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir + sub)) {
      if (entry.path().extension() != ".yaml") continue;
      std::ifstream in(entry.path());
      std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (int round = 0; round < 12; ++round) {
        std::string text = original;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !text.empty(); ++e) {
          const size_t pos = rng() % text.size();
          switch (rng() % 4) {
            case 0: text.erase(pos, 1 + rng() % 8); break;
            case 1: text.insert(pos, 1, "{}[]:-'\"&*!|>#\n "[rng() % 16]); break;
            case 2: text[pos] = static_cast<char>(rng() % 256); break;
            default: text.insert(pos, text.substr(rng() % text.size(), rng() % 64)); break;
          }
        }
        auto p = LoadPipeline(text, entry.path().filename().string());
        if (p.ok()) {
          ++loaded;
          (void)ValidatePipeline(*p);
        } else {
          ++rejected;
          EXPECT_FALSE(p.status().message().empty());
        }
      }
    }
  }
  EXPECT_GT(loaded + rejected, 0);
}

}  // namespace
}  // namespace cairn::pipelines
