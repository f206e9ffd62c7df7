#include "pipelines/export/argo.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "pipelines/export/argo_when.h"
#include "pipelines/export/yaml_writer.h"
#include "pipelines/spec/yaml_reader.h"

namespace cairn::pipelines {
namespace {

namespace fs = std::filesystem;

std::string DataDir() { return std::string(CAIRN_PIPELINES_TESTDATA); }

ArgoExport Export(const std::string& relative) {
  auto p = LoadPipelineFile(DataDir() + "/" + relative);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return {};
  auto out = ExportArgoWorkflow(*p);
  EXPECT_TRUE(out.ok()) << relative << ": " << out.status().ToString();
  return out.ok() ? std::move(out).value() : ArgoExport{};
}

const Value* Template(const Value& wf, const std::string& name) {
  for (const Value& t : wf.Find("spec")->Find("templates")->as_list()) {
    if (t.Find("name")->as_string() == name) return &t;
  }
  return nullptr;
}

const Value* DagTask(const Value& dag_template, const std::string& name) {
  for (const Value& t : dag_template.Find("dag")->Find("tasks")->as_list()) {
    if (t.Find("name")->as_string() == name) return &t;
  }
  return nullptr;
}

// What `argo lint` would check and the JSON schema cannot: the entrypoint
// and onExit templates exist, template names are unique, every DAG task
// calls an existing template, and `depends` names sibling tasks only.
std::vector<std::string> Lint(const Value& wf) {
  std::vector<std::string> problems;
  const Value& spec = *wf.Find("spec");
  std::set<std::string> names;
  for (const Value& t : spec.Find("templates")->as_list()) {
    if (!names.insert(t.Find("name")->as_string()).second) problems.push_back("duplicate template " + t.Find("name")->as_string());
  }
  if (!names.contains(spec.Find("entrypoint")->as_string())) problems.push_back("no entrypoint template");
  if (const Value* on_exit = spec.Find("onExit"); on_exit && !names.contains(on_exit->as_string())) {
    problems.push_back("no onExit template");
  }
  for (const Value& t : spec.Find("templates")->as_list()) {
    const Value* dag = t.Find("dag");
    if (dag == nullptr) continue;
    std::set<std::string> siblings;
    for (const Value& task : dag->Find("tasks")->as_list()) siblings.insert(task.Find("name")->as_string());
    for (const Value& task : dag->Find("tasks")->as_list()) {
      const std::string& name = task.Find("name")->as_string();
      if (!names.contains(task.Find("template")->as_string())) problems.push_back(name + " calls a missing template");
      if (const Value* depends = task.Find("depends")) {
        // Task names, each optionally followed by ".Result"; skip the results.
        std::string word;
        bool result = false;
        for (char c : depends->as_string() + " ") {
          if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
            word += c;
            continue;
          }
          if (!word.empty() && !result && !siblings.contains(word)) problems.push_back(name + " depends on " + word);
          result = c == '.';
          word.clear();
        }
      }
    }
  }
  return problems;
}

TEST(ArgoExportTest, EveryValidFixtureExportsAndLints) {
  int exported = 0;
  for (const char* dir : {"kfp", "cairn"}) {
    for (const auto& entry : fs::directory_iterator(DataDir() + "/" + dir)) {
      if (entry.path().extension() != ".yaml") continue;
      auto p = LoadPipelineFile(entry.path().string());
      if (!p.ok() || HasErrors(ValidatePipeline(*p))) continue;
      auto out = ExportArgoWorkflow(*p);
      ASSERT_TRUE(out.ok()) << entry.path() << ": " << out.status().ToString();
      EXPECT_EQ(Lint(out->workflow), std::vector<std::string>{}) << entry.path();
      // The YAML reads back as the same tree.
      auto docs = ParseYamlDocuments(ArgoWorkflowYaml(*out), "export");
      ASSERT_TRUE(docs.ok()) << docs.status().ToString();
      auto back = (*docs)[0].ToValue();
      ASSERT_TRUE(back.ok());
      EXPECT_EQ(back->ToJson(), out->workflow.ToJson()) << entry.path();
      ++exported;
    }
  }
  EXPECT_GE(exported, 30);
}

TEST(ArgoExportTest, TwoStepPipeline) {
  ArgoExport e = Export("kfp/two_step_pipeline.yaml");
  const Value& wf = e.workflow;
  EXPECT_EQ(wf.Find("apiVersion")->as_string(), "argoproj.io/v1alpha1");
  EXPECT_EQ(wf.Find("kind")->as_string(), "Workflow");
  EXPECT_EQ(wf.Find("metadata")->Find("generateName")->as_string(), "simple-two-step-pipeline-");
  const Value& spec = *wf.Find("spec");
  EXPECT_EQ(spec.Find("arguments")->ToJson(), R"j({"parameters":[{"name":"text","value":"Hello KFP!"}]})j");
  const Value* root = Template(wf, spec.Find("entrypoint")->as_string());
  ASSERT_NE(root, nullptr);
  const Value* consumer = DagTask(*root, "read-from-gcs");
  ASSERT_NE(consumer, nullptr);
  EXPECT_EQ(consumer->Find("depends")->as_string(), "write-to-gcs");
  EXPECT_EQ(consumer->Find("arguments")->ToJson(),
            R"j({"artifacts":[{"name":"input_gcs_path","from":"{{tasks.write-to-gcs.outputs.artifacts.output_gcs_path}}"}]})j");
  const Value* producer = DagTask(*root, "write-to-gcs");
  EXPECT_EQ(producer->Find("arguments")->ToJson(),
            R"j({"parameters":[{"name":"text","value":"{{workflow.parameters.text}}"}]})j");
  const Value* write = Template(wf, "comp-write-to-gcs");
  ASSERT_NE(write, nullptr);
  EXPECT_EQ(write->Find("container")->Find("image")->as_string(), "google/cloud-sdk:slim");
  // Placeholders: inputs by Argo reference, the artifact URI as its local path.
  const Value::List& cmd = write->Find("container")->Find("command")->as_list();
  EXPECT_EQ(cmd[3].as_string(), "{{inputs.parameters.text}}");
  EXPECT_EQ(cmd[4].as_string(), "/tmp/outputs/output_gcs_path/data");
  EXPECT_EQ(write->Find("outputs")->ToJson(),
            R"j({"artifacts":[{"name":"output_gcs_path","path":"/tmp/outputs/output_gcs_path/data"}]})j");
  bool noted = false;
  for (const SpecProblem& n : e.notes) noted = noted || n.message.find("artifact URIs") != std::string::npos;
  EXPECT_TRUE(noted) << "URIs mapped to paths are reported";
}

TEST(ArgoExportTest, LoopsBecomeWithItemsAndWithParam) {
  ArgoExport e = Export("kfp/pipeline_with_loops.yaml");
  const Value& wf = e.workflow;
  const Value* root = Template(wf, wf.Find("spec")->Find("entrypoint")->as_string());
  ASSERT_NE(root, nullptr);
  bool with_items = false;
  bool with_param = false;
  for (const Value& t : root->Find("dag")->Find("tasks")->as_list()) {
    if (const Value* items = t.Find("withItems")) {
      with_items = true;
      EXPECT_TRUE(items->is_list());
    }
    if (const Value* param = t.Find("withParam")) {
      with_param = true;
      EXPECT_EQ(param->as_string().rfind("{{", 0), 0u) << param->as_string();
    }
    if (t.Find("withItems") || t.Find("withParam")) {
      bool item_passed = false;
      for (const Value& a : t.Find("arguments")->Find("parameters")->as_list()) {
        item_passed = item_passed || a.Find("value")->as_string() == "{{item}}";
      }
      EXPECT_TRUE(item_passed) << t.ToJson();
    }
  }
  EXPECT_TRUE(with_items);
  EXPECT_TRUE(with_param);
}

TEST(ArgoExportTest, RootExitHandlerIsOnExit) {
  ArgoExport e = Export("kfp/pipeline_with_exit_handler.yaml");
  const Value& spec = *e.workflow.Find("spec");
  ASSERT_NE(spec.Find("onExit"), nullptr);
  const Value* handler = Template(e.workflow, spec.Find("onExit")->as_string());
  ASSERT_NE(handler, nullptr);
  const Value& tasks = *handler->Find("dag")->Find("tasks");
  ASSERT_EQ(tasks.as_list().size(), 1u);
  EXPECT_EQ(tasks.as_list()[0].Find("depends"), nullptr) << "onExit runs after everything";
  const Value* root = Template(e.workflow, spec.Find("entrypoint")->as_string());
  EXPECT_EQ(DagTask(*root, tasks.as_list()[0].Find("name")->as_string()), nullptr) << "not also in the main DAG";
}

TEST(ArgoExportTest, ConditionsBecomeWhen) {
  ArgoExport e = Export("kfp/pipeline_with_condition.yaml");
  std::string whens;
  for (const Value& t : e.workflow.Find("spec")->Find("templates")->as_list()) {
    if (!t.Find("dag")) continue;
    for (const Value& task : t.Find("dag")->Find("tasks")->as_list()) {
      if (const Value* w = task.Find("when")) whens += w->as_string() + "\n";
    }
  }
  EXPECT_NE(whens.find("('{{tasks.flip-coin-op.outputs.parameters.Output}}' == 'heads')"), std::string::npos) << whens;
}

TEST(ArgoExportTest, RetriesTimeoutsAndPlacement) {
  ArgoExport retry = Export("kfp/pipeline_with_retry.yaml");
  bool has_retry = false;
  for (const Value& t : retry.workflow.Find("spec")->Find("templates")->as_list()) {
    if (const Value* s = t.Find("retryStrategy")) {
      has_retry = true;
      EXPECT_GT(s->Find("limit")->as_int(), 0);
    }
  }
  EXPECT_TRUE(has_retry);

  ArgoExport gpu = Export("kfp/nvidia_gpu_scheduling_check.yaml");
  const Value* t = Template(gpu.workflow, "comp-verify-gpu-scheduled");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->Find("tolerations")->ToJson(), R"j([{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}])j");
  EXPECT_EQ(t->Find("container")->Find("resources")->Find("limits")->ToJson(), R"j({"nvidia.com/gpu":"1"})j");

