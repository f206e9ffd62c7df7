// KubeConfig: how to reach and authenticate to a Kubernetes API server, read
// from a kubeconfig file (what kubectl uses) or from the service account a
// pod runs as (in-cluster). Only the pieces a REST client needs: the server
// URL, how to trust it (CA bytes or file, or no verification), and one
// credential (bearer token, token file, or client certificate and key).
// Thread-compatible: plain values.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::pipelines::kubernetes {

struct KubeConfig {
  std::string server;  // "https://host:port", no trailing slash
  // Trust: PEM bytes (certificate-authority-data, decoded) or a file; with
  // neither, the system's CA store.
  std::string ca_pem;
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
  // Credentials: at most one kind is used, token first.
  std::string token;
  std::string token_file;  // read on every request (service-account tokens rotate)
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string client_cert_file;
  std::string client_key_file;
  // The context's namespace; empty when it names none.
  std::string default_namespace;
  // Where it came from, for messages ("kubeconfig /x (context ci)", "in-cluster").
  std::string source;
};

// Parses kubeconfig YAML. `context` picks a context by name; empty: the
// file's current-context. Relative file paths (certificate-authority,
// client-certificate, tokenFile) are taken relative to `base_dir`.
// kInvalidArgument naming the problem for malformed YAML, a missing or
// dangling context/cluster/user, base64 that does not decode, or an auth
// kind cairn does not support (exec plugins, auth-provider).
Result<KubeConfig> ParseKubeConfig(std::string_view yaml, std::string_view source, std::string_view base_dir,
                                   std::string_view context = {});

// Reads and parses the kubeconfig at `path` (kNotFound when it cannot be read).
Result<KubeConfig> LoadKubeConfigFile(const std::string& path, std::string_view context = {});

// The in-cluster configuration: `service_host`/`service_port` (the values of
// KUBERNETES_SERVICE_HOST/PORT) and the service account's token, ca.crt and
// namespace under `account_dir` (normally
// /var/run/secrets/kubernetes.io/serviceaccount). kFailedPrecondition when
// not inside a pod (host empty or no token).
Result<KubeConfig> InClusterConfig(std::string_view service_host, std::string_view service_port,
                                   const std::string& account_dir);

inline constexpr char kServiceAccountDir[] = "/var/run/secrets/kubernetes.io/serviceaccount";

}  // namespace cairn::pipelines::kubernetes
