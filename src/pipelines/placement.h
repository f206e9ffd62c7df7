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

struct TaskPlacement {
  std::vector<std::pair<std::string, std::string>> node_selector;
  std::vector<Toleration> tolerations;
  std::vector<PvcMount> pvc_mounts;
  std::string image_pull_policy;  // Always | IfNotPresent | Never; empty = the cluster's default
  std::vector<std::string> image_pull_secrets;
  std::vector<std::pair<std::string, std::string>> pod_labels;
  std::vector<std::pair<std::string, std::string>> pod_annotations;

  bool empty() const {
    return node_selector.empty() && tolerations.empty() && pvc_mounts.empty() && image_pull_policy.empty() &&
           image_pull_secrets.empty() && pod_labels.empty() && pod_annotations.empty();
  }
};

}  // namespace cairn::pipelines
