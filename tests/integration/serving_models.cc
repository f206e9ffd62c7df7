#include "integration/serving_models.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <cstring>

namespace cairn::integration {

std::vector<float> MakeFeatures(int rows, uint32_t seed) {
  std::vector<float> x(static_cast<size_t>(rows) * 4);
  uint32_t state = seed * 2654435761u + 12345u;
  for (auto& v : x) {
    state = state * 1664525u + 1013904223u;
    v = static_cast<float>(state >> 8) / static_cast<float>(1u << 24);
  }
  return x;
}

#define XGB_CHECK(call) EXPECT_EQ((call), 0) << #call << ": " << XGBGetLastError()

XgbModel XgbModel::Train(bool classifier, int rounds) {
  constexpr int kRows = 200;
  std::vector<float> x = MakeFeatures(kRows, classifier ? 1 : 2);
  std::vector<float> y(kRows);
  for (int i = 0; i < kRows; ++i) {
    float s = x[i * 4] + 2 * x[i * 4 + 1] - x[i * 4 + 3];
    y[i] = classifier ? (s > 1.0f ? 1.0f : 0.0f) : s * 3.0f;
  }
  DMatrixHandle train = nullptr;
  XGB_CHECK(XGDMatrixCreateFromMat(x.data(), kRows, 4, NAN, &train));
  XGB_CHECK(XGDMatrixSetFloatInfo(train, "label", y.data(), kRows));
  XgbModel model;
  XGB_CHECK(XGBoosterCreate(&train, 1, &model.booster_));
  XGB_CHECK(XGBoosterSetParam(model.booster_, "objective", classifier ? "binary:logistic" : "reg:squarederror"));
  XGB_CHECK(XGBoosterSetParam(model.booster_, "max_depth", "3"));
  XGB_CHECK(XGBoosterSetParam(model.booster_, "nthread", "1"));
  for (int i = 0; i < rounds; ++i) XGB_CHECK(XGBoosterUpdateOneIter(model.booster_, i, train));
  XGDMatrixFree(train);
  return model;
}

XgbModel::~XgbModel() {
  if (booster_) XGBoosterFree(booster_);
}

XgbModel::XgbModel(XgbModel&& other) noexcept : booster_(other.booster_) { other.booster_ = nullptr; }

void XgbModel::Save(const std::filesystem::path& file) const { XGB_CHECK(XGBoosterSaveModel(booster_, file.c_str())); }

std::vector<float> XgbModel::Predict(const std::vector<float>& features, int rows) const {
  DMatrixHandle m = nullptr;
  XGB_CHECK(XGDMatrixCreateFromMat(features.data(), rows, 4, NAN, &m));
  const bst_ulong* shape = nullptr;
  bst_ulong dims = 0;
  const float* out = nullptr;
  XGB_CHECK(XGBoosterPredictFromDMatrix(
      booster_, m, R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})",
      &shape, &dims, &out));
  std::vector<float> result(out, out + rows);
  XGDMatrixFree(m);
  return result;
}

// ---- a minimal protobuf writer (wire types 0: varint, 2: bytes, 5: fixed32)

