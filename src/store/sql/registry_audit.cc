#include "store/sql/registry_audit.h"

#include <fmt/format.h>

namespace cairn::store::sql {

AuditDetails& AuditDetails::Add(std::string_view key, const std::vector<int64_t>& values) {
  writer_.Key(key).StartArray();
  for (int64_t value : values) writer_.Int64(value);
  writer_.EndArray();
  return *this;
}

AuditDetails& AuditDetails::Add(std::string_view key, const std::vector<std::string>& values) {
  writer_.Key(key).StartArray();
  for (const std::string& value : values) writer_.String(value);
  writer_.EndArray();
  return *this;
}

AuditDetails& AuditDetails::Add(std::string_view key, const std::vector<registry::Tag>& tags) {
  writer_.Key(key).StartObject();
  for (const registry::Tag& tag : tags) writer_.Field(tag.key, tag.value);
  writer_.EndObject();
  return *this;
}

Status AppendAuditEvent(Connection& db, int64_t now, std::string_view actor, const AuditRecord& record) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO registry_audit_events "
                                               "(timestamp, actor, action, model_name, version, details) "
                                               "VALUES (?, ?, ?, ?, ?, ?)"));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, now));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, actor));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, record.action));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(4, record.model_name));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(5, record.version));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(6, record.details));
  return stmt->Run();
}

Result<std::vector<registry::AuditEvent>> ListAuditEventRows(Connection& db, const std::string& model_name,
                                                             int64_t max_results) {
  if (max_results < 1) {
    return InvalidArgument(fmt::format("max_results must be a positive integer, got {}", max_results));
  }
  constexpr std::string_view kColumns = "id, timestamp, actor, action, model_name, version, details";
  std::string sql = model_name.empty()
                        ? fmt::format("SELECT {} FROM registry_audit_events ORDER BY id DESC LIMIT ?", kColumns)
                        : fmt::format("SELECT {} FROM registry_audit_events WHERE model_name = ? "
                                      "ORDER BY id DESC LIMIT ?",
                                      kColumns);
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
  int index = 1;
  if (!model_name.empty()) CAIRN_RETURN_IF_ERROR(stmt->BindText(index++, model_name));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(index, max_results));
  std::vector<registry::AuditEvent> events;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) break;
    registry::AuditEvent event;
    event.id = stmt->ColumnInt64(0);
    event.timestamp = stmt->ColumnInt64(1);
    event.actor = stmt->ColumnText(2);
    event.action = stmt->ColumnText(3);
    event.model_name = stmt->ColumnText(4);
    event.version = stmt->ColumnText(5);
    event.details = stmt->ColumnText(6);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace cairn::store::sql
