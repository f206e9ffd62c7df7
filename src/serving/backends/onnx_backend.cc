#include "serving/backends/onnx_backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <opencv2/dnn.hpp>
#include <sstream>

#include "serving/backends/onnx_graph_info.h"

namespace cairn::serving {
namespace {

namespace fs = std::filesystem;

class OnnxBackend final : public ModelBackend {
 public:
  static Result<std::unique_ptr<ModelBackend>> Load(const fs::path& dir, const MlModel& model) {
    std::string data = model.FlavorField("onnx", "data");
    if (data.empty()) data = "model.onnx";
    if (data.find("..") != std::string::npos) return InvalidArgument("MLmodel onnx.data must stay inside the model");
    std::ifstream in(dir / data, std::ios::binary);
    if (!in) return InvalidArgument(fmt::format("the onnx model has no file '{}'", data));
    std::ostringstream bytes_stream;
    bytes_stream << in.rdbuf();
    std::string bytes = bytes_stream.str();
    CAIRN_ASSIGN_OR_RETURN(OnnxGraphInfo info, ReadOnnxGraphInfo(bytes));

    std::unique_ptr<OnnxBackend> backend(new OnnxBackend());
    try {
      backend->net_ = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
      backend->net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
      backend->net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    } catch (const cv::Exception& e) {
      return InvalidArgument(fmt::format("OpenCV DNN cannot load the ONNX model: {}", e.err));
    }
    ModelMetadata& meta = backend->metadata_;
    meta.platform = "onnx";
    meta.inputs = info.inputs;
    meta.outputs = info.outputs;
    for (auto& spec : meta.outputs) spec.datatype = DataType::kFp32;  // what OpenCV computes
    for (const auto& spec : meta.inputs) {
      if (spec.datatype == DataType::kBytes) return Unimplemented("ONNX string inputs are not supported by OpenCV DNN");
    }
    // Batchable when every input and output has a variable first dimension.
    auto variable_first = [](const TensorSpec& s) { return !s.shape.empty() && s.shape[0] < 0; };
    meta.batchable = std::all_of(meta.inputs.begin(), meta.inputs.end(), variable_first) &&
                     std::all_of(meta.outputs.begin(), meta.outputs.end(), variable_first);
    for (const auto& spec : meta.outputs) backend->output_names_.push_back(spec.name);
    return std::unique_ptr<ModelBackend>(std::move(backend));
  }

  const ModelMetadata& metadata() const override { return metadata_; }

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    // A cv::dnn::Net holds per-forward state: one forward at a time.
    std::lock_guard<std::mutex> lock(mu_);
    try {
      std::vector<cv::Mat> blobs;
      for (const Tensor& t : inputs) {
        CAIRN_ASSIGN_OR_RETURN(std::vector<float> values, t.ToFloats());
        std::vector<int> sizes(t.shape.begin(), t.shape.end());
        if (sizes.empty()) sizes.push_back(1);
        cv::Mat blob(static_cast<int>(sizes.size()), sizes.data(), CV_32F);
        if (!values.empty()) std::memcpy(blob.ptr<float>(), values.data(), values.size() * sizeof(float));
        net_.setInput(blob, t.name);
        blobs.push_back(blob);
      }
      std::vector<cv::Mat> outs;
      net_.forward(outs, output_names_);
      if (outs.size() != output_names_.size()) return Internal("OpenCV DNN returned fewer outputs than the graph declares");
      std::vector<Tensor> result;
      for (size_t i = 0; i < outs.size(); ++i) {
        cv::Mat m = outs[i].isContinuous() ? outs[i] : outs[i].clone();
        if (m.depth() != CV_32F) m.convertTo(m, CV_32F);
        std::vector<int64_t> shape;
        for (int d = 0; d < m.dims; ++d) shape.push_back(m.size[d]);
        // OpenCV drops a leading batch of 1 for some layers; restore the
        // declared rank when the element counts agree.
        const auto& declared = metadata_.outputs[i].shape;
        if (shape.size() + 1 == declared.size() && !inputs.empty() && !inputs[0].shape.empty() &&
            inputs[0].shape[0] == 1) {
          shape.insert(shape.begin(), 1);
        }
        size_t count = m.total();
        const float* p = m.ptr<float>();
        result.push_back(Tensor::Fp32(output_names_[i], shape, std::vector<float>(p, p + count)));
      }
      return result;
    } catch (const cv::Exception& e) {
      return InvalidArgument(fmt::format("the ONNX model rejected the input: {}", e.err));
    }
  }

 private:
  OnnxBackend() = default;
  cv::dnn::Net net_;
  ModelMetadata metadata_;
  std::vector<std::string> output_names_;
  std::mutex mu_;
};

class OnnxBackendFactory final : public ModelBackendFactory {
 public:
  std::string flavor() const override { return "onnx"; }
  Result<std::unique_ptr<ModelBackend>> Load(const fs::path& dir, const MlModel& model) override {
    try {
      return OnnxBackend::Load(dir, model);
    } catch (const cv::Exception& e) {
      return InvalidArgument(fmt::format("OpenCV DNN cannot load the ONNX model: {}", e.err));
    }
  }
};

}  // namespace

std::unique_ptr<ModelBackendFactory> CreateOnnxBackendFactory() { return std::make_unique<OnnxBackendFactory>(); }

}  // namespace cairn::serving
