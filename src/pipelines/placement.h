// TaskPlacement: where on a cluster a task's container goes, as the KFP
// PlatformSpec (kfp-kubernetes `deploymentSpec.executors.<exec>`) writes it.
// Executor-neutral data: the kubernetes executor turns it into pod fields;
// executors that place processes themselves (local, slurm) ignore it.
// Thread-compatible: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cairn::pipelines {

// A Kubernetes toleration (core/v1 Toleration).
struct Toleration {
  std::string key;
  std::string op;  // "Equal" | "Exists"; empty = Equal
  std::string value;
  std::string effect;  // NoSchedule | PreferNoSchedule | NoExecute; empty = all
  std::optional<int64_t> seconds;
  friend bool operator==(const Toleration&, const Toleration&) = default;
};

// A PersistentVolumeClaim mounted into the task's container.
struct PvcMount {
  std::string claim_name;
  std::string mount_path;
  bool read_only = false;
  friend bool operator==(const PvcMount&, const PvcMount&) = default;
};

// A Secret or ConfigMap mounted as a directory of files, one per key
// (kfp-kubernetes secretAsVolume / configMapAsVolume).
struct ObjectVolume {
  enum class Kind { kSecret, kConfigMap };
  Kind kind = Kind::kSecret;
  std::string name;  // the Secret's or ConfigMap's name
  std::string mount_path;
  std::optional<bool> optional;  // unset: Kubernetes' default (required)
  friend bool operator==(const ObjectVolume&, const ObjectVolume&) = default;
};

// An environment variable read from a ConfigMap key (configMapAsEnv).
struct ConfigMapKeyEnv {
  std::string config_map;
  std::string key;
  std::string env_var;
  std::optional<bool> optional;
  friend bool operator==(const ConfigMapKeyEnv&, const ConfigMapKeyEnv&) = default;
};

// An environment variable holding a field of the pod, e.g. metadata.name or
// status.podIP (fieldPathAsEnv).
struct FieldPathEnv {
  std::string env_var;
  std::string field_path;
  friend bool operator==(const FieldPathEnv&, const FieldPathEnv&) = default;
};

struct TaskPlacement {
  std::vector<std::pair<std::string, std::string>> node_selector;
  std::vector<Toleration> tolerations;
  std::vector<PvcMount> pvc_mounts;
  std::string image_pull_policy;  // Always | IfNotPresent | Never; empty = the cluster's default
  std::vector<std::string> image_pull_secrets;
  std::vector<std::pair<std::string, std::string>> pod_labels;
  std::vector<std::pair<std::string, std::string>> pod_annotations;
  // Only the kubernetes executor can provide these: the cluster holds the
  // Secrets and ConfigMaps, and the pod its fields.
  std::vector<ObjectVolume> object_volumes;
  std::vector<ConfigMapKeyEnv> config_map_env;
  std::vector<FieldPathEnv> field_path_env;

  bool empty() const {
    return node_selector.empty() && tolerations.empty() && pvc_mounts.empty() && image_pull_policy.empty() &&
           image_pull_secrets.empty() && pod_labels.empty() && pod_annotations.empty() && object_volumes.empty() &&
           config_map_env.empty() && field_path_env.empty();
  }
};

}  // namespace cairn::pipelines
