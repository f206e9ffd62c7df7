#include "serving/backends/builtin_backends.h"

#include "serving/backends/onnx_backend.h"
#include "serving/backends/xgboost_backend.h"

namespace cairn::serving {

void RegisterBuiltinBackends(BackendRegistry& registry, const PythonBackendOptions& python) {
  registry.Register(CreateXgboostBackendFactory());
  registry.Register(CreateOnnxBackendFactory());
  registry.Register(CreatePythonBackendFactory(python));
}

}  // namespace cairn::serving
