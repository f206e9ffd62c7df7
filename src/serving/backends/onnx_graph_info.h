// Reads the declared inputs and outputs (names, element types, shapes) of an
// ONNX model from its protobuf bytes, with a small wire-format reader (no
// protobuf dependency). OpenCV DNN runs the graph but does not expose these.
// Pure; never throws.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.h"
#include "serving/model_backend.h"

namespace cairn::serving {

struct OnnxGraphInfo {
  std::vector<TensorSpec> inputs;   // graph inputs that are not initializers
  std::vector<TensorSpec> outputs;
};

// kInvalidArgument when the bytes are not a ModelProto with a graph.
// Symbolic or unknown dimensions become -1; element types map to OIP
// datatypes (unknown ones to FP32).
Result<OnnxGraphInfo> ReadOnnxGraphInfo(std::string_view model_bytes);

}  // namespace cairn::serving
