// /registered-models/* handlers: registered models, their tags and aliases.
#include <fmt/format.h>

#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "frontends/mlflow_rest/registry_handler_util.h"
#include "mlflow_wire/registry_encode.h"
#include "registry/validation.h"

namespace cairn::frontends {
namespace {

namespace ep = mlflow_wire::endpoints;
using registry::RegistryStore;

std::string RegisteredModelJson(const registry::RegisteredModel& model) {
  JsonWriter w;
  w.StartObject().Key("registered_model");
  mlflow_wire::WriteRegisteredModel(w, model);
  w.EndObject();
  return w.str();
}

Result<std::string> RequireName(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, params.RequireString("name"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateModelName(name));
  return name;
}

Result<std::string> OptionalDescription(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto description, params.GetString("description"));
  std::string text = description.value_or("");
  CAIRN_RETURN_IF_ERROR(registry::ValidateDescription(text));
  return text;
}

// A tag value is required but may be empty.
Result<std::string> RequireTagValue(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto value, params.GetString("value"));
  if (!value) return RequestParams::Missing("value");
  return std::move(*value);
}

Result<std::string> CreateRegisteredModel(RegistryStore& store, const RequestParams& params,
                                          const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(auto tags, ReadRegistryTagList(params, "tags"));
  CAIRN_ASSIGN_OR_RETURN(std::string description, OptionalDescription(params));
  CAIRN_ASSIGN_OR_RETURN(auto model, store.CreateRegisteredModel(ActorOf(request), name, tags, description));
  return RegisteredModelJson(model);
}

Result<std::string> GetRegisteredModel(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(auto model, store.GetRegisteredModel(name));
  return RegisteredModelJson(model);
}

Result<std::string> RenameRegisteredModel(RegistryStore& store, const RequestParams& params,
                                          const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(std::string new_name, params.RequireString("new_name"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateModelName(new_name, "new_name"));
  CAIRN_ASSIGN_OR_RETURN(auto model, store.RenameRegisteredModel(ActorOf(request), name, new_name));
  return RegisteredModelJson(model);
}

Result<std::string> UpdateRegisteredModel(RegistryStore& store, const RequestParams& params,
                                          const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(std::string description, OptionalDescription(params));
  CAIRN_ASSIGN_OR_RETURN(auto model, store.UpdateRegisteredModel(ActorOf(request), name, description));
  return RegisteredModelJson(model);
}

Result<std::string> DeleteRegisteredModel(RegistryStore& store, const RequestParams& params,
                                          const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_RETURN_IF_ERROR(store.DeleteRegisteredModel(ActorOf(request), name));
  return std::string(kEmptyJson);
}

Result<std::string> SearchRegisteredModels(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto search, ReadRegistrySearch(params, registry::kDefaultSearchRegisteredModels,
                                                          registry::kMaxSearchRegisteredModels));
  CAIRN_ASSIGN_OR_RETURN(auto page, store.SearchRegisteredModels(search));
  JsonWriter w;
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("registered_models").StartArray();
    for (const auto& model : page.items) mlflow_wire::WriteRegisteredModel(w, model);
    w.EndArray();
  }
  w.FieldIfNotEmpty("next_page_token", page.next_page_token);
  w.EndObject();
  return w.str();
}

Result<std::string> GetLatestVersions(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(auto stage_names, params.GetStringList("stages"));
  std::vector<registry::Stage> stages;
  for (const auto& stage_name : stage_names) {
    CAIRN_ASSIGN_OR_RETURN(auto stage, registry::ParseStageArgument(stage_name));
    stages.push_back(stage);
  }
  CAIRN_ASSIGN_OR_RETURN(auto versions, store.GetLatestVersions(name, stages));
  JsonWriter w;
  w.StartObject();
  if (!versions.empty()) {
    w.Key("model_versions").StartArray();
    for (const auto& v : versions) mlflow_wire::WriteModelVersion(w, v);
    w.EndArray();
  }
  w.EndObject();
  return w.str();
}

