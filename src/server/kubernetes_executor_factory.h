// Builds the kubernetes executor from the server's flags and environment:
// the one place that decides which cluster credentials cairn uses.
#pragma once

#include <memory>

#include "base/result.h"
#include "pipelines/executor/executor.h"
#include "server/server_config.h"

namespace cairn::server {

// Credentials, first that applies: --kubeconfig (CAIRN_KUBECONFIG); the
// first file of $KUBECONFIG; the pod's service account when
// KUBERNETES_SERVICE_HOST is set; ~/.kube/config. kInvalidArgument for a
// malformed --kubernetes-pvc, kFailedPrecondition (with the reason) when no
// configuration is usable or the API server refuses to list Jobs.
Result<std::unique_ptr<pipelines::Executor>> CreateKubernetesTaskExecutor(const ServerConfig& config);

}  // namespace cairn::server
