#include "server/serve_main.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "base/logging.h"
#include "base/numeric.h"
#include "frontends/http/router.h"
#include "frontends/inference_http/inference_api.h"
#include "registry/model_uri.h"
#include "serving/backends/builtin_backends.h"
#include "serving/local_model_source.h"
#include "serving/model_repository.h"
#include "server/client_credentials.h"
#include "server/http_server.h"
#include "server/remote_model_source.h"
#include "server/tls_context.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.0.0"
#endif

namespace cairn::server {
namespace {

int Fail(const Status& status) {
  std::fprintf(stderr, "cairn serve: %s\n", status.message().c_str());
  if (!status.internal_context().empty()) std::fprintf(stderr, "  (%s)\n", status.internal_context().c_str());
  return 1;
}

Status Validate(const ServeConfig& c) {
  if (c.model_uri.empty()) return InvalidArgument("a model URI is required (models:/<name>@<alias> or models:/<name>/<version>)");
  if (c.port < 0 || c.port > 65535) return InvalidArgument(fmt::format("--port {} is out of range 0..65535", c.port));
  if (c.workers < 0 || c.workers > 256) return InvalidArgument("--workers must be between 0 and 256");
  if (c.handler_threads < 1 || c.handler_threads > 1024) return InvalidArgument("--handler-threads must be between 1 and 1024");
  if (c.batching.max_batch_size < 1 || c.batching.max_batch_size > 4096) return InvalidArgument("--max-batch-size must be in 1..4096");
  if (c.batching.max_queue_delay_us < 0) return InvalidArgument("--max-queue-delay-us must be >= 0");
  if (c.batching.max_queue_size < 1) return InvalidArgument("--max-queue-size must be >= 1");
  if (c.python_timeout_s < 0) return InvalidArgument("--python-timeout-s must be >= 0");
  if (c.poll_seconds < 0) return InvalidArgument("--poll-seconds must be >= 0");
  if (c.tls_cert.empty() != c.tls_key.empty()) return InvalidArgument("--tls-cert and --tls-key go together");
  if (c.tls_handshake_timeout_s < 1 || c.tls_handshake_timeout_s > 600) {
    return InvalidArgument("--tls-handshake-timeout must be between 1 and 600 seconds");
  }
  LogLevel level;
  if (!ParseLogLevel(c.log_level, &level)) return InvalidArgument(fmt::format("--log-level '{}' is unknown", c.log_level));
  return Status::Ok();
}

// A private directory for downloaded models, removed on exit.
Result<std::filesystem::path> MakeCacheDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairn-serve-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return Internal("cannot create a model cache directory");
  return std::filesystem::path(pattern);
}

}  // namespace

void AddServeFlags(CLI::App& command, ServeConfig& c) {
  command.add_option("model_uri", c.model_uri,
                     "Model to serve: models:/<name>@<alias>, models:/<name>/<version>, or a local model directory "
                     "(path or file:// URI)")
      ->required();
  command.add_option("--name", c.name, "Endpoint name (default: the registered model's name)");
  command.add_option("--host", c.host, "Address to listen on")->capture_default_str();
  command.add_option("--port,-p", c.port, "Port to listen on (0: any free port)")->capture_default_str();
  command.add_option("--tracking-uri", c.tracking_uri, "Tracking server holding the registry and artifacts")
      ->envname("MLFLOW_TRACKING_URI")
      ->capture_default_str();
  command.add_option("--workers,-w", c.workers, "I/O threads (0: one per core)")->capture_default_str();
  command.add_option("--handler-threads", c.handler_threads, "Threads running inference requests")->capture_default_str();
  command.add_option("--max-body-bytes", c.max_body_bytes, "Largest request body")->capture_default_str();
  command.add_option("--max-batch-size", c.batching.max_batch_size, "Dynamic batching: rows per batch (1: off)")
      ->capture_default_str();
  command.add_option("--max-queue-delay-us", c.batching.max_queue_delay_us,
                     "Dynamic batching: how long a request waits for a batch to fill")
      ->capture_default_str();
  command.add_option("--max-queue-size", c.batching.max_queue_size, "Requests queued before 429")->capture_default_str();
  command.add_option("--poll-seconds", c.poll_seconds,
                     "Re-resolve the URI (a moved alias) every N seconds and switch versions (0: never)")
      ->capture_default_str();
  command.add_option("--request-log-dir", c.request_log_dir,
                     "Append every request and response to <dir>/<name>.jsonl (default: off)");
  command.add_option("--python", c.python,
                     "Python interpreter for python_function (pyfunc) models; it needs mlflow (default: python3 on PATH)")
      ->envname("CAIRN_PYTHON");
  command.add_option("--python-timeout-s", c.python_timeout_s,
                     "Seconds a pyfunc prediction may take before its worker is killed and restarted (default: 60)")
      ->envname("CAIRN_PYTHON_TIMEOUT_S");
  command.add_option("--log-level", c.log_level, "debug, info, warn, error or off")->capture_default_str();
  command.add_option("--tls-cert", c.tls_cert, "PEM certificate (chain): serve HTTPS only (with --tls-key)")
      ->envname("CAIRN_TLS_CERT");
  command.add_option("--tls-key", c.tls_key, "PEM private key of --tls-cert")->envname("CAIRN_TLS_KEY");
  command.add_option("--tls-handshake-timeout", c.tls_handshake_timeout_s,
                     "Seconds a client may take to finish its TLS handshake")
      ->capture_default_str();
  AddClientTlsFlags(command, c.tracking_tls);
}

