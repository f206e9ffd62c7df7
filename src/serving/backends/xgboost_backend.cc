#include "serving/backends/xgboost_backend.h"

#include <fmt/format.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>


namespace cairn::serving {
namespace {

namespace fs = std::filesystem;

Status XgbError(std::string_view what) {
  return Internal(fmt::format("xgboost: {} failed", what), XGBGetLastError());
}

// The model file: the flavor's `data` field, else the usual names.
Result<fs::path> FindModelFile(const fs::path& dir, const MlModel& model) {
  std::string data = model.FlavorField("xgboost", "data");
  if (!data.empty()) {
    if (data.find("..") != std::string::npos) return InvalidArgument("MLmodel xgboost.data must stay inside the model");
    if (fs::is_regular_file(dir / data)) return dir / data;
    return InvalidArgument(fmt::format("MLmodel names xgboost model file '{}', which the model does not have", data));
  }
  for (const char* name : {"model.xgb", "model.json", "model.ubj", "model.bst"}) {
    if (fs::is_regular_file(dir / name)) return dir / name;
  }
  return InvalidArgument("the xgboost model has no model file (MLmodel xgboost.data)");
}

class XgboostBackend final : public ModelBackend {
 public:
  ~XgboostBackend() override {
    if (booster_) XGBoosterFree(booster_);
  }

  static Result<std::unique_ptr<ModelBackend>> Load(const fs::path& dir, const MlModel& model) {
    CAIRN_ASSIGN_OR_RETURN(fs::path file, FindModelFile(dir, model));
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::string buffer = bytes.str();
    if (!in || buffer.empty()) return InvalidArgument(fmt::format("cannot read xgboost model file {}", file.filename().string()));

    std::unique_ptr<XgboostBackend> backend(new XgboostBackend());
    if (XGBoosterCreate(nullptr, 0, &backend->booster_) != 0) return XgbError("XGBoosterCreate");
    // One thread per prediction: OpenMP keeps a thread team per calling
    // thread, and requests arrive on many handler threads, so a
    // multi-threaded predict would keep a team per handler thread and
    // oversubscribe the cores under load. Throughput comes from batching
    // instead (bench/RESULTS.md).
    if (XGBoosterSetParam(backend->booster_, "nthread", "1") != 0) return XgbError("XGBoosterSetParam(nthread)");
    // XGBoost tells JSON ('{' '"'), UBJSON ('{' + type marker) and its
    // legacy binary format apart by the leading bytes.
    if (XGBoosterLoadModelFromBuffer(backend->booster_, buffer.data(), buffer.size()) != 0) {
      return InvalidArgument(fmt::format("xgboost cannot load {}: {}", file.filename().string(), XGBGetLastError()));
    }
    bst_ulong features = 0;
    if (XGBoosterGetNumFeature(backend->booster_, &features) != 0) return XgbError("XGBoosterGetNumFeature");
    if (features == 0) return InvalidArgument("the xgboost model has no features");
    backend->num_features_ = static_cast<int64_t>(features);

    ModelMetadata& meta = backend->metadata_;
    meta.platform = "xgboost";
    TensorSpec input{"input-0", DataType::kFp32, {-1, backend->num_features_}};
    if (model.tensor_signature && model.inputs.size() == 1 && !model.inputs[0].name.empty()) {
      input.name = model.inputs[0].name;
    }
    if (!model.tensor_signature) {
      for (const auto& field : model.inputs) meta.feature_names.push_back(field.name);
    }
    meta.inputs.push_back(input);
    // One row tells the output's width (1 for regression and binary
    // classification, k for multi-class probabilities).
    std::vector<float> zeros(static_cast<size_t>(backend->num_features_), 0.0f);
    CAIRN_ASSIGN_OR_RETURN(auto probe, backend->Predict(zeros, 1));
    TensorSpec output{"predict", DataType::kFp32, {-1}};
    if (probe.shape.size() == 2) output.shape.push_back(probe.shape[1]);
    if (model.outputs.size() == 1 && !model.outputs[0].name.empty()) output.name = model.outputs[0].name;
    meta.outputs.push_back(output);
    return std::unique_ptr<ModelBackend>(std::move(backend));
  }

  const ModelMetadata& metadata() const override { return metadata_; }

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    if (inputs.size() != 1) return InvalidArgument("the xgboost model takes exactly one input");
    const Tensor& input = inputs[0];
    if (input.shape.size() != 2 || input.shape[1] != num_features_) {
      return InvalidArgument(fmt::format("input '{}' has shape {}, the model expects [-1, {}]", input.name,
                                         ShapeString(input.shape), num_features_));
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<float> values, input.ToFloats());
    CAIRN_ASSIGN_OR_RETURN(Tensor out, Predict(values, input.shape[0]));
    out.name = metadata_.outputs[0].name;
    std::vector<Tensor> outputs;
    outputs.push_back(std::move(out));
    return outputs;
  }

 private:
  XgboostBackend() = default;

  Result<Tensor> Predict(const std::vector<float>& values, int64_t rows) {
    // The booster's prediction buffer is reused by the next call, and the
    // C API does not promise concurrent predictions are safe: one at a time.
    std::lock_guard<std::mutex> lock(mu_);
    DMatrixHandle matrix = nullptr;
    if (XGDMatrixCreateFromMat(values.data(), static_cast<bst_ulong>(rows), static_cast<bst_ulong>(num_features_),
                               NAN, &matrix) != 0) {
      return XgbError("XGDMatrixCreateFromMat");
    }
    const char* config =
        R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    int rc = XGBoosterPredictFromDMatrix(booster_, matrix, config, &shape, &dims, &result);
    if (rc != 0) {
      Status error = XgbError("XGBoosterPredictFromDMatrix");
      XGDMatrixFree(matrix);
      return error;
    }
    std::vector<int64_t> out_shape(shape, shape + dims);
    if (out_shape.empty()) out_shape.push_back(rows);
    int64_t count = ElementCount(out_shape).value_or(0);
    Tensor out = Tensor::Fp32("predict", out_shape, std::vector<float>(result, result + count));
    XGDMatrixFree(matrix);
    return out;
  }

  BoosterHandle booster_ = nullptr;
  int64_t num_features_ = 0;
  ModelMetadata metadata_;
  std::mutex mu_;
};

class XgboostBackendFactory final : public ModelBackendFactory {
 public:
  std::string flavor() const override { return "xgboost"; }
  Result<std::unique_ptr<ModelBackend>> Load(const fs::path& dir, const MlModel& model) override {
    return XgboostBackend::Load(dir, model);
  }
};

}  // namespace

std::unique_ptr<ModelBackendFactory> CreateXgboostBackendFactory() {
  return std::make_unique<XgboostBackendFactory>();
}

}  // namespace cairn::serving
