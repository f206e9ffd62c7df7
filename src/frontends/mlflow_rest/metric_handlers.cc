// /metrics/* handlers.
#include <fmt/format.h>

#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "mlflow_wire/encode.h"

namespace cairn::frontends {
namespace {

namespace ep = mlflow_wire::endpoints;
using tracking::TrackingStore;

constexpr int64_t kMaxBulkRuns = 100;
constexpr int64_t kMaxBulkResults = 2500;

void WriteMetrics(JsonWriter& w, const std::vector<tracking::Metric>& metrics) {
  if (metrics.empty()) return;
  w.Key("metrics").StartArray();
  for (const auto& m : metrics) mlflow_wire::WriteMetric(w, m);
  w.EndArray();
}

Result<std::string> GetMetricHistory(TrackingStore& store, const RequestParams& params) {
  tracking::MetricHistoryRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(request.metric_key, params.RequireString("metric_key"));
  CAIRN_ASSIGN_OR_RETURN(request.max_results, params.GetInt64("max_results"));
  if (request.max_results && *request.max_results < 1) {
    return InvalidArgument(fmt::format("Invalid value {} for parameter 'max_results': must be positive.",
                                       *request.max_results));
  }
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  request.page_token = token.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto page, store.GetMetricHistory(request));
  JsonWriter w;
  w.StartObject();
  WriteMetrics(w, page.items);
  w.FieldIfNotEmpty("next_page_token", page.next_page_token);
  w.EndObject();
  return w.str();
}

Result<std::string> GetMetricHistoryBulkInterval(TrackingStore& store, const RequestParams& params) {
  tracking::BulkIntervalRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.run_ids, params.GetStringList("run_ids"));
  if (request.run_ids.empty()) return RequestParams::Missing("run_ids");
  if (int64_t(request.run_ids.size()) > kMaxBulkRuns) {
    return InvalidArgument(fmt::format("GetMetricHistoryBulkInterval request must specify at most {} run_ids. "
                                       "Received {} run_ids.",
                                       kMaxBulkRuns, request.run_ids.size()));
  }
  CAIRN_ASSIGN_OR_RETURN(request.metric_key, params.RequireString("metric_key"));
  CAIRN_ASSIGN_OR_RETURN(request.start_step, params.GetInt64("start_step"));
  CAIRN_ASSIGN_OR_RETURN(request.end_step, params.GetInt64("end_step"));
  if (request.start_step.has_value() != request.end_step.has_value()) {
    return InvalidArgument("If either start step or end step are specified, both must be specified.");
  }
  if (request.start_step && *request.start_step > *request.end_step) {
    return InvalidArgument("end_step must be greater than start_step. ");
  }
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  request.max_results = max_results.value_or(kMaxBulkResults);
  if (request.max_results < 1 || request.max_results > kMaxBulkResults) {
    return InvalidArgument(fmt::format("max_results must be between 1 and {}.", kMaxBulkResults));
  }
  CAIRN_ASSIGN_OR_RETURN(auto metrics, store.GetMetricHistoryBulkInterval(request));
  JsonWriter w;
  w.StartObject();
  WriteMetrics(w, metrics);
  w.EndObject();
  return w.str();
}

}  // namespace

void RegisterMetricRoutes(Router& router, TrackingStore& store) {
  AddStoreRoute(router, ep::kGetMetricHistory, store, GetMetricHistory);
  AddStoreRoute(router, ep::kGetMetricHistoryBulkInterval, store, GetMetricHistoryBulkInterval);
}

}  // namespace cairn::frontends
