#include "server/serving_wiring.h"

#include <filesystem>

#include "frontends/inference_http/deployments_api.h"
#include "frontends/inference_http/inference_api.h"
#include "serving/backends/builtin_backends.h"

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
  return service;
}

ServingService::~ServingService() = default;

}  // namespace cairn::server