  ArgoExport vol = Export("kfp/pipeline_with_volume.yaml");
  const Value* producer = Template(vol.workflow, "comp-producer");
  ASSERT_NE(producer, nullptr);
  EXPECT_EQ(producer->Find("volumes")->ToJson(),
            R"j([{"name":"pvc-0","persistentVolumeClaim":{"claimName":"{{inputs.parameters.pvc-name-0}}"}}])j");
  EXPECT_EQ(producer->Find("container")->Find("volumeMounts")->ToJson(), R"j([{"name":"pvc-0","mountPath":"/data"}])j");
  const Value* root = Template(vol.workflow, vol.workflow.Find("spec")->Find("entrypoint")->as_string());
  bool passed = false;
  for (const Value& a : DagTask(*root, "producer")->Find("arguments")->Find("parameters")->as_list()) {
    passed = passed || (a.Find("name")->as_string() == "pvc-name-0" &&
                        a.Find("value")->as_string() == "{{tasks.createpvc.outputs.parameters.name}}");
  }
  EXPECT_TRUE(passed);
  bool importer_noted = false;
  for (const SpecProblem& n : Export("kfp/pipeline_with_importer.yaml").notes) {
    importer_noted = importer_noted || n.message.find("importer") != std::string::npos;
  }
  EXPECT_TRUE(importer_noted);
}

