// ServedModel: one loaded model version — its backend, its batcher and its
// statistics — and the checks every request passes before it reaches the
// backend (inputs present and known, datatypes and shapes as declared,
// requested outputs known). Shared (shared_ptr) between the repository and
// requests in flight, so a version replaced by a hot switch finishes the
// requests it has and is freed after the last one.
//
// Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "serving/batcher.h"
#include "serving/drift.h"
#include "serving/request_log.h"
#include "serving/inference.h"
#include "serving/metrics.h"
#include "serving/model_backend.h"

namespace cairn::serving {

// Where a served version came from (lineage: prediction -> version -> run).
struct ModelOrigin {
  std::string model_uri;         // as deployed ("models:/iris@prod")
  std::string registered_name;   // "iris"
  std::string version;           // "3"
  std::string run_id;            // the version's source run, if known
  std::string artifact_uri;      // where its files came from
};

class ServedModel {
 public:
  // Starts the batcher and warms the model up with one all-zero row (so the
  // first real request does not pay for lazy initialisation); a model that
  // fails its warm-up is not served. A tabular model (one 2-D input) with a
  // `reference.csv` in `dir` gets drift statistics; a malformed reference
  // file fails the load. `dir` is removed on destruction when
  // `owns_dir`.
  static Result<std::shared_ptr<ServedModel>> Create(ModelOrigin origin, std::unique_ptr<ModelBackend> backend,
                                                     BatchingOptions batching, std::filesystem::path dir = {},
                                                     bool owns_dir = false);
  ~ServedModel();
  ServedModel(const ServedModel&) = delete;
  ServedModel& operator=(const ServedModel&) = delete;

  const ModelOrigin& origin() const { return origin_; }
  const ModelMetadata& metadata() const { return backend_->metadata(); }
  const BatchingOptions& batching() const { return batcher_->options(); }
  ModelStats& stats() const { return *stats_; }
  // Input drift against the model's reference dataset (reference.csv in its
  // directory); null when it has none.
  const DriftMonitor* drift() const { return drift_.get(); }
  // The deployment's request/response log, or null. Set before the model is
  // published (never while requests may read it).
  const std::shared_ptr<RequestLog>& request_log() const { return request_log_; }
  void set_request_log(std::shared_ptr<RequestLog> log) { request_log_ = std::move(log); }

  // Validates and runs one request. kInvalidArgument for requests that do
  // not fit the model, kResourceExhausted when the queue is full.
  // `response.model_name` is left for the caller (the deployment's name).
  Result<InferenceResponse> Infer(InferenceRequest request);

 private:
  ServedModel() = default;
  Result<std::vector<Tensor>> CheckInputs(std::vector<Tensor> inputs) const;

  ModelOrigin origin_;
  std::unique_ptr<ModelBackend> backend_;
  std::unique_ptr<ModelStats> stats_;
  std::unique_ptr<DynamicBatcher> batcher_;
  std::unique_ptr<DriftMonitor> drift_;
  std::shared_ptr<RequestLog> request_log_;
  std::filesystem::path dir_;
  bool owns_dir_ = false;
};

}  // namespace cairn::serving
