#include "server/tuning_wiring.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "base/ids.h"
#include "frontends/tuning_api/tuning_api.h"
#include "server/task_support.h"

namespace cairn::server {

namespace fs = std::filesystem;


TuningService::~TuningService() { Stop(); }

Result<std::unique_ptr<TuningService>> TuningService::Create(const ServerConfig& config, const std::string& destination,
                                                             tuning::ExperimentStore& store,
                                                             tracking::TrackingStore& tracking,
                                                             const artifacts::ArtifactRepositoryRegistry& artifacts,
                                                             frontends::Router& router) {
  std::unique_ptr<TuningService> service(new TuningService());
  service->clock_ = CreateSystemClock();

  CAIRN_ASSIGN_OR_RETURN(service->executor_, CreateTaskExecutor(config, config.tuning_executor));

  tuning::TuningOptions options;
  options.root = config.tuning_root.empty() ? (fs::path(destination).parent_path() / "tuning").string()
                                            : fs::absolute(config.tuning_root).lexically_normal().string();
  std::error_code ec;
  fs::create_directories(options.root, ec);
  if (ec) return InvalidArgument(fmt::format("Cannot create the tuning root '{}': {}", options.root, ec.message()));
  options.default_trial_timeout_ms = config.tuning_trial_timeout_s * 1000;
  options.max_running_trials = config.tuning_parallelism;
  options.resume = config.tuning_resume;
  options.owner_id = EffectiveReplicaId(config);
  options.lease_ms = int64_t{config.lease_seconds} * 1000;

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