// kfp-kubernetes secret/ConfigMap volumes and ConfigMap/field env become
// the template's volumes, mounts and env; a name taken from a parameter
// cannot be, and is noted.
TEST(ArgoExportTest, SecretAndConfigMapVolumesAndEnv) {
  ArgoExport out = Export("k8s/pipeline_with_volumes_and_env.yaml");
  const Value* t = Template(out.workflow, "comp-show");
  ASSERT_NE(t, nullptr) << out.workflow.ToJson();
  EXPECT_EQ(t->Find("volumes")->ToJson(),
            R"j([{"name":"secret-1","secret":{"secretName":"model-creds","optional":false}}])j");
  EXPECT_EQ(t->Find("container")->Find("volumeMounts")->ToJson(),
            R"j([{"name":"secret-1","mountPath":"/etc/creds","readOnly":true}])j");
  const std::string env = t->Find("container")->Find("env")->ToJson();
  EXPECT_NE(env.find(R"j({"name":"RUN_MODE","valueFrom":{"configMapKeyRef":{"name":"cairn-settings","key":"mode"}}})j"),
            std::string::npos)
      << env;
  EXPECT_NE(env.find(R"j({"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}})j"),
            std::string::npos)
      << env;
  bool noted = false;
  for (const SpecProblem& n : out.notes) noted = noted || n.message.find("configMapAsVolume whose name") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(ArgoExportTest, RefusesInvalidPipelines) {
  auto p = LoadPipeline("name: bad\nsteps:\n  a: {needs: missing, run: echo}\n", "bad.yaml");
  ASSERT_TRUE(p.ok());
  auto out = ExportArgoWorkflow(*p);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("missing"), std::string::npos) << out.status().message();
}

