#include "server/pipelines_wiring.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "base/ids.h"
#include "frontends/pipelines_api/pipelines_api.h"
#include "server/task_support.h"

namespace cairn::server {

namespace fs = std::filesystem;

PipelinesService::~PipelinesService() { Stop(); }

Result<std::unique_ptr<PipelinesService>> PipelinesService::Create(
    const ServerConfig& config, const std::string& destination, pipelines::PipelineRunStore& store,
    tracking::TrackingStore& tracking, const artifacts::ArtifactRepositoryRegistry& artifacts,
    frontends::Router& router) {
  std::unique_ptr<PipelinesService> service(new PipelinesService());
  service->clock_ = CreateSystemClock();

  CAIRN_ASSIGN_OR_RETURN(service->executor_, CreateTaskExecutor(config, config.pipelines_executor));

  pipelines::SchedulerOptions options;
  options.pipeline_root = config.pipeline_root.empty()
                              ? (fs::path(destination).parent_path() / "pipelines").string()
                              : fs::absolute(config.pipeline_root).lexically_normal().string();
  std::error_code ec;
  fs::create_directories(options.pipeline_root, ec);
  if (ec) {
    return InvalidArgument(fmt::format("Cannot create the pipeline root '{}': {}", options.pipeline_root, ec.message()));
  }
  // Not created: an absent directory simply holds no secrets.
  options.secrets_dir = config.pipelines_secrets_dir.empty()
                            ? (fs::path(destination).parent_path() / "secrets").string()
                            : fs::absolute(config.pipelines_secrets_dir).lexically_normal().string();
  options.max_parallel_tasks = config.pipelines_parallelism;
  options.cache_disabled = config.pipelines_disable_cache;
  options.task_timeout_ms = config.pipelines_task_timeout_s * 1000;
  options.resume_runs = config.pipelines_resume;
  options.owner_id = EffectiveReplicaId(config);
  options.lease_ms = int64_t{config.lease_seconds} * 1000;

  pipelines::SchedulerDeps deps;
  deps.store = &store;
  deps.executor = service->executor_.get();
  deps.tracking = &tracking;
  deps.clock = service->clock_.get();
  const std::string scratch = destination + ".spool/pipelines";
  deps.artifact_sink = [&artifacts, scratch](const std::string& uri, const std::string& local,
                                             const std::string& dest) {
    return CopyIntoArtifacts(artifacts, scratch, uri, local, dest);
  };
  service->scheduler_ = std::make_unique<pipelines::Scheduler>(std::move(options), std::move(deps));

  frontends::PipelinesApiDeps api;
  api.scheduler = service->scheduler_.get();
  api.store = &store;
  api.executor = service->executor_.get();
  api.tracking = &tracking;
  frontends::RegisterPipelinesApi(router, api);
  return service;
}

Status PipelinesService::Start(const std::string& tracking_uri) {
  scheduler_->SetTrackingUri(tracking_uri);
  return scheduler_->Start();
}

void PipelinesService::Stop() {
  if (scheduler_) scheduler_->Stop();
}

}  // namespace cairn::server
