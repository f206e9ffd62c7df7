#include "client/rest_registry_store.h"

#include <cctype>

#include <fmt/format.h>

#include "base/json_writer.h"
#include "client/error_mapping.h"
#include "client/rest_tracking_store.h"
#include "mlflow_wire/decode.h"
#include "mlflow_wire/registry_decode.h"

namespace cairn::client {
namespace {

namespace ep = mlflow_wire::endpoints;
namespace cep = mlflow_wire::cairn_endpoints;
using mlflow_wire::Endpoint;
using registry::Page;

std::string Describe(const Endpoint& endpoint, std::string_view prefix) {
  return fmt::format("{} {}{}", HttpMethodName(endpoint.method), prefix, endpoint.path);
}

Status Malformed(const Endpoint& endpoint, const Status& why) {
  return Internal(
      fmt::format("Unexpected response from {}: {}", Describe(endpoint, mlflow_wire::kApiPrefix), why.message()));
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
Result<Page<T>> ReadPage(const Endpoint& endpoint, const JsonDocument& doc, std::string_view field, ReadFn read) {
  Page<T> page;
  auto items = mlflow_wire::ReadArray<T>(doc.root(), field, read);
  if (!items.ok()) return Malformed(endpoint, items.error());
  page.items = std::move(*items);
  auto token = doc.root().GetString("next_page_token");
  if (!token.ok()) return Malformed(endpoint, token.error());
  page.next_page_token = token->value_or("");
  return page;
}

void WriteKeyValues(JsonWriter& w, std::string_view field, const std::vector<registry::Tag>& items) {
  w.Key(field).StartArray();
  for (const auto& item : items) w.StartObject().Field("key", item.key).Field("value", item.value).EndObject();
  w.EndArray();
}

std::string Fields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  JsonWriter w;
  w.StartObject();
  for (const auto& [key, value] : fields) w.Field(key, value);
  w.EndObject();
  return w.str();
}

// Replaces "{placeholder}" in an endpoint path with the URL-escaped value.
std::string FillPath(std::string_view path, std::string_view placeholder, std::string_view value) {
  std::string out(path);
  std::string token = fmt::format("{{{}}}", placeholder);
  if (size_t at = out.find(token); at != std::string::npos) out.replace(at, token.size(), UrlEncode(value));
  return out;
}

QueryParams SearchQuery(const registry::SearchRequest& request) {
  QueryParams query;
  if (!request.filter.empty()) query.emplace_back("filter", request.filter);
  query.emplace_back("max_results", std::to_string(request.max_results));
  for (const auto& order : request.order_by) query.emplace_back("order_by", order);
  if (!request.page_token.empty()) query.emplace_back("page_token", request.page_token);
  return query;
}

}  // namespace

RestRegistryStore::RestRegistryStore(std::string base_url, std::unique_ptr<HttpClient> http)
    : base_url_(std::move(base_url)), http_(std::move(http)) {}

Result<std::unique_ptr<RestRegistryStore>> RestRegistryStore::Create(std::string_view tracking_uri,
                                                                      const HttpClientOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string base_url, NormalizeTrackingUri(tracking_uri));
  return std::make_unique<RestRegistryStore>(std::move(base_url), CreateHttpClient(options));
}

Result<HttpResponse> RestRegistryStore::Send(const Endpoint& endpoint, std::string_view prefix, std::string_view path,
                                             const QueryParams& query, std::string body,
                                             std::optional<bool> idempotent) {
  std::string full = fmt::format("{}{}", prefix, path);
  Result<HttpResponse> response =
      endpoint.method == HttpMethod::kGet
          ? http_->Get(BuildUrl(base_url_, full), query)
          : http_->SendJson(endpoint.method, BuildUrl(base_url_, full, query), std::move(body), idempotent);
  if (!response.ok()) return response.error();
  if (!response->ok()) return StatusFromErrorResponse(*response, fmt::format("{} {}", HttpMethodName(endpoint.method), full));
  return response;
}

