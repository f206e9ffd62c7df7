// Tiny real models for the serving suites, built by the tests themselves:
//  * XGBoost boosters trained through the libxgboost C API on a small
//    deterministic dataset, saved as JSON or UBJ;
//  * ONNX graphs written as protobuf bytes by a hand-written encoder (no
//    protobuf dependency): two Gemm heads over one input X[N, 4].
// Plus the MLmodel files that make them MLflow models. Test-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cairn::integration {

// `rows` x 4 features in [0, 1), deterministic for a seed.
std::vector<float> MakeFeatures(int rows, uint32_t seed);

// A trained XGBoost booster (owns the handle).
class XgbModel {
 public:
  // Binary classifier (binary:logistic) or regressor (reg:squarederror) on
  // 200 rows x 4 features, `rounds` boosting rounds.
  static XgbModel Train(bool classifier, int rounds);
  ~XgbModel();
  XgbModel(XgbModel&& other) noexcept;
  XgbModel(const XgbModel&) = delete;
  XgbModel& operator=(const XgbModel&) = delete;
  // XGBoosterSaveModel to `file` (".json" -> JSON, ".ubj" -> UBJ).
  void Save(const std::filesystem::path& file) const;
  // The library's own predictions for `features` (rows x 4).
  std::vector<float> Predict(const std::vector<float>& features, int rows) const;

 private:
  XgbModel() = default;
  void* booster_ = nullptr;
};

// Weights of the test ONNX model: Y = X * W1 + B1 (3 columns), Z = X * W2 + B2
// (2 columns).
struct OnnxWeights {
  std::vector<float> w1, b1, w2, b2;
  static OnnxWeights Make(float scale);
};
// The serialized ModelProto (IR 7, opset 13), input "X" [N, 4] FP32.
std::string BuildOnnxModel(const OnnxWeights& weights);
// Y and Z computed directly for `rows` x 4 features.
void OnnxReference(const OnnxWeights& weights, const std::vector<float>& x, int rows, std::vector<float>& y,
                   std::vector<float>& z);

// MLmodel text for a flavor ("xgboost" / "onnx") whose file is `data`, with
// an optional signature inputs JSON.
std::string MlModelText(const std::string& flavor, const std::string& data, const std::string& inputs_json = "");

}  // namespace cairn::integration
