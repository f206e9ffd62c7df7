// ModelBackend: the seam between the inference core and a model format
// (XGBoost, ONNX, ...). A backend loads one model directory and runs batched
// inference on it. Backends are leaves: only server/ registers them, in one
// function (backends/builtin_backends.h).
//
// Thread safety: Infer may be called from several threads at once; a backend
// whose library is not re-entrant serialises internally.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "serving/mlmodel.h"
#include "serving/tensor.h"

namespace cairn::serving {

// One input or output as the model declares it. -1 in `shape` is a dimension
// of any size (the first one is the batch dimension for batchable models).
struct TensorSpec {
  std::string name;
  DataType datatype = DataType::kFp32;
  std::vector<int64_t> shape;
};

struct ModelMetadata {
  std::string platform;  // "xgboost", "onnx", ...
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  // Column names of a tabular model's single 2-D input, in order (from the
  // MLmodel signature), so dataframe payloads can be matched by name.
  std::vector<std::string> feature_names;
  // Whether dimension 0 of every input and output is the batch dimension,
  // so requests can be concatenated by the dynamic batcher.
  bool batchable = true;
};

class ModelBackend {
 public:
  virtual ~ModelBackend() = default;
  virtual const ModelMetadata& metadata() const = 0;
  // Runs the model on `inputs` (one per declared input, matched by name,
  // already checked against the metadata's shapes and converted to its
  // datatypes). Returns every output. kInvalidArgument for input the model
  // rejects, kInternal for library failures.
  virtual Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) = 0;
};

// Loads one model format. Factories are registered with the BackendRegistry.
class ModelBackendFactory {
 public:
  virtual ~ModelBackendFactory() = default;
  // The MLmodel flavor this factory loads ("xgboost", "onnx").
  virtual std::string flavor() const = 0;
  // `dir` holds the model files; `model` is its parsed MLmodel file.
  virtual Result<std::unique_ptr<ModelBackend>> Load(const std::filesystem::path& dir, const MlModel& model) = 0;
};

// Picks a backend by the flavors of a model's MLmodel file. Filled once at
// start-up, then read-only (thread-safe for Load).
class BackendRegistry {
 public:
  void Register(std::unique_ptr<ModelBackendFactory> factory);
  // Reads <dir>/MLmodel (or recognises a plain model file, see
  // DescribeModelDir) and loads it with the first registered factory whose
  // flavor the file has. kInvalidArgument when the file is missing or
  // malformed, kUnimplemented ("no backend can load flavor ...") when no
  // factory matches.
  Result<std::unique_ptr<ModelBackend>> Load(const std::filesystem::path& dir) const;
  std::vector<std::string> flavors() const;

 private:
  std::vector<std::unique_ptr<ModelBackendFactory>> factories_;
};

}  // namespace cairn::serving
