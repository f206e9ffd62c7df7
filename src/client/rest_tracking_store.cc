#include "client/rest_tracking_store.h"

#include <fmt/format.h>

#include "base/json_writer.h"
#include "client/error_mapping.h"
#include "mlflow_wire/decode.h"
#include "mlflow_wire/encode.h"

namespace cairn::client {
namespace {

namespace ep = mlflow_wire::endpoints;
using mlflow_wire::Endpoint;
using tracking::Page;

std::string Describe(const Endpoint& endpoint) {
  return fmt::format("{} {}{}", HttpMethodName(endpoint.method), mlflow_wire::kApiPrefix, endpoint.path);
}

// A 2xx body that does not decode means client and server disagree on the
// protocol: a server bug, not bad user input, hence kInternal.
Status Malformed(const Endpoint& endpoint, const Status& why) {
  return Internal(fmt::format("Unexpected response from {}: {}", Describe(endpoint), why.message()));
}

template <typename T, typename ReadFn>
Result<T> ReadField(const Endpoint& endpoint, const JsonDocument& doc, std::string_view field, ReadFn read) {
  auto object = doc.root().GetObject(field);
  if (!object.ok()) return Malformed(endpoint, object.error());
  if (!object->has_value()) return Malformed(endpoint, InvalidArgument(fmt::format("missing '{}'", field)));
  Result<T> value = read(**object);
  if (!value.ok()) return Malformed(endpoint, value.error());
  return value;
}

template <typename T, typename ReadFn>
Result<std::vector<T>> ReadList(const Endpoint& endpoint, const JsonDocument& doc, std::string_view field,
                                ReadFn read) {
  auto items = mlflow_wire::ReadArray<T>(doc.root(), field, read);
  if (!items.ok()) return Malformed(endpoint, items.error());
  return items;
}

Result<std::string> ReadPageToken(const Endpoint& endpoint, const JsonDocument& doc) {
  auto token = doc.root().GetString("next_page_token");
  if (!token.ok()) return Malformed(endpoint, token.error());
  return token->value_or("");
}

void WriteKeyValues(JsonWriter& w, std::string_view field, const auto& items) {
  w.Key(field).StartArray();
  for (const auto& item : items) w.StartObject().Field("key", item.key).Field("value", item.value).EndObject();
  w.EndArray();
}

void WriteStrings(JsonWriter& w, std::string_view field, const std::vector<std::string>& values) {
  w.Key(field).StartArray();
  for (const auto& v : values) w.String(v);
  w.EndArray();
}

// {"<id_field>": id} and optionally more string fields, for the many
// endpoints that take only ids and keys.
std::string IdBody(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  JsonWriter w;
  w.StartObject();
  for (const auto& [key, value] : fields) w.Field(key, value);
  w.EndObject();
  return w.str();
}

}  // namespace

Result<std::string> NormalizeTrackingUri(std::string_view tracking_uri) {
  std::string_view uri = tracking_uri;
  while (!uri.empty() && uri.back() == '/') uri.remove_suffix(1);
  if (!uri.starts_with("http://") && !uri.starts_with("https://")) {
    return InvalidArgument(fmt::format(
        "Unsupported tracking URI '{}': expected an http:// or https:// server address", tracking_uri));
  }
  if (uri.size() <= std::string_view(uri.starts_with("https") ? "https://" : "http://").size()) {
    return InvalidArgument(fmt::format("Tracking URI '{}' has no host", tracking_uri));
  }
  return std::string(uri);
}

RestTrackingStore::RestTrackingStore(std::string base_url, std::unique_ptr<HttpClient> http)
    : base_url_(std::move(base_url)), http_(std::move(http)) {}

Result<std::unique_ptr<RestTrackingStore>> RestTrackingStore::Create(std::string_view tracking_uri,
                                                                      const HttpClientOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string base_url, NormalizeTrackingUri(tracking_uri));
  return std::make_unique<RestTrackingStore>(std::move(base_url), CreateHttpClient(options));
}

