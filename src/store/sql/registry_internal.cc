#include "store/sql/registry_internal.h"

#include <fmt/format.h>

#include <vector>

#include "store/sql/registry_rows.h"

namespace cairn::store::sql::registry_internal {

Status ModelNotFound(std::string_view name) {
  return NotFound(fmt::format("Registered Model with name={} not found", name));
}

Status VersionNotFound(std::string_view name, int64_t version) {
  return NotFound(fmt::format("Model Version (name={}, version={}) not found", name, version));
}

Status LoggedModelNotFound(std::string_view model_id) {
  return NotFound(fmt::format("Logged model with ID '{}' not found.", model_id));
}

Status ModelNameTaken(std::string_view name, const Status& cause) {
  return Status(StatusCode::kAlreadyExists, fmt::format("Registered Model (name={}) already exists.", name),
                cause.internal_context());
}

Status RequireModel(Connection& db, const std::string& name) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM registered_models WHERE name = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? Status() : ModelNotFound(name);
}

Status RequireVersion(Connection& db, const std::string& name, int64_t version) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM model_versions WHERE name = ? AND version = ? "
                                               "AND current_stage != 'Deleted_Internal'"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, version));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? Status() : VersionNotFound(name, version);
}

Status RequireLoggedModel(Connection& db, const std::string& model_id) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM logged_models WHERE model_id = ? "
                                               "AND lifecycle_stage = 'active'"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, model_id));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? Status() : LoggedModelNotFound(model_id);
}

Status TouchModel(Connection& db, const std::string& name, int64_t now) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE registered_models SET last_updated_time = ? WHERE name = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, now));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, name));
  return stmt->Run();
}

Status TouchLoggedModel(Connection& db, const std::string& model_id, int64_t now) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt,
                         db.Prepare("UPDATE logged_models SET last_updated_timestamp_ms = ? WHERE model_id = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, now));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, model_id));
  return stmt->Run();
}

Status UpsertModelTag(Connection& db, const std::string& name, const registry::Tag& tag) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?) "
                                               "ON CONFLICT (name, key) DO UPDATE SET value = excluded.value"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, tag.key));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, tag.value));
  return stmt->Run();
}

Status UpsertVersionTag(Connection& db, const std::string& name, int64_t version, const registry::Tag& tag) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt,
                         db.Prepare("INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) "
                                    "ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, version));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, tag.key));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(4, tag.value));
  return stmt->Run();
}

Status UpsertLoggedModelTag(Connection& db, const std::string& model_id, const registry::Tag& tag) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO logged_model_tags (model_id, key, value) VALUES (?, ?, ?) "
                                               "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, model_id));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, tag.key));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, tag.value));
  return stmt->Run();
}

Status InsertLoggedModelParam(Connection& db, const std::string& model_id, const registry::Tag& param) {
  {
    CAIRN_ASSIGN_OR_RETURN(auto existing,
                           db.Prepare("SELECT value FROM logged_model_params WHERE model_id = ? AND key = ?"));
    CAIRN_RETURN_IF_ERROR(existing->BindText(1, model_id));
    CAIRN_RETURN_IF_ERROR(existing->BindText(2, param.key));
    CAIRN_ASSIGN_OR_RETURN(bool row, existing->Step());
    if (row) {
      if (existing->ColumnTextView(0) == param.value) return Status();
      return InvalidArgument(
          fmt::format("Changing param values is not allowed. Param with key='{}' was already logged with value='{}' "
                      "for logged model ID='{}'. Attempted logging new value '{}'.",
                      param.key, existing->ColumnTextView(0), model_id, param.value));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(auto stmt,
                         db.Prepare("INSERT INTO logged_model_params (model_id, key, value) VALUES (?, ?, ?)"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, model_id));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, param.key));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, param.value));
  return stmt->Run();
}

Result<registry::RegisteredModel> LoadModel(Connection& db, const std::string& name) {
  std::vector<registry::RegisteredModel> found;
  {
    CAIRN_ASSIGN_OR_RETURN(
        auto stmt, db.Prepare(fmt::format("SELECT {} FROM registered_models m WHERE m.name = ?", kRegisteredModelColumns)));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return ModelNotFound(name);
    found.push_back(ReadRegisteredModel(*stmt));
  }
  CAIRN_RETURN_IF_ERROR(LoadRegisteredModelChildren(db, &found));
  return std::move(found.front());
}

Result<registry::ModelVersion> LoadVersion(Connection& db, const std::string& name, int64_t version) {
  std::vector<registry::ModelVersion> found;
  {
    CAIRN_ASSIGN_OR_RETURN(auto stmt,
                           db.Prepare(fmt::format("SELECT {} FROM model_versions v WHERE v.name = ? AND v.version = ? "
                                                  "AND v.current_stage != 'Deleted_Internal'",
                                                  kModelVersionColumns)));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, version));
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return VersionNotFound(name, version);
    found.push_back(ReadModelVersion(*stmt));
  }
  CAIRN_RETURN_IF_ERROR(LoadModelVersionChildren(db, &found));
  return std::move(found.front());
}

Result<registry::LoggedModel> LoadLoggedModel(Connection& db, const std::string& model_id) {
  std::vector<registry::LoggedModel> found;
  {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(fmt::format("SELECT {} FROM logged_models l WHERE l.model_id = ? "
                                                             "AND l.lifecycle_stage = 'active'",
                                                             kLoggedModelColumns)));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, model_id));
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return LoggedModelNotFound(model_id);
    found.push_back(ReadLoggedModel(*stmt));
  }
  CAIRN_RETURN_IF_ERROR(LoadLoggedModelChildren(db, &found));
  return std::move(found.front());
}

}  // namespace cairn::store::sql::registry_internal
