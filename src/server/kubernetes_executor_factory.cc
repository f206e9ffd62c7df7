#include "server/kubernetes_executor_factory.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "pipelines/executor/kubernetes/kubernetes_executor.h"

namespace cairn::server {
namespace {

namespace k8s = pipelines::kubernetes;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

Result<k8s::KubeConfig> LoadClusterConfig(const ServerConfig& config) {
  if (!config.kubeconfig.empty()) return k8s::LoadKubeConfigFile(config.kubeconfig, config.kubernetes_context);
  if (std::string list = Env("KUBECONFIG"); !list.empty()) {
    // kubectl merges a colon-separated list; cairn takes the first file.
    return k8s::LoadKubeConfigFile(list.substr(0, list.find(':')), config.kubernetes_context);
  }
  if (std::string host = Env("KUBERNETES_SERVICE_HOST"); !host.empty()) {
    return k8s::InClusterConfig(host, Env("KUBERNETES_SERVICE_PORT"), k8s::kServiceAccountDir);
  }
  if (std::string home = Env("HOME"); !home.empty() && std::filesystem::exists(home + "/.kube/config")) {
    return k8s::LoadKubeConfigFile(home + "/.kube/config", config.kubernetes_context);
  }
  return FailedPrecondition(
      "the kubernetes executor found no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run the "
      "server in a pod with a service account");
}

}  // namespace

Result<std::unique_ptr<pipelines::Executor>> CreateKubernetesTaskExecutor(const ServerConfig& config) {
  k8s::KubernetesExecutorOptions options;
  auto cluster = LoadClusterConfig(config);
  if (!cluster.ok()) {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("the kubernetes executor cannot load its cluster configuration: {}",
                              cluster.status().message()));
  }
  options.config = std::move(cluster).value();
  options.namespace_name = config.kubernetes_namespace;
  options.manifest.default_image = config.kubernetes_default_image;
  options.manifest.service_account = config.kubernetes_service_account;
  options.job_ttl_seconds = config.kubernetes_job_ttl_s;
  // Capped at a week so the milliseconds cannot overflow.
  if (config.kubernetes_image_pull_grace_s < 0 || config.kubernetes_image_pull_grace_s > 7 * 86400) {
    return InvalidArgument("--kubernetes-image-pull-grace must be between 0 and 604800 seconds");
  }
  options.image_pull_grace_ms = config.kubernetes_image_pull_grace_s * 1000;
  if (!config.kubernetes_tracking_uri.empty()) {
    options.manifest.env_overrides.emplace_back("MLFLOW_TRACKING_URI", config.kubernetes_tracking_uri);
  }
  for (const std::string& spec : config.kubernetes_pvcs) {
    const size_t colon = spec.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= spec.size() || spec[colon + 1] != '/') {
      return InvalidArgument(fmt::format("--kubernetes-pvc '{}' must be CLAIM:/absolute/path", spec));
    }
    options.manifest.shared_mounts.push_back({spec.substr(0, colon), spec.substr(colon + 1), false});
  }
  CAIRN_ASSIGN_OR_RETURN(auto executor, k8s::KubernetesExecutor::Create(std::move(options)));
  return std::unique_ptr<pipelines::Executor>(std::move(executor));
}

}  // namespace cairn::server