Result<JsonDocument> RestTrackingStore::Call(const Endpoint& endpoint, const QueryParams& query, std::string body,
                                             bool idempotent) {
  std::string what = Describe(endpoint);
  std::string path = fmt::format("{}{}", mlflow_wire::kApiPrefix, endpoint.path);
  Result<HttpResponse> response = endpoint.method == HttpMethod::kGet
                                      ? http_->Get(BuildUrl(base_url_, path), query)
                                      : http_->SendJson(endpoint.method, BuildUrl(base_url_, path, query),
                                                        std::move(body), idempotent ? std::optional(true) : std::nullopt);
  if (!response.ok()) return response.error();
  if (!response->ok()) return StatusFromErrorResponse(*response, what);
  return ParseJsonResponse(*response, what);
}

// --- experiments ---

Result<std::string> RestTrackingStore::CreateExperiment(const tracking::CreateExperimentRequest& request) {
  JsonWriter w;
  w.StartObject().Field("name", request.name).FieldIfNotEmpty("artifact_location", request.artifact_location);
  if (!request.tags.empty()) WriteKeyValues(w, "tags", request.tags);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Post(ep::kCreateExperiment, w.str()));
  auto id = doc.root().GetString("experiment_id");
  if (!id.ok()) return Malformed(ep::kCreateExperiment, id.error());
  if (!id->has_value() || (*id)->empty()) {
    return Malformed(ep::kCreateExperiment, InvalidArgument("missing 'experiment_id'"));
  }
  return std::move(**id);
}

Result<tracking::Experiment> RestTrackingStore::GetExperiment(const std::string& experiment_id) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Get(ep::kGetExperiment, {{"experiment_id", experiment_id}}));
  return ReadField<tracking::Experiment>(ep::kGetExperiment, doc, "experiment", mlflow_wire::ReadExperiment);
}

Result<tracking::Experiment> RestTrackingStore::GetExperimentByName(const std::string& name) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Get(ep::kGetExperimentByName, {{"experiment_name", name}}));
  return ReadField<tracking::Experiment>(ep::kGetExperimentByName, doc, "experiment", mlflow_wire::ReadExperiment);
}

Result<Page<tracking::Experiment>> RestTrackingStore::SearchExperiments(
    const tracking::SearchExperimentsRequest& request) {
  JsonWriter w;
  w.StartObject()
      .Field("max_results", request.max_results)
      .FieldIfNotEmpty("page_token", request.page_token)
      .FieldIfNotEmpty("filter", request.filter)
      .Field("view_type", tracking::ViewTypeName(request.view_type));
  if (!request.order_by.empty()) WriteStrings(w, "order_by", request.order_by);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Post(ep::kSearchExperiments, w.str(), /*idempotent=*/true));
  Page<tracking::Experiment> page;
  CAIRN_ASSIGN_OR_RETURN(page.items, ReadList<tracking::Experiment>(ep::kSearchExperiments, doc, "experiments",
                                                                    mlflow_wire::ReadExperiment));
  CAIRN_ASSIGN_OR_RETURN(page.next_page_token, ReadPageToken(ep::kSearchExperiments, doc));
  return page;
}

Status RestTrackingStore::RenameExperiment(const std::string& experiment_id, const std::string& new_name) {
  return Post(ep::kUpdateExperiment, IdBody({{"experiment_id", experiment_id}, {"new_name", new_name}})).status();
}

Status RestTrackingStore::DeleteExperiment(const std::string& experiment_id) {
  return Post(ep::kDeleteExperiment, IdBody({{"experiment_id", experiment_id}})).status();
}

Status RestTrackingStore::RestoreExperiment(const std::string& experiment_id) {
  return Post(ep::kRestoreExperiment, IdBody({{"experiment_id", experiment_id}})).status();
}

