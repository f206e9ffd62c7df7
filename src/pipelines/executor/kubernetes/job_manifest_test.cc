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

}  // namespace
}  // namespace cairn::pipelines::kubernetes
