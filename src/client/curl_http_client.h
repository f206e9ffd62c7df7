// CurlHttpClient: HttpClient over libcurl's easy interface.
//
// Keep-alive: finished easy handles go back to a small pool and keep their
// connection cache, so consecutive requests (from any thread) reuse TCP
// connections. A handle is used by one thread at a time; the pool is the only
// shared state. Thread-safe.
//
// Timeouts: connect_timeout for the TCP/TLS handshake; request_timeout caps
// in-memory requests; streamed transfers (upload_file / download_file) have
// no total cap, since a multi-GB artifact legitimately takes long, and are
// aborted instead when they stall (under 1 byte/s for stall_timeout).
//
// No retries here: wrap in RetryingHttpClient (CreateHttpClient does).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "client/http_client.h"
#include "client/retrying_http_client.h"

namespace cairn::client {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  // Whole-request limit for requests whose bodies are in memory; 0: none.
  std::chrono::milliseconds request_timeout{120000};
  // Streamed transfers abort after this long below 1 byte/s.
  std::chrono::seconds stall_timeout{60};
  // Largest error/response body kept in memory; longer ones are truncated.
  // (Successful JSON responses can be large: a full metric history.)
  size_t max_body_bytes = size_t(1) << 30;
  // Idle easy handles kept for reuse; each holds its open connections.
  size_t max_idle_handles = 16;
  std::string user_agent = "cairn-client/0.1";
  RetryPolicy retry;
  // https:// servers: a PEM bundle of CA certificates to trust instead of
  // the system store (a private CA or a self-signed server certificate).
  std::string ca_cert_file;
  // Skip certificate and host name verification (MLflow's
  // MLFLOW_TRACKING_INSECURE_TLS): anyone on the path can read and change
  // the traffic. For tests only.
  bool insecure_tls = false;
  // Sent as the Authorization header of every request that has none (a
  // server running --auth: "Basic ..." or "Bearer ..."; see
  // server/client_credentials.h). Empty: none.
  std::string authorization;
};

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(HttpClientOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  const HttpClientOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_handles_;  // GUARDED_BY(mu_); CURL* kept opaque to spare includers curl.h
};

// The client the library uses by default: CurlHttpClient wrapped in a
// RetryingHttpClient configured from options.retry.
std::unique_ptr<HttpClient> CreateHttpClient(const HttpClientOptions& options = {});

}  // namespace cairn::client