Status RestTrackingStore::SetExperimentTag(const std::string& experiment_id, const tracking::Tag& tag) {
  return Post(ep::kSetExperimentTag,
              IdBody({{"experiment_id", experiment_id}, {"key", tag.key}, {"value", tag.value}}),
              /*idempotent=*/true)
      .status();
}

Status RestTrackingStore::DeleteExperimentTag(const std::string& experiment_id, const std::string& key) {
  return Post(ep::kDeleteExperimentTag, IdBody({{"experiment_id", experiment_id}, {"key", key}})).status();
}

// --- runs ---

Result<tracking::Run> RestTrackingStore::CreateRun(const tracking::CreateRunRequest& request) {
  JsonWriter w;
  w.StartObject()
      .FieldIfNotEmpty("experiment_id", request.experiment_id)
      .FieldIfNotEmpty("user_id", request.user_id)
      .FieldIfNotEmpty("run_name", request.run_name);
  // 0 means "now": left to the server's clock, like the other stores.
  if (request.start_time != 0) w.Field("start_time", request.start_time);
  if (!request.tags.empty()) WriteKeyValues(w, "tags", request.tags);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Post(ep::kCreateRun, w.str()));
  return ReadField<tracking::Run>(ep::kCreateRun, doc, "run", mlflow_wire::ReadRun);
}

Result<tracking::Run> RestTrackingStore::GetRun(const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Get(ep::kGetRun, {{"run_id", run_id}}));
  return ReadField<tracking::Run>(ep::kGetRun, doc, "run", mlflow_wire::ReadRun);
}

Result<tracking::RunInfo> RestTrackingStore::UpdateRun(const tracking::UpdateRunRequest& request) {
  JsonWriter w;
  w.StartObject().Field("run_id", request.run_id);
  if (request.status) w.Field("status", tracking::RunStatusName(*request.status));
  if (request.end_time) w.Field("end_time", *request.end_time);
  if (request.run_name) w.Field("run_name", *request.run_name);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Post(ep::kUpdateRun, w.str(), /*idempotent=*/true));
  return ReadField<tracking::RunInfo>(ep::kUpdateRun, doc, "run_info", mlflow_wire::ReadRunInfo);
}

Status RestTrackingStore::DeleteRun(const std::string& run_id) {
  return Post(ep::kDeleteRun, IdBody({{"run_id", run_id}})).status();
}

Status RestTrackingStore::RestoreRun(const std::string& run_id) {
  return Post(ep::kRestoreRun, IdBody({{"run_id", run_id}})).status();
}

Status RestTrackingStore::SendLogBatchChunk(const std::string& run_id, const client::LogBatchChunk& chunk) {
  JsonWriter w;
  w.StartObject().Field("run_id", run_id);
  if (!chunk.metrics.empty()) {
    w.Key("metrics").StartArray();
    for (const auto& m : chunk.metrics) mlflow_wire::WriteMetric(w, m);
    w.EndArray();
  }
  if (!chunk.params.empty()) WriteKeyValues(w, "params", chunk.params);
  if (!chunk.tags.empty()) WriteKeyValues(w, "tags", chunk.tags);
  w.EndObject();
  return Post(ep::kLogBatch, w.str(), /*idempotent=*/true).status();
}

Status RestTrackingStore::LogBatch(const std::string& run_id, const std::vector<tracking::Metric>& metrics,
                                   const std::vector<tracking::Param>& params,
                                   const std::vector<tracking::Tag>& tags) {
  for (const auto& chunk : SplitLogBatch(metrics, params, tags)) {
    CAIRN_RETURN_IF_ERROR(SendLogBatchChunk(run_id, chunk));
  }
  return Status::Ok();
}

Status RestTrackingStore::DeleteTag(const std::string& run_id, const std::string& key) {
  return Post(ep::kDeleteTag, IdBody({{"run_id", run_id}, {"key", key}})).status();
}

