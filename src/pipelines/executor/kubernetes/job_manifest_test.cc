#include "pipelines/executor/kubernetes/job_manifest.h"

#include <gtest/gtest.h>

namespace cairn::pipelines::kubernetes {
namespace {

TaskLaunch Launch() {
  TaskLaunch l;
  l.attempt_key = "0a1b2c3d/root.train/2";
  l.argv = {"python3", "-c", "print('hi')"};
  l.image = "python:3.11";
  l.env = {{"A", "1"}, {"B", "2"}, {"A", "3"}};
  return l;
}

const Value& At(const Value& v, std::initializer_list<std::string_view> keys) {
  const Value* cur = &v;
  for (std::string_view k : keys) {
    cur = cur->Find(k);
    if (cur == nullptr) {
      ADD_FAILURE() << "missing " << k << " in " << v.ToJson();
      static const Value kNull;
      return kNull;
    }
  }
  return *cur;
}

const Value& Container(const Value& job) { return At(job, {"spec", "template", "spec", "containers"}).as_list()[0]; }

bool IsDns1123Label(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

TEST(JobManifestTest, NamesAreDnsSafeStableAndDistinct) {
  const std::string a = JobName("0a1b2c3d/root.train/2");
  EXPECT_EQ(a.rfind("cairn-0a1b2c3d-root-train-2-", 0), 0u) << a;
  EXPECT_TRUE(IsDns1123Label(a)) << a;
  EXPECT_EQ(a, JobName("0a1b2c3d/root.train/2"));
  EXPECT_NE(a, JobName("0a1b2c3d/root.train/3"));
  // Keys that differ only in characters the slug drops still differ.
  EXPECT_NE(JobName("run/Task_A/1"), JobName("run/task-a/1"));
  for (const std::string& key : {std::string(300, 'x') + "/1", std::string("///"), std::string("ÄÖ/über"),
                                std::string("-lead/trail-"), std::string("")}) {
    const std::string name = JobName(key);
    EXPECT_TRUE(IsDns1123Label(name)) << name;
    EXPECT_LE(name.size(), 57u) << "room for the pod suffix: " << name;
  }
  EXPECT_EQ(AttemptLabelValue("k").size(), 32u);
}

TEST(JobManifestTest, BasicJob) {
  JobManifestOptions options;
  options.namespace_name = "ml";
  auto job = BuildJobManifest(Launch(), options);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(At(*job, {"apiVersion"}).as_string(), "batch/v1");
  EXPECT_EQ(At(*job, {"kind"}).as_string(), "Job");
  EXPECT_EQ(At(*job, {"metadata", "namespace"}).as_string(), "ml");
  EXPECT_EQ(At(*job, {"metadata", "name"}).as_string(), JobName("0a1b2c3d/root.train/2"));
  const std::string attempt = AttemptLabelValue("0a1b2c3d/root.train/2");
  EXPECT_EQ(At(*job, {"metadata", "labels", "cairn.dev/attempt"}).as_string(), attempt);
  EXPECT_EQ(At(*job, {"metadata", "labels", "app.kubernetes.io/managed-by"}).as_string(), "cairn");
  EXPECT_EQ(At(*job, {"metadata", "annotations", "cairn.dev/attempt-key"}).as_string(), "0a1b2c3d/root.train/2");
  EXPECT_EQ(At(*job, {"spec", "backoffLimit"}).as_int(), 0);
  EXPECT_EQ(job->Find("spec")->Find("activeDeadlineSeconds"), nullptr);
  EXPECT_EQ(At(*job, {"spec", "template", "metadata", "labels", "cairn.dev/attempt"}).as_string(), attempt);
  EXPECT_EQ(At(*job, {"spec", "template", "spec", "restartPolicy"}).as_string(), "Never");
  const Value& c = Container(*job);
  EXPECT_EQ(At(c, {"name"}).as_string(), "main");
  EXPECT_EQ(At(c, {"image"}).as_string(), "python:3.11");
  EXPECT_EQ(At(c, {"command"}).ToJson(), R"j(["python3","-c","print('hi')"])j");
  // Later entries override, first-seen order kept.
  EXPECT_EQ(At(c, {"env"}).ToJson(), R"j([{"name":"A","value":"3"},{"name":"B","value":"2"}])j");
  EXPECT_EQ(c.Find("resources"), nullptr);
  EXPECT_EQ(c.Find("volumeMounts"), nullptr);
}

TEST(JobManifestTest, TimeoutResourcesAndGpus) {
  TaskLaunch l = Launch();
  l.timeout_ms = 1500;  // rounds up: never kill early
  l.cpu_request = "500m";
  l.cpu_limit = "2";
  l.memory_request = "1Gi";
  l.memory_limit = "4Gi";
  l.accelerator_type = "nvidia.com/gpu";
  l.accelerator_count = 2;
  auto job = BuildJobManifest(l, {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(At(*job, {"spec", "activeDeadlineSeconds"}).as_int(), 2);
  EXPECT_EQ(At(Container(*job), {"resources"}).ToJson(),
            R"j({"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"cpu":"2","memory":"4Gi","nvidia.com/gpu":"2"}})j");
  // A GPU model name (KFP accelerator type) is requested as nvidia.com/gpu.
  l.accelerator_type = "NVIDIA_TESLA_T4";
  l.accelerator_count = 1;
  job = BuildJobManifest(l, {});
  EXPECT_EQ(At(Container(*job), {"resources", "limits", "nvidia.com/gpu"}).as_string(), "1");
  l.accelerator_count = -1;
  EXPECT_EQ(BuildJobManifest(l, {}).status().code(), StatusCode::kInvalidArgument);
}

TEST(JobManifestTest, Placement) {
  TaskLaunch l = Launch();
  l.working_dir = "/work";
  l.placement.node_selector = {{"accelerator", "a100"}};
  l.placement.tolerations = {{"nvidia.com/gpu", "Exists", "", "NoSchedule", std::nullopt},
                             {"spot", "Equal", "true", "NoExecute", 30}};
  l.placement.pvc_mounts = {{"data-pvc", "/data", false}};
  l.placement.image_pull_policy = "Always";
  l.placement.image_pull_secrets = {"regcred"};
  l.placement.pod_labels = {{"team", "ml"}, {"cairn.dev/attempt", "spoofed"}};
  l.placement.pod_annotations = {{"note", "x"}};
  JobManifestOptions options;
  options.service_account = "cairn-tasks";
  options.shared_mounts = {{"cairn-data", "/var/lib/cairn", false}};
  options.env_overrides = {{"B", "from-options"}};
  auto job = BuildJobManifest(l, options);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  const Value& pod = At(*job, {"spec", "template"});
  EXPECT_EQ(At(pod, {"metadata", "labels", "team"}).as_string(), "ml");
  EXPECT_EQ(At(pod, {"metadata", "labels", "cairn.dev/attempt"}).as_string(), AttemptLabelValue(l.attempt_key))
      << "cairn's own labels win over podMetadata";
  EXPECT_EQ(At(pod, {"metadata", "annotations", "note"}).as_string(), "x");
  EXPECT_EQ(At(pod, {"spec", "serviceAccountName"}).as_string(), "cairn-tasks");
  EXPECT_EQ(At(pod, {"spec", "nodeSelector"}).ToJson(), R"j({"accelerator":"a100"})j");
  EXPECT_EQ(At(pod, {"spec", "tolerations"}).ToJson(),
            R"j([{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"},)j"
            R"j({"key":"spot","operator":"Equal","value":"true","effect":"NoExecute","tolerationSeconds":30}])j");
  EXPECT_EQ(At(pod, {"spec", "imagePullSecrets"}).ToJson(), R"j([{"name":"regcred"}])j");
  EXPECT_EQ(At(pod, {"spec", "volumes"}).ToJson(),
            R"j([{"name":"cairn-pvc-0","persistentVolumeClaim":{"claimName":"cairn-data"}},)j"
            R"j({"name":"cairn-pvc-1","persistentVolumeClaim":{"claimName":"data-pvc"}}])j");
  const Value& c = Container(*job);
  EXPECT_EQ(At(c, {"volumeMounts"}).ToJson(),
            R"j([{"name":"cairn-pvc-0","mountPath":"/var/lib/cairn"},{"name":"cairn-pvc-1","mountPath":"/data"}])j");
  EXPECT_EQ(At(c, {"imagePullPolicy"}).as_string(), "Always");
  EXPECT_EQ(At(c, {"workingDir"}).as_string(), "/work");
  EXPECT_EQ(At(c, {"env"}).ToJson(), R"j([{"name":"A","value":"3"},{"name":"B","value":"from-options"}])j");
}

TEST(JobManifestTest, RejectsWhatKubernetesCannotRun) {
  TaskLaunch l = Launch();
  l.argv.clear();
  EXPECT_EQ(BuildJobManifest(l, {}).status().code(), StatusCode::kInvalidArgument);
  l = Launch();
  l.image.clear();
  auto no_image = BuildJobManifest(l, {});
  ASSERT_FALSE(no_image.ok());
  EXPECT_NE(no_image.status().message().find("--kubernetes-default-image"), std::string::npos);
  JobManifestOptions with_default;
  with_default.default_image = "debian:12";
  auto defaulted = BuildJobManifest(l, with_default);
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ(At(Container(*defaulted), {"image"}).as_string(), "debian:12");
  l = Launch();
  l.placement.pvc_mounts = {{"a", "/data", false}, {"b", "/data", false}};
  auto twice = BuildJobManifest(l, {});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("/data"), std::string::npos);
}

