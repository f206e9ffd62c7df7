#include "server/serving_wiring.h"

#include <filesystem>

#include "base/logging.h"
#include "frontends/inference_http/deployments_api.h"
#include "frontends/inference_http/inference_api.h"
#include "serving/backends/builtin_backends.h"
#include "serving/deployment_file.h"

namespace cairn::server {

Result<std::unique_ptr<ServingService>> ServingService::Create(const std::string& destination,
                                                               registry::RegistryStore& registry,
                                                               const artifacts::ArtifactRepositoryRegistry& artifacts,
                                                               frontends::Router& router, const std::string& version) {
  std::unique_ptr<ServingService> service(new ServingService());
  // Copies of a previous process's models are stale: deployments live in
  // memory and are re-created by their owners after a restart.
  const std::filesystem::path cache = destination + ".spool/serving";
  std::error_code ec;
  std::filesystem::remove_all(cache, ec);
  std::filesystem::create_directories(cache, ec);
  if (ec) return Internal("cannot create the model cache directory " + cache.string(), ec.message());
  serving::RegisterBuiltinBackends(service->backends_);
  service->source_ = std::make_unique<serving::RegistryModelSource>(registry, artifacts);
  // Request logs inside the proxied artifact store: readable as
  // mlflow-artifacts:/serving-logs/<deployment>.jsonl.
  service->repository_ = std::make_unique<serving::ModelRepository>(*service->source_, service->backends_, cache,
                                                                    std::filesystem::path(destination) / "serving-logs");
  frontends::InferenceApiDeps deps;
  deps.repository = service->repository_.get();
  deps.version = version;
  frontends::RegisterInferenceApi(router, deps);
  frontends::RegisterDeploymentsApi(router, *service->repository_);
  // Deployments survive restarts: saved next to the artifacts destination.
  service->deployments_file_ = std::filesystem::path(destination).parent_path() / "serving" / "deployments.json";
  ServingService* self = service.get();
  service->repository_->SetChangeListener([self] {
    if (!self->restored_) return;  // the restore saves once when done
    if (Status s = serving::SaveDeployments(self->deployments_file_, self->repository_->List()); !s.ok()) {
      CAIRN_LOG(kError, "serving", "saving deployments failed: {}", s.ToString());
    }
  });
  service->repository_->SetRestoring(true);
  service->restore_thread_ = std::thread([self] { self->Restore(); });
  return service;
}

void ServingService::Restore() {
  auto saved = serving::LoadDeployments(deployments_file_);
  if (!saved.ok()) CAIRN_LOG(kError, "serving", "cannot read saved deployments: {}", saved.error().ToString());
  for (const auto& d : saved.ok() ? *saved : std::vector<serving::SavedDeployment>{}) {
    auto created = repository_->Create(d.spec);
    if (created.ok() && !d.canary_uri.empty()) {
      serving::DeploymentUpdate update;
      update.model_uri = d.canary_uri;
      update.canary_traffic_percent = d.canary_traffic_percent;
      if (auto updated = repository_->Update(d.spec.name, update); !updated.ok()) {
        CAIRN_LOG(kWarn, "serving", "deployment {}: canary {} not restored: {}", d.spec.name, d.canary_uri,
                  updated.error().ToString());
      }
    }
    if (!created.ok()) {
      CAIRN_LOG(kWarn, "serving", "deployment {} ({}) not restored: {}", d.spec.name, d.spec.model_uri,
                created.error().ToString());
    } else {
      CAIRN_LOG(kInfo, "serving", "deployment {} restored: {} version {}", d.spec.name, d.spec.model_uri,
                created->primary->origin().version);
    }
  }
  restored_ = true;
  repository_->SetRestoring(false);
  if (Status s = serving::SaveDeployments(deployments_file_, repository_->List()); !s.ok()) {
    CAIRN_LOG(kError, "serving", "saving deployments failed: {}", s.ToString());
  }
}

ServingService::~ServingService() {
  if (restore_thread_.joinable()) restore_thread_.join();
}

}  // namespace cairn::server
