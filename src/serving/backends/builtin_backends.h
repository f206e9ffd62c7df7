// The backends compiled into cairn, registered explicitly by the composition
// root (no static self-registration).
#pragma once

#include "serving/backends/python/python_backend.h"
#include "serving/model_backend.h"

namespace cairn::serving {

// xgboost, onnx, then python (python_function): the registry takes the first
// flavor a model has, so models that also carry a native flavor (as MLflow's
// xgboost and onnx models do) are served natively.
void RegisterBuiltinBackends(BackendRegistry& registry, const PythonBackendOptions& python = {});

}  // namespace cairn::serving
