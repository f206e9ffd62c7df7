// KubernetesExecutor: each task attempt is a batch/v1 Job (one pod, no
// Kubernetes-side retries) created through the API server, watched by
// polling the Job's status, cancelled by deleting the Job (propagation
// Background: the pod goes with it). The manifest is job_manifest.h's.
//
// Handles are "<namespace>/<job name>@<attempt_dir>", so a restarted server
// (a new executor) polls, reads logs and cancels Jobs submitted before. Find
// lists Jobs by the cairn.dev/attempt label (a hash of the attempt key).
//
// The attempt directory is server-side bookkeeping only (the pod never sees
// it unless a shared volume maps it): `cancelled` marks a cancel (the Job is
// gone afterwards, so Poll can tell cancelled from lost) and `k8s_final.json`
// keeps the outcome once seen, so a Job removed later (TTL, kubectl) still
// polls as what it was.
//
// Status: one list of the namespace's cairn Jobs answers every Poll within
// status_cache_ms; the pod is read once a Job finished (exit code). While
// some Job runs, the namespace's cairn pods are listed with it: a container
// that cannot start (pod_start_problem.h: a bad image name or config at
// once, an image pull failing for longer than image_pull_grace_ms) ends the
// attempt FAILED with the kubelet's message and its Job is deleted, instead
// of a pod Pending until the task's timeout. The grace is counted from when
// this executor first saw the pull failing (a restart starts it again).
// Logs: Kubernetes keeps one log per container with both streams merged; it
// is served as stdout, stderr reads empty. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "pipelines/executor/executor.h"
#include "pipelines/executor/kubernetes/job_manifest.h"
#include "pipelines/executor/kubernetes/kube_client.h"

namespace cairn::pipelines::kubernetes {

struct KubernetesExecutorOptions {
  KubeConfig config;
  // Where Jobs go; empty: the kubeconfig context's namespace, else "default".
  std::string namespace_name;
  // Image fallback, service account, shared mounts (namespace is filled in).
  JobManifestOptions manifest;
  // ttlSecondsAfterFinished for finished Jobs; 0: keep them (and their logs).
  int64_t job_ttl_seconds = 0;
  int64_t status_cache_ms = 1000;
  // How long ErrImagePull / ImagePullBackOff may last before the attempt
  // fails; 0 fails at the first sight.
  int64_t image_pull_grace_ms = 120000;
  int64_t request_timeout_ms = 30000;
};

class KubernetesExecutor : public Executor {
 public:
  // Checks that the API server answers and lets us list Jobs in the
  // namespace: kFailedPrecondition naming the server, namespace and reason
  // otherwise (unreachable, bad credentials, missing RBAC rights).
  static Result<std::unique_ptr<KubernetesExecutor>> Create(KubernetesExecutorOptions options);

  std::string_view Name() const override { return "kubernetes"; }
  Result<std::string> Submit(const TaskLaunch& launch) override;
  Result<ExecutionStatus> Poll(const std::string& handle) override;
  Status Cancel(const std::string& handle) override;
  Result<LogChunk> Logs(const std::string& handle, LogStream stream, int64_t offset, int64_t max_bytes) override;
  Result<std::optional<std::string>> Find(const TaskLaunch& launch) override;

  const std::string& namespace_name() const { return options_.namespace_name; }

 private:
  explicit KubernetesExecutor(KubernetesExecutorOptions options);

  struct ParsedHandle {
    std::string ns;
    std::string job;
    std::string dir;
  };
  static Result<ParsedHandle> ParseHandle(const std::string& handle);

  std::string JobsPath(const std::string& ns) const;
  // The Job as the API server last described it; nullopt when it does not
  // exist. Served from the namespace list cache when fresh enough.
  Result<std::optional<Value>> GetJob(const ParsedHandle& h);
  Status RefreshJobs();
  // The finished Job's outcome, with the pod's exit code when known.
  ExecutionStatus FinishedStatus(const ParsedHandle& h, const Value& job, bool succeeded, bool cancelled);
  // The newest pod of the Job, or nullopt.
  Result<std::optional<Value>> JobPod(const ParsedHandle& h);
  // Lists the namespace's cairn pods into pods_ (caller holds mu_).
  void RefreshPods();
  // FAILED when the running Job's container cannot start (see above).
  std::optional<ExecutionStatus> StartFailure(const ParsedHandle& h);
  Status DeleteJob(const ParsedHandle& h);

  KubernetesExecutorOptions options_;
  KubeClient client_;
  std::mutex mu_;
  // Job name -> Job, from the last list of options_.namespace_name.
  std::map<std::string, Value> jobs_;
  std::chrono::steady_clock::time_point jobs_time_{};
  // Job name -> its newest pod, listed with jobs_ while some Job runs.
  std::map<std::string, Value> pods_;
  // Job name -> when its image pull was first seen failing.
  std::map<std::string, std::chrono::steady_clock::time_point> pull_failing_since_;
  // Attempts this executor failed because they could not start ("ns/job"),
  // for handles without an attempt directory to hold k8s_final.json.
  std::map<std::string, ExecutionStatus> start_failed_;
  // When this executor created each Job (one newer than the cached list
  // must not be judged missing from it).
  std::map<std::string, std::chrono::steady_clock::time_point> submitted_;
  // Jobs this executor deleted ("ns/job"), for handles without an attempt
  // directory to hold the `cancelled` mark.
  std::set<std::string> cancelled_;
};

}  // namespace cairn::pipelines::kubernetes