int RunServe(const ServeConfig& config) {
  if (Status s = Validate(config); !s.ok()) return Fail(s);
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(config.log_level, &level);
  SetLogLevel(level);
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (!config.tls_cert.empty()) {
    auto context = CreateServerTlsContext({config.tls_cert, config.tls_key});
    if (!context) return Fail(context.error());
    tls = std::move(*context);
  }
  // models:/ URIs come from a tracking server; anything else is a model
  // directory on local disk (a path or file:// URI).
  const bool from_registry = registry::IsModelUri(config.model_uri);
  std::string default_name;
  if (from_registry) {
    auto parsed = registry::ParseModelUri(config.model_uri);
    if (!parsed) return Fail(parsed.error());
    default_name = parsed->name;
  } else {
    auto origin = serving::LocalModelSource().Resolve(config.model_uri);
    if (!origin) return Fail(origin.error());
    default_name = origin->registered_name;
  }
  const std::string name = config.name.empty() ? default_name : config.name;
  if (name.empty()) return Fail(InvalidArgument("give the endpoint a --name"));

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<serving::ModelSource> source;
  if (from_registry) {
    client::HttpClientOptions tracking_http;
    ApplyClientTlsFlags(config.tracking_tls, tracking_http);
    ApplyClientCredentials(tracking_http);
    auto remote = RemoteModelSource::Create(config.tracking_uri, tracking_http);
    if (!remote) return Fail(remote.error());
    source = std::move(remote).value();
  } else {
    source = std::make_unique<serving::LocalModelSource>();
  }
  auto cache_dir = MakeCacheDir();
  if (!cache_dir) return Fail(cache_dir.error());
  serving::BackendRegistry backends;
  serving::PythonBackendOptions python;
  python.python = config.python;
  python.predict_timeout = std::chrono::milliseconds(SaturatingInt64(config.python_timeout_s * 1000));
  serving::RegisterBuiltinBackends(backends, python);
  auto repository = std::make_unique<serving::ModelRepository>(*source, backends, *cache_dir, config.request_log_dir);

  frontends::Router router;
  frontends::InferenceApiDeps deps;
  deps.repository = repository.get();
  deps.version = CAIRN_VERSION;
  deps.ready_requires_model = true;
  deps.add_health_routes = true;
  frontends::RegisterInferenceApi(router, deps);

  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = static_cast<uint16_t>(config.port);
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  http_options.io_threads = config.workers > 0 ? config.workers : cores;
  http_options.handler_threads = config.handler_threads;
  http_options.max_body_bytes = config.max_body_bytes;
  http_options.spool_dir = (*cache_dir / ".spool").string();
  http_options.tls = tls;
  http_options.tls_handshake_timeout = std::chrono::seconds(config.tls_handshake_timeout_s);
  HttpServer http(http_options, router);
  if (Status s = http.Start(); !s.ok()) return Fail(s);
  std::printf("cairn serve %s (%s) listening on %s://%s:%u (tracking %s)\n", config.model_uri.c_str(), name.c_str(),
              tls ? "https" : "http", config.host.c_str(), http.port(), config.tracking_uri.c_str());
  std::fflush(stdout);

  // Load in the background so liveness answers meanwhile; a model that
  // cannot be loaded stops the server with an error (fail fast).
  std::atomic<bool> load_failed{false};
  std::mutex poll_mu;
  std::condition_variable poll_cv;
  bool stopping = false;
  std::thread loader([&] {
    serving::DeploymentSpec spec;
    spec.name = name;
    spec.model_uri = config.model_uri;
    spec.batching = config.batching;
    spec.log_requests = !config.request_log_dir.empty();
    auto created = repository->Create(spec);
    if (!created) {
      std::fprintf(stderr, "cairn serve: cannot serve %s: %s\n", config.model_uri.c_str(),
                   created.error().message().c_str());
      if (!created.error().internal_context().empty()) {
        std::fprintf(stderr, "  (%s)\n", created.error().internal_context().c_str());
      }
      load_failed = true;
      ::kill(::getpid(), SIGTERM);
      return;
    }
    std::printf("cairn serve: %s version %s is ready\n", name.c_str(), created->primary->origin().version.c_str());
    std::fflush(stdout);
    if (config.poll_seconds <= 0) return;
    std::unique_lock<std::mutex> lock(poll_mu);
    while (!poll_cv.wait_for(lock, std::chrono::seconds(config.poll_seconds), [&] { return stopping; })) {
      lock.unlock();
      auto origin = source->Resolve(config.model_uri);
      auto current = repository->Get(name);
      if (origin.ok() && current.ok() && origin->version != current->primary->origin().version) {
        serving::DeploymentUpdate update;
        update.model_uri = config.model_uri;
        if (auto updated = repository->Update(name, update); updated.ok()) {
          CAIRN_LOG(kInfo, "serve", "{} now serves version {}", name, updated->primary->origin().version);
        } else {
          CAIRN_LOG(kWarn, "serve", "switching {} to version {} failed: {}", name, origin->version,
                    updated.error().ToString());
        }
      }
      lock.lock();
    }
  });

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  {
    std::lock_guard<std::mutex> lock(poll_mu);
    stopping = true;
  }
  poll_cv.notify_all();
  loader.join();
  http.Stop();
  repository.reset();
  std::error_code ignored;
  std::filesystem::remove_all(*cache_dir, ignored);
  return load_failed ? 1 : 0;
}

}  // namespace cairn::server