TEST(JobManifestTest, SecretAndConfigMapVolumesAndValueFromEnv) {
  TaskLaunch l = Launch();
  l.placement.pvc_mounts = {{"data-pvc", "/data", false}};
  l.placement.object_volumes = {{ObjectVolume::Kind::kSecret, "model-creds", "/etc/creds", false},
                                {ObjectVolume::Kind::kConfigMap, "settings", "/etc/settings", true},
                                {ObjectVolume::Kind::kSecret, "plain", "/etc/plain", std::nullopt}};
  l.placement.config_map_env = {{"settings", "mode", "RUN_MODE", std::nullopt},
                                {"settings", "level", "A", true}};
  l.placement.field_path_env = {{"POD_NAME", "metadata.name"}, {"TEAM", "metadata.labels['team']"}};
  JobManifestOptions options;
  options.env_overrides = {{"TEAM", "server-wins"}};
  auto job = BuildJobManifest(l, options);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(At(*job, {"spec", "template", "spec", "volumes"}).ToJson(),
            R"j([{"name":"cairn-pvc-0","persistentVolumeClaim":{"claimName":"data-pvc"}},)j"
            R"j({"name":"cairn-secret-0","secret":{"secretName":"model-creds","optional":false}},)j"
            R"j({"name":"cairn-configmap-1","configMap":{"name":"settings","optional":true}},)j"
            R"j({"name":"cairn-secret-2","secret":{"secretName":"plain"}}])j");
  const Value& c = Container(*job);
  EXPECT_EQ(At(c, {"volumeMounts"}).ToJson(),
            R"j([{"name":"cairn-pvc-0","mountPath":"/data"},)j"
            R"j({"name":"cairn-secret-0","mountPath":"/etc/creds","readOnly":true},)j"
            R"j({"name":"cairn-configmap-1","mountPath":"/etc/settings","readOnly":true},)j"
            R"j({"name":"cairn-secret-2","mountPath":"/etc/plain","readOnly":true}])j");
  // A ConfigMap key overrides the task's own A; the server's override wins
  // over a field path; first-seen order is kept.
  EXPECT_EQ(At(c, {"env"}).ToJson(),
            R"j([{"name":"A","valueFrom":{"configMapKeyRef":{"name":"settings","key":"level","optional":true}}},)j"
            R"j({"name":"B","value":"2"},)j"
            R"j({"name":"RUN_MODE","valueFrom":{"configMapKeyRef":{"name":"settings","key":"mode"}}},)j"
            R"j({"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},)j"
            R"j({"name":"TEAM","value":"server-wins"}])j");
}

