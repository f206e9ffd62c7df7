// The tuning service of `cairn server`: its own local executor (trials run
// as processes; the executor's state-change callback has one listener, so
// tuning does not share the pipelines' one), the TuningController over the
// shared database's ExperimentStore, tracking of experiments and trials
// in-process (trial logs and the spec archived as run artifacts), and the
// REST routes (frontends/tuning_api). Kept out of
// server_main.cc so the composition root stays one screen per subsystem.
#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_repository_registry.h"
#include "base/clock.h"
#include "base/result.h"
#include "frontends/http/router.h"
#include "pipelines/executor/executor.h"
#include "server/server_config.h"
#include "tracking/tracking_store.h"
#include "tuning/controller/tuning_controller.h"
#include "tuning/state/experiment_store.h"

namespace cairn::server {

class TuningService {
 public:
  // Builds the executor and controller (not started) and registers the
  // routes. `destination` is the artifacts destination directory (the
  // default tuning root sits next to it). Dependencies must outlive the
  // service.
  static Result<std::unique_ptr<TuningService>> Create(const ServerConfig& config, const std::string& destination,
                                                       tuning::ExperimentStore& store,
                                                       tracking::TrackingStore& tracking,
                                                       const artifacts::ArtifactRepositoryRegistry& artifacts,
                                                       frontends::Router& router);
  ~TuningService();

  // Starts the controller (resuming unfinished experiments); trials get
  // MLFLOW_TRACKING_URI = `tracking_uri` (this server).
  Status Start(const std::string& tracking_uri);
  // Stops the controller; running trial processes keep running and are
  // resumed by the next start.
  void Stop();

 private:
  TuningService() = default;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<pipelines::Executor> executor_;
  std::unique_ptr<tuning::TuningController> controller_;
};

}  // namespace cairn::server
