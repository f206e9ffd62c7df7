#include "store/sql/registry_rows.h"

#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/sql/rows.h"

namespace cairn::store::sql {
namespace {

using registry::LoggedModel;
using registry::ModelVersion;
using registry::RegisteredModel;

// Runs `sql` (one `?` bound to `json`) and hands each row to `on_row`.
template <typename OnRow>
Status ForEachRow(Connection& db, std::string_view sql, const std::string& json, OnRow&& on_row) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(db.dialect().Expand(sql)));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, json));
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status();
    on_row(*stmt);
  }
}

using VersionKey = std::pair<std::string, int64_t>;

// [["name", version], ...] for joins on (name, version) (Dialect::JsonNameVersionPairs).
std::string JsonVersionKeys(const std::vector<VersionKey>& keys) {
  std::string out = "[";
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ',';
    std::string name = JsonStringArray({keys[i].first});  // ["name"], escaped
    name.pop_back();
    out += name;
    out += ',';
    out += std::to_string(keys[i].second);
    out += ']';
  }
  out += ']';
  return out;
}

// Positions of each (name, version) in a vector of versions.
std::map<VersionKey, std::vector<ModelVersion*>> IndexVersions(std::vector<ModelVersion*>& versions) {
  std::map<VersionKey, std::vector<ModelVersion*>> index;
  for (ModelVersion* v : versions) index[{v->name, v->version}].push_back(v);
  return index;
}

Status LoadVersionTags(Connection& db, std::vector<ModelVersion*>& versions) {
  if (versions.empty()) return Status();
  auto index = IndexVersions(versions);
  std::vector<VersionKey> keys;
  keys.reserve(index.size());
  for (const auto& [key, unused] : index) keys.push_back(key);
  return ForEachRow(db,
                    "SELECT t.name, t.version, t.key, t.value FROM {name_version_pairs} j "
                    "JOIN model_version_tags t ON t.name = j.name AND t.version = j.version "
                    "ORDER BY t.name, t.version, t.key",
                    JsonVersionKeys(keys), [&](const Statement& row) {
                      auto it = index.find({row.ColumnText(0), row.ColumnInt64(1)});
                      if (it == index.end()) return;
                      for (ModelVersion* v : it->second) v->tags.push_back({row.ColumnText(2), row.ColumnText(3)});
                    });
}

}  // namespace

RegisteredModel ReadRegisteredModel(const Statement& stmt) {
  RegisteredModel model;
  model.name = stmt.ColumnText(0);
  model.creation_timestamp = stmt.ColumnInt64(1);
  model.last_updated_timestamp = stmt.ColumnInt64(2);
  model.user_id = stmt.ColumnText(3);
  model.description = stmt.ColumnText(4);
  return model;
}

ModelVersion ReadModelVersion(const Statement& stmt) {
  ModelVersion v;
  v.name = stmt.ColumnText(0);
  v.version = stmt.ColumnInt64(1);
  v.creation_timestamp = stmt.ColumnInt64(2);
  v.last_updated_timestamp = stmt.ColumnInt64(3);
  v.user_id = stmt.ColumnText(4);
  v.current_stage = registry::ParseStage(stmt.ColumnTextView(5)).value_or(registry::Stage::kNone);
  v.description = stmt.ColumnText(6);
  v.source = stmt.ColumnText(7);
  v.storage_location = stmt.ColumnText(8);
  v.run_id = stmt.ColumnText(9);
  std::string_view status = stmt.ColumnTextView(10);
  v.status = status == "PENDING_REGISTRATION"  ? registry::ModelVersionStatus::kPendingRegistration
             : status == "FAILED_REGISTRATION" ? registry::ModelVersionStatus::kFailedRegistration
                                               : registry::ModelVersionStatus::kReady;
  v.status_message = stmt.ColumnText(11);
  v.run_link = stmt.ColumnText(12);
  v.model_id = stmt.ColumnText(13);
  return v;
}

LoggedModel ReadLoggedModel(const Statement& stmt) {
  LoggedModel model;
  model.model_id = stmt.ColumnText(0);
  model.experiment_id = std::to_string(stmt.ColumnInt64(1));
  model.name = stmt.ColumnText(2);
  model.artifact_location = stmt.ColumnText(3);
  model.creation_timestamp_ms = stmt.ColumnInt64(4);
  model.last_updated_timestamp_ms = stmt.ColumnInt64(5);
  model.model_type = stmt.ColumnText(6);
  model.source_run_id = stmt.ColumnText(7);
  model.status = registry::ParseLoggedModelStatus(stmt.ColumnTextView(8)).value_or(registry::LoggedModelStatus::kPending);
  model.status_message = stmt.ColumnText(9);
  return model;
}

