// The kubernetes executor against a real kube-apiserver (+ Job controller,
// garbage collector and scheduler) started by k8s/run.sh through
// tests/infra/k8s.sh. No kubelet runs: a fake Ready node takes the pods and
// this test plays kubelet, patching pod status (phase, container exit code)
// through the API, as kwok would.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "pipelines/executor/kubernetes/job_manifest.h"
#include "pipelines/executor/kubernetes/kube_client.h"
#include "pipelines/executor/kubernetes/kubernetes_executor.h"

namespace cairn::pipelines::kubernetes {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : v;
}

class KubernetesExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kubeconfig_ = Env("CAIRN_K8S_KUBECONFIG");
    ASSERT_FALSE(kubeconfig_.empty()) << "run through tests/integration/k8s/run.sh";
    auto config = LoadKubeConfigFile(kubeconfig_);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = *config;
    admin_ = std::make_unique<KubeClient>(config_, 10000);
    dir_ = fs::path(Env("CAIRN_K8S_TEST_DIR")) / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(dir_);
    executor_ = NewExecutor();
  }

  std::unique_ptr<KubernetesExecutor> NewExecutor() {
    KubernetesExecutorOptions options;
    options.config = config_;
    options.status_cache_ms = 200;
    auto executor = KubernetesExecutor::Create(options);
    EXPECT_TRUE(executor.ok()) << executor.status().ToString();
    return executor.ok() ? std::move(executor).value() : nullptr;
  }

  TaskLaunch Launch(const std::string& name) {
    TaskLaunch l;
    l.attempt_key = "run-" + std::to_string(::getpid()) + "/" + name + "/1";
    l.attempt_dir = (dir_ / name).string();
    l.argv = {"sh", "-c", "echo hello"};
    l.image = "busybox:1.36";
    l.env = {{"CAIRN_PIPELINE_TASK", name}};
    return l;
  }

  // The Job's pod once the scheduler bound it to the fake node.
  std::string BoundPod(const std::string& job_name) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(30);
    while (steady_clock::now() < deadline) {
      auto list = admin_->Send("GET", "/api/v1/namespaces/default/pods?labelSelector=" +
                                          QueryEncode("job-name=" + job_name));
      if (list.ok() && list->http_status == 200) {
        auto pods = Value::ParseJson(list->body);
        if (pods.ok()) {
          for (const Value& pod : pods->Find("items")->as_list()) {
            const Value* node = pod.Find("spec")->Find("nodeName");
            if (node != nullptr && node->is_string() && !node->as_string().empty()) {
              return pod.Find("metadata")->Find("name")->as_string();
            }
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no pod of Job " << job_name << " was scheduled";
    return {};
  }

  // What a kubelet reports when the container ended.
  void FinishPod(const std::string& pod, int exit_code) {
    const std::string phase = exit_code == 0 ? "Succeeded" : "Failed";
    const std::string body = fmt::format(
        R"({{"status":{{"phase":"{}","containerStatuses":[{{"name":"main","ready":false,"restartCount":0,)"
        R"("image":"busybox:1.36","imageID":"","state":{{"terminated":{{"exitCode":{},"reason":"{}",)"
        R"("startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:00:01Z"}}}}}}]}}}})",
        phase, exit_code, exit_code == 0 ? "Completed" : "Error");
    auto r = admin_->Send("PATCH", "/api/v1/namespaces/default/pods/" + pod + "/status", body,
                          "application/strategic-merge-patch+json");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->http_status, 200) << r->body;
  }

  // What a kubelet reports while the container cannot start.
  void PodWaiting(const std::string& pod, const std::string& reason, const std::string& message) {
    const std::string body = fmt::format(
        R"({{"status":{{"phase":"Pending","containerStatuses":[{{"name":"main","ready":false,"restartCount":0,)"
        R"("image":"registry.invalid/cairn/missing:1","imageID":"","state":{{"waiting":{{"reason":"{}",)"
        R"("message":"{}"}}}}}}]}}}})",
        reason, message);
    auto r = admin_->Send("PATCH", "/api/v1/namespaces/default/pods/" + pod + "/status", body,
                          "application/strategic-merge-patch+json");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->http_status, 200) << r->body;
  }

  void PodRunning(const std::string& pod) {
    const std::string body =
        R"({"status":{"phase":"Running","containerStatuses":[{"name":"main","ready":true,"restartCount":0,)"
        R"("image":"busybox:1.36","imageID":"","state":{"running":{"startedAt":"2026-01-01T00:00:00Z"},)"
        R"("waiting":null}}]}})";
    auto r = admin_->Send("PATCH", "/api/v1/namespaces/default/pods/" + pod + "/status", body,
                          "application/strategic-merge-patch+json");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->http_status, 200) << r->body;
  }

  std::unique_ptr<KubernetesExecutor> ExecutorWithGrace(int64_t grace_ms) {
    KubernetesExecutorOptions options;
    options.config = config_;
    options.status_cache_ms = 200;
    options.image_pull_grace_ms = grace_ms;
    auto executor = KubernetesExecutor::Create(options);
    EXPECT_TRUE(executor.ok()) << executor.status().ToString();
    return executor.ok() ? std::move(executor).value() : nullptr;
  }

  ExecutionStatus WaitTerminal(KubernetesExecutor& executor, const std::string& handle, int seconds = 30) {
    const auto deadline = steady_clock::now() + std::chrono::seconds(seconds);
    ExecutionStatus last;
    while (steady_clock::now() < deadline) {
      auto status = executor.Poll(handle);
      EXPECT_TRUE(status.ok()) << status.status().ToString();
      if (status.ok()) {
        last = *status;
        if (IsTerminal(last.state)) return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "attempt " << handle << " did not finish";
    return last;
  }

  std::string JobNameOf(const std::string& handle) {
    return handle.substr(handle.find('/') + 1, handle.find('@') - handle.find('/') - 1);
  }

  std::string kubeconfig_;
  KubeConfig config_;
  std::unique_ptr<KubeClient> admin_;
  fs::path dir_;
  std::unique_ptr<KubernetesExecutor> executor_;
};

TEST_F(KubernetesExecutorTest, SucceededPodCompletesTheAttempt) {
  TaskLaunch launch = Launch("ok");
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  auto running = executor_->Poll(*handle);
  ASSERT_TRUE(running.ok()) << running.status().ToString();
  EXPECT_EQ(running->state, ExecutionState::kRunning);
  const std::string pod = BoundPod(JobNameOf(*handle));
  ASSERT_FALSE(pod.empty());
  FinishPod(pod, 0);
  ExecutionStatus done = WaitTerminal(*executor_, *handle);
  EXPECT_EQ(done.state, ExecutionState::kSucceeded) << done.message;
  EXPECT_EQ(done.exit_code, 0);
  // The outcome outlives the Job: deleted (TTL, kubectl), it still polls the same.
  auto del = admin_->Send("DELETE", "/apis/batch/v1/namespaces/default/jobs/" + JobNameOf(*handle));
  ASSERT_TRUE(del.ok());
  auto after = NewExecutor()->Poll(*handle);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, ExecutionState::kSucceeded);
}

