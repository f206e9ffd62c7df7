// The ONNX backend: MLflow `onnx` flavor models run through OpenCV DNN
// (Debian's libopencv-dnn). Inputs and outputs come from the graph itself
// (onnx_graph_info.h); OpenCV computes in FP32, so numeric inputs of any
// declared type are converted and outputs are FP32. OpenCV's exceptions are
// caught here.
#pragma once

#include <memory>

#include "serving/model_backend.h"

namespace cairn::serving {

std::unique_ptr<ModelBackendFactory> CreateOnnxBackendFactory();

}  // namespace cairn::serving
