// The backends compiled into cairn, registered explicitly by the composition
// root (no static self-registration).
#pragma once

#include "serving/model_backend.h"

namespace cairn::serving {

// xgboost, onnx.
void RegisterBuiltinBackends(BackendRegistry& registry);

}  // namespace cairn::serving
