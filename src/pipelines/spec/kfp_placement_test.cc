#include "pipelines/spec/kfp_placement.h"

#include <gtest/gtest.h>

#include "pipelines/graph.h"

namespace cairn::pipelines {
namespace {

Pipeline Load(const std::string& file) {
  auto p = LoadPipelineFile(std::string(CAIRN_PIPELINES_TESTDATA) + "/kfp/" + file);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : Pipeline{};
}

const ContainerSpec& Exec(const Pipeline& p, const std::string& component) {
  return *p.components.at(component)->container();
}

TEST(KfpPlacementTest, PvcMountFromATaskOutputIsABindingAndAnEdge) {
  Pipeline p = Load("pipeline_with_volume.yaml");
  const ExecutorPlatformConfig& producer = Exec(p, "comp-producer").platform;
  ASSERT_EQ(producer.pvc_mounts.size(), 1u);
  EXPECT_EQ(producer.pvc_mounts[0].mount_path, "/data");
  ASSERT_TRUE(producer.pvc_mounts[0].claim_name_from.has_value());
  const auto* out = std::get_if<binding::TaskOutputParameter>(&*producer.pvc_mounts[0].claim_name_from);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->producer_task, "createpvc");
  EXPECT_EQ(out->output_key, "name");
  EXPECT_TRUE(p.root_dag().tasks.at("producer").upstream.contains("createpvc"));
  EXPECT_EQ(producer.kubernetes_keys, std::vector<std::string>{"pvcMount"});
  EXPECT_TRUE(producer.unsupported_keys.empty());
}

TEST(KfpPlacementTest, TolerationsAndTheirWarning) {
  Pipeline p = Load("nvidia_gpu_scheduling_check.yaml");
  const ContainerSpec& c = Exec(p, "comp-verify-gpu-scheduled");
  ASSERT_EQ(c.platform.placement.tolerations.size(), 1u);
  EXPECT_EQ(c.platform.placement.tolerations[0], (Toleration{"nvidia.com/gpu", "Exists", "", "NoSchedule", {}}));
  auto problems = ValidatePipeline(p);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].severity, Severity::kWarning);
  EXPECT_NE(problems[0].message.find("applies only when tasks run on Kubernetes"), std::string::npos);
}

Result<ExecutorPlatformConfig> LoadExec(const std::string& yaml) {
  auto docs = ParseYamlDocuments(yaml, "spec.yaml");
  if (!docs.ok()) return docs.status();
  ExecutorPlatformConfig cfg;
  CAIRN_ASSIGN_OR_RETURN(auto entries, (*docs)[0].Entries());
  for (const auto& [key, node] : entries) {
    CAIRN_ASSIGN_OR_RETURN(bool handled, LoadKfpPlacementKey(key, node, cfg));
    if (!handled) cfg.unsupported_keys.push_back(key);
  }
  return cfg;
}

TEST(KfpPlacementTest, EveryPlacementKey) {
  auto cfg = LoadExec(R"(
nodeSelector: {labels: {pool: gpu}}
tolerations: [{key: spot, operator: Equal, value: "true", effect: NoExecute, tolerationSeconds: "60"}]
pvcMount: [{mountPath: /data, constant: my-pvc}, {mountPath: /in, pvcNameParameter: {runtimeValue: {constant: in-pvc}}}]
imagePullPolicy: Always
imagePullSecret: [{secretName: regcred}]
podMetadata: {labels: {team: ml}, annotations: {owner: me}}
secretAsVolume: []
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const TaskPlacement& p = cfg->placement;
  EXPECT_EQ(p.node_selector, (std::vector<std::pair<std::string, std::string>>{{"pool", "gpu"}}));
  ASSERT_EQ(p.tolerations.size(), 1u);
  EXPECT_EQ(p.tolerations[0].seconds, 60);
  ASSERT_EQ(cfg->pvc_mounts.size(), 2u);
  EXPECT_EQ(cfg->pvc_mounts[0].claim_name, "my-pvc");
  EXPECT_EQ(cfg->pvc_mounts[1].claim_name, "in-pvc");
  EXPECT_EQ(p.image_pull_policy, "Always");
  EXPECT_EQ(p.image_pull_secrets, std::vector<std::string>{"regcred"});
  EXPECT_EQ(p.pod_labels.at(0).second, "ml");
  EXPECT_EQ(p.pod_annotations.at(0).second, "me");
  EXPECT_EQ(cfg->unsupported_keys, std::vector<std::string>{"secretAsVolume"});
}

TEST(KfpPlacementTest, MalformedValuesNameTheirLocation) {
  for (const std::string yaml : {"tolerations: [{key: a, operator: Maybe}]", "tolerations: [{effect: Sometimes}]",
                                 "tolerations: [{key: a, tolerationSeconds: soon}]", "pvcMount: [{mountPath: rel}]",
                                 "pvcMount: [{mountPath: /d}]", "imagePullPolicy: Sometimes",
                                 "imagePullSecret: [{}]", "tolerations: {key: a}"}) {
    auto cfg = LoadExec(yaml);
    ASSERT_FALSE(cfg.ok()) << yaml;
    EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(cfg.status().message().find("spec.yaml"), std::string::npos) << cfg.status().message();
  }
}

}  // namespace
}  // namespace cairn::pipelines
