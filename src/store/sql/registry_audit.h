// The registry audit trail on SQLite: every registry mutation appends one
// row to registry_audit_events inside its own write transaction, so the
// event exists iff the change was committed.
//
// Thread-compatible: the caller owns `db` (the writer's transaction for
// AppendAuditEvent, any transaction for ListAuditEventRows).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "base/result.h"
#include "registry/entities.h"
#include "store/sql/connection.h"

namespace cairn::store::sql {

// A JSON object of the change's arguments, e.g. {"alias":"champion","version":3}.
class AuditDetails {
 public:
  AuditDetails() { writer_.StartObject(); }
  AuditDetails& Add(std::string_view key, std::string_view value) {
    writer_.Field(key, value);
    return *this;
  }
  AuditDetails& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
  AuditDetails& Add(std::string_view key, int64_t value) {
    writer_.Field(key, value);
    return *this;
  }
  AuditDetails& Add(std::string_view key, bool value) {
    writer_.Field(key, value);
    return *this;
  }
  AuditDetails& Add(std::string_view key, const std::vector<int64_t>& values);
  AuditDetails& Add(std::string_view key, const std::vector<std::string>& values);
  AuditDetails& Add(std::string_view key, const std::vector<registry::Tag>& tags);  // {"k": "v", ...}
  // Closes the object; call once.
  std::string Json() {
    writer_.EndObject();
    return writer_.str();
  }

 private:
  JsonWriter writer_;
};

struct AuditRecord {
  std::string_view action;      // "create_model_version", ...
  std::string_view model_name;  // registered model name, or logged model id
  std::string version;          // "" when not about one version
  std::string details = "{}";
};

// Errors: kInternal / kUnavailable from the database.
Status AppendAuditEvent(Connection& db, int64_t now, std::string_view actor, const AuditRecord& record);

// Newest first; `model_name` "" = all. Errors: kInvalidArgument for
// max_results < 1; kInternal / kUnavailable from the database.
Result<std::vector<registry::AuditEvent>> ListAuditEventRows(Connection& db, const std::string& model_name,
                                                             int64_t max_results);

}  // namespace cairn::store::sql
