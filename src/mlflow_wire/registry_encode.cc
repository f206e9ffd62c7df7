#include "mlflow_wire/registry_encode.h"

#include <simdjson.h>

namespace cairn::mlflow_wire {
namespace {

// Copies a parsed JSON value into the writer, so audit details (stored as
// JSON text) appear as a nested object rather than an escaped string.
void CopyJson(JsonWriter& w, simdjson::dom::element value) {
  using simdjson::dom::element_type;
  switch (value.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object object;
      if (value.get(object) != simdjson::SUCCESS) break;
      w.StartObject();
      for (auto field : object) {
        w.Key(field.key);
        CopyJson(w, field.value);
      }
      w.EndObject();
      return;
    }
    case element_type::ARRAY: {
      simdjson::dom::array array;
      if (value.get(array) != simdjson::SUCCESS) break;
      w.StartArray();
      for (auto item : array) CopyJson(w, item);
      w.EndArray();
      return;
    }
    case element_type::STRING: w.String(value.get_string().value_unsafe()); return;
    case element_type::INT64: w.Int64(value.get_int64().value_unsafe()); return;
    case element_type::UINT64: w.Double(double(value.get_uint64().value_unsafe())); return;
    case element_type::DOUBLE: w.Double(value.get_double().value_unsafe()); return;
    case element_type::BOOL: w.Bool(value.get_bool().value_unsafe()); return;
    case element_type::NULL_VALUE: w.Null(); return;
  }
  w.Null();
}

}  // namespace

void WriteRegistryTags(JsonWriter& w, std::string_view field, const std::vector<registry::Tag>& tags) {
  if (tags.empty()) return;
  w.Key(field).StartArray();
  for (const auto& tag : tags) w.StartObject().Field("key", tag.key).Field("value", tag.value).EndObject();
  w.EndArray();
}

void WriteModelVersion(JsonWriter& w, const registry::ModelVersion& v) {
  w.StartObject().Field("name", v.name).Field("version", std::to_string(v.version));
  if (v.creation_timestamp) w.Field("creation_timestamp", v.creation_timestamp);
  if (v.last_updated_timestamp) w.Field("last_updated_timestamp", v.last_updated_timestamp);
  w.FieldIfNotEmpty("user_id", v.user_id)
      .Field("current_stage", registry::StageName(v.current_stage))
      .FieldIfNotEmpty("description", v.description)
      .FieldIfNotEmpty("source", v.source)
      .FieldIfNotEmpty("run_id", v.run_id)
      .Field("status", registry::ModelVersionStatusName(v.status))
      .FieldIfNotEmpty("status_message", v.status_message);
  WriteRegistryTags(w, "tags", v.tags);
  w.FieldIfNotEmpty("run_link", v.run_link);
  if (!v.aliases.empty()) {
    w.Key("aliases").StartArray();
    for (const auto& alias : v.aliases) w.String(alias);
    w.EndArray();
  }
  w.FieldIfNotEmpty("model_id", v.model_id);
  w.EndObject();
}

void WriteRegisteredModel(JsonWriter& w, const registry::RegisteredModel& m) {
  w.StartObject().Field("name", m.name);
  if (m.creation_timestamp) w.Field("creation_timestamp", m.creation_timestamp);
  if (m.last_updated_timestamp) w.Field("last_updated_timestamp", m.last_updated_timestamp);
  w.FieldIfNotEmpty("user_id", m.user_id).FieldIfNotEmpty("description", m.description);
  if (!m.latest_versions.empty()) {
    w.Key("latest_versions").StartArray();
    for (const auto& v : m.latest_versions) WriteModelVersion(w, v);
    w.EndArray();
  }
  WriteRegistryTags(w, "tags", m.tags);
  if (!m.aliases.empty()) {
    w.Key("aliases").StartArray();
    for (const auto& a : m.aliases) {
      w.StartObject().Field("alias", a.alias).Field("version", std::to_string(a.version)).EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteLoggedModel(JsonWriter& w, const registry::LoggedModel& m) {
  w.StartObject().Key("info").StartObject();
  w.Field("model_id", m.model_id)
      .Field("experiment_id", m.experiment_id)
      .FieldIfNotEmpty("name", m.name)
      .FieldIfNotEmpty("artifact_uri", m.artifact_location);
  if (m.creation_timestamp_ms) w.Field("creation_timestamp_ms", m.creation_timestamp_ms);
  if (m.last_updated_timestamp_ms) w.Field("last_updated_timestamp_ms", m.last_updated_timestamp_ms);
  w.Field("status", registry::LoggedModelStatusName(m.status))
      .FieldIfNotEmpty("status_message", m.status_message)
      .FieldIfNotEmpty("model_type", m.model_type)
      .FieldIfNotEmpty("source_run_id", m.source_run_id);
  WriteRegistryTags(w, "tags", m.tags);
  w.EndObject();
  w.Key("data").StartObject();
  WriteRegistryTags(w, "params", m.params);
  w.EndObject();
  w.EndObject();
}

void WriteAuditEvent(JsonWriter& w, const registry::AuditEvent& e) {
  w.StartObject().Field("id", e.id).Field("timestamp", e.timestamp);
  w.FieldIfNotEmpty("actor", e.actor).Field("action", e.action).FieldIfNotEmpty("name", e.model_name);
  w.FieldIfNotEmpty("version", e.version);
  if (!e.details.empty()) {
    simdjson::dom::parser parser;
    simdjson::dom::element details;
    if (parser.parse(e.details).get(details) == simdjson::SUCCESS) {
      w.Key("details");
      CopyJson(w, details);
    } else {
      w.Field("details", e.details);
    }
  }
  w.EndObject();
}

}  // namespace cairn::mlflow_wire