TEST(JobManifestTest, BadNamesAndPathsFailAtSubmitNamingTheSetting) {
  struct Case {
    const char* why;
    TaskPlacement placement;
    const char* expected;  // in the message
  };
  auto volume = [](ObjectVolume::Kind kind, std::string name, std::string path) {
    TaskPlacement p;
    p.object_volumes = {{kind, std::move(name), std::move(path), std::nullopt}};
    return p;
  };
  auto cm_env = [](std::string cm, std::string key, std::string var) {
    TaskPlacement p;
    p.config_map_env = {{std::move(cm), std::move(key), std::move(var), std::nullopt}};
    return p;
  };
  auto field_env = [](std::string var, std::string path) {
    TaskPlacement p;
    p.field_path_env = {{std::move(var), std::move(path)}};
    return p;
  };
  TaskPlacement pvc_bad_claim;
  pvc_bad_claim.pvc_mounts = {{"Data_PVC", "/data", false}};
  TaskPlacement pvc_dotdot;
  pvc_dotdot.pvc_mounts = {{"data", "/data/../etc", false}};
  TaskPlacement same_path = volume(ObjectVolume::Kind::kSecret, "a", "/etc/x");
  same_path.object_volumes.push_back({ObjectVolume::Kind::kConfigMap, "b", "/etc/x", std::nullopt});
  const std::vector<Case> cases = {
      {"upper case", volume(ObjectVolume::Kind::kSecret, "My_Secret", "/etc/s"), "not a valid Secret name"},
      {"empty name", volume(ObjectVolume::Kind::kConfigMap, "", "/etc/s"), "not a valid ConfigMap name"},
      {"too long", volume(ObjectVolume::Kind::kSecret, std::string(254, 'a'), "/etc/s"), "not a valid Secret name"},
      {"relative", volume(ObjectVolume::Kind::kSecret, "s", "etc/s"), "must be absolute"},
      {"dot dot", volume(ObjectVolume::Kind::kConfigMap, "c", "/etc/../root"), "must not contain '..'"},
      {"trailing dot dot", volume(ObjectVolume::Kind::kConfigMap, "c", "/etc/.."), "must not contain '..'"},
      {"colon", volume(ObjectVolume::Kind::kSecret, "s", "/etc:/x"), "must not contain ':'"},
      {"same path", same_path, "two volumes are mounted at /etc/x"},
      {"bad ConfigMap", cm_env("Settings", "k", "E"), "not a valid ConfigMap name"},
      {"bad key", cm_env("settings", "a/b", "E"), "not a valid key"},
      {"bad env var", cm_env("settings", "k", "1ST"), "not a valid environment variable name"},
      {"env var with =", field_env("A=B", "metadata.name"), "not a valid environment variable name"},
      {"unknown field", field_env("E", "spec.containers"), "not a pod field"},
      {"unterminated label", field_env("E", "metadata.labels['team"), "not a pod field"},
      {"bad claim", pvc_bad_claim, "not a valid claim name"},
      {"claim path", pvc_dotdot, "must not contain '..'"},
  };
  for (const Case& c : cases) {
    TaskLaunch l = Launch();
    l.placement = c.placement;
    auto job = BuildJobManifest(l, {});
    ASSERT_FALSE(job.ok()) << c.why;
    EXPECT_EQ(job.status().code(), StatusCode::kInvalidArgument) << c.why;
    EXPECT_NE(job.status().message().find(c.expected), std::string::npos) << c.why << ": " << job.status().message();
    EXPECT_LT(job.status().message().size(), 600u) << "long values are cut: " << c.why;
  }
  // What Kubernetes accepts passes.
  TaskLaunch ok = Launch();
  ok.placement = field_env("my.var-1", "metadata.annotations['cairn.dev/attempt-key']");
  ok.placement.object_volumes = {{ObjectVolume::Kind::kSecret, "a.b-c", "/", std::nullopt}};
  ok.placement.config_map_env = {{"cm", "key_1.json", "_X", std::nullopt}};
  EXPECT_TRUE(BuildJobManifest(ok, {}).ok()) << BuildJobManifest(ok, {}).status().ToString();
}

}  // namespace
}  // namespace cairn::pipelines::kubernetes
