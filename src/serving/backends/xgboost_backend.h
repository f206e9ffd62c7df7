// The XGBoost backend: MLflow `xgboost` flavor models (JSON, UBJ or legacy
// binary files; the format is detected from the bytes) run through the
// libxgboost C API. One input, FP32 [-1, num_features]; one output
// "predict", FP32 [-1] (or [-1, k] for multi-class probabilities).
#pragma once

#include <memory>

#include "serving/model_backend.h"

namespace cairn::serving {

std::unique_ptr<ModelBackendFactory> CreateXgboostBackendFactory();

}  // namespace cairn::serving
