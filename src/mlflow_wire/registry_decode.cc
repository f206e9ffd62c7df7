#include "mlflow_wire/registry_decode.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "mlflow_wire/decode.h"

namespace cairn::mlflow_wire {
namespace {

Status ReadString(const JsonObjectView& object, std::string_view key, std::string* out) {
  auto value = object.GetString(key);
  if (!value.ok()) return value.error();
  if (value->has_value()) *out = std::move(**value);
  return Status::Ok();
}

Status ReadInt64(const JsonObjectView& object, std::string_view key, int64_t* out) {
  auto value = object.GetInt64(key);
  if (!value.ok()) return value.error();
  if (value->has_value()) *out = **value;
  return Status::Ok();
}

}  // namespace

Result<std::vector<registry::Tag>> ReadRegistryTags(const JsonObjectView& object, std::string_view field) {
  return ReadArray<registry::Tag>(object, field, [](const JsonObjectView& item) -> Result<registry::Tag> {
    registry::Tag tag;
    CAIRN_RETURN_IF_ERROR(ReadString(item, "key", &tag.key));
    CAIRN_RETURN_IF_ERROR(ReadString(item, "value", &tag.value));
    return tag;
  });
}

Result<registry::ModelVersion> ReadModelVersion(const JsonObjectView& object) {
  registry::ModelVersion v;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "name", &v.name));
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "version", &v.version));
  if (v.name.empty() || v.version <= 0) return InvalidArgument("Model version without name or version.");
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "creation_timestamp", &v.creation_timestamp));
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "last_updated_timestamp", &v.last_updated_timestamp));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "user_id", &v.user_id));
  std::string stage;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "current_stage", &stage));
  if (!stage.empty()) {
    auto parsed = registry::ParseStage(stage);
    if (!parsed) return InvalidArgument(fmt::format("Unknown current_stage '{}'.", stage));
    v.current_stage = *parsed;
  }
  CAIRN_RETURN_IF_ERROR(ReadString(object, "description", &v.description));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "source", &v.source));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "run_id", &v.run_id));
  std::string status;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "status", &status));
  if (!status.empty()) {
    bool known = false;
    for (auto s : {registry::ModelVersionStatus::kPendingRegistration, registry::ModelVersionStatus::kFailedRegistration,
                   registry::ModelVersionStatus::kReady}) {
      if (registry::ModelVersionStatusName(s) == status) {
        v.status = s;
        known = true;
      }
    }
    if (!known) return InvalidArgument(fmt::format("Unknown model version status '{}'.", status));
  }
  CAIRN_RETURN_IF_ERROR(ReadString(object, "status_message", &v.status_message));
  CAIRN_ASSIGN_OR_RETURN(v.tags, ReadRegistryTags(object, "tags"));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "run_link", &v.run_link));
  CAIRN_ASSIGN_OR_RETURN(auto aliases, object.GetArray("aliases"));
  if (aliases) {
    CAIRN_ASSIGN_OR_RETURN(v.aliases, aliases->Strings("aliases"));
  }
  CAIRN_RETURN_IF_ERROR(ReadString(object, "model_id", &v.model_id));
  return v;
}

Result<registry::RegisteredModel> ReadRegisteredModel(const JsonObjectView& object) {
  registry::RegisteredModel m;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "name", &m.name));
  if (m.name.empty()) return InvalidArgument("Registered model without name.");
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "creation_timestamp", &m.creation_timestamp));
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "last_updated_timestamp", &m.last_updated_timestamp));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "user_id", &m.user_id));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "description", &m.description));
  CAIRN_ASSIGN_OR_RETURN(m.latest_versions, ReadArray<registry::ModelVersion>(object, "latest_versions", ReadModelVersion));
  CAIRN_ASSIGN_OR_RETURN(m.tags, ReadRegistryTags(object, "tags"));
  CAIRN_ASSIGN_OR_RETURN(m.aliases, ReadArray<registry::Alias>(object, "aliases",
                                                               [](const JsonObjectView& item) -> Result<registry::Alias> {
                                                                 registry::Alias a;
                                                                 CAIRN_RETURN_IF_ERROR(ReadString(item, "alias", &a.alias));
                                                                 CAIRN_RETURN_IF_ERROR(ReadInt64(item, "version", &a.version));
                                                                 return a;
                                                               }));
  return m;
}

Result<registry::LoggedModel> ReadLoggedModel(const JsonObjectView& object) {
  registry::LoggedModel m;
  CAIRN_ASSIGN_OR_RETURN(auto info, object.GetObject("info"));
  if (!info) return InvalidArgument("Logged model without info.");
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "model_id", &m.model_id));
  if (m.model_id.empty()) return InvalidArgument("Logged model without model_id.");
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "experiment_id", &m.experiment_id));
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "name", &m.name));
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "artifact_uri", &m.artifact_location));
  CAIRN_RETURN_IF_ERROR(ReadInt64(*info, "creation_timestamp_ms", &m.creation_timestamp_ms));
  CAIRN_RETURN_IF_ERROR(ReadInt64(*info, "last_updated_timestamp_ms", &m.last_updated_timestamp_ms));
  std::string status;
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "status", &status));
  if (!status.empty()) {
    auto parsed = registry::ParseLoggedModelStatus(status);
    if (!parsed) return InvalidArgument(fmt::format("Unknown logged model status '{}'.", status));
    m.status = *parsed;
  }
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "status_message", &m.status_message));
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "model_type", &m.model_type));
  CAIRN_RETURN_IF_ERROR(ReadString(*info, "source_run_id", &m.source_run_id));
  CAIRN_ASSIGN_OR_RETURN(m.tags, ReadRegistryTags(*info, "tags"));
  CAIRN_ASSIGN_OR_RETURN(auto data, object.GetObject("data"));
  if (data) {
    CAIRN_ASSIGN_OR_RETURN(m.params, ReadRegistryTags(*data, "params"));
  }
  return m;
}

Result<std::vector<registry::AuditEvent>> ReadAuditEvents(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return InvalidArgument("Audit response is not a JSON object.");
  }
  std::vector<registry::AuditEvent> events;
  simdjson::dom::array items;
  if (root["events"].get(items) != simdjson::SUCCESS) return events;  // absent: none
  for (simdjson::dom::element item : items) {
    simdjson::dom::object object;
    if (item.get(object) != simdjson::SUCCESS) return InvalidArgument("Audit event is not an object.");
    registry::AuditEvent e;
    JsonObjectView view(object);
    CAIRN_RETURN_IF_ERROR(ReadInt64(view, "id", &e.id));
    CAIRN_RETURN_IF_ERROR(ReadInt64(view, "timestamp", &e.timestamp));
    CAIRN_RETURN_IF_ERROR(ReadString(view, "actor", &e.actor));
    CAIRN_RETURN_IF_ERROR(ReadString(view, "action", &e.action));
    CAIRN_RETURN_IF_ERROR(ReadString(view, "name", &e.model_name));
    CAIRN_RETURN_IF_ERROR(ReadString(view, "version", &e.version));
    simdjson::dom::element details;
    if (object["details"].get(details) == simdjson::SUCCESS && !details.is_null()) {
      std::string_view text;
      e.details = details.get(text) == simdjson::SUCCESS ? std::string(text) : simdjson::minify(details);
    }
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace cairn::mlflow_wire
