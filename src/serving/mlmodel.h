// MlModel: the parts of an MLflow model's `MLmodel` file (YAML) that serving
// needs: the flavors (which backend loads it, and its files) and the
// signature (names, types and shapes of inputs and outputs).
//
//   flavors:
//     xgboost: {data: model.xgb, model_format: xgb}
//     onnx: {data: model.onnx}
//   run_id: ...
//   signature:
//     inputs: '[{"name": "f0", "type": "double"}, ...]'                 # columns
//     inputs: '[{"name": "x", "type": "tensor",
//                "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'  # tensors
//
// Parsing is pure; yaml-cpp's exceptions are caught here. Plain values.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "serving/tensor.h"

namespace cairn::serving {

struct SignatureField {
  std::string name;      // may be empty for unnamed outputs
  std::string type;      // column type ("double", "long", ...) or "tensor"
  DataType datatype = DataType::kFp32;  // the OIP datatype of the type/dtype
  std::vector<int64_t> shape;           // tensors only
};

struct MlModel {
  // flavor name -> its scalar fields ("data" -> "model.xgb").
  std::map<std::string, std::map<std::string, std::string>> flavors;
  std::string run_id;
  std::vector<SignatureField> inputs;
  std::vector<SignatureField> outputs;
  bool tensor_signature = false;  // inputs are tensor specs, not columns

  bool HasFlavor(std::string_view flavor) const { return flavors.count(std::string(flavor)) > 0; }
  // The flavor's field, or "" when absent.
  std::string FlavorField(std::string_view flavor, std::string_view field) const;
};

// kInvalidArgument naming the problem for malformed YAML or signature JSON.
Result<MlModel> ParseMlModel(std::string_view yaml_text);
// Reads <dir>/MLmodel; kInvalidArgument when it is missing.
Result<MlModel> ReadMlModel(const std::filesystem::path& dir);
// <dir>/MLmodel when there is one; otherwise a plain model directory is
// described by its one model file (Triton style): `*.onnx` -> onnx,
// `model.json` / `model.ubj` / `model.xgb` / `*.bst` -> xgboost (no
// signature). kInvalidArgument when neither is found.
Result<MlModel> DescribeModelDir(const std::filesystem::path& dir);

// "float32" (numpy dtype, tensor specs) or "double" (column type) -> OIP
// datatype; nullopt for unknown names.
std::optional<DataType> DataTypeFromMlflowType(std::string_view type);

}  // namespace cairn::serving
