#include "pipelines/executor/kubernetes/kube_config.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "pipelines/spec/yaml_reader.h"

namespace cairn::pipelines::kubernetes {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The entry named `name` in a kubeconfig list (`clusters`, `users`,
// `contexts`: [{name, <kind>: {...}}]), as its inner map.
Result<YamlNode> Named(const YamlNode& doc, std::string_view list, std::string_view kind, std::string_view name,
                       std::string_view source) {
  auto items_node = doc.Get(list);
  if (!items_node || items_node->IsNull()) {
    return InvalidArgument(fmt::format("{}: has no {} (needed for {} '{}')", source, list, kind, name));
  }
  CAIRN_ASSIGN_OR_RETURN(auto items, items_node->Items());
  for (const YamlNode& item : items) {
    CAIRN_ASSIGN_OR_RETURN(std::string n, item.GetString("name"));
    if (n != name) continue;
    auto inner = item.Get(kind);
    if (!inner || !inner->IsMap()) return item.Error(fmt::format("{} '{}' has no {} map", kind, name, kind));
    return *inner;
  }
  return InvalidArgument(fmt::format("{}: {} '{}' is not in {}", source, kind, name, list));
}

// `*-data` fields are base64 of PEM; plain fields are file paths.
Status ReadPemField(const YamlNode& map, std::string_view data_key, std::string_view file_key,
                    std::string_view base_dir, std::string& pem, std::string& file) {
  CAIRN_ASSIGN_OR_RETURN(std::string data, map.GetString(data_key));
  if (!data.empty()) {
    auto decoded = Base64Decode(data);
    if (!decoded || decoded->empty()) return map.Error(fmt::format("{} is not valid base64", data_key));
    pem = std::move(*decoded);
    return Status::Ok();
  }
  CAIRN_ASSIGN_OR_RETURN(file, map.GetString(file_key));
  if (!file.empty() && fs::path(file).is_relative() && !base_dir.empty()) {
    file = (fs::path(base_dir) / file).string();
  }
  return Status::Ok();
}

}  // namespace

Result<KubeConfig> ParseKubeConfig(std::string_view yaml, std::string_view source, std::string_view base_dir,
                                   std::string_view context) {
  YamlLimits limits;
  limits.max_bytes = 4 << 20;
  limits.max_documents = 1;
  CAIRN_ASSIGN_OR_RETURN(auto docs, ParseYamlDocuments(yaml, source, limits));
  if (docs.empty() || !docs[0].IsMap()) return InvalidArgument(fmt::format("{}: not a kubeconfig (expected a map)", source));
  const YamlNode& doc = docs[0];
  std::string context_name(context);
  if (context_name.empty()) {
    CAIRN_ASSIGN_OR_RETURN(context_name, doc.GetString("current-context"));
    if (context_name.empty()) {
      return InvalidArgument(fmt::format("{}: has no current-context (name one with --kubernetes-context)", source));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(YamlNode ctx, Named(doc, "contexts", "context", context_name, source));
  CAIRN_ASSIGN_OR_RETURN(std::string cluster_name, ctx.GetString("cluster"));
  CAIRN_ASSIGN_OR_RETURN(std::string user_name, ctx.GetString("user"));
  if (cluster_name.empty()) return ctx.Error(fmt::format("context '{}' names no cluster", context_name));

  KubeConfig config;
  config.source = fmt::format("kubeconfig {} (context {})", source, context_name);
  CAIRN_ASSIGN_OR_RETURN(config.default_namespace, ctx.GetString("namespace"));

  CAIRN_ASSIGN_OR_RETURN(YamlNode cluster, Named(doc, "clusters", "cluster", cluster_name, source));
  CAIRN_ASSIGN_OR_RETURN(config.server, cluster.GetString("server"));
  while (!config.server.empty() && config.server.back() == '/') config.server.pop_back();
  if (config.server.rfind("https://", 0) != 0 && config.server.rfind("http://", 0) != 0) {
    return cluster.Error(fmt::format("cluster '{}' needs a server URL (https://host:port)", cluster_name));
  }
  CAIRN_ASSIGN_OR_RETURN(config.insecure_skip_tls_verify, cluster.GetBool("insecure-skip-tls-verify", false));
  CAIRN_RETURN_IF_ERROR(ReadPemField(cluster, "certificate-authority-data", "certificate-authority", base_dir,
                                     config.ca_pem, config.ca_file));

  if (!user_name.empty()) {
    CAIRN_ASSIGN_OR_RETURN(YamlNode user, Named(doc, "users", "user", user_name, source));
    for (std::string_view unsupported : {"exec", "auth-provider"}) {
      if (auto n = user.Get(unsupported); n && !n->IsNull()) {
        return n->Error(fmt::format(
            "user '{}' authenticates with {}, which cairn does not run; use a token or a client certificate "
            "(e.g. a service account token)",
            user_name, unsupported));
      }
    }
    CAIRN_ASSIGN_OR_RETURN(config.token, user.GetString("token"));
    CAIRN_ASSIGN_OR_RETURN(config.token_file, user.GetString("tokenFile"));
    if (!config.token_file.empty() && fs::path(config.token_file).is_relative() && !base_dir.empty()) {
      config.token_file = (fs::path(base_dir) / config.token_file).string();
    }
    CAIRN_RETURN_IF_ERROR(ReadPemField(user, "client-certificate-data", "client-certificate", base_dir,
                                       config.client_cert_pem, config.client_cert_file));
    CAIRN_RETURN_IF_ERROR(ReadPemField(user, "client-key-data", "client-key", base_dir, config.client_key_pem,
                                       config.client_key_file));
    const bool has_cert = !config.client_cert_pem.empty() || !config.client_cert_file.empty();
    const bool has_key = !config.client_key_pem.empty() || !config.client_key_file.empty();
    if (has_cert != has_key) {
      return user.Error(fmt::format("user '{}' needs both a client certificate and its key", user_name));
    }
  }
  return config;
}

Result<KubeConfig> LoadKubeConfigFile(const std::string& path, std::string_view context) {
  auto text = ReadFile(path);
  if (!text) return NotFound(fmt::format("cannot read the kubeconfig {}", path));
  return ParseKubeConfig(*text, path, fs::path(path).parent_path().string(), context);
}

Result<KubeConfig> InClusterConfig(std::string_view service_host, std::string_view service_port,
                                   const std::string& account_dir) {
  const std::string token_file = account_dir + "/token";
  if (service_host.empty() || !fs::exists(token_file)) {
    return FailedPrecondition(
        "not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST or service account token); pass --kubeconfig");
  }
  KubeConfig config;
  config.source = "in-cluster service account";
  // An IPv6 service host needs brackets in the URL.
  const bool v6 = service_host.find(':') != std::string_view::npos;
  config.server = fmt::format("https://{}{}{}:{}", v6 ? "[" : "", service_host, v6 ? "]" : "",
                              service_port.empty() ? "443" : service_port);
  config.token_file = token_file;
  if (fs::exists(account_dir + "/ca.crt")) config.ca_file = account_dir + "/ca.crt";
  if (auto ns = ReadFile(account_dir + "/namespace")) config.default_namespace = Trimmed(*ns);
  return config;
}

}  // namespace cairn::pipelines::kubernetes
