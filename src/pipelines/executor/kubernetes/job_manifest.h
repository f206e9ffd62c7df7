// The batch/v1 Job for one task attempt: a pure function of the launch and
// the executor's options, so every field is unit-tested without a cluster.
//   metadata.name     "cairn-<readable part of the attempt key>-<hash>",
//                     DNS-1123 safe, <= 63 characters (pod names derive from it)
//   labels            app.kubernetes.io/managed-by=cairn and
//                     cairn.dev/attempt=<hash of the attempt key> (Find looks
//                     attempts up by it; on the pod template too)
//   annotations       cairn.dev/attempt-key=<the attempt key>
//   spec              backoffLimit 0 (cairn retries, not Kubernetes),
//                     activeDeadlineSeconds from the timeout, one container
//                     "main": image, argv as command, env, resources
//                     (requests/limits, accelerators as extended resources
//                     such as nvidia.com/gpu), and the placement (node
//                     selector, tolerations, PVC volumes, pull policy and
//                     secrets, pod labels/annotations, Secret and
//                     ConfigMap volumes, ConfigMap keys and pod fields as
//                     env). Names and paths are checked here: a bad one
//                     is kInvalidArgument naming the setting.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "pipelines/executor/executor.h"
#include "pipelines/spec/value.h"

namespace cairn::pipelines::kubernetes {

inline constexpr char kManagedByLabel[] = "app.kubernetes.io/managed-by";
inline constexpr char kManagedByValue[] = "cairn";
inline constexpr char kAttemptLabel[] = "cairn.dev/attempt";
inline constexpr char kAttemptKeyAnnotation[] = "cairn.dev/attempt-key";
inline constexpr char kContainerName[] = "main";

struct JobManifestOptions {
  std::string namespace_name;
  // Used when the task names no image (cairn YAML steps without `image:`).
  std::string default_image;
  std::string service_account;  // empty: the namespace's default
  // Mounted into every task pod (e.g. the claim holding --pipeline-root, at
  // the path the server sees it, so output files land where it reads them).
  std::vector<PvcMount> shared_mounts;
  // Set in every task container after the task's own environment, so they
  // win (e.g. MLFLOW_TRACKING_URI as pods reach the server: its Service).
  std::vector<std::pair<std::string, std::string>> env_overrides;
};

// "cairn-<slug>-<16 hex>": the slug keeps the run/task readable in kubectl.
std::string JobName(const std::string& attempt_key);
// The value of the cairn.dev/attempt label: 32 hex characters of SHA-256.
std::string AttemptLabelValue(const std::string& attempt_key);

// kInvalidArgument for an empty argv, a task without an image when there is
// no default image, a malformed accelerator count, or an invalid Secret,
// ConfigMap or claim name, mount path, env var name or field path.
Result<Value> BuildJobManifest(const TaskLaunch& launch, const JobManifestOptions& options);

}  // namespace cairn::pipelines::kubernetes
