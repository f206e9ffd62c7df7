// The pipelines service of `cairn server`: the executor (local or slurm), the scheduler
// over the shared database's PipelineRunStore, tracking of runs and tasks
// in-process, task artifacts logged through the artifact repositories, and
// the REST routes (frontends/pipelines_api). Kept out of server_main.cc so
// the composition root stays one screen per subsystem.
#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_repository_registry.h"
#include "base/clock.h"
#include "base/result.h"
#include "frontends/http/router.h"
#include "pipelines/executor/executor.h"
#include "pipelines/run_state/run_store.h"
#include "pipelines/scheduler/scheduler.h"
#include "server/server_config.h"
#include "tracking/tracking_store.h"

namespace cairn::server {

class PipelinesService {
 public:
  // Builds the executor and scheduler (not started) and registers the
  // routes. `destination` is the artifacts destination directory (the
  // default pipeline root sits next to it). Dependencies must outlive the
  // service.
  static Result<std::unique_ptr<PipelinesService>> Create(const ServerConfig& config, const std::string& destination,
                                                          pipelines::PipelineRunStore& store,
                                                          tracking::TrackingStore& tracking,
                                                          const artifacts::ArtifactRepositoryRegistry& artifacts,
                                                          frontends::Router& router);
  ~PipelinesService();

  // Starts the scheduler (resuming unfinished runs); tasks get
  // MLFLOW_TRACKING_URI = `tracking_uri` (this server).
  Status Start(const std::string& tracking_uri);
  // Stops scheduling; running task processes keep running and are resumed
  // by the next start.
  void Stop();

 private:
  PipelinesService() = default;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<pipelines::Executor> executor_;
  std::unique_ptr<pipelines::Scheduler> scheduler_;
};

}  // namespace cairn::server
