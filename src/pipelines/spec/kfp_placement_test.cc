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
nodeAffinity: []
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
  EXPECT_EQ(cfg->unsupported_keys, std::vector<std::string>{"nodeAffinity"});
}

TEST(KfpPlacementTest, MalformedValuesNameTheirLocation) {
  for (const std::string yaml : {"tolerations: [{key: a, operator: Maybe}]", "tolerations: [{effect: Sometimes}]",
                                 "tolerations: [{key: a, tolerationSeconds: soon}]", "pvcMount: [{mountPath: rel}]",
                                 "pvcMount: [{mountPath: /d}]", "imagePullPolicy: Sometimes",
                                 "imagePullSecret: [{}]", "tolerations: {key: a}",
                                 "secretAsVolume: [{mountPath: /x}]", "secretAsVolume: [{secretName: s}]",
                                 "configMapAsVolume: [{configMapName: c, mountPath: rel}]",
                                 "configMapAsVolume: [{configMapName: c, mountPath: /x, optional: maybe}]",
                                 "configMapAsEnv: [{configMapName: c}]",
                                 "configMapAsEnv: [{configMapName: c, keyToEnv: [{configMapKey: k}]}]",
                                 "configMapAsEnv: [{keyToEnv: [{configMapKey: k, envVar: E}]}]",
                                 "fieldPathAsEnv: [{name: E}]", "fieldPathAsEnv: {name: E, fieldPath: x}"}) {
    auto cfg = LoadExec(yaml);
    ASSERT_FALSE(cfg.ok()) << yaml;
    EXPECT_EQ(cfg.status().code(), StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(cfg.status().message().find("spec.yaml"), std::string::npos) << cfg.status().message();
  }
}

TEST(KfpPlacementTest, SecretAndConfigMapVolumesAndEnv) {
  auto cfg = LoadExec(R"(
secretAsVolume:
- {secretName: old-name, secretNameParameter: {runtimeValue: {constant: creds}}, mountPath: /etc/creds, optional: false}
- {secretName: legacy, mountPath: /etc/legacy}
configMapAsVolume:
- {configMapNameParameter: {componentInputParameter: cm_name}, mountPath: /etc/cm, optional: true}
configMapAsEnv:
- configMapName: settings
  keyToEnv: [{configMapKey: mode, envVar: RUN_MODE}, {configMapKey: level, envVar: LOG_LEVEL}]
fieldPathAsEnv: [{name: POD_NAME, fieldPath: metadata.name}]
)");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  ASSERT_EQ(cfg->object_volumes.size(), 3u);
  const ObjectVolumeSpec& creds = cfg->object_volumes[0];
  EXPECT_EQ(creds.kind, ObjectVolume::Kind::kSecret);
  EXPECT_EQ(creds.name, "creds") << "the parameter wins over the deprecated field";
  EXPECT_FALSE(creds.name_from.has_value());
  EXPECT_EQ(creds.mount_path, "/etc/creds");
  EXPECT_EQ(creds.optional, std::optional<bool>(false));
  EXPECT_EQ(cfg->object_volumes[1].name, "legacy");
  EXPECT_EQ(cfg->object_volumes[1].optional, std::nullopt) << "absent: Kubernetes' default";
  const ObjectVolumeSpec& cm = cfg->object_volumes[2];
  EXPECT_EQ(cm.kind, ObjectVolume::Kind::kConfigMap);
  ASSERT_TRUE(cm.name_from.has_value());
  EXPECT_EQ(std::get<binding::ComponentInputParameter>(*cm.name_from).name, "cm_name");
  EXPECT_EQ(cm.optional, std::optional<bool>(true));
  ASSERT_EQ(cfg->config_map_env.size(), 1u);
  EXPECT_EQ(cfg->config_map_env[0].config_map, "settings");
  EXPECT_EQ(cfg->config_map_env[0].key_to_env,
            (std::vector<std::pair<std::string, std::string>>{{"mode", "RUN_MODE"}, {"level", "LOG_LEVEL"}}));
  EXPECT_EQ(cfg->placement.field_path_env, (std::vector<FieldPathEnv>{{"POD_NAME", "metadata.name"}}));
  EXPECT_EQ(cfg->kubernetes_keys,
            (std::vector<std::string>{"secretAsVolume", "configMapAsVolume", "configMapAsEnv", "fieldPathAsEnv"}));
  EXPECT_TRUE(cfg->unsupported_keys.empty());
}

TEST(KfpPlacementTest, VolumesFixtureWarnsThatOnlyKubernetesHonoursIt) {
  auto p = LoadPipelineFile(std::string(CAIRN_PIPELINES_TESTDATA) + "/k8s/pipeline_with_volumes_and_env.yaml");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const ExecutorPlatformConfig& cfg = p->components.at("comp-show")->container()->platform;
  EXPECT_EQ(cfg.object_volumes.size(), 2u);
  EXPECT_EQ(cfg.config_map_env.size(), 1u);
  EXPECT_EQ(cfg.placement.field_path_env.size(), 2u);
  auto problems = ValidatePipeline(*p);
  ASSERT_EQ(problems.size(), 4u);
  for (const SpecProblem& problem : problems) {
    EXPECT_EQ(problem.severity, Severity::kWarning);
    EXPECT_NE(problem.message.find("applies only when tasks run on Kubernetes (--pipelines-executor kubernetes)"),
              std::string::npos)
        << problem.message;
  }
}

}  // namespace
}  // namespace cairn::pipelines
