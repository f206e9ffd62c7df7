// MLflow 3 logged models: POST /logged-models, POST /logged-models/search,
// and the paths that carry ids ({model_id}, {model_id}/tags,
// {model_id}/tags/{tag_key}, {model_id}/params,
// {model_id}/artifacts/directories), served as one prefix route per method
// that parses the ids out of the (percent-decoded) path.
#include <fmt/format.h>

#include "artifacts/artifact_path.h"
#include "base/ids.h"
#include "frontends/http/status_mapping.h"
#include "frontends/http/url.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "frontends/mlflow_rest/registry_handler_util.h"
#include "mlflow_wire/registry_encode.h"
#include "registry/validation.h"
#include "tracking/validation.h"

namespace cairn::frontends {
namespace {

namespace ep = mlflow_wire::endpoints;

std::string LoggedModelJson(const registry::LoggedModel& model) {
  JsonWriter w;
  w.StartObject().Key("model");
  mlflow_wire::WriteLoggedModel(w, model);
  w.EndObject();
  return w.str();
}

// Params are immutable key/value pairs with the tracking param rules.
Result<std::vector<registry::Tag>> ReadLoggedModelParams(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto objects, params.GetObjectList("params"));
  std::vector<registry::Tag> out;
  out.reserve(objects.size());
  for (const auto& object : objects) {
    CAIRN_ASSIGN_OR_RETURN(auto key, object.GetString("key"));
    CAIRN_ASSIGN_OR_RETURN(auto value, object.GetString("value"));
    if (!key || key->empty()) return RequestParams::Missing("params.key");
    if (!value) return RequestParams::Missing("params.value");
    CAIRN_RETURN_IF_ERROR(tracking::ValidateParam({*key, *value}));
    out.push_back({std::move(*key), std::move(*value)});
  }
  return out;
}

Result<std::string> CreateLoggedModel(const RegistryContext& context, const RequestParams& params,
                                      const HttpRequest& request) {
  registry::LoggedModel model;
  CAIRN_ASSIGN_OR_RETURN(model.experiment_id, params.RequireString("experiment_id"));
  CAIRN_ASSIGN_OR_RETURN(auto experiment, context.tracking.GetExperiment(model.experiment_id));
  if (experiment.lifecycle_stage != tracking::LifecycleStage::kActive) {
    return InvalidArgument(fmt::format("The experiment {} must be in the 'active' state. Current state is deleted.",
                                       model.experiment_id));
  }
  CAIRN_ASSIGN_OR_RETURN(auto name, params.GetString("name"));
  // MLflow names unnamed models like runs.
  model.name = name && !name->empty() ? std::move(*name) : NewRunName();
  CAIRN_ASSIGN_OR_RETURN(auto model_type, params.GetString("model_type"));
  model.model_type = model_type.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto source_run_id, params.GetString("source_run_id"));
  model.source_run_id = source_run_id.value_or("");
  if (!model.source_run_id.empty()) CAIRN_RETURN_IF_ERROR(tracking::ValidateRunId(model.source_run_id));
  CAIRN_ASSIGN_OR_RETURN(model.params, ReadLoggedModelParams(params));
  CAIRN_ASSIGN_OR_RETURN(model.tags, ReadRegistryTagList(params, "tags"));
  // artifact_location stays empty: the store assigns the id and derives
  // "<experiment artifact_location>/models/<model_id>/artifacts" from it.
  CAIRN_ASSIGN_OR_RETURN(auto created, context.registry.CreateLoggedModel(ActorOf(request), model));
  return LoggedModelJson(created);
}