namespace {

class Proto {
 public:
  Proto& Varint(int field, uint64_t value) {
    Key(field, 0);
    Raw(value);
    return *this;
  }
  Proto& Bytes(int field, std::string_view bytes) {
    Key(field, 2);
    Raw(bytes.size());
    out_.append(bytes);
    return *this;
  }
  Proto& Message(int field, const Proto& message) { return Bytes(field, message.out_); }
  Proto& PackedFloats(int field, const std::vector<float>& values) {
    std::string bytes(values.size() * 4, '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());  // little-endian host
    return Bytes(field, bytes);
  }
  const std::string& str() const { return out_; }

 private:
  void Key(int field, int wire_type) { Raw(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire_type)); }
  void Raw(uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

constexpr int kOnnxFloat = 1;

// TensorProto: dims(1), data_type(2), float_data(4, packed), name(8).
Proto Initializer(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& values) {
  Proto t;
  for (int64_t d : dims) t.Varint(1, static_cast<uint64_t>(d));
  t.Varint(2, kOnnxFloat);
  t.PackedFloats(4, values);
  t.Bytes(8, name);
  return t;
}

// ValueInfoProto{name(1), type(2): TypeProto{tensor_type(1): {elem_type(1),
// shape(2): {dim(1): {dim_value(1) | dim_param(2)}}}}}.
Proto ValueInfo(const std::string& name, int64_t columns) {
  Proto batch, width, shape, tensor, type, info;
  batch.Bytes(2, "N");
  width.Varint(1, static_cast<uint64_t>(columns));
  shape.Message(1, batch).Message(1, width);
  tensor.Varint(1, kOnnxFloat).Message(2, shape);
  type.Message(1, tensor);
  info.Bytes(1, name).Message(2, type);
  return info;
}

// NodeProto{input(1)..., output(2), name(3), op_type(4), attribute(5)}
// with transB = 1 (AttributeProto{name(1), i(3), type(20) = INT}): the
// weights are stored [N, K], the layout OpenCV's Gemm importer expects.
Proto Gemm(const std::string& name, const std::string& w, const std::string& b, const std::string& out) {
  Proto trans_b;
  trans_b.Bytes(1, "transB").Varint(3, 1).Varint(20, 2);
  Proto node;
  node.Bytes(1, "X").Bytes(1, w).Bytes(1, b).Bytes(2, out).Bytes(3, name).Bytes(4, "Gemm").Message(5, trans_b);
  return node;
}

// `w` is [k, n] row-major; returns it as [n, k].
std::vector<float> Transposed(const std::vector<float>& w, int k, int n) {
  std::vector<float> t(w.size());
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < n; ++j) t[j * k + i] = w[i * n + j];
  }
  return t;
}

}  // namespace

OnnxWeights OnnxWeights::Make(float scale) {
  OnnxWeights w;
  for (int i = 0; i < 12; ++i) w.w1.push_back(scale * static_cast<float>((i % 5) - 2) / 4.0f);
  w.b1 = {0.5f * scale, -0.25f, 1.0f};
  for (int i = 0; i < 8; ++i) w.w2.push_back(static_cast<float>(i + 1) / 8.0f);
  w.b2 = {-1.0f, 2.0f * scale};
  return w;
}

std::string BuildOnnxModel(const OnnxWeights& w) {
  Proto graph;
  graph.Message(1, Gemm("head_y", "W1", "B1", "Y"));
  graph.Message(1, Gemm("head_z", "W2", "B2", "Z"));
  graph.Bytes(2, "cairn_test_graph");
  graph.Message(5, Initializer("W1", {3, 4}, Transposed(w.w1, 4, 3)));
  graph.Message(5, Initializer("B1", {3}, w.b1));
  graph.Message(5, Initializer("W2", {2, 4}, Transposed(w.w2, 4, 2)));
  graph.Message(5, Initializer("B2", {2}, w.b2));
  graph.Message(11, ValueInfo("X", 4));
  graph.Message(12, ValueInfo("Y", 3));
  graph.Message(12, ValueInfo("Z", 2));
  Proto opset;
  opset.Bytes(1, "").Varint(2, 13);
  Proto model;
  model.Varint(1, 7).Bytes(2, "cairn-tests").Message(7, graph).Message(8, opset);
  return model.str();
}

void OnnxReference(const OnnxWeights& w, const std::vector<float>& x, int rows, std::vector<float>& y,
                   std::vector<float>& z) {
  y.assign(static_cast<size_t>(rows) * 3, 0.0f);
  z.assign(static_cast<size_t>(rows) * 2, 0.0f);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < 3; ++c) {
      float s = w.b1[c];
      for (int k = 0; k < 4; ++k) s += x[r * 4 + k] * w.w1[k * 3 + c];
      y[r * 3 + c] = s;
    }
    for (int c = 0; c < 2; ++c) {
      float s = w.b2[c];
      for (int k = 0; k < 4; ++k) s += x[r * 4 + k] * w.w2[k * 2 + c];
      z[r * 2 + c] = s;
    }
  }
}

std::string MlModelText(const std::string& flavor, const std::string& data, const std::string& inputs_json) {
  std::string text = fmt::format(
      "artifact_path: model\nflavors:\n  python_function:\n    data: {}\n    loader_module: mlflow.{}\n  {}:\n"
      "    code: null\n    data: {}\nmlflow_version: 2.10.0\n",
      data, flavor, flavor, data);
  if (!inputs_json.empty()) text += fmt::format("signature:\n  inputs: '{}'\n  outputs: null\n", inputs_json);
  return text;
}

}  // namespace cairn::integration