Result<JsonDocument> RestRegistryStore::Call(const Endpoint& endpoint, const QueryParams& query, std::string body,
                                             std::optional<bool> idempotent) {
  CAIRN_ASSIGN_OR_RETURN(auto response,
                         Send(endpoint, mlflow_wire::kApiPrefix, endpoint.path, query, std::move(body), idempotent));
  return ParseJsonResponse(response, Describe(endpoint, mlflow_wire::kApiPrefix));
}

Result<JsonDocument> RestRegistryStore::CallPath(const Endpoint& endpoint, std::string_view path, std::string body,
                                                 std::optional<bool> idempotent) {
  CAIRN_ASSIGN_OR_RETURN(auto response, Send(endpoint, mlflow_wire::kApiPrefix, path, {}, std::move(body), idempotent));
  return ParseJsonResponse(response, Describe(endpoint, mlflow_wire::kApiPrefix));
}

// --- registered models ---

Result<registry::RegisteredModel> RestRegistryStore::CreateRegisteredModel(const registry::Actor&,
                                                                           const std::string& name,
                                                                           const std::vector<registry::Tag>& tags,
                                                                           const std::string& description) {
  JsonWriter w;
  w.StartObject().Field("name", name).FieldIfNotEmpty("description", description);
  if (!tags.empty()) WriteKeyValues(w, "tags", tags);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kCreateRegisteredModel, {}, w.str()));
  return ReadField<registry::RegisteredModel>(ep::kCreateRegisteredModel, doc, "registered_model",
                                              mlflow_wire::ReadRegisteredModel);
}

Result<registry::RegisteredModel> RestRegistryStore::GetRegisteredModel(const std::string& name) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kGetRegisteredModel, {{"name", name}}, {}));
  return ReadField<registry::RegisteredModel>(ep::kGetRegisteredModel, doc, "registered_model",
                                              mlflow_wire::ReadRegisteredModel);
}

Result<registry::RegisteredModel> RestRegistryStore::RenameRegisteredModel(const registry::Actor&,
                                                                           const std::string& name,
                                                                           const std::string& new_name) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kRenameRegisteredModel, {}, Fields({{"name", name}, {"new_name", new_name}})));
  return ReadField<registry::RegisteredModel>(ep::kRenameRegisteredModel, doc, "registered_model",
                                              mlflow_wire::ReadRegisteredModel);
}

Result<registry::RegisteredModel> RestRegistryStore::UpdateRegisteredModel(const registry::Actor&,
                                                                           const std::string& name,
                                                                           const std::string& description) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kUpdateRegisteredModel, {},
                                        Fields({{"name", name}, {"description", description}}), true));
  return ReadField<registry::RegisteredModel>(ep::kUpdateRegisteredModel, doc, "registered_model",
                                              mlflow_wire::ReadRegisteredModel);
}

Status RestRegistryStore::DeleteRegisteredModel(const registry::Actor&, const std::string& name) {
  return Call(ep::kDeleteRegisteredModel, {}, Fields({{"name", name}})).status();
}

Result<Page<registry::RegisteredModel>> RestRegistryStore::SearchRegisteredModels(
    const registry::SearchRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kSearchRegisteredModels, SearchQuery(request), {}));
  return ReadPage<registry::RegisteredModel>(ep::kSearchRegisteredModels, doc, "registered_models",
                                             mlflow_wire::ReadRegisteredModel);
}

Result<std::vector<registry::ModelVersion>> RestRegistryStore::GetLatestVersions(
    const std::string& name, const std::vector<registry::Stage>& stages) {
  JsonWriter w;
  w.StartObject().Field("name", name);
  if (!stages.empty()) {
    w.Key("stages").StartArray();
    for (auto stage : stages) w.String(registry::StageName(stage));
    w.EndArray();
  }
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kGetLatestVersions, {}, w.str(), true));
  auto versions = mlflow_wire::ReadArray<registry::ModelVersion>(doc.root(), "model_versions",
                                                                 mlflow_wire::ReadModelVersion);
  if (!versions.ok()) return Malformed(ep::kGetLatestVersions, versions.error());
  return versions;
}

Status RestRegistryStore::SetRegisteredModelTag(const registry::Actor&, const std::string& name,
                                                const registry::Tag& tag) {
  return Call(ep::kSetRegisteredModelTag, {}, Fields({{"name", name}, {"key", tag.key}, {"value", tag.value}}), true)
      .status();
}

