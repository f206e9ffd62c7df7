// RestTrackingStore: the TrackingStore seam implemented by calling a cairn or
// MLflow tracking server over its REST API (specs/mlflow-rest.md), so code
// written against TrackingStore (pipelines, tuning, the CLI, C++ training
// programs) works the same in-process and remotely.
//
// Errors: the server's {"error_code", "message"} comes back as the matching
// StatusCode with the server's message (kNotFound, kAlreadyExists,
// kInvalidArgument, ... exactly as the store contract lists them); transport
// failures are kUnavailable / kDeadlineExceeded (see http_client.h); a
// response that does not decode is kInternal.
//
// Differences from the in-process stores, inherent to MLflow's API:
//  * LogBatch is split into requests within MLflow's limits
//    (log_batch_builder.h) and is therefore not atomic across requests.
//  * Writes are acknowledged when the server answers; durability is the
//    server's store's.
//
// Thread-safe: any number of threads may call concurrently (the HttpClient
// is thread-safe and this class has no other mutable state).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/json_reader.h"
#include "client/curl_http_client.h"
#include "client/http_client.h"
#include "client/log_batch_builder.h"
#include "mlflow_wire/endpoints.h"
#include "tracking/tracking_store.h"

namespace cairn::client {

// Checks an http(s) tracking URI and strips trailing slashes. Other schemes
// (file:, sqlite:, databricks) are kInvalidArgument: they are not servers.
Result<std::string> NormalizeTrackingUri(std::string_view tracking_uri);

class RestTrackingStore final : public tracking::TrackingStore {
 public:
  // `base_url` as from NormalizeTrackingUri ("http://127.0.0.1:5000"; a path
  // prefix such as "http://host/mlflow" is kept).
  RestTrackingStore(std::string base_url, std::unique_ptr<HttpClient> http);
  RestTrackingStore(const RestTrackingStore&) = delete;
  RestTrackingStore& operator=(const RestTrackingStore&) = delete;

  // Validates `tracking_uri` and connects through CreateHttpClient(options).
  // Does not contact the server.
  static Result<std::unique_ptr<RestTrackingStore>> Create(std::string_view tracking_uri,
                                                           const HttpClientOptions& options = {});

  const std::string& base_url() const { return base_url_; }

  Result<std::string> CreateExperiment(const tracking::CreateExperimentRequest& request) override;
  Result<tracking::Experiment> GetExperiment(const std::string& experiment_id) override;
  Result<tracking::Experiment> GetExperimentByName(const std::string& name) override;
  Result<tracking::Page<tracking::Experiment>> SearchExperiments(
      const tracking::SearchExperimentsRequest& request) override;
  Status RenameExperiment(const std::string& experiment_id, const std::string& new_name) override;
  Status DeleteExperiment(const std::string& experiment_id) override;
  Status RestoreExperiment(const std::string& experiment_id) override;
  Status SetExperimentTag(const std::string& experiment_id, const tracking::Tag& tag) override;
  Status DeleteExperimentTag(const std::string& experiment_id, const std::string& key) override;

  Result<tracking::Run> CreateRun(const tracking::CreateRunRequest& request) override;
  Result<tracking::Run> GetRun(const std::string& run_id) override;
  Result<tracking::RunInfo> UpdateRun(const tracking::UpdateRunRequest& request) override;
  Status DeleteRun(const std::string& run_id) override;
  Status RestoreRun(const std::string& run_id) override;
  // Sends one request per chunk of SplitLogBatch, stopping at the first error
  // (earlier chunks stay written). Retried on connection errors: the server
  // ignores exact duplicate metrics, equal params and re-set tags.
  Status LogBatch(const std::string& run_id, const std::vector<tracking::Metric>& metrics,
                  const std::vector<tracking::Param>& params, const std::vector<tracking::Tag>& tags) override;
  Status DeleteTag(const std::string& run_id, const std::string& key) override;
  Status LogInputs(const std::string& run_id, const std::vector<tracking::DatasetInput>& inputs) override;
  Result<tracking::Page<tracking::Run>> SearchRuns(const tracking::SearchRunsRequest& request) override;

  Result<tracking::Page<tracking::Metric>> GetMetricHistory(const tracking::MetricHistoryRequest& request) override;
  Result<std::vector<tracking::Metric>> GetMetricHistoryBulkInterval(
      const tracking::BulkIntervalRequest& request) override;
  Result<std::vector<tracking::DatasetSummary>> SearchDatasets(const std::vector<std::string>& experiment_ids) override;

  // Sends one chunk as one runs/log-batch request (no splitting). For callers
  // that already packed it with LogBatchBuilder.
  Status SendLogBatchChunk(const std::string& run_id, const LogBatchChunk& chunk);

 private:
  // GET with `query`, or another method with the JSON `body`; returns the
  // parsed 2xx response or the mapped error.
  Result<JsonDocument> Call(const mlflow_wire::Endpoint& endpoint, const QueryParams& query, std::string body,
                            bool idempotent = false);
  Result<JsonDocument> Get(const mlflow_wire::Endpoint& endpoint, const QueryParams& query) {
    return Call(endpoint, query, {});
  }
  Result<JsonDocument> Post(const mlflow_wire::Endpoint& endpoint, std::string body, bool idempotent = false) {
    return Call(endpoint, {}, std::move(body), idempotent);
  }

  const std::string base_url_;
  const std::unique_ptr<HttpClient> http_;
};

}  // namespace cairn::client
