#include "server/server_main.h"

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "artifacts/artifact_repository_registry.h"
#include "artifacts/s3/s3_location.h"
#include "base/logging.h"
#include "frontends/dashboard/dashboard.h"
#include "frontends/http/router.h"
#include "frontends/mlflow_rest/mlflow_api.h"
#include "server/artifact_stores.h"
#include "server/auth_wiring.h"
#include "server/http_server.h"
#include "server/pipelines_wiring.h"
#include "server/serving_wiring.h"
#include "server/tls_context.h"
#include "server/tuning_wiring.h"
#include "store/sqlite_store_factory.h"
#include "store/store_factory.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "0.0.0"
#endif

namespace cairn::server {
namespace {

// The artifact root new experiments get. `destination_uri` is
// file:///dir or s3://bucket/prefix.
std::string DefaultArtifactRoot(const ServerConfig& config, const std::string& destination_uri) {
  if (!config.default_artifact_root.empty()) return config.default_artifact_root;
  if (config.serve_artifacts) return "mlflow-artifacts:";
  return destination_uri;
}

// Where registering a version from run files puts the registry's own copy:
// under the proxied destination, so clients download it through the
// mlflow-artifacts proxy whatever the experiments' artifact root is.
// Without the proxy, an S3 default artifact root (clients talk to S3
// directly) receives the copies too.
std::string ModelStorageRoot(const ServerConfig& config, const std::string& destination_uri) {
  if (config.serve_artifacts) return "mlflow-artifacts:/models";
  if (artifacts::s3::IsS3Uri(config.default_artifact_root)) return config.default_artifact_root + "/models";
  return destination_uri + "/models";
}

// The local directory that stands for the destination in the server's own
// files (upload spool, registry scratch, pipeline/tuning/serving state
// next to it): the destination itself when local; for s3:// a "cairn-local"
// directory next to the SQLite database.
std::string LocalDestination(const ServerConfig& config, const std::string& db_path) {
  if (!artifacts::s3::IsS3Uri(config.artifacts_destination)) return config.artifacts_destination;
  return (std::filesystem::absolute(db_path).parent_path() / "cairn-local").string();
}

int Fail(const Status& status) {
  std::fprintf(stderr, "cairn server: %s\n", status.message().c_str());
  if (!status.internal_context().empty()) std::fprintf(stderr, "  (%s)\n", status.internal_context().c_str());
  return 1;
}

}  // namespace

int RunServer(const ServerConfig& flags) {
  ServerConfig config = flags;  // validation fills in the derived fields
  if (Status s = ValidateServerConfig(config); !s.ok()) return Fail(s);
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(config.log_level, &level);
  SetLogLevel(level);
  // Before anything is opened: a bad certificate is a startup error.
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (config.tls_enabled) {
    auto context = CreateServerTlsContext({config.tls_cert, config.tls_key});
    if (!context) return Fail(context.error());
    tls = std::move(*context);
  }

  // Block the stop signals before any thread starts so that only sigwait
  // below receives them; ignore SIGPIPE from clients that hang up.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // The SQLite file, if the metadata lives in one; PostgreSQL has none, and
  // an s3:// destination's local state then goes under ./cairn-data.
  std::string db_path = "cairn-data/cairn.db";
  if (!store::IsPostgresUri(config.backend_store_uri)) {
    auto path = store::SqlitePathFromUri(config.backend_store_uri);
    if (!path) return Fail(path.error());
    db_path = *path;
  }
  // `destination` is always a local directory (see LocalDestination);
  // `destination_uri` names where the proxied artifacts really live.
  const std::string local_destination = LocalDestination(config, db_path);
  std::error_code ec;
  std::filesystem::create_directories(local_destination, ec);
  if (ec) return Fail(InvalidArgument(fmt::format("Cannot create the directory '{}': {}", local_destination, ec.message())));
  const std::string destination = std::filesystem::canonical(local_destination, ec).string();
  if (ec) return Fail(InvalidArgument(fmt::format("Cannot resolve the directory '{}': {}", local_destination, ec.message())));
  const bool remote_destination = artifacts::s3::IsS3Uri(config.artifacts_destination);
  const std::string destination_uri = remote_destination ? config.artifacts_destination : "file://" + destination;
  const artifacts::s3::S3Options s3_options = S3OptionsFromEnvironment(destination + ".spool/s3-downloads");
  auto proxied = OpenArtifactsDestination(remote_destination ? config.artifacts_destination : destination, s3_options);
  if (!proxied) return Fail(proxied.error());

  store::StoreOptions store_options;
  store_options.uri = config.backend_store_uri;
  store_options.default_artifact_root = DefaultArtifactRoot(config, destination_uri);
  // All stores share one database (SQLite: one writer, one read pool;
  // PostgreSQL: one connection pool). An unreachable PostgreSQL server is a
  // clean exit with the reason, not a crash.
  auto stores = store::OpenStores(store_options);
  if (!stores) return Fail(stores.error());

  artifacts::ArtifactRepositoryRegistry registry;
  artifacts::ArtifactRepository* proxied_repo = proxied->get();
  RegisterBuiltinArtifactStores(registry, s3_options);
  registry.Register("mlflow-artifacts", [proxied_repo](std::string_view rest) -> Result<artifacts::ResolvedLocation> {
    // mlflow-artifacts:/1/abc/artifacts -> "1/abc/artifacts"; a
    // mlflow-artifacts://host:port/path form names a server, which is us.
    std::string_view path = rest;
    if (path.substr(0, 2) == "//") {
      path.remove_prefix(2);
      size_t slash = path.find('/');
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return artifacts::ResolvedLocation{proxied_repo, std::string(path)};
  });

  frontends::Router router;
  frontends::MlflowApiDeps deps;
  deps.store = stores->tracking.get();
  deps.artifacts = &registry;
  deps.proxied_artifacts = config.serve_artifacts ? proxied_repo : nullptr;
  deps.version = CAIRN_VERSION;
  deps.registry = stores->registry.get();
  deps.model_storage_root = ModelStorageRoot(config, destination_uri);
  // Next to the HTTP spool: on the destination's filesystem, so the
  // registry's copies land by rename, and outside the served tree.
  deps.scratch_dir = destination + ".spool/registry";
  frontends::RegisterMlflowApi(router, deps);
  // Authentication (--auth): before the pipelines and tuning services, whose
  // executors then give each task its own token.
  std::unique_ptr<AuthService> auth_service;
  if (config.auth) {
    auto created = AuthService::Create(config, *stores->auth);
    if (!created) return Fail(created.error());
    auth_service = std::move(*created);
    auth_service->RegisterApi(router);
  } else {
    RegisterAuthOff(router);
  }
  // Pipelines: the scheduler and local executor over the same database,
  // started once the listener has its address (tasks log back to it).
  auto pipelines_service =
      PipelinesService::Create(config, destination, *stores->pipelines, *stores->tracking, registry, router);
  if (!pipelines_service) return Fail(pipelines_service.error());
  // Tuning: the experiment controller and its own local executor over the
  // same database, started with the pipelines.
  auto tuning_service = TuningService::Create(config, destination, *stores->tuning, *stores->tracking, registry, router);
  if (!tuning_service) return Fail(tuning_service.error());
  // Model serving: deployments of registry models, the inference protocols.
  auto serving_service = ServingService::Create(destination, *stores->registry, registry, router, CAIRN_VERSION);
  if (!serving_service) return Fail(serving_service.error());
  // The web UI (embedded files, served as the router's GET fallback so it
  // never shadows an API path) and its chart-downsampling endpoint.
  frontends::RegisterDashboard(router, {stores->tracking.get(), frontends::EmbeddedWebAssets()});
  if (auth_service) {
    // Every route is on the router now: wrap them all.
    frontends::AuthLayerDeps resolvers;
    resolvers.tracking = stores->tracking.get();
    resolvers.registry = stores->registry.get();
    pipelines::PipelineRunStore* pipeline_runs = stores->pipelines.get();
    resolvers.pipeline_run_experiment = [pipeline_runs](const std::string& id) -> Result<std::string> {
      CAIRN_ASSIGN_OR_RETURN(auto run, pipeline_runs->GetRun(id));
      return run.experiment_id;
    };
    tuning::ExperimentStore* tuning_experiments = stores->tuning.get();
    resolvers.tuning_experiment_tracking = [tuning_experiments](const std::string& id) -> Result<std::string> {
      CAIRN_ASSIGN_OR_RETURN(auto experiment, tuning_experiments->GetExperiment(id));
      return experiment.tracking_experiment_id;
    };
    serving::ModelRepository* deployments = &(*serving_service)->repository();
    resolvers.deployment_model_uri = [deployments](const std::string& name) -> Result<std::string> {
      CAIRN_ASSIGN_OR_RETURN(auto deployment, deployments->Get(name));
      return deployment.model_uri;
    };
    auth_service->Install(router, std::move(resolvers));
  }

  HttpServerOptions http_options;
  http_options.host = config.host;
  http_options.port = static_cast<uint16_t>(config.port);
  int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  http_options.io_threads = config.workers > 0 ? config.workers : cores;
  http_options.handler_threads = config.handler_threads;
  http_options.max_body_bytes = config.max_body_bytes;
  // A sibling of the artifact root: on the same filesystem (uploads land by
  // rename) but outside the served tree, so clients can neither list nor
  // delete it.
  http_options.spool_dir = destination + ".spool";
  http_options.tls = tls;
  http_options.tls_handshake_timeout = std::chrono::seconds(config.tls_handshake_timeout_s);
  auto trusted_proxies = TrustedProxies::Parse(config.trusted_proxies);
  if (!trusted_proxies.ok()) return Fail(trusted_proxies.status());
  http_options.trusted_proxies = std::move(*trusted_proxies);
  HttpServer http(http_options, router);
  if (Status s = http.Start(); !s.ok()) return Fail(s);
  {
    std::string self = config.host == "0.0.0.0" ? "127.0.0.1" : config.host == "::" ? "::1" : config.host;
    if (self.find(':') != std::string::npos) self = "[" + self + "]";
    // Under TLS, tasks and trials log back over HTTPS too (they must trust
    // the certificate; docs/deploy.md).
    const std::string self_uri = fmt::format("{}://{}:{}", tls ? "https" : "http", self, http.port());
    if (Status s = (*pipelines_service)->Start(self_uri); !s.ok()) return Fail(s);
    if (Status s = (*tuning_service)->Start(self_uri); !s.ok()) return Fail(s);
  }

  // Tests and scripts read this line to learn the port.
  std::printf("cairn %s listening on %s://%s:%u (store %s, artifacts %s)\n", CAIRN_VERSION, tls ? "https" : "http",
              config.host.c_str(), http.port(), store::RedactedUri(config.backend_store_uri).c_str(),
              remote_destination ? destination_uri.c_str() : destination.c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  CAIRN_LOG(kInfo, "server", "received {}, draining in-flight requests", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  http.Stop();
  serving_service->reset();  // unloads the models (their requests have finished)
  pipelines_service->reset();  // task processes keep running; the next start resumes them
  tuning_service->reset();  // trial processes keep running; the next start resumes them
  stores->tracking.reset();  // the last store closes the database cleanly
  stores->registry.reset();
  stores->pipelines.reset();
  stores->tuning.reset();
  auth_service.reset();
  stores->auth.reset();
  CAIRN_LOG(kInfo, "server", "stopped");
  return 0;
}

}  // namespace cairn::server