Result<std::string> SetRegisteredModelTag(RegistryStore& store, const RequestParams& params,
                                          const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  registry::Tag tag;
  CAIRN_ASSIGN_OR_RETURN(tag.key, params.RequireString("key"));
  CAIRN_ASSIGN_OR_RETURN(tag.value, RequireTagValue(params));
  CAIRN_RETURN_IF_ERROR(registry::ValidateRegistryTag(tag));
  CAIRN_RETURN_IF_ERROR(store.SetRegisteredModelTag(ActorOf(request), name, tag));
  return std::string(kEmptyJson);
}

Result<std::string> DeleteRegisteredModelTag(RegistryStore& store, const RequestParams& params,
                                             const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(std::string key, params.RequireString("key"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateRegistryTagKey(key));
  CAIRN_RETURN_IF_ERROR(store.DeleteRegisteredModelTag(ActorOf(request), name, key));
  return std::string(kEmptyJson);
}

Result<std::string> SetAlias(RegistryStore& store, const RequestParams& params, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(std::string alias, params.RequireString("alias"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateAlias(alias));
  CAIRN_ASSIGN_OR_RETURN(int64_t version, RequireVersion(params));
  CAIRN_RETURN_IF_ERROR(store.SetAlias(ActorOf(request), name, alias, version));
  return std::string(kEmptyJson);
}

Result<std::string> DeleteAlias(RegistryStore& store, const RequestParams& params, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(std::string alias, params.RequireString("alias"));
  CAIRN_RETURN_IF_ERROR(store.DeleteAlias(ActorOf(request), name, alias));
  return std::string(kEmptyJson);
}

Result<std::string> GetVersionByAlias(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(std::string alias, params.RequireString("alias"));
  CAIRN_ASSIGN_OR_RETURN(auto version, store.GetVersionByAlias(name, alias));
  JsonWriter w;
  w.StartObject().Key("model_version");
  mlflow_wire::WriteModelVersion(w, version);
  w.EndObject();
  return w.str();
}

}  // namespace

void RegisterRegistryModelRoutes(Router& router, const RegistryContext& context) {
  RegistryStore& store = context.registry;
  // Handlers that record an actor get the request; the others only params.
  auto with_actor = [&router, &store](const mlflow_wire::Endpoint& endpoint,
                                      Result<std::string> (*fn)(RegistryStore&, const RequestParams&,
                                                                const HttpRequest&)) {
    AddRegistryRoute(router, endpoint,
                     [&store, fn](const RequestParams& params, const HttpRequest& request) {
                       return fn(store, params, request);
                     });
  };
  auto read_only = [&router, &store](const mlflow_wire::Endpoint& endpoint,
                                     Result<std::string> (*fn)(RegistryStore&, const RequestParams&)) {
    AddRegistryRoute(router, endpoint,
                     [&store, fn](const RequestParams& params, const HttpRequest&) { return fn(store, params); });
  };
  with_actor(ep::kCreateRegisteredModel, CreateRegisteredModel);
  read_only(ep::kGetRegisteredModel, GetRegisteredModel);
  with_actor(ep::kRenameRegisteredModel, RenameRegisteredModel);
  with_actor(ep::kUpdateRegisteredModel, UpdateRegisteredModel);
  with_actor(ep::kDeleteRegisteredModel, DeleteRegisteredModel);
  read_only(ep::kSearchRegisteredModels, SearchRegisteredModels);
  read_only(ep::kGetLatestVersions, GetLatestVersions);
  read_only(ep::kGetLatestVersionsGet, GetLatestVersions);
  with_actor(ep::kSetRegisteredModelTag, SetRegisteredModelTag);
  with_actor(ep::kDeleteRegisteredModelTag, DeleteRegisteredModelTag);
  with_actor(ep::kSetRegisteredModelAlias, SetAlias);
  with_actor(ep::kDeleteRegisteredModelAlias, DeleteAlias);
  read_only(ep::kGetModelVersionByAlias, GetVersionByAlias);
}

}  // namespace cairn::frontends
