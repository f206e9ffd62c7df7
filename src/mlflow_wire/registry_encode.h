// MLflow JSON encoding of model-registry entities (model_registry.proto and
// MLflow 3's LoggedModel), with the same proto3-JSON conventions as encode.h:
// snake_case, int64 as numbers, enums by name, empty/unset fields omitted.
// Model version numbers are strings on the wire ("3"). Shared by the server
// frontend, the client library and the CLI. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "registry/entities.h"

namespace cairn::mlflow_wire {

// Each writes one JSON object value (the caller writes the key, if any).
// ModelVersion: name, version (string), creation_timestamp,
// last_updated_timestamp, user_id, current_stage, description, source,
// run_id, status, status_message, tags [{key,value}], run_link,
// aliases [string], model_id. storage_location is cairn-internal and not
// part of MLflow's message (get-download-uri returns it).
void WriteModelVersion(JsonWriter& w, const registry::ModelVersion& version);
// RegisteredModel: name, creation_timestamp, last_updated_timestamp,
// user_id, description, latest_versions [ModelVersion], tags,
// aliases [{alias, version (string)}].
void WriteRegisteredModel(JsonWriter& w, const registry::RegisteredModel& model);
// LoggedModel: {"info": {model_id, experiment_id, name, artifact_uri,
// creation_timestamp_ms, last_updated_timestamp_ms, status, status_message,
// model_type, source_run_id, tags}, "data": {params}}.
void WriteLoggedModel(JsonWriter& w, const registry::LoggedModel& model);
// cairn audit event (docs/protocols/cairn-lineage.md): {id, timestamp,
// actor, action, name, version, details}. `details` is written as the JSON
// object it holds (as a string if it is not valid JSON).
void WriteAuditEvent(JsonWriter& w, const registry::AuditEvent& event);
// [{key, value}] under `field`; omitted when empty.
void WriteRegistryTags(JsonWriter& w, std::string_view field, const std::vector<registry::Tag>& tags);

}  // namespace cairn::mlflow_wire
