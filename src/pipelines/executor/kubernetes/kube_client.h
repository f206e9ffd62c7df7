// KubeClient: a small Kubernetes REST client over libcurl: one JSON request
// to the API server with the kubeconfig's TLS trust and credentials. Knows
// nothing about Jobs; kubernetes_executor.cc builds the paths and bodies.
// KubeApiError turns an API server error answer (its Status object) into a
// cairn Status whose message says what to do. Thread-safe: each request
// uses its own curl handle.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "pipelines/executor/kubernetes/kube_config.h"

namespace cairn::pipelines::kubernetes {

struct KubeResponse {
  long http_status = 0;
  std::string body;
};

class KubeClient {
 public:
  KubeClient(KubeConfig config, int64_t timeout_ms) : config_(std::move(config)), timeout_ms_(timeout_ms) {}

  // Sends `method path` (path includes the query, already encoded) with a
  // JSON body (empty: none). `content_type` overrides application/json
  // (merge patches). kUnavailable when no HTTP answer came back (unreachable,
  // TLS failure, timeout); every HTTP status is returned as a response.
  Result<KubeResponse> Send(std::string_view method, const std::string& path, const std::string& body = {},
                            std::string_view content_type = "application/json") const;

  const KubeConfig& config() const { return config_; }

 private:
  KubeConfig config_;
  int64_t timeout_ms_;
};

// The Status for a non-2xx answer to `what` ("create Job x in namespace y"):
// 401 kUnauthenticated, 403 kPermissionDenied (naming the RBAC verb and
// resource), 404 kNotFound, 409 kAlreadyExists (reason AlreadyExists) or
// kConflict, 422 kInvalidArgument (with the server's field causes), 429
// kResourceExhausted, 5xx kUnavailable, others kInternal. The server's own
// message is included.
Status KubeApiError(const KubeResponse& response, std::string_view what);

// Percent-encodes a query value (label selectors hold '=' and ',').
std::string QueryEncode(std::string_view value);

}  // namespace cairn::pipelines::kubernetes
