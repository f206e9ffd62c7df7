// MLflow JSON decoding of model-registry entities: the inverse of
// registry_encode.h, used by the client library. Lenient where proto3-JSON
// is (absent fields take their defaults) and strict about types: a field of
// the wrong JSON type, a version that is not an integer, or an enum name this
// build does not know is kInvalidArgument naming the field. Pure, thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "base/json_reader.h"
#include "base/result.h"
#include "registry/entities.h"

namespace cairn::mlflow_wire {

Result<registry::ModelVersion> ReadModelVersion(const JsonObjectView& object);
Result<registry::RegisteredModel> ReadRegisteredModel(const JsonObjectView& object);
Result<registry::LoggedModel> ReadLoggedModel(const JsonObjectView& object);
// The "events" array of a cairn audit response body (the whole body, since
// each event's `details` object is kept as its JSON text).
Result<std::vector<registry::AuditEvent>> ReadAuditEvents(std::string_view body);

// The array `field` of {key, value} objects; empty when absent.
Result<std::vector<registry::Tag>> ReadRegistryTags(const JsonObjectView& object, std::string_view field);

}  // namespace cairn::mlflow_wire
