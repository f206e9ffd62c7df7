#include "server/http_server.h"

// Asio needs <utility> before it with Boost 1.74 and g++ 12.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "base/ids.h"
#include "base/logging.h"
#include "frontends/http/status_mapping.h"
#include "server/tls_stream.h"

namespace cairn::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using frontends::HttpRequest;
using frontends::HttpResponse;

namespace {

constexpr auto kHeaderTimeout = std::chrono::seconds(120);
constexpr auto kBodyTimeout = std::chrono::seconds(300);
// Not boost::none: Beast 1.74 compares Content-Length against the optional
// limit with `len > limit`, which is true for an empty optional.
constexpr uint64_t kUnlimitedBody = std::numeric_limits<uint64_t>::max();

// Runs `fn` on `pool` and resumes the awaiting coroutine on its own executor
// with the result, so blocking work never runs on an I/O thread.
template <typename T, typename F>
asio::awaitable<T> RunOnPool(asio::thread_pool& pool, F fn) {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      [&pool, fn = std::move(fn)](auto handler) mutable {
        asio::post(pool, [fn = std::move(fn), handler = std::move(handler)]() mutable {
          T result = fn();
          auto executor = asio::get_associated_executor(handler);
          asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable);
}

HttpResponse JsonError(Status status) { return frontends::ErrorResponse(status); }

// 413, not the 429 RESOURCE_EXHAUSTED maps to: clients retry a 429, and the
// same body would only be refused again.
HttpResponse TooLarge(uint64_t limit) {
  HttpResponse response = JsonError(ResourceExhausted(fmt::format("Request body exceeds the limit of {} bytes.", limit)));
  response.status = 413;
  return response;
}

// A refused request's body up to this size is read and dropped, so the
// connection stays usable (clients often send small bodies with bad
// credentials); a larger or unknown-length body closes the connection.
constexpr uint64_t kDrainLimit = 64 * 1024;

// The TCP layer of a plain or TLS stream, which owns the timeouts.
template <typename Stream>
beast::tcp_stream& Tcp(Stream& stream) {
  return beast::get_lowest_layer(stream);
}

}  // namespace

// One I/O thread with its own io_context: everything a connection does runs
// on its worker's single thread, so per-connection state needs no locks.
struct Worker {
  asio::io_context ioc{1};
  struct Session {
    beast::tcp_stream* stream = nullptr;
    bool busy = false;  // reading a body or handling a request
  };
  std::set<Session*> sessions;  // touched only on this worker's thread
  std::thread thread;
};

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, const frontends::Router& router)
      : options_(std::move(options)),
        router_(router),
        handler_pool_(static_cast<size_t>(std::max(1, options_.handler_threads))) {
    int n = std::max(1, options_.io_threads);
    for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>());
    acceptor_.emplace(workers_[0]->ioc);
  }

  ~Impl() { Stop(); }

  Status Start() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgument(fmt::format("Invalid --host '{}': {}", options_.host, ec.message()));
    tcp::endpoint endpoint(address, options_.port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Unavailable(fmt::format("Cannot listen on {}:{}: {}", options_.host, options_.port, ec.message()));
    }
    port_ = acceptor_->local_endpoint().port();
    if (!options_.spool_dir.empty()) {
      std::error_code fs_ec;
      std::filesystem::create_directories(options_.spool_dir, fs_ec);
      if (fs_ec) return Internal(fmt::format("Cannot create spool directory '{}'", options_.spool_dir), fs_ec.message());
    }
    asio::co_spawn(workers_[0]->ioc, AcceptLoop(), asio::detached);
    for (auto& worker : workers_) {
      Worker* w = worker.get();
      w->thread = std::thread([w] {
        auto guard = asio::make_work_guard(w->ioc);
        w->ioc.run();
      });
    }
    started_ = true;
    return Status::Ok();
  }

  void Stop() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    stopping_.store(true);
    asio::post(workers_[0]->ioc, [this] {
      boost::system::error_code ignored;
      acceptor_->close(ignored);
    });
    // Idle keep-alive connections are closed now; busy ones close after
    // their response (stopping_ turns keep-alive off).
    for (auto& worker : workers_) {
      Worker* w = worker.get();
      asio::post(w->ioc, [w] {
        for (auto* session : w->sessions) {
          // A connection whose next request has already arrived is left to
          // serve it (keep-alive is off by now); truly idle ones close.
          boost::system::error_code ec;
          if (!session->busy && session->stream->socket().available(ec) == 0) session->stream->socket().cancel();
        }
      });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.drain_timeout_ms);
    while (open_sessions_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (open_sessions_.load() > 0) {
      CAIRN_LOG(kWarn, "http", "{} connections still open after the drain timeout; closing them",
                open_sessions_.load());
    }
    for (auto& worker : workers_) worker->ioc.stop();
    for (auto& worker : workers_) {
      if (worker->thread.joinable()) worker->thread.join();
    }
    handler_pool_.join();
  }

  uint16_t port() const { return port_; }

 private:
  asio::awaitable<void> AcceptLoop() {
    size_t next = 0;
    for (;;) {
      boost::system::error_code ec;
      Worker& worker = *workers_[next++ % workers_.size()];
      tcp::socket socket = co_await acceptor_->async_accept(worker.ioc, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (stopping_.load() || ec == asio::error::operation_aborted) co_return;
        CAIRN_LOG(kWarn, "http", "accept failed: {}", ec.message());
        continue;
      }
      if (stopping_.load()) co_return;
      socket.set_option(tcp::no_delay(true), ec);
      open_sessions_.fetch_add(1);
      // One coroutine per stream type: the plain path has no TLS branch.
      if (options_.tls) {
        asio::co_spawn(worker.ioc, Session(worker, TlsStream(std::move(socket), *options_.tls)), asio::detached);
      } else {
        asio::co_spawn(worker.ioc, Session(worker, beast::tcp_stream(std::move(socket))), asio::detached);
      }
    }
  }

  std::string NewSpoolPath() {
    return fmt::format("{}/upload-{}-{}", options_.spool_dir, spool_counter_.fetch_add(1), NewUuidHex());
  }

  // Reads one request body per the route's needs, up to `limit` bytes.
  // Returns false when the connection is unusable. May set `early` to a
  // response that replaces the handler (oversized body).
  template <typename Stream>
  asio::awaitable<bool> ReadBody(Stream& stream, beast::flat_buffer& buffer,
                                 http::request_parser<http::empty_body>& header_parser, bool streams_body,
                                 uint64_t limit, HttpRequest& request, std::optional<HttpResponse>& early) {
    boost::system::error_code ec;
    if (streams_body) {
      http::request_parser<http::file_body> parser(std::move(header_parser));
      parser.body_limit(limit);
      request.body_file = NewSpoolPath();
      parser.get().body().open(request.body_file.c_str(), beast::file_mode::write, ec);
      if (ec) {
        // Someone removed the spool directory under us: recreate it once.
        std::error_code fs_ec;
        std::filesystem::create_directories(options_.spool_dir, fs_ec);
        ec = {};
        parser.get().body().open(request.body_file.c_str(), beast::file_mode::write, ec);
      }
      if (ec) {
        early = JsonError(Internal("Cannot spool the request body.", ec.message()));
        co_return false;
      }
      Tcp(stream).expires_never();
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      parser.get().body().close();
      if (ec == http::error::body_limit) early = TooLarge(limit);
      if (ec) CAIRN_LOG(kDebug, "http", "streaming body read failed: {}", ec.message());
      co_return !ec;
    }
    http::request_parser<http::string_body> parser(std::move(header_parser));
    parser.body_limit(limit);
    Tcp(stream).expires_after(kBodyTimeout);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::body_limit) {
      early = TooLarge(limit);
      co_return false;
    }
    if (ec) {
      CAIRN_LOG(kDebug, "http", "body read failed: {}", ec.message());
      co_return false;
    }
    request.body = std::move(parser.get().body());
    co_return true;
  }

  template <typename Stream>
  asio::awaitable<void> WriteResponse(Stream& stream, HttpResponse response, unsigned version, bool keep_alive) {
    boost::system::error_code ec;
    Tcp(stream).expires_after(kBodyTimeout);
    auto fill = [&](auto& res) {
      res.version(version);
      res.result(static_cast<unsigned>(response.status));
      res.set(http::field::server, "cairn");
      res.set(http::field::content_type, response.content_type);
      for (const auto& [name, value] : response.headers) res.set(name, value);
      res.keep_alive(keep_alive);
    };
    if (!response.file_path.empty()) {
      http::response<http::file_body> res;
      res.body().open(response.file_path.c_str(), beast::file_mode::scan, ec);
      if (!ec) {
        fill(res);
        res.prepare_payload();
        Tcp(stream).expires_never();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      response = JsonError(NotFound("File not found."));
    }
    http::response<http::string_body> res;
    fill(res);
    res.body() = std::move(response.body);
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  }

  // Serves one connection; Stream is beast::tcp_stream or TlsStream.
  template <typename Stream>
  asio::awaitable<void> Session(Worker& worker, Stream stream) {
    beast::flat_buffer buffer;
    Worker::Session state{&Tcp(stream), false};
    worker.sessions.insert(&state);
    constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
    bool serve = true;
    if constexpr (kTls) serve = co_await AcceptTls(stream, options_.tls_handshake_timeout);
    while (serve) {
      boost::system::error_code ec;
      http::request_parser<http::empty_body> header_parser;
      header_parser.header_limit(64 * 1024);
      // The body limit is chosen per route after the header is read (Beast
      // would otherwise apply its 1 MiB default to Content-Length already).
      header_parser.body_limit(kUnlimitedBody);
      Tcp(stream).expires_after(kHeaderTimeout);
      co_await http::async_read_header(stream, buffer, header_parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec != http::error::end_of_stream && ec != asio::error::operation_aborted) {
          CAIRN_LOG(kDebug, "http", "header read failed: {}", ec.message());
        }
        break;
      }
      state.busy = true;
      auto& header = header_parser.get();
      unsigned version = header.version();
      bool keep_alive = header.keep_alive();

      HttpRequest request;
      request.method = std::string(header.method_string());
      std::string_view target(header.target().data(), header.target().size());
      size_t q = target.find('?');
      request.path = std::string(target.substr(0, q));
      if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
      request.content_type = std::string(header[http::field::content_type]);
      request.authorization = std::string(header[http::field::authorization]);
      request.cookie = std::string(header[http::field::cookie]);
      request.csrf_token = std::string(header["X-CSRF-Token"]);
      request.workspace = std::string(header["X-Cairn-Workspace"]);
      {
        // For per-address rate limits, lockouts and the audit log: the
        // client, also behind trusted proxies.
        boost::system::error_code peer_ec;
        auto peer = beast::get_lowest_layer(stream).socket().remote_endpoint(peer_ec);
        if (!peer_ec) {
          auto forwarded = header["X-Forwarded-For"];
          request.peer = options_.trusted_proxies.empty()
                             ? peer.address().to_string()
                             : options_.trusted_proxies.ClientOf(peer.address(),
                                                                 std::string_view(forwarded.data(), forwarded.size()));
        }
      }
      auto match = router_.Find(request.method, request.path);
      const frontends::Route* found = match.kind == frontends::Router::MatchKind::kFound ? match.route : nullptr;
      const bool streams_body = found != nullptr && found->streams_request_body;

      auto content_length = header_parser.content_length();
      const bool expects_continue = beast::iequals(header[http::field::expect], "100-continue");
      // The route's admission stage (authentication) decides before any
      // body is read whether to take the request and how large a body. A
      // small body that arrived with the header costs nothing to read,
      // though: it is read first, and admission and handler then share one
      // trip to the handler pool (most JSON requests; bench/RESULTS.md).
      const frontends::Admitter* admit = match.admit;
      const bool body_arrived =
          admit != nullptr && !streams_body && !expects_continue &&
          (header_parser.is_done() || (content_length && *content_length <= kDrainLimit && buffer.size() >= *content_length));
      frontends::Admission admission;
      if (admit != nullptr && !body_arrived) {
        admission =
            co_await RunOnPool<frontends::Admission>(handler_pool_, [admit, &request] { return (*admit)(request); });
      }
      const uint64_t body_limit =
          body_arrived ? kDrainLimit
          : streams_body ? (admission.max_upload_bytes > 0 ? admission.max_upload_bytes : kUnlimitedBody)
                         : (admission.max_body_bytes > 0 ? admission.max_body_bytes : options_.max_body_bytes);

      std::optional<HttpResponse> early;
      bool close_after = false;
      if (admission.refusal) {
        early = std::move(admission.refusal);
        const bool small_body = header_parser.is_done() || (content_length && *content_length <= kDrainLimit);
        if (small_body && !expects_continue) {
          std::optional<HttpResponse> ignored;
          close_after = !co_await ReadBody(stream, buffer, header_parser, false, kDrainLimit, request, ignored);
          request.body.clear();
        } else {
          close_after = true;
        }
      } else if (content_length && *content_length > body_limit) {
        early = TooLarge(body_limit);
        close_after = true;
      } else {
        if (expects_continue) {
          http::response<http::empty_body> go_on{http::status::continue_, version};
          co_await http::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
          if (ec) break;
        }
        bool ok = co_await ReadBody(stream, buffer, header_parser, streams_body, body_limit, request, early);
        if (!ok && !early) {
          RemoveSpool(request);
          break;
        }
        close_after = early.has_value();
      }

      HttpResponse response;
      if (early) {
        response = std::move(*early);
      } else if (match.kind == frontends::Router::MatchKind::kNoPath) {
        response = JsonError(Status(StatusCode::kEndpointNotFound,
                                    fmt::format("No API endpoint at '{}'.", request.path.substr(0, 200))));
      } else if (match.kind == frontends::Router::MatchKind::kWrongMethod) {
        response = JsonError(Status(StatusCode::kEndpointNotFound,
                                    fmt::format("Method {} is not allowed for '{}'.", request.method,
                                                request.path.substr(0, 200))));
        response.status = 405;
        response.headers.emplace_back("Allow", match.allow);
      } else if (body_arrived) {
        response = co_await RunOnPool<HttpResponse>(
            handler_pool_, [this, found, admit, &request] { return AdmitAndHandle(*found, *admit, request); });
      } else {
        response = co_await RunOnPool<HttpResponse>(handler_pool_, [found, &request] { return found->handler(request); });
      }
      RemoveSpool(request);
      CAIRN_LOG(kDebug, "http", "{} {} -> {}", request.method, request.path, response.status);
      bool keep = keep_alive && !close_after && !stopping_.load();
      co_await WriteResponse(stream, std::move(response), version, keep);
      state.busy = false;
      if (!keep) break;
    }
    if constexpr (kTls) {
      if (serve) co_await CloseTls(stream);
    } else {
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    worker.sessions.erase(&state);
    open_sessions_.fetch_sub(1);
  }

  // Admission and handler in one go, for a body already read (in memory,
  // at most kDrainLimit bytes): its connection stays usable either way.
  HttpResponse AdmitAndHandle(const frontends::Route& route, const frontends::Admitter& admit,
                              HttpRequest& request) const {
    frontends::Admission admission = admit(request);
    if (admission.refusal) return std::move(*admission.refusal);
    const uint64_t limit = admission.max_body_bytes > 0 ? admission.max_body_bytes : options_.max_body_bytes;
    if (request.body.size() > limit) return TooLarge(limit);
    return route.handler(request);
  }

  static void RemoveSpool(const HttpRequest& request) {
    if (request.body_file.empty()) return;
    std::error_code ignored;
    std::filesystem::remove(request.body_file, ignored);  // no-op when the handler moved it
  }

  HttpServerOptions options_;
  const frontends::Router& router_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<tcp::acceptor> acceptor_;
  asio::thread_pool handler_pool_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> open_sessions_{0};
  std::atomic<uint64_t> spool_counter_{0};
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

HttpServer::HttpServer(HttpServerOptions options, const frontends::Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}
HttpServer::~HttpServer() = default;
Status HttpServer::Start() { return impl_->Start(); }
void HttpServer::Stop() { impl_->Stop(); }
uint16_t HttpServer::port() const { return impl_->port(); }

}  // namespace cairn::server
