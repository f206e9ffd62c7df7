#include "server/tuning_wiring.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "base/ids.h"
#include "frontends/tuning_api/tuning_api.h"

namespace cairn::server {

namespace fs = std::filesystem;

namespace {

// Copies the file `local` to `dest`/<its name> in the run's artifact
// location. Repositories take files over by rename, so it is first copied
// into `scratch` (on the destination's filesystem).
Status CopyIntoArtifacts(const artifacts::ArtifactRepositoryRegistry& registry, const std::string& scratch,
                         const std::string& artifact_uri, const std::string& local, const std::string& dest) {
  CAIRN_ASSIGN_OR_RETURN(artifacts::ResolvedLocation location, registry.Resolve(artifact_uri));
  std::error_code ec;
  fs::create_directories(scratch, ec);
  const std::string tmp = fmt::format("{}/{}", scratch, NewUuidHex());
  fs::copy_file(local, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) return Internal("Cannot copy a trial file into the artifacts.", ec.message());
  std::string path = location.path;
  for (const std::string& part : {dest, fs::path(local).filename().string()}) {
    if (part.empty()) continue;
    if (!path.empty()) path += '/';
    path += part;
  }
  Status s = location.repository->Put(path, tmp);
  fs::remove(tmp, ec);
  return s;
}

}  // namespace

TuningService::~TuningService() { Stop(); }

Result<std::unique_ptr<TuningService>> TuningService::Create(const ServerConfig& config, const std::string& destination,
                                                             tuning::ExperimentStore& store,
                                                             tracking::TrackingStore& tracking,
                                                             const artifacts::ArtifactRepositoryRegistry& artifacts,
                                                             frontends::Router& router) {
  std::unique_ptr<TuningService> service(new TuningService());
  service->clock_ = CreateSystemClock();

  pipelines::LocalExecutorOptions executor_options;
  executor_options.max_log_bytes = config.pipelines_max_log_bytes;
  executor_options.base_env = pipelines::LocalExecutor::ProcessEnvironment();
  CAIRN_ASSIGN_OR_RETURN(service->executor_, pipelines::LocalExecutor::Create(std::move(executor_options)));

  tuning::TuningOptions options;
  options.root = config.tuning_root.empty() ? (fs::path(destination).parent_path() / "tuning").string()
                                            : fs::absolute(config.tuning_root).lexically_normal().string();
  std::error_code ec;
  fs::create_directories(options.root, ec);
  if (ec) return InvalidArgument(fmt::format("Cannot create the tuning root '{}': {}", options.root, ec.message()));
  options.default_trial_timeout_ms = config.tuning_trial_timeout_s * 1000;
  options.resume = config.tuning_resume;
  options.owner_id = fmt::format("cairn-{}", getpid());

  tuning::TuningDeps deps;
  deps.store = &store;
  deps.executor = service->executor_.get();
  deps.tracking = &tracking;
  deps.clock = service->clock_.get();
  const std::string scratch = destination + ".spool/tuning";
  deps.artifact_sink = [&artifacts, scratch](const std::string& uri, const std::string& local,
                                             const std::string& dest) {
    return CopyIntoArtifacts(artifacts, scratch, uri, local, dest);
  };
  service->controller_ = std::make_unique<tuning::TuningController>(std::move(options), std::move(deps));

  frontends::TuningApiDeps api;
  api.controller = service->controller_.get();
  api.store = &store;
  api.executor = service->executor_.get();
  frontends::RegisterTuningApi(router, api);
  return service;
}

Status TuningService::Start(const std::string& tracking_uri) {
  controller_->SetTrackingUri(tracking_uri);
  return controller_->Start();
}

void TuningService::Stop() {
  if (controller_) controller_->Stop();
}

}  // namespace cairn::server