TEST(ArgoWhenTest, TranslatesKfpConditions) {
  auto value = [](const std::string& name) -> std::optional<std::string> {
    if (name == "x") return "{{tasks.a.outputs.parameters.Output}}";
    if (name == "flag") return "true";
    return std::nullopt;
  };
  EXPECT_EQ(*ArgoWhen("inputs.parameter_values['x'] == 'heads'", value),
            "('{{tasks.a.outputs.parameters.Output}}' == 'heads')");
  EXPECT_EQ(*ArgoWhen("int(inputs.parameter_values['x']) > 5 && !(inputs.parameter_values['flag'])", value),
            "(({{tasks.a.outputs.parameters.Output}} > 5) && !(true))");
  EXPECT_EQ(ArgoWhen("size(inputs.parameter_values['x']) > 1", value).status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(ArgoWhen("inputs.parameter_values['nope'] == 1", value).status().code(), StatusCode::kUnimplemented);
  EXPECT_FALSE(ArgoWhen("((", value).ok());
}

TEST(ArgoWhenTest, SelectorsAndReferences) {
  EXPECT_EQ(JsonFieldSelector("parseJson(string_value)[\"a\"]"), "a");
  EXPECT_EQ(JsonFieldSelector("size(string_value)"), std::nullopt);
  EXPECT_EQ(ExpressionReference("{{inputs.parameters.pipelinechannel--loop-item}}"),
            "inputs.parameters['pipelinechannel--loop-item']");
  EXPECT_EQ(ExpressionReference("{{tasks.t-1.outputs.parameters.Output}}"), "tasks['t-1'].outputs.parameters['Output']");
  EXPECT_EQ(ExpressionReference("{{item}}"), "item");
  EXPECT_EQ(ExpressionReference("x-{{item}}"), std::nullopt);
}

TEST(YamlWriterTest, QuotesWhatYamlWouldMisread) {
  Value v = Value::MakeStruct({{"a", Value::String("true")},
                               {"b", Value::String("1.5")},
                               {"c", Value::String("{{item}}")},
                               {"d", Value::String("plain-word")},
                               {"e", Value::MakeList({})},
                               {"f", Value::Int(3)},
                               {"g", Value::String("")}});
  const std::string y = ToYaml(v);
  EXPECT_NE(y.find("a: \"true\""), std::string::npos) << y;
  EXPECT_NE(y.find("b: \"1.5\""), std::string::npos) << y;
  EXPECT_NE(y.find("c: \"{{item}}\""), std::string::npos) << y;
  EXPECT_NE(y.find("d: plain-word"), std::string::npos) << y;
  EXPECT_NE(y.find("e: []"), std::string::npos) << y;
  EXPECT_NE(y.find("f: 3"), std::string::npos) << y;
  EXPECT_NE(y.find("g: \"\""), std::string::npos) << y;
}

}  // namespace
}  // namespace cairn::pipelines
