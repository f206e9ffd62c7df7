// How a cairn process that is a *client* of a cairn server over https://
// (the CLI's client commands, `cairn serve` fetching its model) decides
// which server certificates to trust: the flags, their environment
// variables and fallbacks, declared once for both.
//
//   --ca-cert FILE   env CAIRN_CA_CERT, else MLFLOW_TRACKING_SERVER_CERT_PATH
//                    (MLflow's name), else CURL_CA_BUNDLE; unset: the system store
//   --insecure-tls   env MLFLOW_TRACKING_INSECURE_TLS=true (as MLflow): no verification
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "client/curl_http_client.h"

namespace cairn::server {

struct ClientTlsFlags {
  std::string ca_cert;
  bool insecure = false;
};

// Registers --ca-cert and --insecure-tls on `command`, bound to *flags.
void AddClientTlsFlags(CLI::App& command, ClientTlsFlags& flags);

// Copies the flags, with the environment fallbacks for --ca-cert applied,
// into `options`.
void ApplyClientTlsFlags(const ClientTlsFlags& flags, client::HttpClientOptions& options);

}  // namespace cairn::server
