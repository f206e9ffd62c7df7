#include "server/pipelines_wiring.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "base/ids.h"
#include "frontends/pipelines_api/pipelines_api.h"
#include "pipelines/executor/local/local_executor.h"
#include "pipelines/executor/slurm/slurm_executor.h"

namespace cairn::server {
namespace {

namespace fs = std::filesystem;

// Copies `local` (a file, or a directory recursively) under `dest` in the
// run's artifact location. Repositories take files over by rename, so each
// file is first copied into `scratch`.
Status CopyIntoArtifacts(const artifacts::ArtifactRepositoryRegistry& registry, const std::string& scratch,
                         const std::string& artifact_uri, const std::string& local, const std::string& dest) {
  CAIRN_ASSIGN_OR_RETURN(artifacts::ResolvedLocation location, registry.Resolve(artifact_uri));
  std::error_code ec;
  fs::create_directories(scratch, ec);
  auto put_file = [&](const fs::path& file, const std::string& relative) -> Status {
    std::string tmp = fmt::format("{}/{}", scratch, NewUuidHex());
    fs::copy_file(file, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) return Internal("Cannot copy a task artifact.", ec.message());
    std::string path = location.path;
    for (const std::string& part : {dest, relative}) {
      if (part.empty()) continue;
      if (!path.empty()) path += '/';
      path += part;
    }
    Status s = location.repository->Put(path, tmp);
    fs::remove(tmp, ec);
    return s;
  };
  fs::path root(local);
  if (fs::is_directory(root, ec)) {
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string relative = fs::relative(it->path(), root.parent_path(), ec).generic_string();
      CAIRN_RETURN_IF_ERROR(put_file(it->path(), relative));
    }
    return Status();
  }
  return put_file(root, root.filename().string());
}

// The executor named by --pipelines-executor: `local` (a process per task
// on this host) or `slurm` (a batch job per task on the cluster that
// SLURM_CONF names; the pipeline root must be on a filesystem the compute
// nodes share).
Result<std::unique_ptr<pipelines::Executor>> CreateExecutor(const ServerConfig& config) {
  if (config.pipelines_executor == "slurm") {
    pipelines::SlurmExecutorOptions options;
    options.base_env = pipelines::LocalExecutor::ProcessEnvironment();
    options.partition = config.slurm_partition;
    options.extra_sbatch_args = config.slurm_sbatch_args;
    CAIRN_ASSIGN_OR_RETURN(auto slurm, pipelines::SlurmExecutor::Create(std::move(options)));
    return std::unique_ptr<pipelines::Executor>(std::move(slurm));
  }
  pipelines::LocalExecutorOptions options;
  options.max_log_bytes = config.pipelines_max_log_bytes;
  options.base_env = pipelines::LocalExecutor::ProcessEnvironment();
  CAIRN_ASSIGN_OR_RETURN(auto local, pipelines::LocalExecutor::Create(std::move(options)));
  return std::unique_ptr<pipelines::Executor>(std::move(local));
}

}  // namespace

PipelinesService::~PipelinesService() { Stop(); }

Result<std::unique_ptr<PipelinesService>> PipelinesService::Create(
    const ServerConfig& config, const std::string& destination, pipelines::PipelineRunStore& store,
    tracking::TrackingStore& tracking, const artifacts::ArtifactRepositoryRegistry& artifacts,
    frontends::Router& router) {
  std::unique_ptr<PipelinesService> service(new PipelinesService());
  service->clock_ = CreateSystemClock();

  CAIRN_ASSIGN_OR_RETURN(service->executor_, CreateExecutor(config));

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
  options.owner_id = fmt::format("cairn-{}", getpid());

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