Status RestRegistryStore::DeleteRegisteredModelTag(const registry::Actor&, const std::string& name,
                                                   const std::string& key) {
  return Call(ep::kDeleteRegisteredModelTag, {}, Fields({{"name", name}, {"key", key}})).status();
}

// --- aliases ---

Status RestRegistryStore::SetAlias(const registry::Actor&, const std::string& name, const std::string& alias,
                                   int64_t version) {
  std::string number = std::to_string(version);
  return Call(ep::kSetRegisteredModelAlias, {}, Fields({{"name", name}, {"alias", alias}, {"version", number}}), true)
      .status();
}

Status RestRegistryStore::DeleteAlias(const registry::Actor&, const std::string& name, const std::string& alias) {
  return Call(ep::kDeleteRegisteredModelAlias, {}, Fields({{"name", name}, {"alias", alias}})).status();
}

Result<registry::ModelVersion> RestRegistryStore::GetVersionByAlias(const std::string& name,
                                                                    const std::string& alias) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kGetModelVersionByAlias, {{"name", name}, {"alias", alias}}, {}));
  return ReadField<registry::ModelVersion>(ep::kGetModelVersionByAlias, doc, "model_version",
                                           mlflow_wire::ReadModelVersion);
}

// --- model versions ---

Result<registry::ModelVersion> RestRegistryStore::CreateModelVersion(
    const registry::Actor&, const registry::CreateModelVersionRequest& request) {
  JsonWriter w;
  w.StartObject()
      .Field("name", request.name)
      .Field("source", request.source)
      .FieldIfNotEmpty("run_id", request.run_id)
      .FieldIfNotEmpty("run_link", request.run_link)
      .FieldIfNotEmpty("description", request.description)
      .FieldIfNotEmpty("model_id", request.model_id);
  if (!request.tags.empty()) WriteKeyValues(w, "tags", request.tags);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kCreateModelVersion, {}, w.str()));
  return ReadField<registry::ModelVersion>(ep::kCreateModelVersion, doc, "model_version",
                                           mlflow_wire::ReadModelVersion);
}

Result<registry::ModelVersion> RestRegistryStore::GetModelVersion(const std::string& name, int64_t version) {
  CAIRN_ASSIGN_OR_RETURN(auto doc,
                         Call(ep::kGetModelVersion, {{"name", name}, {"version", std::to_string(version)}}, {}));
  return ReadField<registry::ModelVersion>(ep::kGetModelVersion, doc, "model_version", mlflow_wire::ReadModelVersion);
}

Result<registry::ModelVersion> RestRegistryStore::UpdateModelVersion(const registry::Actor&, const std::string& name,
                                                                     int64_t version, const std::string& description) {
  std::string number = std::to_string(version);
  CAIRN_ASSIGN_OR_RETURN(
      auto doc, Call(ep::kUpdateModelVersion, {},
                     Fields({{"name", name}, {"version", number}, {"description", description}}), true));
  return ReadField<registry::ModelVersion>(ep::kUpdateModelVersion, doc, "model_version",
                                           mlflow_wire::ReadModelVersion);
}

Status RestRegistryStore::DeleteModelVersion(const registry::Actor&, const std::string& name, int64_t version) {
  std::string number = std::to_string(version);
  return Call(ep::kDeleteModelVersion, {}, Fields({{"name", name}, {"version", number}})).status();
}

Result<Page<registry::ModelVersion>> RestRegistryStore::SearchModelVersions(const registry::SearchRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kSearchModelVersions, SearchQuery(request), {}));
  return ReadPage<registry::ModelVersion>(ep::kSearchModelVersions, doc, "model_versions",
                                          mlflow_wire::ReadModelVersion);
}

Result<registry::ModelVersion> RestRegistryStore::TransitionStage(const registry::Actor&, const std::string& name,
                                                                  int64_t version, registry::Stage stage,
                                                                  bool archive_existing) {
  JsonWriter w;
  w.StartObject()
      .Field("name", name)
      .Field("version", std::to_string(version))
      .Field("stage", registry::StageName(stage))
      .Field("archive_existing_versions", archive_existing)
      .EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kTransitionModelVersionStage, {}, w.str(), true));
  return ReadField<registry::ModelVersion>(ep::kTransitionModelVersionStage, doc, "model_version",
                                           mlflow_wire::ReadModelVersion);
}

