#include "serving/served_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <chrono>
#include <set>

#include "base/logging.h"

namespace cairn::serving {
namespace {

// A zero-filled tensor of `spec` with every variable dimension 1.
Tensor ZeroTensor(const TensorSpec& spec) {
  Tensor t;
  t.name = spec.name;
  t.datatype = spec.datatype;
  for (int64_t d : spec.shape) t.shape.push_back(d < 0 ? 1 : d);
  size_t count = static_cast<size_t>(t.element_count());
  if (t.datatype == DataType::kBytes) {
    t.strings.assign(count, "");
  } else {
    t.data.assign(count * DataTypeSize(t.datatype), 0);
  }
  return t;
}

}  // namespace

Result<std::shared_ptr<ServedModel>> ServedModel::Create(ModelOrigin origin, std::unique_ptr<ModelBackend> backend,
                                                         BatchingOptions batching, std::filesystem::path dir,
                                                         bool owns_dir) {
  std::shared_ptr<ServedModel> model(new ServedModel());
  model->origin_ = std::move(origin);
  model->backend_ = std::move(backend);
  model->stats_ = std::make_unique<ModelStats>();
  model->dir_ = std::move(dir);
  model->owns_dir_ = owns_dir;
  if (!model->metadata().batchable) batching.max_batch_size = 1;
  const auto& inputs = model->metadata().inputs;
  if (!model->dir_.empty() && inputs.size() == 1 && inputs[0].shape.size() == 2 &&
      std::filesystem::exists(model->dir_ / "reference.csv")) {
    auto drift = DriftMonitor::FromCsv(model->dir_ / "reference.csv", model->metadata().feature_names,
                                       inputs[0].shape[1]);
    if (!drift.ok()) return drift.error();
    model->drift_ = std::move(drift).value();
  }
  model->batcher_ = std::make_unique<DynamicBatcher>(*model->backend_, batching, *model->stats_);
  model->batcher_->Start();

  std::vector<Tensor> warm_up;
  for (const auto& spec : model->metadata().inputs) warm_up.push_back(ZeroTensor(spec));
  if (auto out = model->backend_->Infer(warm_up); !out.ok()) {
    return Status(out.error().code(), fmt::format("warm-up of {} version {} failed: {}", model->origin_.registered_name,
                                                  model->origin_.version, out.error().message()),
                  out.error().internal_context());
  }
  return model;
}

ServedModel::~ServedModel() {
  if (batcher_) batcher_->Stop();
  if (owns_dir_ && !dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

Result<std::vector<Tensor>> ServedModel::CheckInputs(std::vector<Tensor> inputs) const {
  const auto& specs = metadata().inputs;
  std::set<std::string> known;
  for (const auto& spec : specs) known.insert(spec.name);
  for (const auto& t : inputs) {
    if (!known.count(t.name)) {
      return InvalidArgument(fmt::format("unexpected input '{}'; the model's inputs are: {}", t.name,
                                         fmt::join(known, ", ")));
    }
  }
  std::vector<Tensor> ordered;
  for (const auto& spec : specs) {
    auto it = std::find_if(inputs.begin(), inputs.end(), [&](const Tensor& t) { return t.name == spec.name; });
    if (it == inputs.end()) return InvalidArgument(fmt::format("missing input '{}'", spec.name));
    if (it->datatype != spec.datatype) {
      return InvalidArgument(fmt::format("input '{}' has datatype {}, the model expects {}", spec.name,
                                         DataTypeName(it->datatype), DataTypeName(spec.datatype)));
    }
    CAIRN_RETURN_IF_ERROR(CheckShape(*it, spec.shape));
    if (metadata().batchable && !it->shape.empty() && it->shape[0] == 0) {
      return InvalidArgument(fmt::format("input '{}' has an empty batch", spec.name));
    }
    ordered.push_back(std::move(*it));
  }
  // Batched inputs must agree on the batch size.
  if (metadata().batchable) {
    for (const auto& t : ordered) {
      if (t.shape.empty() || t.shape[0] != ordered[0].shape[0]) {
        return InvalidArgument("all inputs must have the same batch size (dimension 0)");
      }
    }
  }
  return ordered;
}

Result<InferenceResponse> ServedModel::Infer(InferenceRequest request) {
  const auto start = std::chrono::steady_clock::now();
  stats_->requests.fetch_add(1, std::memory_order_relaxed);
  auto run = [&]() -> Result<InferenceResponse> {
    for (const auto& name : request.outputs) {
      bool known = std::any_of(metadata().outputs.begin(), metadata().outputs.end(),
                               [&](const TensorSpec& s) { return s.name == name; });
      if (!known) return InvalidArgument(fmt::format("unknown output '{}'", name));
    }
    CAIRN_ASSIGN_OR_RETURN(std::vector<Tensor> inputs, CheckInputs(std::move(request.inputs)));
    int64_t rows = inputs.empty() || inputs[0].shape.empty() ? 1 : inputs[0].shape[0];
    if (drift_) drift_->Observe(inputs[0]);
    CAIRN_ASSIGN_OR_RETURN(std::vector<Tensor> outputs, batcher_->Infer(std::move(inputs)));
    stats_->inferences.fetch_add(static_cast<uint64_t>(rows), std::memory_order_relaxed);
    InferenceResponse response;
    response.model_version = origin_.version;
    response.id = std::move(request.id);
    response.parameters_json = std::move(request.parameters_json);
    for (auto& out : outputs) {
      if (request.outputs.empty() ||
          std::find(request.outputs.begin(), request.outputs.end(), out.name) != request.outputs.end()) {
        response.outputs.push_back(std::move(out));
      }
    }
    return response;
  };
  auto result = run();
  if (!result.ok()) {
    stats_->errors.fetch_add(1, std::memory_order_relaxed);
    if (result.error().code() == StatusCode::kInternal) {
      CAIRN_LOG(kError, "serving", "{} v{}: {}", origin_.registered_name, origin_.version, result.error().ToString());
    }
  }
  stats_->request_latency.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return result;
}

}  // namespace cairn::serving
