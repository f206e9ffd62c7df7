// The python backend's wire format to its worker: each message is a frame,
// a 4-byte big-endian length then that many bytes of UTF-8 JSON.
//
//   -> {"op": "load", "model_dir": "/abs/dir"}
//   <- {"ok": true, "python": "3.11.7", "mlflow": "2.x", "numpy": true, "pandas": true}
//   <- {"ok": false, "kind": "missing_package", "package": "mlflow", "error": "..."}
//   -> {"op": "predict", "layout": "columns" | "tensors" | "none", "columns": [...],
//       "inputs": [{"name", "datatype", "shape", "data": [flat, row-major]}]}
//   <- {"ok": true, "outputs": [{"name", "datatype", "shape", "data"}]}
//   <- {"ok": false, "error": "ValueError: ..."}
//
// Non-finite floats travel as null. Pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serving/tensor.h"

namespace cairn::serving::python {

// How the worker hands inputs to model.predict: a DataFrame of the
// signature's columns, numpy arrays of a tensor signature, or (no
// signature) a DataFrame / array of the one input.
enum class InputLayout { kColumns, kTensors, kNone };

// `json` with its 4-byte big-endian length in front.
std::string Frame(std::string_view json);
// The length in a frame header (4 bytes).
uint32_t FrameLength(std::string_view header);

std::string LoadRequest(const std::string& model_dir);
std::string PredictRequest(const std::vector<Tensor>& inputs, InputLayout layout,
                           const std::vector<std::string>& columns);

struct WorkerReply {
  bool ok = false;
  std::string error;    // when !ok: the Python exception, "Type: message"
  std::string kind;     // "missing_package" for a failed import at load
  std::string package;  // the package that could not be imported
  std::string versions; // load: "python 3.11.7, mlflow 2.x, numpy, pandas"
  std::vector<Tensor> outputs;
};

// kInternal when the frame is not a reply the worker could have sent.
Result<WorkerReply> ParseReply(std::string_view json);

}  // namespace cairn::serving::python