Status RestRegistryStore::SetModelVersionTag(const registry::Actor&, const std::string& name, int64_t version,
                                             const registry::Tag& tag) {
  std::string number = std::to_string(version);
  return Call(ep::kSetModelVersionTag, {},
              Fields({{"name", name}, {"version", number}, {"key", tag.key}, {"value", tag.value}}), true)
      .status();
}

Status RestRegistryStore::DeleteModelVersionTag(const registry::Actor&, const std::string& name, int64_t version,
                                                const std::string& key) {
  std::string number = std::to_string(version);
  return Call(ep::kDeleteModelVersionTag, {}, Fields({{"name", name}, {"version", number}, {"key", key}})).status();
}

Result<std::string> RestRegistryStore::GetModelVersionDownloadUri(const std::string& name, int64_t version) {
  CAIRN_ASSIGN_OR_RETURN(
      auto doc, Call(ep::kGetModelVersionDownloadUri, {{"name", name}, {"version", std::to_string(version)}}, {}));
  auto uri = doc.root().GetString("artifact_uri");
  if (!uri.ok()) return Malformed(ep::kGetModelVersionDownloadUri, uri.error());
  if (!uri->has_value()) return Malformed(ep::kGetModelVersionDownloadUri, InvalidArgument("missing 'artifact_uri'"));
  return std::move(**uri);
}

// --- cairn API ---

Result<std::vector<registry::AuditEvent>> RestRegistryStore::ListAuditEvents(const std::string& model_name,
                                                                             int64_t max_results) {
  QueryParams query;
  if (!model_name.empty()) query.emplace_back("name", model_name);
  query.emplace_back("max_results", std::to_string(max_results));
  CAIRN_ASSIGN_OR_RETURN(auto response, Send(cep::kRegistryAudit, mlflow_wire::kCairnApiPrefix,
                                             cep::kRegistryAudit.path, query, {}, std::nullopt));
  auto events = mlflow_wire::ReadAuditEvents(response.body);
  if (!events.ok()) return Malformed(cep::kRegistryAudit, events.error());
  return events;
}

Result<std::string> RestRegistryStore::GetLineageJson(const std::string& name, std::optional<int64_t> version,
                                                      const std::string& alias) {
  QueryParams query{{"name", name}};
  if (version) {
    query.emplace_back("version", std::to_string(*version));
  } else {
    query.emplace_back("alias", alias);
  }
  CAIRN_ASSIGN_OR_RETURN(auto response, Send(cep::kModelLineage, mlflow_wire::kCairnApiPrefix,
                                             cep::kModelLineage.path, query, {}, std::nullopt));
  // Checked, then handed over as sent.
  CAIRN_RETURN_IF_ERROR(ParseJsonResponse(response, Describe(cep::kModelLineage, mlflow_wire::kCairnApiPrefix)).status());
  return std::move(response.body);
}

// --- logged models ---

Result<registry::LoggedModel> RestRegistryStore::CreateLoggedModel(const registry::Actor&,
                                                                   const registry::LoggedModel& model) {
  JsonWriter w;
  w.StartObject()
      .Field("experiment_id", model.experiment_id)
      .FieldIfNotEmpty("name", model.name)
      .FieldIfNotEmpty("model_type", model.model_type)
      .FieldIfNotEmpty("source_run_id", model.source_run_id);
  if (!model.params.empty()) WriteKeyValues(w, "params", model.params);
  if (!model.tags.empty()) WriteKeyValues(w, "tags", model.tags);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kCreateLoggedModel, {}, w.str()));
  return ReadField<registry::LoggedModel>(ep::kCreateLoggedModel, doc, "model", mlflow_wire::ReadLoggedModel);
}

