#include "server/client_tls_flags.h"

#include <cstdlib>

namespace cairn::server {

void AddClientTlsFlags(CLI::App& command, ClientTlsFlags& flags) {
  command
      .add_option("--ca-cert", flags.ca_cert,
                  "PEM bundle of CA certificates for https:// servers (default: $MLFLOW_TRACKING_SERVER_CERT_PATH, "
                  "$CURL_CA_BUNDLE, else the system store)")
      ->envname("CAIRN_CA_CERT");
  command
      .add_flag("--insecure-tls", flags.insecure,
                "Do not verify the server's TLS certificate (test servers only)")
      ->envname("MLFLOW_TRACKING_INSECURE_TLS");
}

void ApplyClientTlsFlags(const ClientTlsFlags& flags, client::HttpClientOptions& options) {
  options.insecure_tls = flags.insecure;
  options.ca_cert_file = flags.ca_cert;
  // CLI11 binds one environment variable per option; the others MLflow and
  // curl users already set are read here.
  for (const char* name : {"MLFLOW_TRACKING_SERVER_CERT_PATH", "CURL_CA_BUNDLE"}) {
    if (!options.ca_cert_file.empty()) break;
    if (const char* value = std::getenv(name); value != nullptr) options.ca_cert_file = value;
  }
}

}  // namespace cairn::server
