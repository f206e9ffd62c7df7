// /runs/* handlers.
#include <fmt/format.h>

#include "base/json_reader.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "mlflow_wire/encode.h"
#include "tracking/validation.h"

namespace cairn::frontends {
namespace {

namespace ep = mlflow_wire::endpoints;
using tracking::TrackingStore;

std::string RunJson(const tracking::Run& run) {
  JsonWriter w;
  w.StartObject().Key("run");
  mlflow_wire::WriteRun(w, run);
  w.EndObject();
  return w.str();
}

Result<tracking::Metric> ReadMetric(const JsonObjectView& object) {
  tracking::Metric metric;
  CAIRN_ASSIGN_OR_RETURN(auto key, object.GetString("key"));
  CAIRN_ASSIGN_OR_RETURN(auto value, object.GetDouble("value"));
  CAIRN_ASSIGN_OR_RETURN(auto timestamp, object.GetInt64("timestamp"));
  CAIRN_ASSIGN_OR_RETURN(auto step, object.GetInt64("step"));
  if (!key || key->empty()) return RequestParams::Missing("metrics.key");
  if (!value) return RequestParams::Missing("metrics.value");
  if (!timestamp) return RequestParams::Missing("metrics.timestamp");
  metric.key = std::move(*key);
  metric.value = *value;
  metric.timestamp = *timestamp;
  metric.step = step.value_or(0);
  return metric;
}

Result<std::vector<tracking::Param>> ReadParams(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto objects, params.GetObjectList("params"));
  std::vector<tracking::Param> out;
  out.reserve(objects.size());
  for (const auto& object : objects) {
    CAIRN_ASSIGN_OR_RETURN(auto key, object.GetString("key"));
    CAIRN_ASSIGN_OR_RETURN(auto value, object.GetString("value"));
    if (!key || key->empty()) return RequestParams::Missing("params.key");
    if (!value) return RequestParams::Missing("params.value");
    out.push_back({std::move(*key), std::move(*value)});
  }
  return out;
}

Result<std::string> CreateRun(TrackingStore& store, const RequestParams& params) {
  tracking::CreateRunRequest request;
  CAIRN_ASSIGN_OR_RETURN(auto experiment_id, params.GetString("experiment_id"));
  request.experiment_id = experiment_id.value_or("0");
  if (request.experiment_id.empty()) request.experiment_id = "0";
  CAIRN_ASSIGN_OR_RETURN(auto user_id, params.GetString("user_id"));
  request.user_id = user_id.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto run_name, params.GetString("run_name"));
  request.run_name = run_name.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto start_time, params.GetInt64("start_time"));
  request.start_time = start_time.value_or(0);
  if (request.start_time < 0) return InvalidArgument("start_time must be a non-negative timestamp in milliseconds.");
  CAIRN_ASSIGN_OR_RETURN(request.tags, ReadTags(params, "tags"));
  for (const auto& tag : request.tags) CAIRN_RETURN_IF_ERROR(tracking::ValidateRunTag(tag));
  CAIRN_ASSIGN_OR_RETURN(auto run, store.CreateRun(request));
  return RunJson(run);
}

Result<std::string> GetRun(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(auto run, store.GetRun(run_id));
  return RunJson(run);
}