TEST_F(KubernetesExecutorTest, FailedPodReportsTheContainerExitCode) {
  auto handle = executor_->Submit(Launch("fails"));
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  FinishPod(BoundPod(JobNameOf(*handle)), 3);
  ExecutionStatus done = WaitTerminal(*executor_, *handle);
  EXPECT_EQ(done.state, ExecutionState::kFailed);
  EXPECT_EQ(done.exit_code, 3);
  EXPECT_EQ(done.message, "exit status 3");
}

TEST_F(KubernetesExecutorTest, CancelDeletesTheJob) {
  auto handle = executor_->Submit(Launch("cancel"));
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ASSERT_FALSE(BoundPod(JobNameOf(*handle)).empty());
  ASSERT_TRUE(executor_->Cancel(*handle).ok());
  auto job = admin_->Send("GET", "/apis/batch/v1/namespaces/default/jobs/" + JobNameOf(*handle));
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->http_status, 404) << "the Job is deleted at once (propagation Background)";
  ExecutionStatus done = WaitTerminal(*executor_, *handle);
  EXPECT_EQ(done.state, ExecutionState::kCancelled);
  // Without an attempt directory the executor remembers the cancel itself.
  TaskLaunch no_dir = Launch("cancel-no-dir");
  no_dir.attempt_dir.clear();
  auto bare = executor_->Submit(no_dir);
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  ASSERT_TRUE(executor_->Cancel(*bare).ok());
  EXPECT_EQ(WaitTerminal(*executor_, *bare).state, ExecutionState::kCancelled);
  // A new executor (a restarted server) agrees, and cancelling again is fine.
  auto again = NewExecutor();
  EXPECT_EQ(again->Poll(*handle)->state, ExecutionState::kCancelled);
  EXPECT_TRUE(again->Cancel(*handle).ok());
}

