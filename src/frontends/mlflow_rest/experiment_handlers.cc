// /experiments/* handlers.
#include <filesystem>

#include <fmt/format.h>

#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "mlflow_wire/encode.h"
#include "mlflow_wire/endpoints.h"
#include "tracking/validation.h"

namespace cairn::frontends {
namespace {

namespace ep = mlflow_wire::endpoints;
using tracking::TrackingStore;

// MLflow stores local artifact locations as absolute file:// URIs.
std::string NormalizeArtifactLocation(const std::string& location) {
  if (location.empty() || location.find(':') != std::string::npos) return location;
  std::error_code ec;
  auto absolute = std::filesystem::absolute(location, ec);
  if (ec) return location;
  return "file://" + absolute.lexically_normal().string();
}

std::string ExperimentJson(const tracking::Experiment& experiment) {
  JsonWriter w;
  w.StartObject().Key("experiment");
  mlflow_wire::WriteExperiment(w, experiment);
  w.EndObject();
  return w.str();
}

Result<std::string> CreateExperiment(TrackingStore& store, const RequestParams& params) {
  tracking::CreateExperimentRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.name, params.RequireString("name"));
  CAIRN_RETURN_IF_ERROR(tracking::ValidateExperimentName(request.name));
  CAIRN_ASSIGN_OR_RETURN(auto location, params.GetString("artifact_location"));
  if (location && !location->empty()) {
    CAIRN_RETURN_IF_ERROR(tracking::ValidateArtifactLocation(*location));
    request.artifact_location = NormalizeArtifactLocation(*location);
  }
  CAIRN_ASSIGN_OR_RETURN(request.tags, ReadTags(params, "tags"));
  for (const auto& tag : request.tags) CAIRN_RETURN_IF_ERROR(tracking::ValidateExperimentTag(tag));
  CAIRN_ASSIGN_OR_RETURN(std::string id, store.CreateExperiment(request));
  JsonWriter w;
  w.StartObject().Field("experiment_id", id).EndObject();
  return w.str();
}

Result<std::string> GetExperiment(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string id, params.RequireString("experiment_id"));
  CAIRN_ASSIGN_OR_RETURN(auto experiment, store.GetExperiment(id));
  return ExperimentJson(experiment);
}

Result<std::string> GetExperimentByName(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, params.RequireString("experiment_name"));
  CAIRN_ASSIGN_OR_RETURN(auto experiment, store.GetExperimentByName(name));
  return ExperimentJson(experiment);
}

Result<std::string> SearchExperiments(TrackingStore& store, const RequestParams& params) {
  tracking::SearchExperimentsRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.view_type, ParseViewTypeParam(params, "view_type"));
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  request.max_results = max_results.value_or(1000);
  CAIRN_RETURN_IF_ERROR(tracking::ValidateMaxResults(request.max_results, tracking::kMaxSearchResults, "experiments"));
  CAIRN_ASSIGN_OR_RETURN(auto filter, params.GetString("filter"));
  request.filter = filter.value_or("");
  CAIRN_ASSIGN_OR_RETURN(request.order_by, params.GetStringList("order_by"));
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  request.page_token = token.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto page, store.SearchExperiments(request));
  JsonWriter w;
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("experiments").StartArray();
    for (const auto& experiment : page.items) mlflow_wire::WriteExperiment(w, experiment);
    w.EndArray();
  }
  w.FieldIfNotEmpty("next_page_token", page.next_page_token);
  w.EndObject();
  return w.str();
}

// experiments/list was removed in MLflow 2.0 but older clients (including
// the npm `mlflow` package) still call it: every experiment of the view type.
Result<std::string> ListExperiments(TrackingStore& store, const RequestParams& params) {
  tracking::SearchExperimentsRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.view_type, ParseViewTypeParam(params, "view_type"));
  request.max_results = tracking::kMaxSearchResults;
  JsonWriter w;
  w.StartObject().Key("experiments").StartArray();
  do {
    CAIRN_ASSIGN_OR_RETURN(auto page, store.SearchExperiments(request));
    for (const auto& experiment : page.items) mlflow_wire::WriteExperiment(w, experiment);
    request.page_token = page.next_page_token;
  } while (!request.page_token.empty());
  w.EndArray().EndObject();
  return w.str();
}