// order_by objects {field_name, ascending, dataset_name, dataset_digest} ->
// "<field> ASC|DESC" (dataset-scoped metric ordering is not supported).
Result<std::vector<std::string>> ReadLoggedModelOrderBy(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto objects, params.GetObjectList("order_by"));
  std::vector<std::string> out;
  for (const auto& object : objects) {
    CAIRN_ASSIGN_OR_RETURN(auto field, object.GetString("field_name"));
    if (!field || field->empty()) return RequestParams::Missing("order_by.field_name");
    CAIRN_ASSIGN_OR_RETURN(auto ascending, object.GetBool("ascending"));
    CAIRN_ASSIGN_OR_RETURN(auto dataset_name, object.GetString("dataset_name"));
    CAIRN_ASSIGN_OR_RETURN(auto dataset_digest, object.GetString("dataset_digest"));
    if ((dataset_name && !dataset_name->empty()) || (dataset_digest && !dataset_digest->empty())) {
      return InvalidArgument("Ordering logged models by dataset-scoped metrics is not supported.");
    }
    // Names with spaces or dots need quoting in the order_by grammar.
    bool plain = field->find_first_of(" .`\"") == std::string::npos;
    std::string quoted = plain || field->find('`') != std::string::npos ? *field : fmt::format("`{}`", *field);
    out.push_back(fmt::format("{} {}", quoted, ascending.value_or(true) ? "ASC" : "DESC"));
  }
  return out;
}

Result<std::string> SearchLoggedModels(const RegistryContext& context, const RequestParams& params) {
  registry::SearchLoggedModelsRequest search;
  CAIRN_ASSIGN_OR_RETURN(search.experiment_ids, params.GetStringList("experiment_ids"));
  CAIRN_ASSIGN_OR_RETURN(auto filter, params.GetString("filter"));
  search.filter = filter.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto datasets, params.GetObjectList("datasets"));
  if (!datasets.empty()) return InvalidArgument("Filtering logged models by datasets is not supported.");
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  search.max_results = max_results.value_or(registry::kDefaultSearchLoggedModels);
  CAIRN_RETURN_IF_ERROR(registry::ValidateSearchMaxResults(search.max_results, registry::kMaxSearchLoggedModels));
  CAIRN_ASSIGN_OR_RETURN(search.order_by, ReadLoggedModelOrderBy(params));
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  search.page_token = token.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto page, context.registry.SearchLoggedModels(search));
  JsonWriter w;
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("models").StartArray();
    for (const auto& model : page.items) mlflow_wire::WriteLoggedModel(w, model);
    w.EndArray();
  }
  w.FieldIfNotEmpty("next_page_token", page.next_page_token);
  w.EndObject();
  return w.str();
}

Result<std::string> ListLoggedModelArtifacts(const RegistryContext& context, const std::string& model_id,
                                             const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto raw, params.GetString("artifact_directory_path"));
  CAIRN_ASSIGN_OR_RETURN(std::string dir, artifacts::ValidateArtifactPath(raw.value_or("")));
  CAIRN_ASSIGN_OR_RETURN(auto model, context.registry.GetLoggedModel(model_id));
  CAIRN_ASSIGN_OR_RETURN(auto root, context.artifacts.Resolve(model.artifact_location));
  CAIRN_ASSIGN_OR_RETURN(auto files, root.repository->List(artifacts::JoinArtifactPath(root.path, dir)));
  size_t strip = root.path.empty() ? 0 : root.path.size() + 1;
  JsonWriter w;
  w.StartObject().Field("root_uri", model.artifact_location);
  if (!files.empty()) {
    w.Key("files").StartArray();
    for (const auto& f : files) {
      w.StartObject().Field("path", f.path.substr(std::min(strip, f.path.size()))).Field("is_dir", f.is_dir);
      if (!f.is_dir) w.Field("file_size", f.file_size);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  return w.str();
}

// The path below "<prefix>/logged-models/", split and percent-decoded.
Result<std::vector<std::string>> PathSegments(const HttpRequest& request) {
  // The route is "<api prefix>/logged-models/"; neither prefix contains
  // that segment, so its first occurrence ends the route part.
  std::string_view path = request.path;
  std::string marker = fmt::format("{}/", mlflow_wire::kLoggedModelsPath);
  size_t at = path.find(marker);
  std::string_view rest = at == std::string_view::npos ? std::string_view() : path.substr(at + marker.size());
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    auto decoded = PercentDecode(rest.substr(start, end - start), false);
    if (!decoded) return InvalidArgument("Malformed percent-encoding in the request path.");
    segments.push_back(std::move(*decoded));
    start = end + 1;
  }
  if (segments.empty() || segments[0].empty()) return InvalidArgument("The logged model id is missing from the path.");
  return segments;
}