TEST_F(KubernetesExecutorTest, FindAfterRestartAndIdempotentSubmit) {
  TaskLaunch launch = Launch("find");
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  // A server that crashed before persisting the handle: a new executor finds it.
  auto restarted = NewExecutor();
  auto found = restarted->Find(launch);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, *handle);
  // Submitting the same attempt again adopts the existing Job (409 from the API).
  auto twice = restarted->Submit(launch);
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
  EXPECT_EQ(*twice, *handle);
  TaskLaunch never = Launch("never-submitted");
  auto missing = restarted->Find(never);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  FinishPod(BoundPod(JobNameOf(*handle)), 0);
  EXPECT_EQ(WaitTerminal(*restarted, **found).state, ExecutionState::kSucceeded);
}

TEST_F(KubernetesExecutorTest, ActiveDeadlineIsATimeout) {
  TaskLaunch launch = Launch("deadline");
  launch.timeout_ms = 1000;
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ExecutionStatus done = WaitTerminal(*executor_, *handle, 60);
  EXPECT_EQ(done.state, ExecutionState::kTimedOut) << done.message;
  EXPECT_NE(done.message.find("activeDeadlineSeconds"), std::string::npos) << done.message;
}

TEST_F(KubernetesExecutorTest, PlacementReachesThePod) {
  TaskLaunch launch = Launch("placed");
  launch.cpu_request = "100m";
  launch.memory_limit = "64Mi";
  launch.accelerator_type = "nvidia.com/gpu";
  launch.accelerator_count = 1;
  launch.placement.node_selector = {{"cairn.dev/pool", "test"}};
  launch.placement.tolerations = {{"nvidia.com/gpu", "Exists", "", "NoSchedule", std::nullopt}};
  launch.placement.pod_labels = {{"team", "ml"}};
  launch.placement.image_pull_policy = "IfNotPresent";
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  // Scheduled onto the fake node: the selector matched and the GPU fits.
  const std::string pod_name = BoundPod(JobNameOf(*handle));
  ASSERT_FALSE(pod_name.empty());
  auto got = admin_->Send("GET", "/api/v1/namespaces/default/pods/" + pod_name);
  ASSERT_TRUE(got.ok());
  auto pod = Value::ParseJson(got->body);
  ASSERT_TRUE(pod.ok());
  const Value& spec = *pod->Find("spec");
  EXPECT_EQ(spec.Find("nodeSelector")->ToJson(), R"j({"cairn.dev/pool":"test"})j");
  EXPECT_EQ(spec.Find("restartPolicy")->as_string(), "Never");
  const Value& c = spec.Find("containers")->as_list()[0];
  EXPECT_EQ(c.Find("resources")->Find("limits")->Find("nvidia.com/gpu")->as_string(), "1");
  EXPECT_EQ(c.Find("resources")->Find("requests")->Find("cpu")->as_string(), "100m");
  EXPECT_EQ(pod->Find("metadata")->Find("labels")->Find("team")->as_string(), "ml");
  ASSERT_TRUE(executor_->Cancel(*handle).ok());
}

TEST_F(KubernetesExecutorTest, SecretAndConfigMapVolumesAndEnvReachTheJob) {
  TaskLaunch launch = Launch("volumes");
  launch.placement.object_volumes = {{ObjectVolume::Kind::kSecret, "model-creds", "/etc/creds", false},
                                     {ObjectVolume::Kind::kConfigMap, "settings", "/etc/settings", true}};
  launch.placement.config_map_env = {{"settings", "mode", "RUN_MODE", std::nullopt}};
  launch.placement.field_path_env = {{"POD_NAME", "metadata.name"}};
  auto handle = executor_->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  // As the API server stored it (defaults filled in, so compare fields).
  auto got = admin_->Send("GET", "/apis/batch/v1/namespaces/default/jobs/" + JobNameOf(*handle));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->http_status, 200) << got->body;
  auto job = Value::ParseJson(got->body);
  ASSERT_TRUE(job.ok());
  const Value& spec = *job->Find("spec")->Find("template")->Find("spec");
  const Value::List& volumes = spec.Find("volumes")->as_list();
  ASSERT_EQ(volumes.size(), 2u) << got->body;
  EXPECT_EQ(volumes[0].Find("secret")->Find("secretName")->as_string(), "model-creds");
  EXPECT_FALSE(volumes[0].Find("secret")->Find("optional")->as_bool());
  EXPECT_EQ(volumes[1].Find("configMap")->Find("name")->as_string(), "settings");
  EXPECT_TRUE(volumes[1].Find("configMap")->Find("optional")->as_bool());
  const Value& c = spec.Find("containers")->as_list()[0];
  const Value::List& mounts = c.Find("volumeMounts")->as_list();
  ASSERT_EQ(mounts.size(), 2u);
  EXPECT_EQ(mounts[0].Find("mountPath")->as_string(), "/etc/creds");
  EXPECT_EQ(mounts[1].Find("mountPath")->as_string(), "/etc/settings");
  std::map<std::string, std::string> env;
  for (const Value& e : c.Find("env")->as_list()) {
    const Value* from = e.Find("valueFrom");
    env[e.Find("name")->as_string()] = from != nullptr ? from->ToJson() : e.Find("value")->as_string();
  }
  EXPECT_EQ(env["RUN_MODE"], R"j({"configMapKeyRef":{"name":"settings","key":"mode"}})j");
  // The API server fills in the field's apiVersion.
  EXPECT_NE(env["POD_NAME"].find(R"j("fieldPath":"metadata.name")j"), std::string::npos) << env["POD_NAME"];
  // Its pod is created from the template (the Secret need not exist for that).
  ASSERT_FALSE(BoundPod(JobNameOf(*handle)).empty());
  ASSERT_TRUE(executor_->Cancel(*handle).ok());
  // A bad name never reaches the API server.
  TaskLaunch bad = Launch("bad-volume");
  bad.placement.object_volumes = {{ObjectVolume::Kind::kSecret, "Model_Creds", "/etc/creds", std::nullopt}};
  auto refused = executor_->Submit(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not a valid Secret name"), std::string::npos)
      << refused.status().message();
}