Status LoadRegisteredModelChildren(Connection& db, std::vector<RegisteredModel>* models) {
  if (models->empty()) return Status();
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(models->size());
  std::vector<std::string> names;
  names.reserve(models->size());
  for (size_t i = 0; i < models->size(); ++i) {
    index.emplace((*models)[i].name, i);
    names.push_back((*models)[i].name);
  }
  const std::string names_json = JsonStringArray(names);
  auto find = [&](std::string_view name) -> RegisteredModel* {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &(*models)[it->second];
  };

  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
                                   "SELECT name, key, value FROM registered_model_tags "
                                   "WHERE name IN ({text_list}) ORDER BY name, key",
                                   names_json, [&](const Statement& row) {
                                     if (RegisteredModel* m = find(row.ColumnTextView(0))) {
                                       m->tags.push_back({row.ColumnText(1), row.ColumnText(2)});
                                     }
                                   }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
                                   "SELECT name, alias, version FROM registered_model_aliases "
                                   "WHERE name IN ({text_list}) ORDER BY name, alias",
                                   names_json, [&](const Statement& row) {
                                     if (RegisteredModel* m = find(row.ColumnTextView(0))) {
                                       m->aliases.push_back({row.ColumnText(1), row.ColumnInt64(2)});
                                     }
                                   }));
  // Latest version per (model, stage): one grouped scan of the
  // (name, current_stage, version) index for the whole page.
  CAIRN_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT v.name, v.version, v.creation_time, v.last_updated_time, v.user_id, v.current_stage, v.description, "
      "v.source, v.storage_location, v.run_id, v.status, v.status_message, v.run_link, v.model_id "
      "FROM (SELECT name AS n, MAX(version) AS mv FROM model_versions "
      "      WHERE name IN ({text_list}) AND current_stage != 'Deleted_Internal' "
      "      GROUP BY name, current_stage) l "
      "JOIN model_versions v ON v.name = l.n AND v.version = l.mv "
      "ORDER BY v.name, CASE v.current_stage WHEN 'None' THEN 0 WHEN 'Staging' THEN 1 "
      "WHEN 'Production' THEN 2 ELSE 3 END",
      names_json, [&](const Statement& row) {
        if (RegisteredModel* m = find(row.ColumnTextView(0))) m->latest_versions.push_back(ReadModelVersion(row));
      }));
  std::vector<ModelVersion*> latest;
  for (RegisteredModel& m : *models) {
    for (ModelVersion& v : m.latest_versions) {
      for (const registry::Alias& alias : m.aliases) {
        if (alias.version == v.version) v.aliases.push_back(alias.alias);
      }
      latest.push_back(&v);
    }
  }
  return LoadVersionTags(db, latest);
}

Status LoadModelVersionChildren(Connection& db, std::vector<ModelVersion>* versions) {
  if (versions->empty()) return Status();
  std::vector<ModelVersion*> pointers;
  pointers.reserve(versions->size());
  for (ModelVersion& v : *versions) pointers.push_back(&v);
  CAIRN_RETURN_IF_ERROR(LoadVersionTags(db, pointers));
  auto index = IndexVersions(pointers);
  std::vector<VersionKey> keys;
  keys.reserve(index.size());
  for (const auto& [key, unused] : index) keys.push_back(key);
  return ForEachRow(db,
                    "SELECT a.name, a.version, a.alias FROM {name_version_pairs} j "
                    "JOIN registered_model_aliases a ON a.name = j.name AND a.version = j.version "
                    "ORDER BY a.name, a.version, a.alias",
                    JsonVersionKeys(keys), [&](const Statement& row) {
                      auto it = index.find({row.ColumnText(0), row.ColumnInt64(1)});
                      if (it == index.end()) return;
                      for (ModelVersion* v : it->second) v->aliases.push_back(row.ColumnText(2));
                    });
}

Status LoadLoggedModelChildren(Connection& db, std::vector<LoggedModel>* models) {
  if (models->empty()) return Status();
  std::unordered_map<std::string_view, size_t> index;
  std::vector<std::string> ids;
  for (size_t i = 0; i < models->size(); ++i) {
    index.emplace((*models)[i].model_id, i);
    ids.push_back((*models)[i].model_id);
  }
  const std::string ids_json = JsonStringArray(ids);
  auto find = [&](std::string_view id) -> LoggedModel* {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &(*models)[it->second];
  };
  CAIRN_RETURN_IF_ERROR(ForEachRow(db,
                                   "SELECT model_id, key, value FROM logged_model_tags "
                                   "WHERE model_id IN ({text_list}) ORDER BY model_id, key",
                                   ids_json, [&](const Statement& row) {
                                     if (LoggedModel* m = find(row.ColumnTextView(0))) {
                                       m->tags.push_back({row.ColumnText(1), row.ColumnText(2)});
                                     }
                                   }));
  return ForEachRow(db,
                    "SELECT model_id, key, value FROM logged_model_params "
                    "WHERE model_id IN ({text_list}) ORDER BY model_id, key",
                    ids_json, [&](const Statement& row) {
                      if (LoggedModel* m = find(row.ColumnTextView(0))) {
                        m->params.push_back({row.ColumnText(1), row.ColumnText(2)});
                      }
                    });
}

}  // namespace cairn::store::sql
