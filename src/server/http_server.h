// HttpServer: the HTTP/1.1 listener (Boost.Beast over Asio with C++20
// coroutines), plain or HTTPS-only (options.tls; tls_stream.h). I/O runs
// on `io_threads`; every handler runs on a separate pool of
// `handler_threads` so blocking store work never stalls I/O. Request
// bodies of streaming routes are spooled to files; file responses are
// streamed from disk — no body of unbounded size is held in memory.
//
// Lifecycle: Start() binds and spawns threads; Stop() stops accepting, lets
// in-flight requests finish (up to `drain_timeout_ms`), then joins. Thread
// safety: Start/Stop from one controlling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "frontends/http/router.h"
#include "server/client_address.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace cairn::server {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;  // 0: pick a free port (see HttpServer::port())
  int io_threads = 2;
  // Handlers may block on the store; more threads let SQLite group commit
  // gather bigger batches.
  int handler_threads = 8;
  // Largest body read into memory (streaming routes are unlimited).
  uint64_t max_body_bytes = 64ull << 20;
  // Where streamed request bodies are spooled; should be on the same
  // filesystem as the artifact root so uploads land by rename.
  std::string spool_dir;
  int drain_timeout_ms = 10000;
  // Set: every connection is HTTPS with this context (tls_context.h);
  // null: plain HTTP.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // A TLS client must finish its handshake within this.
  std::chrono::milliseconds tls_handshake_timeout{10000};
  // Whose X-Forwarded-For names the client (HttpRequest::peer).
  TrustedProxies trusted_proxies;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const frontends::Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Status Start();
  // Idempotent.
  void Stop();
  // The bound port (after Start).
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::server
