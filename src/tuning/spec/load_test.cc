#include "tuning/spec/load.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tuning/spec/trial_template.h"

#ifndef CAIRN_TUNING_TESTDATA
#error "CAIRN_TUNING_TESTDATA must name tests/data"
#endif

namespace cairn::tuning {
namespace {

namespace fs = std::filesystem;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(fs::path(CAIRN_TUNING_TESTDATA) / "katib" / name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> Fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(CAIRN_TUNING_TESTDATA) / "katib")) {
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Join(const std::vector<SpecProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.location + ": " + p.message + "\n";
  return out;
}

bool Known(const std::string& algorithm) {
  auto names = SuggesterNames();
  return std::find(names.begin(), names.end(), algorithm) != names.end();
}

TEST(KatibLoaderTest, EveryFixtureLoads) {
  auto fixtures = Fixtures();
  ASSERT_EQ(fixtures.size(), 8u);
  for (const std::string& name : fixtures) {
    SCOPED_TRACE(name);
    std::string text = ReadFixture(name);
    auto docs = pipelines::ParseYamlDocuments(text, name);
    ASSERT_TRUE(docs.ok()) << docs.status().ToString();
    std::vector<SpecProblem> problems;
    ExperimentSpec spec = LoadKatibExperiment(docs->front(), problems);
    if (!Known(spec.algorithm.name)) problems.erase(problems.begin());  // its only problem, checked below
    EXPECT_TRUE(problems.empty()) << Join(problems);
    EXPECT_FALSE(spec.name.empty());
    EXPECT_FALSE(spec.space.parameters.empty());
    auto command = RenderTrialCommand(spec, spec.name + "-0001", {{"lr", "0.02"}, {"momentum", "0.6"}, {"num-epochs", "1"}});
    ASSERT_TRUE(command.ok()) << command.status().ToString();
    EXPECT_EQ(command->argv.front(), "python3");
    // Full validation needs the algorithm to be registered (the algorithm
    // engineer adds them one by one); the rest is checked regardless.
    LoadedSpec loaded = LoadExperimentSpecWithProblems(text, name);
    if (Known(spec.algorithm.name)) {
      EXPECT_TRUE(loaded.problems.empty()) << Join(loaded.problems);
    } else {
      ASSERT_EQ(loaded.problems.size(), 1u) << Join(loaded.problems);
      EXPECT_NE(loaded.problems[0].message.find("unknown algorithm"), std::string::npos);
    }
  }
}

TEST(KatibLoaderTest, RandomFixtureFieldsAndDefaults) {
  auto spec = LoadExperimentSpec(ReadFixture("random.yaml"), "random.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->name, "random");
  EXPECT_EQ(spec->namespace_name, "kubeflow");
  EXPECT_EQ(spec->objective.type, ObjectiveType::kMinimize);
  EXPECT_EQ(spec->objective.goal, 0.001);
  EXPECT_EQ(spec->objective.metric_name, "loss");
  EXPECT_EQ(spec->objective.StrategyFor("loss"), MetricStrategy::kMin);
  EXPECT_EQ(spec->algorithm.name, "random");
  EXPECT_EQ(spec->parallel_trial_count, 3);
  EXPECT_EQ(spec->max_trial_count, 12);
  EXPECT_EQ(spec->max_failed_trial_count, 3);
  ASSERT_EQ(spec->space.parameters.size(), 2u);
  EXPECT_EQ(spec->space.parameters[0].name, "lr");
  EXPECT_EQ(spec->space.parameters[0].type, ParameterType::kDouble);
  EXPECT_DOUBLE_EQ(spec->space.parameters[0].min, 0.01);
  EXPECT_DOUBLE_EQ(spec->space.parameters[0].max, 0.05);
  EXPECT_EQ(spec->collector.kind, CollectorKind::kStdOut);
  auto command = RenderTrialCommand(*spec, "random-0001", {{"lr", "0.03"}, {"momentum", "0.7"}});
  ASSERT_TRUE(command.ok());
  EXPECT_EQ(command->argv, (std::vector<std::string>{"python3", "/opt/pytorch-mnist/mnist.py", "--epochs=1",
                                                     "--batch-size=16", "--lr=0.03", "--momentum=0.7"}));
  EXPECT_EQ(command->memory_limit, "1Gi");
}

TEST(KatibLoaderTest, FileCollectorAndAdditionalMetrics) {
  auto docs = pipelines::ParseYamlDocuments(ReadFixture("file-metrics-collector.yaml"), "f.yaml");
  ASSERT_TRUE(docs.ok());
  std::vector<SpecProblem> problems;
  ExperimentSpec spec = LoadKatibExperiment(docs->front(), problems);
  ASSERT_TRUE(problems.empty()) << Join(problems);
  EXPECT_EQ(spec.collector.kind, CollectorKind::kFile);
  EXPECT_EQ(spec.collector.file_path, "/katib/mnist.log");
  ASSERT_EQ(spec.collector.filters.size(), 1u);
  EXPECT_EQ(spec.objective.type, ObjectiveType::kMaximize);
  EXPECT_EQ(spec.objective.StrategyFor("accuracy"), MetricStrategy::kMax);
  EXPECT_EQ(spec.objective.StrategyFor("loss"), MetricStrategy::kMax);  // Katib defaults by objective type
  EXPECT_EQ(spec.objective.AllMetrics(), (std::vector<std::string>{"accuracy", "loss"}));
}

TEST(KatibLoaderTest, EarlyStoppingAndGridSteps) {
  auto docs = pipelines::ParseYamlDocuments(ReadFixture("median-stop.yaml"), "m.yaml");
  std::vector<SpecProblem> problems;
  ExperimentSpec spec = LoadKatibExperiment(docs->front(), problems);
  ASSERT_TRUE(spec.early_stopping.has_value());
  EXPECT_EQ(spec.early_stopping->name, "medianstop");
  EXPECT_EQ(spec.early_stopping->settings.size(), 2u);
  EXPECT_TRUE(spec.trial_template.retain);
  docs = pipelines::ParseYamlDocuments(ReadFixture("grid.yaml"), "g.yaml");
  spec = LoadKatibExperiment(docs->front(), problems);
  ASSERT_TRUE(spec.space.parameters[0].step.has_value());
  EXPECT_DOUBLE_EQ(*spec.space.parameters[0].step, 0.005);
}

constexpr char kBase[] = R"(
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: t}
spec:
  objective: {type: minimize, objectiveMetricName: loss}
  algorithm: {algorithmName: random}
  parameters:
    - {name: lr, parameterType: double, feasibleSpace: {min: "0.01", max: "0.05"}}
  trialTemplate:
    primaryContainerName: main
    trialParameters: [{name: lr, reference: lr}]
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      metadata: {labels: {team: ml}}
      spec:
        template:
          spec:
            containers:
              - name: main
                command: [train, "--lr=${trialParameters.lr}"]
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

std::string LoadError(const std::string& text) {
  auto spec = LoadExperimentSpec(text, "bad.yaml");
  return spec.ok() ? std::string("(loaded)") : spec.status().message();
}

TEST(KatibLoaderTest, DefaultsOfAMinimalSpec) {
  auto spec = LoadExperimentSpec(kBase, "t.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->parallel_trial_count, 3);
  EXPECT_EQ(spec->max_trial_count, 0);
  EXPECT_EQ(spec->resume_policy, ResumePolicy::kNever);
  EXPECT_FALSE(spec->objective.goal.has_value());
}

TEST(KatibLoaderTest, BadSpecsReportEveryProblemWithItsLocation) {
  std::string unknown = LoadError(Replace(kBase, "algorithmName: random", "algorithmName: simulated-annealing"));
  EXPECT_NE(unknown.find("unknown algorithm 'simulated-annealing': cairn knows random"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("bad.yaml:7:"), std::string::npos) << unknown;
  std::string inverted = LoadError(Replace(kBase, R"(min: "0.01", max: "0.05")", R"(min: "0.9", max: "0.5")"));
  EXPECT_NE(inverted.find("inverted range, min 0.9 > max 0.5"), std::string::npos) << inverted;
  EXPECT_NE(inverted.find("bad.yaml:9:"), std::string::npos) << inverted;  // line of the parameter
  EXPECT_NE(LoadError(Replace(kBase, "objectiveMetricName: loss", "goal: 1")).find("objectiveMetricName is required"),
            std::string::npos);
  EXPECT_NE(LoadError(Replace(kBase, R"(command: [train, "--lr=${trialParameters.lr}"])", "image: x"))
                .find("no command"),
            std::string::npos);
  EXPECT_NE(LoadError(Replace(kBase, "${trialParameters.lr}", "${trialParameters.rate}")).find("names no trial parameter"),
            std::string::npos);
  EXPECT_NE(LoadError(Replace(kBase, R"(min: "0.01", max: "0.05")", R"(min: "abc", max: "0.05")")).find("is not a number"),
            std::string::npos);
  EXPECT_NE(LoadError(Replace(kBase, "parameterType: double", "parameterType: complex")).find("unknown parameter type"),
            std::string::npos);
  EXPECT_NE(LoadError(Replace(kBase, "primaryContainerName: main", "primaryContainerName: other"))
                .find("no container named 'other'"),
            std::string::npos);
  // Several problems at once, one per line.
  std::string both = LoadError(Replace(Replace(kBase, "type: minimize", "type: lowest"), R"(max: "0.05")", R"(max: "x")"));
  EXPECT_NE(both.find("2 problems"), std::string::npos) << both;
  EXPECT_NE(LoadError("{{{").find("bad.yaml"), std::string::npos);
  EXPECT_NE(LoadError("").find("empty"), std::string::npos);
}

// Regression (fuzz_tuning_spec): `parallelTrialCount: 3e+99` was converted
// to an integer before any range check, which is undefined behaviour.
TEST(KatibLoaderTest, CountsOutOfRangeAreProblemsNotCasts) {
  for (const char* count : {"3e+99", "-3e+99", "1e20", "2147483648", "9223372036854775808", "2.5", "nan", "inf", "-1"}) {
    SCOPED_TRACE(count);
    std::string error = LoadError(Replace(kBase, "  algorithm: {algorithmName: random}",
                                          std::string("  algorithm: {algorithmName: random}\n  maxTrialCount: ") + count));
    EXPECT_NE(error.find("maxTrialCount: must be an integer from 0 to 1000000000"), std::string::npos) << error;
  }
  std::string parallel = LoadError(Replace(kBase, "  algorithm: {algorithmName: random}",
                                           "  algorithm: {algorithmName: random}\n  parallelTrialCount: 0"));
  EXPECT_NE(parallel.find("parallelTrialCount: must be an integer from 1 to"), std::string::npos) << parallel;
  std::string deadline = LoadError(Replace(kBase, "      spec:\n        template:",
                                           "      spec:\n        activeDeadlineSeconds: 1e300\n        template:"));
  EXPECT_NE(deadline.find("activeDeadlineSeconds: must be an integer"), std::string::npos) << deadline;
  auto quoted = LoadExperimentSpec(Replace(kBase, "  algorithm: {algorithmName: random}",
                                           "  algorithm: {algorithmName: random}\n  maxTrialCount: \"12\""),
                                   "t.yaml");
  ASSERT_TRUE(quoted.ok()) << quoted.status().ToString();
  EXPECT_EQ(quoted->max_trial_count, 12);
}

TEST(KatibLoaderTest, TrialSpecMetadataSubstitution) {
  std::string text = Replace(kBase, "trialParameters: [{name: lr, reference: lr}]",
                             "trialParameters: [{name: lr, reference: lr}, {name: n, reference: '${trialSpec.Name}'}, "
                             "{name: team, reference: '${trialSpec.Labels[team]}'}, "
                             "{name: kind, reference: '${trialSpec.Kind}'}]");
  text = Replace(text, R"("--lr=${trialParameters.lr}"])",
                 R"("--lr=${trialParameters.lr}", "${trialParameters.n}/${trialParameters.team}/${trialParameters.kind}"])");
  auto spec = LoadExperimentSpec(text, "t.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto command = RenderTrialCommand(*spec, "t-0007", {{"lr", "0.02"}});
  ASSERT_TRUE(command.ok()) << command.status().ToString();
  EXPECT_EQ(command->argv, (std::vector<std::string>{"train", "--lr=0.02", "t-0007/ml/Job"}));
}

TEST(KatibLoaderTest, JsonExperimentLoadsToo) {
  std::string json = R"({"apiVersion":"kubeflow.org/v1beta1","kind":"Experiment","metadata":{"name":"j"},
    "spec":{"objective":{"type":"maximize","objectiveMetricName":"acc"},"algorithm":{"algorithmName":"random"},
    "parameters":[{"name":"opt","parameterType":"categorical","feasibleSpace":{"list":["sgd","adam"]}}],
    "trialTemplate":{"trialParameters":[{"name":"opt","reference":"opt"}],
      "trialSpec":{"apiVersion":"batch/v1","kind":"Job","spec":{"template":{"spec":{"containers":[
        {"name":"c","command":["run","${trialParameters.opt}"]}]}}}}}}})";
  auto spec = LoadExperimentSpec(json, "j.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->space.parameters[0].type, ParameterType::kCategorical);
  EXPECT_EQ(spec->space.parameters[0].list, (std::vector<std::string>{"sgd", "adam"}));
}

TEST(CairnStudyTest, ShortFormLoads) {
  auto spec = LoadExperimentSpec(R"(
name: quadratic
objective: {type: maximize, metric: score, goal: 0.99, additionalMetrics: [loss], strategies: {score: latest}}
algorithm: {name: random, settings: {random_state: 7}}
parallelTrials: 2
maxTrials: 10
maxFailedTrials: 2
trialTimeoutSeconds: 60
parameters:
  x: {type: double, min: -1, max: 1}
  n: {type: int, min: 1, max: 4}
  opt: {type: categorical, values: [sgd, adam]}
command: [python3, train.py, "--x=${x}", "--n=${n}", "--opt=${opt}"]
env: {MODE: "fast-${opt}"}
metrics: {collector: file, path: out/metrics.json, format: JSON}
)",
                                "study.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->format, ExperimentSpec::Format::kCairn);
  EXPECT_EQ(spec->objective.StrategyFor("score"), MetricStrategy::kLatest);
  EXPECT_EQ(spec->objective.StrategyFor("loss"), MetricStrategy::kMax);
  EXPECT_EQ(spec->parallel_trial_count, 2);
  EXPECT_EQ(spec->trial_timeout_s, 60);
  EXPECT_EQ(spec->collector.kind, CollectorKind::kFile);
  EXPECT_EQ(spec->collector.format, MetricsFormat::kJson);
  auto command = RenderTrialCommand(*spec, "quadratic-0001", {{"x", "0.5"}, {"n", "2"}, {"opt", "adam"}});
  ASSERT_TRUE(command.ok()) << command.status().ToString();
  EXPECT_EQ(command->argv, (std::vector<std::string>{"python3", "train.py", "--x=0.5", "--n=2", "--opt=adam"}));
  ASSERT_EQ(command->env.size(), 1u);
  EXPECT_EQ(command->env[0].second, "fast-adam");
}

TEST(CairnStudyTest, ShortFormProblems) {
  std::string error = LoadError("name: s\nobjective: {type: minimize}\nparameters: {x: {type: double, min: 2, max: 1}}\n");
  EXPECT_NE(error.find("objective.metric is required"), std::string::npos) << error;
  EXPECT_NE(error.find("inverted range"), std::string::npos) << error;
  EXPECT_NE(error.find("command is required"), std::string::npos) << error;
  EXPECT_NE(LoadError("name: s\nobjective: {type: minimize, metric: m}\nparameters: {x: {type: int, min: 1, max: 2}}\n"
                      "command: [a]\nbogus: 1\n")
                .find("bogus"),
            std::string::npos);
}

TEST(CairnStudyTest, IntegersOutOfRangeAreProblems) {
  const std::string base = "name: s\nobjective: {type: minimize, metric: m}\nparameters: {x: {type: int, min: 1, max: 2}}\n"
                           "command: [a]\n";
  EXPECT_NE(LoadError(base + "maxTrials: 1e99\n").find("maxTrials: must be an integer from 0 to"), std::string::npos);
  EXPECT_NE(LoadError(base + "parallelTrials: 4294967297\n").find("parallelTrials: must be an integer"),
            std::string::npos);
  EXPECT_NE(LoadError(base + "seed: -1\n").find("seed: must be an integer"), std::string::npos);
  EXPECT_NE(LoadError(base + "trialTimeoutSeconds: 1e18\n").find("trialTimeoutSeconds: must be an integer"),
            std::string::npos);
  auto spec = LoadExperimentSpec(base + "seed: 8000000000000000000\nmaxTrials: 7\n", "s.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->seed, 8000000000000000000ULL);
  EXPECT_EQ(spec->max_trial_count, 7);
}

}  // namespace
}  // namespace cairn::tuning