Result<registry::LoggedModel> RestRegistryStore::GetLoggedModel(const std::string& model_id) {
  CAIRN_ASSIGN_OR_RETURN(auto doc,
                         CallPath(ep::kGetLoggedModel, FillPath(ep::kGetLoggedModel.path, "model_id", model_id), {}));
  return ReadField<registry::LoggedModel>(ep::kGetLoggedModel, doc, "model", mlflow_wire::ReadLoggedModel);
}

Result<registry::LoggedModel> RestRegistryStore::FinalizeLoggedModel(const registry::Actor&,
                                                                     const std::string& model_id,
                                                                     registry::LoggedModelStatus status) {
  CAIRN_ASSIGN_OR_RETURN(
      auto doc, CallPath(ep::kFinalizeLoggedModel, FillPath(ep::kFinalizeLoggedModel.path, "model_id", model_id),
                         Fields({{"model_id", model_id}, {"status", registry::LoggedModelStatusName(status)}}), true));
  return ReadField<registry::LoggedModel>(ep::kFinalizeLoggedModel, doc, "model", mlflow_wire::ReadLoggedModel);
}

Status RestRegistryStore::DeleteLoggedModel(const registry::Actor&, const std::string& model_id) {
  return CallPath(ep::kDeleteLoggedModel, FillPath(ep::kDeleteLoggedModel.path, "model_id", model_id), "{}").status();
}

Result<Page<registry::LoggedModel>> RestRegistryStore::SearchLoggedModels(
    const registry::SearchLoggedModelsRequest& request) {
  JsonWriter w;
  w.StartObject().Key("experiment_ids").StartArray();
  for (const auto& id : request.experiment_ids) w.String(id);
  w.EndArray();
  w.FieldIfNotEmpty("filter", request.filter).Field("max_results", request.max_results);
  if (!request.order_by.empty()) {
    // "<field> [ASC|DESC]" -> {field_name, ascending}
    w.Key("order_by").StartArray();
    for (const auto& clause : request.order_by) {
      std::string_view text = clause;
      bool ascending = true;
      size_t space = text.rfind(' ');
      if (space != std::string_view::npos) {
        std::string direction(text.substr(space + 1));
        for (char& c : direction) c = char(std::toupper(static_cast<unsigned char>(c)));
        if (direction == "ASC" || direction == "DESC") {
          ascending = direction == "ASC";
          text = text.substr(0, space);
        }
      }
      w.StartObject().Field("field_name", text).Field("ascending", ascending).EndObject();
    }
    w.EndArray();
  }
  w.FieldIfNotEmpty("page_token", request.page_token);
  w.EndObject();
  CAIRN_ASSIGN_OR_RETURN(auto doc, Call(ep::kSearchLoggedModels, {}, w.str(), true));
  return ReadPage<registry::LoggedModel>(ep::kSearchLoggedModels, doc, "models", mlflow_wire::ReadLoggedModel);
}

Status RestRegistryStore::SetLoggedModelTags(const registry::Actor&, const std::string& model_id,
                                             const std::vector<registry::Tag>& tags) {
  JsonWriter w;
  w.StartObject().Field("model_id", model_id);
  WriteKeyValues(w, "tags", tags);
  w.EndObject();
  return CallPath(ep::kSetLoggedModelTags, FillPath(ep::kSetLoggedModelTags.path, "model_id", model_id), w.str(),
                  true)
      .status();
}

Status RestRegistryStore::DeleteLoggedModelTag(const registry::Actor&, const std::string& model_id,
                                               const std::string& key) {
  std::string path = FillPath(FillPath(ep::kDeleteLoggedModelTag.path, "model_id", model_id), "tag_key", key);
  return CallPath(ep::kDeleteLoggedModelTag, path, "{}").status();
}

Status RestRegistryStore::LogLoggedModelParams(const registry::Actor&, const std::string& model_id,
                                               const std::vector<registry::Tag>& params) {
  JsonWriter w;
  w.StartObject().Field("model_id", model_id);
  WriteKeyValues(w, "params", params);
  w.EndObject();
  return CallPath(ep::kLogLoggedModelParams, FillPath(ep::kLogLoggedModelParams.path, "model_id", model_id), w.str(),
                  true)
      .status();
}

}  // namespace cairn::client