Result<std::string> UpdateRun(TrackingStore& store, const RequestParams& params) {
  tracking::UpdateRunRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(auto status, params.GetString("status"));
  if (status && !status->empty()) {
    request.status = tracking::ParseRunStatus(*status);
    if (!request.status) {
      return InvalidArgument(fmt::format(
          "Invalid value '{}' for parameter 'status': expected one of RUNNING, SCHEDULED, FINISHED, FAILED, KILLED.",
          status->substr(0, 100)));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(request.end_time, params.GetInt64("end_time"));
  CAIRN_ASSIGN_OR_RETURN(auto run_name, params.GetString("run_name"));
  if (run_name && !run_name->empty()) request.run_name = std::move(*run_name);
  CAIRN_ASSIGN_OR_RETURN(auto info, store.UpdateRun(request));
  JsonWriter w;
  w.StartObject().Key("run_info");
  mlflow_wire::WriteRunInfo(w, info);
  w.EndObject();
  return w.str();
}

Result<std::string> DeleteRun(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_RETURN_IF_ERROR(store.DeleteRun(run_id));
  return std::string(kEmptyJson);
}

Result<std::string> RestoreRun(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_RETURN_IF_ERROR(store.RestoreRun(run_id));
  return std::string(kEmptyJson);
}

Result<std::string> LogMetric(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  tracking::Metric metric;
  CAIRN_ASSIGN_OR_RETURN(metric.key, params.RequireString("key"));
  CAIRN_ASSIGN_OR_RETURN(auto value, params.GetDouble("value"));
  if (!value) return RequestParams::Missing("value");
  CAIRN_ASSIGN_OR_RETURN(auto timestamp, params.GetInt64("timestamp"));
  if (!timestamp) return RequestParams::Missing("timestamp");
  CAIRN_ASSIGN_OR_RETURN(auto step, params.GetInt64("step"));
  metric.value = *value;
  metric.timestamp = *timestamp;
  metric.step = step.value_or(0);
  CAIRN_RETURN_IF_ERROR(tracking::ValidateMetric(metric));
  CAIRN_RETURN_IF_ERROR(store.LogMetric(run_id, metric));
  return std::string(kEmptyJson);
}

Result<std::string> LogParam(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  tracking::Param param;
  CAIRN_ASSIGN_OR_RETURN(param.key, params.RequireString("key"));
  CAIRN_ASSIGN_OR_RETURN(auto value, params.GetString("value"));
  if (!value) return RequestParams::Missing("value");
  param.value = std::move(*value);
  CAIRN_RETURN_IF_ERROR(tracking::ValidateParam(param));
  CAIRN_RETURN_IF_ERROR(store.LogParam(run_id, param));
  return std::string(kEmptyJson);
}

Result<std::string> SetTag(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  tracking::Tag tag;
  CAIRN_ASSIGN_OR_RETURN(tag.key, params.RequireString("key"));
  CAIRN_ASSIGN_OR_RETURN(auto value, params.GetString("value"));
  tag.value = value.value_or("");
  CAIRN_RETURN_IF_ERROR(tracking::ValidateRunTag(tag));
  CAIRN_RETURN_IF_ERROR(store.SetTag(run_id, tag));
  return std::string(kEmptyJson);
}

Result<std::string> DeleteTag(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(std::string key, params.RequireString("key"));
  CAIRN_RETURN_IF_ERROR(store.DeleteTag(run_id, key));
  return std::string(kEmptyJson);
}

Result<std::string> LogBatch(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(auto metric_objects, params.GetObjectList("metrics"));
  if (metric_objects.size() > tracking::kMaxMetricsPerBatch) {
    // Checked before decoding so an oversized batch costs nothing.
    return InvalidArgument(fmt::format(
        "A batch logging request can contain at most {} metrics. Got {} metrics. Please split up metrics "
        "across multiple requests and try again.",
        tracking::kMaxMetricsPerBatch, metric_objects.size()));
  }
  std::vector<tracking::Metric> metrics;
  metrics.reserve(metric_objects.size());
  for (const auto& object : metric_objects) {
    CAIRN_ASSIGN_OR_RETURN(auto metric, ReadMetric(object));
    metrics.push_back(std::move(metric));
  }
  CAIRN_ASSIGN_OR_RETURN(auto param_list, ReadParams(params));
  CAIRN_ASSIGN_OR_RETURN(auto tags, ReadTags(params, "tags"));
  CAIRN_RETURN_IF_ERROR(tracking::ValidateBatch(metrics, param_list, tags));
  for (const auto& m : metrics) CAIRN_RETURN_IF_ERROR(tracking::ValidateMetric(m));
  for (const auto& p : param_list) CAIRN_RETURN_IF_ERROR(tracking::ValidateParam(p));
  for (const auto& t : tags) CAIRN_RETURN_IF_ERROR(tracking::ValidateRunTag(t));
  CAIRN_RETURN_IF_ERROR(store.LogBatch(run_id, metrics, param_list, tags));
  return std::string(kEmptyJson);
}

Result<std::string> LogInputs(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(auto objects, params.GetObjectList("datasets"));
  std::vector<tracking::DatasetInput> inputs;
  inputs.reserve(objects.size());
  for (const auto& object : objects) {
    tracking::DatasetInput input;
    CAIRN_ASSIGN_OR_RETURN(auto tag_array, object.GetArray("tags"));
    if (tag_array) {
      CAIRN_ASSIGN_OR_RETURN(auto tag_objects, tag_array->Objects("datasets.tags"));
      for (const auto& t : tag_objects) {
        CAIRN_ASSIGN_OR_RETURN(auto key, t.GetString("key"));
        CAIRN_ASSIGN_OR_RETURN(auto value, t.GetString("value"));
        if (!key || key->empty()) return RequestParams::Missing("datasets.tags.key");
        if (!value) return RequestParams::Missing("datasets.tags.value");
        input.tags.push_back({std::move(*key), std::move(*value)});
      }
    }
    CAIRN_ASSIGN_OR_RETURN(auto dataset, object.GetObject("dataset"));
    if (!dataset) return RequestParams::Missing("datasets.dataset");
    struct Field {
      const char* name;
      std::string* target;
      bool required;
    };
    tracking::Dataset& d = input.dataset;
    for (const Field& f : {Field{"name", &d.name, true}, Field{"digest", &d.digest, true},
                           Field{"source_type", &d.source_type, true}, Field{"source", &d.source, true},
                           Field{"schema", &d.schema, false}, Field{"profile", &d.profile, false}}) {
      CAIRN_ASSIGN_OR_RETURN(auto value, dataset->GetString(f.name));
      if (f.required && (!value || value->empty())) return RequestParams::Missing(fmt::format("dataset.{}", f.name));
      *f.target = value.value_or("");
    }
    inputs.push_back(std::move(input));
  }
  CAIRN_RETURN_IF_ERROR(tracking::ValidateDatasetInputs(inputs));
  CAIRN_RETURN_IF_ERROR(store.LogInputs(run_id, inputs));
  return std::string(kEmptyJson);
}

// Appends the MLmodel JSON to the run's mlflow.log-model.history tag, as
// MLflow does; artifacts are uploaded separately by the client.
Result<std::string> LogModel(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(std::string model_json, params.RequireString("model_json"));
  auto model = JsonDocument::ParseObject(model_json);
  if (!model) return InvalidArgument(fmt::format("Invalid model_json: {}", model.error().message()));
  for (const char* field : {"artifact_path", "flavors"}) {
    if (!model->root().Has(field)) {
      return InvalidArgument(fmt::format("Model json is missing mandatory fields: ['{}']", field));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(auto run, store.GetRun(run_id));
  std::string history = "[" + model_json + "]";
  for (const auto& tag : run.tags) {
    if (tag.key == "mlflow.log-model.history" && tag.value.size() >= 2 && tag.value.back() == ']') {
      std::string_view prior(tag.value);
      prior.remove_suffix(1);
      history = std::string(prior) + (prior.size() > 1 ? "," : "") + model_json + "]";
    }
  }
  CAIRN_RETURN_IF_ERROR(store.SetTag(run_id, {"mlflow.log-model.history", history}));
  return std::string(kEmptyJson);
}

Result<std::string> SearchRuns(TrackingStore& store, const RequestParams& params) {
  tracking::SearchRunsRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.experiment_ids, params.GetStringList("experiment_ids"));
  CAIRN_ASSIGN_OR_RETURN(auto filter, params.GetString("filter"));
  request.filter = filter.value_or("");
  CAIRN_ASSIGN_OR_RETURN(request.view_type, ParseViewTypeParam(params, "run_view_type"));
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  request.max_results = max_results.value_or(1000);
  CAIRN_RETURN_IF_ERROR(tracking::ValidateMaxResults(request.max_results, tracking::kMaxSearchResults, "runs"));
  CAIRN_ASSIGN_OR_RETURN(request.order_by, params.GetStringList("order_by"));
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  request.page_token = token.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto page, store.SearchRuns(request));
  JsonWriter w;
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("runs").StartArray();
    for (const auto& run : page.items) mlflow_wire::WriteRun(w, run);
    w.EndArray();
  }
  w.FieldIfNotEmpty("next_page_token", page.next_page_token);
  w.EndObject();
  return w.str();
}

}  // namespace

