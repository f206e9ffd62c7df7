// The serving service of `cairn server`: model deployments of registry
// models served from the platform process — the backends, the model
// repository over the server's own registry and artifact repositories, the
// inference endpoints (frontends/inference_http) and the deployments API.
// Kept out of server_main.cc so the composition root stays one screen per
// subsystem.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>
#include <string>

#include "artifacts/artifact_repository_registry.h"
#include "base/result.h"
#include "frontends/http/router.h"
#include "registry/registry_store.h"
#include "serving/model_backend.h"
#include "serving/model_repository.h"
#include "serving/model_source.h"

namespace cairn::server {

class ServingService {
 public:
  // Registers the routes. Loaded model files are cached under
  // `<destination>.spool/serving` (emptied at start). Dependencies must
  // outlive the service; the service must outlive the router's use.
  static Result<std::unique_ptr<ServingService>> Create(const std::string& destination,
                                                        registry::RegistryStore& registry,
                                                        const artifacts::ArtifactRepositoryRegistry& artifacts,
                                                        frontends::Router& router, const std::string& version);
  ~ServingService();

  // The deployments (the auth layer resolves a deployment's model through it).
  serving::ModelRepository& repository() { return *repository_; }

 private:
  ServingService() = default;
  // Serves the saved deployments again (on a thread: readiness is false
  // until it is done), then saves after every change.
  void Restore();
  std::filesystem::path deployments_file_;
  std::atomic<bool> restored_{false};
  std::thread restore_thread_;
  serving::BackendRegistry backends_;
  std::unique_ptr<serving::RegistryModelSource> source_;
  std::unique_ptr<serving::ModelRepository> repository_;
};

}  // namespace cairn::server
