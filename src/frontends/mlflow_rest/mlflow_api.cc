#include "frontends/mlflow_rest/mlflow_api.h"

#include "base/check.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "frontends/mlflow_rest/registry_handler_util.h"

namespace cairn::frontends {

void RegisterMlflowApi(Router& router, const MlflowApiDeps& deps) {
  CAIRN_CHECK(deps.store != nullptr && deps.artifacts != nullptr, "MlflowApiDeps is incomplete");
  RegisterExperimentRoutes(router, *deps.store);
  RegisterRunRoutes(router, *deps.store);
  RegisterMetricRoutes(router, *deps.store);
  RegisterArtifactRoutes(router, *deps.store, *deps.artifacts, deps.proxied_artifacts);
  if (deps.registry != nullptr) {
    // Handlers keep copies of the context (it holds references only).
    RegistryContext context{*deps.registry, *deps.store, *deps.artifacts, deps.model_storage_root, deps.scratch_dir};
    RegisterRegistryModelRoutes(router, context);
    RegisterRegistryVersionRoutes(router, context);
    RegisterLoggedModelRoutes(router, context);
    RegisterLineageRoutes(router, context);
  }
  router.Add(Route{"GET", "/health", false, false, [](HttpRequest&) { return HttpResponse::Text("OK"); }});
  std::string version = deps.version;
  router.Add(Route{"GET", "/version", false, false, [version](HttpRequest&) { return HttpResponse::Text(version); }});
}

}  // namespace cairn::frontends