void RegisterRunRoutes(Router& router, TrackingStore& store) {
  AddStoreRoute(router, ep::kCreateRun, store, CreateRun);
  AddStoreRoute(router, ep::kGetRun, store, GetRun);
  AddStoreRoute(router, ep::kUpdateRun, store, UpdateRun);
  AddStoreRoute(router, ep::kDeleteRun, store, DeleteRun);
  AddStoreRoute(router, ep::kRestoreRun, store, RestoreRun);
  AddStoreRoute(router, ep::kLogMetric, store, LogMetric);
  AddStoreRoute(router, ep::kLogParameter, store, LogParam);
  AddStoreRoute(router, ep::kSetTag, store, SetTag);
  AddStoreRoute(router, ep::kDeleteTag, store, DeleteTag);
  // log-batch checks the raw body size first, as MLflow does.
  AddMlflowRoute(router, "POST", ep::kLogBatch.path,
                 WrapJson([&store](const RequestParams& params, const HttpRequest& request) -> Result<std::string> {
                   if (request.body.size() > tracking::kMaxBatchBodyBytes) {
                     return InvalidArgument(fmt::format(
                         "Batched logging API requests must be at most {} bytes, got a request of {} bytes.",
                         tracking::kMaxBatchBodyBytes, request.body.size()));
                   }
                   return LogBatch(store, params);
                 }));
  AddStoreRoute(router, ep::kLogInputs, store, LogInputs);
  AddStoreRoute(router, ep::kLogModel, store, LogModel);
  AddStoreRoute(router, ep::kSearchRuns, store, SearchRuns);
}

}  // namespace cairn::frontends