Status RestTrackingStore::LogInputs(const std::string& run_id, const std::vector<tracking::DatasetInput>& inputs) {
  size_t begin = 0;
  do {
    size_t end = std::min(inputs.size(), begin + tracking::kMaxDatasetsPerCall);
    JsonWriter w;
    w.StartObject().Field("run_id", run_id).Key("datasets").StartArray();
    for (size_t i = begin; i < end; ++i) mlflow_wire::WriteDatasetInput(w, inputs[i]);
    w.EndArray().EndObject();
    // Datasets are de-duplicated by (name, digest): resending is harmless.
    CAIRN_RETURN_IF_ERROR(Post(ep::kLogInputs, w.str(), /*idempotent=*/true).status());
    begin = end;
  } while (begin < inputs.size());
  return Status::Ok();
}

Result<Page<tracking::Run>> RestTrackingStore::SearchRuns(const tracking::SearchRunsRequest& request) {
  JsonWriter w;
  w.StartObject();
  WriteStrings(w, "experiment_ids", request.experiment_ids);
  w.FieldIfNotEmpty("filter", request.filter)
      .Field("run_view_type", tracking::ViewTypeName(request.view_type))
      .Field("max_results", request.max_results);
  if (!request.order_by.empty()) WriteStrings(w, "order_by", request.order_by);
  w.FieldIfNotEmpty("page_token", request.page_token);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Post(ep::kSearchRuns, w.str(), /*idempotent=*/true));
  Page<tracking::Run> page;
  CAIRN_ASSIGN_OR_RETURN(page.items, ReadList<tracking::Run>(ep::kSearchRuns, doc, "runs", mlflow_wire::ReadRun));
  CAIRN_ASSIGN_OR_RETURN(page.next_page_token, ReadPageToken(ep::kSearchRuns, doc));
  return page;
}

// --- metrics ---

Result<Page<tracking::Metric>> RestTrackingStore::GetMetricHistory(const tracking::MetricHistoryRequest& request) {
  QueryParams query = {{"run_id", request.run_id}, {"metric_key", request.metric_key}};
  if (request.max_results) query.emplace_back("max_results", std::to_string(*request.max_results));
  if (!request.page_token.empty()) query.emplace_back("page_token", request.page_token);
  CAIRN_ASSIGN_OR_RETURN(auto doc, Get(ep::kGetMetricHistory, query));
  Page<tracking::Metric> page;
  CAIRN_ASSIGN_OR_RETURN(page.items, ReadList<tracking::Metric>(ep::kGetMetricHistory, doc, "metrics",
                                                                mlflow_wire::ReadMetric));
  CAIRN_ASSIGN_OR_RETURN(page.next_page_token, ReadPageToken(ep::kGetMetricHistory, doc));
  return page;
}

Result<std::vector<tracking::Metric>> RestTrackingStore::GetMetricHistoryBulkInterval(
    const tracking::BulkIntervalRequest& request) {
  QueryParams query;
  for (const auto& run_id : request.run_ids) query.emplace_back("run_ids", run_id);
  query.emplace_back("metric_key", request.metric_key);
  if (request.start_step) query.emplace_back("start_step", std::to_string(*request.start_step));
  if (request.end_step) query.emplace_back("end_step", std::to_string(*request.end_step));
  query.emplace_back("max_results", std::to_string(request.max_results));
  CAIRN_ASSIGN_OR_RETURN(auto doc, Get(ep::kGetMetricHistoryBulkInterval, query));
  return ReadList<tracking::Metric>(ep::kGetMetricHistoryBulkInterval, doc, "metrics", mlflow_wire::ReadMetric);
}

Result<std::vector<tracking::DatasetSummary>> RestTrackingStore::SearchDatasets(
    const std::vector<std::string>& experiment_ids) {
  JsonWriter w;
  w.StartObject();
  WriteStrings(w, "experiment_ids", experiment_ids);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Post(ep::kSearchDatasets, w.str(), /*idempotent=*/true));
  return ReadList<tracking::DatasetSummary>(ep::kSearchDatasets, doc, "dataset_summaries",
                                            mlflow_wire::ReadDatasetSummary);
}

}  // namespace cairn::client