Status NoSuchEndpoint(const HttpRequest& request) {
  return Status(StatusCode::kEndpointNotFound,
                fmt::format("No API endpoint at {} '{}'.", request.method, request.path.substr(0, 200)));
}

// Dispatches the id-carrying paths of one method.
Result<std::string> LoggedModelById(const RegistryContext& context, const RequestParams& params,
                                    const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto segments, PathSegments(request));
  const std::string& model_id = segments[0];
  const std::string& method = request.method;
  auto tail = [&](std::initializer_list<std::string_view> parts) {
    if (segments.size() != parts.size() + 1) return false;
    size_t i = 1;
    for (std::string_view part : parts) {
      if (segments[i++] != part) return false;
    }
    return true;
  };
  registry::Actor actor = ActorOf(request);
  if (segments.size() == 1) {
    if (method == "GET") {
      CAIRN_ASSIGN_OR_RETURN(auto model, context.registry.GetLoggedModel(model_id));
      return LoggedModelJson(model);
    }
    if (method == "PATCH") {
      CAIRN_ASSIGN_OR_RETURN(std::string status_name, params.RequireString("status"));
      CAIRN_ASSIGN_OR_RETURN(auto status, registry::ParseLoggedModelStatusArgument(status_name));
      CAIRN_ASSIGN_OR_RETURN(auto model, context.registry.FinalizeLoggedModel(actor, model_id, status));
      return LoggedModelJson(model);
    }
    if (method == "DELETE") {
      CAIRN_RETURN_IF_ERROR(context.registry.DeleteLoggedModel(actor, model_id));
      return std::string(kEmptyJson);
    }
  } else if (method == "PATCH" && tail({"tags"})) {
    CAIRN_ASSIGN_OR_RETURN(auto tags, ReadRegistryTagList(params, "tags"));
    CAIRN_RETURN_IF_ERROR(context.registry.SetLoggedModelTags(actor, model_id, tags));
    return std::string(kEmptyJson);
  } else if (method == "DELETE" && segments.size() == 3 && segments[1] == "tags" && !segments[2].empty()) {
    CAIRN_RETURN_IF_ERROR(registry::ValidateRegistryTagKey(segments[2]));
    CAIRN_RETURN_IF_ERROR(context.registry.DeleteLoggedModelTag(actor, model_id, segments[2]));
    return std::string(kEmptyJson);
  } else if (method == "POST" && tail({"params"})) {
    CAIRN_ASSIGN_OR_RETURN(auto model_params, ReadLoggedModelParams(params));
    CAIRN_RETURN_IF_ERROR(context.registry.LogLoggedModelParams(actor, model_id, model_params));
    return std::string(kEmptyJson);
  } else if (method == "GET" && tail({"artifacts", "directories"})) {
    return ListLoggedModelArtifacts(context, model_id, params);
  }
  return NoSuchEndpoint(request);
}

}  // namespace

void RegisterLoggedModelRoutes(Router& router, const RegistryContext& context) {
  AddRegistryRoute(router, ep::kCreateLoggedModel,
                   [context](const RequestParams& params, const HttpRequest& request) {
                     return CreateLoggedModel(context, params, request);
                   });
  AddRegistryRoute(router, ep::kSearchLoggedModels, [context](const RequestParams& params, const HttpRequest&) {
    return SearchLoggedModels(context, params);
  });
  Handler by_id = WrapJson([context](const RequestParams& params, const HttpRequest& request) {
    return LoggedModelById(context, params, request);
  });
  for (std::string_view prefix : {mlflow_wire::kApiPrefix, mlflow_wire::kAjaxApiPrefix}) {
    std::string path = fmt::format("{}{}/", prefix, mlflow_wire::kLoggedModelsPath);
    for (const char* method : {"GET", "PATCH", "DELETE", "POST"}) router.Add(Route{method, path, true, false, by_id});
  }
}

}  // namespace cairn::frontends
