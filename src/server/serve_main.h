// `cairn serve models:/NAME@ALIAS`: a standalone model server. It resolves
// the model through a tracking server's REST API, downloads it through the
// artifact proxy, and serves it over the inference protocols
// (frontends/inference_http) until SIGINT/SIGTERM. The HTTP listener starts
// first, so liveness answers while the model loads; readiness turns true
// once it is loaded and warmed up.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "server/client_tls_flags.h"
#include "serving/batcher.h"

namespace cairn::server {

struct ServeConfig {
  std::string model_uri;  // positional: models:/... or a local model directory
  // Endpoint name (/v2/models/<name>); default: the registered model's name.
  std::string name;
  std::string host = "127.0.0.1";
  int port = 8080;  // KServe's default; 0 picks a free port
  std::string tracking_uri = "http://127.0.0.1:5000";
  int workers = 0;            // I/O threads; 0 = one per core
  int handler_threads = 16;   // threads running inference requests
  uint64_t max_body_bytes = 64ull << 20;
  serving::BatchingOptions batching;
  // Re-resolve the model URI (an alias that moves) every N seconds and
  // switch to the new version without dropping requests; 0 = never.
  int poll_seconds = 0;
  // Append every request and response to <dir>/<name>.jsonl; empty = off.
  std::string request_log_dir;
  std::string log_level = "info";
  // The python backend's interpreter (needs mlflow) and per-request
  // timeout; empty / 0: $CAIRN_PYTHON or python3, $CAIRN_PYTHON_TIMEOUT_S or 60.
  std::string python;
  double python_timeout_s = 0;
  // HTTPS for the inference endpoints, as `cairn server --tls-cert/--tls-key`.
  std::string tls_cert;
  std::string tls_key;
  int tls_handshake_timeout_s = 10;
  // Trust for an https:// --tracking-uri.
  ClientTlsFlags tracking_tls;
};

void AddServeFlags(CLI::App& command, ServeConfig& config);
// Returns the process exit code.
int RunServe(const ServeConfig& config);

}  // namespace cairn::server