TEST_F(KubernetesExecutorTest, ImagePullFailureFailsAfterTheGrace) {
  auto executor = ExecutorWithGrace(1500);
  TaskLaunch launch = Launch("no-such-image");
  launch.image = "registry.invalid/cairn/missing:1";
  launch.timeout_ms = 600000;
  const auto start = steady_clock::now();
  auto handle = executor->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  const std::string pod = BoundPod(JobNameOf(*handle));
  ASSERT_FALSE(pod.empty());
  PodWaiting(pod, "ErrImagePull", "failed to resolve reference registry.invalid/cairn/missing:1");
  // Within the grace it still runs (a pull may recover).
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto early = executor->Poll(*handle);
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->state, ExecutionState::kRunning);
  PodWaiting(pod, "ImagePullBackOff", "Back-off pulling image registry.invalid/cairn/missing:1");
  ExecutionStatus done = WaitTerminal(*executor, *handle);
  EXPECT_EQ(done.state, ExecutionState::kFailed) << done.message;
  EXPECT_NE(done.message.find("ImagePullBackOff: Back-off pulling image"), std::string::npos) << done.message;
  EXPECT_NE(done.message.find("--kubernetes-image-pull-grace"), std::string::npos) << done.message;
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(30)) << "well before the 600 s timeout";
  // The Job is deleted like on cancel; the outcome stays (a restarted server agrees).
  auto job = admin_->Send("GET", "/apis/batch/v1/namespaces/default/jobs/" + JobNameOf(*handle));
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->http_status, 404);
  auto after = NewExecutor()->Poll(*handle);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, ExecutionState::kFailed);
  EXPECT_EQ(after->message, done.message);
}

TEST_F(KubernetesExecutorTest, ConfigErrorFailsAtOnceAndARecoveredPullRuns) {
  auto executor = ExecutorWithGrace(600000);
  auto handle = executor->Submit(Launch("missing-configmap"));
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  PodWaiting(BoundPod(JobNameOf(*handle)), "CreateContainerConfigError", "configmap \\\"settings\\\" not found");
  ExecutionStatus done = WaitTerminal(*executor, *handle);
  EXPECT_EQ(done.state, ExecutionState::kFailed) << done.message;
  EXPECT_NE(done.message.find("CreateContainerConfigError: configmap \"settings\" not found"), std::string::npos)
      << done.message;
  // Without an attempt directory the executor remembers the failure itself.
  TaskLaunch no_dir = Launch("invalid-image-no-dir");
  no_dir.attempt_dir.clear();
  auto bare = executor->Submit(no_dir);
  ASSERT_TRUE(bare.ok());
  PodWaiting(BoundPod(JobNameOf(*bare)), "InvalidImageName", "couldn't parse image reference");
  EXPECT_EQ(WaitTerminal(*executor, *bare).state, ExecutionState::kFailed);
  EXPECT_EQ(executor->Poll(*bare)->state, ExecutionState::kFailed);
  // A pull that fails for a moment and then succeeds keeps the attempt.
  auto short_grace = ExecutorWithGrace(1000);
  auto flaky = short_grace->Submit(Launch("flaky-pull"));
  ASSERT_TRUE(flaky.ok());
  const std::string pod = BoundPod(JobNameOf(*flaky));
  PodWaiting(pod, "ErrImagePull", "i/o timeout");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(short_grace->Poll(*flaky)->state, ExecutionState::kRunning);
  PodRunning(pod);
  const auto until = steady_clock::now() + std::chrono::milliseconds(2000);
  while (steady_clock::now() < until) {
    auto s = short_grace->Poll(*flaky);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->state, ExecutionState::kRunning) << s->message;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FinishPod(pod, 0);
  EXPECT_EQ(WaitTerminal(*short_grace, *flaky).state, ExecutionState::kSucceeded);
}