Result<std::string> UpdateExperiment(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string id, params.RequireString("experiment_id"));
  CAIRN_ASSIGN_OR_RETURN(auto new_name, params.GetString("new_name"));
  if (new_name && !new_name->empty()) {
    CAIRN_RETURN_IF_ERROR(tracking::ValidateExperimentName(*new_name));
    CAIRN_RETURN_IF_ERROR(store.RenameExperiment(id, *new_name));
  } else {
    CAIRN_RETURN_IF_ERROR(store.GetExperiment(id).status());
  }
  return std::string(kEmptyJson);
}

Result<std::string> DeleteExperiment(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string id, params.RequireString("experiment_id"));
  CAIRN_RETURN_IF_ERROR(store.DeleteExperiment(id));
  return std::string(kEmptyJson);
}

Result<std::string> RestoreExperiment(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string id, params.RequireString("experiment_id"));
  CAIRN_RETURN_IF_ERROR(store.RestoreExperiment(id));
  return std::string(kEmptyJson);
}

Result<std::string> SetExperimentTag(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string id, params.RequireString("experiment_id"));
  tracking::Tag tag;
  CAIRN_ASSIGN_OR_RETURN(tag.key, params.RequireString("key"));
  CAIRN_ASSIGN_OR_RETURN(auto value, params.GetString("value"));
  if (!value) return RequestParams::Missing("value");
  tag.value = std::move(*value);
  CAIRN_RETURN_IF_ERROR(tracking::ValidateExperimentTag(tag));
  CAIRN_RETURN_IF_ERROR(store.SetExperimentTag(id, tag));
  return std::string(kEmptyJson);
}

Result<std::string> DeleteExperimentTag(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string id, params.RequireString("experiment_id"));
  CAIRN_ASSIGN_OR_RETURN(std::string key, params.RequireString("key"));
  CAIRN_RETURN_IF_ERROR(store.DeleteExperimentTag(id, key));
  return std::string(kEmptyJson);
}

Result<std::string> SearchDatasets(TrackingStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto ids, params.GetStringList("experiment_ids"));
  CAIRN_ASSIGN_OR_RETURN(auto summaries, store.SearchDatasets(ids));
  JsonWriter w;
  w.StartObject();
  if (!summaries.empty()) {
    w.Key("dataset_summaries").StartArray();
    for (const auto& s : summaries) {
      w.StartObject()
          .Field("experiment_id", s.experiment_id)
          .Field("name", s.name)
          .Field("digest", s.digest)
          .FieldIfNotEmpty("context", s.context)
          .EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return w.str();
}

}  // namespace

void AddStoreRoute(Router& router, const mlflow_wire::Endpoint& endpoint, TrackingStore& store,
                   Result<std::string> (*fn)(TrackingStore&, const RequestParams&)) {
  AddMlflowRoute(router, mlflow_wire::HttpMethodName(endpoint.method), endpoint.path,
                 WrapJson([&store, fn](const RequestParams& params, const HttpRequest&) { return fn(store, params); }));
}

void RegisterExperimentRoutes(Router& router, TrackingStore& store) {
  AddStoreRoute(router, ep::kCreateExperiment, store, CreateExperiment);
  AddStoreRoute(router, ep::kGetExperiment, store, GetExperiment);
  AddStoreRoute(router, ep::kGetExperimentByName, store, GetExperimentByName);
  AddStoreRoute(router, ep::kSearchExperiments, store, SearchExperiments);
  AddStoreRoute(router, ep::kSearchExperimentsGet, store, SearchExperiments);
  AddStoreRoute(router, ep::kListExperiments, store, ListExperiments);
  AddStoreRoute(router, ep::kUpdateExperiment, store, UpdateExperiment);
  AddStoreRoute(router, ep::kDeleteExperiment, store, DeleteExperiment);
  AddStoreRoute(router, ep::kRestoreExperiment, store, RestoreExperiment);
  AddStoreRoute(router, ep::kSetExperimentTag, store, SetExperimentTag);
  AddStoreRoute(router, ep::kDeleteExperimentTag, store, DeleteExperimentTag);
  AddStoreRoute(router, ep::kSearchDatasets, store, SearchDatasets);
}

}  // namespace cairn::frontends
