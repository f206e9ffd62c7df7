#include "pipelines/executor/kubernetes/kube_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/base64.h"

namespace cairn::pipelines::kubernetes {
namespace {

constexpr char kTokenConfig[] = R"(apiVersion: v1
kind: Config
clusters:
- name: ci
  cluster:
    server: https://127.0.0.1:16443/
    insecure-skip-tls-verify: true
- name: prod
  cluster:
    server: https://k8s.example.com
    certificate-authority: ca.pem
users:
- name: admin
  user:
    token: abc123
- name: robot
  user:
    client-certificate-data: Q0VSVA==
    client-key-data: S0VZ
contexts:
- name: ci
  context: {cluster: ci, user: admin, namespace: ml}
- name: prod
  context: {cluster: prod, user: robot}
current-context: ci
)";

TEST(KubeConfigTest, CurrentContextWithToken) {
  auto c = ParseKubeConfig(kTokenConfig, "kc", "/etc/kube");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server, "https://127.0.0.1:16443");  // trailing slash dropped
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->token, "abc123");
  EXPECT_EQ(c->default_namespace, "ml");
  EXPECT_NE(c->source.find("context ci"), std::string::npos);
}

TEST(KubeConfigTest, NamedContextWithClientCertificateAndRelativeCaFile) {
  auto c = ParseKubeConfig(kTokenConfig, "kc", "/etc/kube", "prod");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server, "https://k8s.example.com");
  EXPECT_FALSE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->ca_file, "/etc/kube/ca.pem");
  EXPECT_EQ(c->client_cert_pem, "CERT");
  EXPECT_EQ(c->client_key_pem, "KEY");
  EXPECT_TRUE(c->token.empty());
  EXPECT_TRUE(c->default_namespace.empty());
}

TEST(KubeConfigTest, CertificateAuthorityData) {
  const std::string yaml = "clusters: [{name: c, cluster: {server: 'https://h:6443', certificate-authority-data: " +
                           Base64Encode("-----BEGIN CERTIFICATE-----") +
                           "}}]\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n";
  auto c = ParseKubeConfig(yaml, "kc", "");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->ca_pem, "-----BEGIN CERTIFICATE-----");
}

void ExpectInvalid(const std::string& yaml, const std::string& needle, std::string_view context = {}) {
  auto c = ParseKubeConfig(yaml, "kc", "", context);
  ASSERT_FALSE(c.ok()) << yaml;
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << c.status().ToString();
  EXPECT_NE(c.status().message().find(needle), std::string::npos) << c.status().message();
}

TEST(KubeConfigTest, MalformedFilesGetClearErrors) {
  ExpectInvalid("clusters: [unclosed", "kc");
  ExpectInvalid("- just\n- a list\n", "not a kubeconfig");
  ExpectInvalid("clusters: []\ncontexts: []\n", "current-context");
  ExpectInvalid(kTokenConfig, "context 'nope' is not in contexts", "nope");
  ExpectInvalid("contexts: [{name: x, context: {cluster: gone}}]\ncurrent-context: x\n", "cluster 'gone'");
  ExpectInvalid("clusters: [{name: c, cluster: {server: 'ftp://h'}}]\n"
                "contexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n",
                "server URL");
  ExpectInvalid("clusters: [{name: c, cluster: {server: 'https://h', certificate-authority-data: '%%%'}}]\n"
                "contexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n",
                "not valid base64");
  ExpectInvalid("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                "users: [{name: u, user: {exec: {command: aws}}}]\n"
                "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
                "exec");
  ExpectInvalid("clusters: [{name: c, cluster: {server: 'https://h'}}]\n"
                "users: [{name: u, user: {client-certificate: /c.pem}}]\n"
                "contexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
                "both a client certificate and its key");
  ExpectInvalid("clusters: {name: c}\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n", "kc");
}

TEST(KubeConfigTest, MissingFileIsNotFound) {
  auto c = LoadKubeConfigFile("/nonexistent/kubeconfig");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
}

TEST(KubeConfigTest, InClusterServiceAccount) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("cairn-sa-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "token") << "sa-token\n";
  std::ofstream(dir / "ca.crt") << "PEM";
  std::ofstream(dir / "namespace") << "pipelines\n";
  auto c = InClusterConfig("10.0.0.1", "443", dir.string());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->server, "https://10.0.0.1:443");
  EXPECT_EQ(c->token_file, (dir / "token").string());
  EXPECT_EQ(c->ca_file, (dir / "ca.crt").string());
  EXPECT_EQ(c->default_namespace, "pipelines");
  auto v6 = InClusterConfig("fd00::1", "6443", dir.string());
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->server, "https://[fd00::1]:6443");
  auto outside = InClusterConfig("", "", dir.string());
  EXPECT_EQ(outside.status().code(), StatusCode::kFailedPrecondition);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cairn::pipelines::kubernetes