TEST_F(KubernetesExecutorTest, ApiErrorsBecomeClearStatuses) {
  // 422: the API server validates the manifest.
  TaskLaunch bad = Launch("bad-quantity");
  bad.cpu_limit = "lots";
  auto invalid = executor_->Submit(bad);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), StatusCode::kInvalidArgument) << invalid.status().ToString();
  EXPECT_NE(invalid.status().message().find("Kubernetes refused to create Job"), std::string::npos);
  // Malformed handles never reach the API.
  EXPECT_EQ(executor_->Poll("default/../../secrets@/tmp").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor_->Poll("no-slash").status().code(), StatusCode::kInvalidArgument);
  // A Job deleted behind cairn's back is lost, not cancelled.
  auto handle = executor_->Submit(Launch("deleted-outside"));
  ASSERT_TRUE(handle.ok());
  ASSERT_TRUE(admin_->Send("DELETE", "/apis/batch/v1/namespaces/default/jobs/" + JobNameOf(*handle)).ok());
  ExecutionStatus lost = WaitTerminal(*executor_, *handle);
  EXPECT_EQ(lost.state, ExecutionState::kLost);
  EXPECT_NE(lost.message.find("no longer knows"), std::string::npos) << lost.message;
  // No kubelet serves this pod's log: a clear error, not a crash or a hang.
  auto logged = executor_->Submit(Launch("logs"));
  ASSERT_TRUE(logged.ok());
  const std::string pod = BoundPod(JobNameOf(*logged));
  auto stderr_chunk = executor_->Logs(*logged, LogStream::kStderr, 0, 100);
  ASSERT_TRUE(stderr_chunk.ok());
  EXPECT_TRUE(stderr_chunk->eof);
  auto pending = executor_->Logs(*logged, LogStream::kStdout, 0, 100);
  ASSERT_TRUE(pending.ok()) << "a pending pod has no log yet: " << pending.status().ToString();
  EXPECT_TRUE(pending->data.empty());
  ASSERT_TRUE(executor_->Cancel(*logged).ok());
}

TEST_F(KubernetesExecutorTest, CreateChecksCredentialsAndRights) {
  // 403: a user without RBAC rights on Jobs.
  auto nobody_config = LoadKubeConfigFile(Env("CAIRN_K8S_KUBECONFIG_NOBODY"));
  ASSERT_TRUE(nobody_config.ok()) << nobody_config.status().ToString();
  KubernetesExecutorOptions nobody;
  nobody.config = *nobody_config;
  auto denied = KubernetesExecutor::Create(nobody);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(denied.status().message().find("forbidden"), std::string::npos) << denied.status().message();
  EXPECT_NE(denied.status().message().find("RBAC"), std::string::npos) << denied.status().message();
  // 401: a token the server does not know.
  KubernetesExecutorOptions wrong;
  wrong.config = config_;
  wrong.config.token = "not-a-token";
  auto unauthorized = KubernetesExecutor::Create(wrong);
  ASSERT_FALSE(unauthorized.ok());
  EXPECT_NE(unauthorized.status().message().find("Unauthorized"), std::string::npos)
      << unauthorized.status().message();
  // Unreachable: nothing listens there.
  KubernetesExecutorOptions nowhere;
  nowhere.config = config_;
  nowhere.config.server = "https://127.0.0.1:1";
  nowhere.request_timeout_ms = 3000;
  auto unreachable = KubernetesExecutor::Create(nowhere);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_NE(unreachable.status().message().find("cannot reach"), std::string::npos) << unreachable.status().message();
  // TLS verification is on unless the kubeconfig turns it off: the test
  // server's self-signed certificate is refused.
  KubernetesExecutorOptions strict;
  strict.config = config_;
  strict.config.insecure_skip_tls_verify = false;
  EXPECT_FALSE(KubernetesExecutor::Create(strict).ok());
}

}  // namespace
}  // namespace cairn::pipelines::kubernetes
