// SqlRegistryStore: registered models, their tags and aliases, and the
// audit trail.
#include "store/sql/registry_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "registry/registry_filter.h"
#include "registry/validation.h"
#include "store/sql/registry_audit.h"
#include "store/sql/registry_internal.h"
#include "store/sql/registry_rows.h"
#include "store/sql/registry_search.h"
#include "tracking/page_token.h"

namespace cairn::store::sql {

using registry::Actor;
using registry::AuditEvent;
using registry::ModelVersion;
using registry::RegisteredModel;
using registry::Stage;
using registry::Tag;
using namespace registry_internal;  // NOLINT: the store's own helpers

SqlRegistryStore::SqlRegistryStore(std::shared_ptr<Backend> db) : db_(std::move(db)) {}

SqlRegistryStore::~SqlRegistryStore() = default;

Result<RegisteredModel> SqlRegistryStore::CreateRegisteredModel(const Actor& actor, const std::string& name,
                                                                   const std::vector<Tag>& tags,
                                                                   const std::string& description) {
  const int64_t now = NowMillis();
  RegisteredModel created;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO registered_models "
                                                   "(name, creation_time, last_updated_time, user_id, description) "
                                                   "VALUES (?, ?, ?, ?, ?)"));
    CAIRN_RETURN_IF_ERROR(insert->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(3, now));
    CAIRN_RETURN_IF_ERROR(insert->BindText(4, actor.user));
    CAIRN_RETURN_IF_ERROR(insert->BindText(5, description));
    Status inserted = insert->Run();
    if (inserted.code() == StatusCode::kAlreadyExists) return ModelNameTaken(name, inserted);
    CAIRN_RETURN_IF_ERROR(inserted);
    for (const Tag& tag : tags) CAIRN_RETURN_IF_ERROR(UpsertModelTag(db, name, tag));
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(
        db, now, actor.user,
        {"create_registered_model", name, "", AuditDetails().Add("tags", tags).Add("description", description).Json()}));
    CAIRN_ASSIGN_OR_RETURN(created, LoadModel(db, name));
    return Status();
  }));
  return created;
}

Result<RegisteredModel> SqlRegistryStore::GetRegisteredModel(const std::string& name) {
  RegisteredModel model;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(model, LoadModel(db, name));
    return Status();
  }));
  return model;
}

Result<RegisteredModel> SqlRegistryStore::RenameRegisteredModel(const Actor& actor, const std::string& name,
                                                                   const std::string& new_name) {
  const int64_t now = NowMillis();
  RegisteredModel renamed;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    // ON UPDATE CASCADE carries versions, version tags, model tags and
    // aliases to the new name.
    CAIRN_ASSIGN_OR_RETURN(auto rename, db.Prepare("UPDATE registered_models SET name = ?, last_updated_time = ? "
                                                   "WHERE name = ?"));
    CAIRN_RETURN_IF_ERROR(rename->BindText(1, new_name));
    CAIRN_RETURN_IF_ERROR(rename->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(rename->BindText(3, name));
    Status updated = rename->Run();
    if (updated.code() == StatusCode::kAlreadyExists) return ModelNameTaken(new_name, updated);
    CAIRN_RETURN_IF_ERROR(updated);
    CAIRN_ASSIGN_OR_RETURN(auto versions, db.Prepare("UPDATE model_versions SET last_updated_time = ? "
                                                     "WHERE name = ? AND current_stage != 'Deleted_Internal'"));
    CAIRN_RETURN_IF_ERROR(versions->BindInt64(1, now));
    CAIRN_RETURN_IF_ERROR(versions->BindText(2, new_name));
    CAIRN_RETURN_IF_ERROR(versions->Run());
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(db, now, actor.user,
                                           {"rename_registered_model", new_name, "",
                                            AuditDetails().Add("old_name", name).Add("new_name", new_name).Json()}));
    CAIRN_ASSIGN_OR_RETURN(renamed, LoadModel(db, new_name));
    return Status();
  }));
  return renamed;
}

Result<RegisteredModel> SqlRegistryStore::UpdateRegisteredModel(const Actor& actor, const std::string& name,
                                                                   const std::string& description) {
  const int64_t now = NowMillis();
  RegisteredModel updated;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE registered_models SET description = ?, last_updated_time = ? "
                                                 "WHERE name = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, description));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(3, name));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(
        db, now, actor.user, {"update_registered_model", name, "", AuditDetails().Add("description", description).Json()}));
    CAIRN_ASSIGN_OR_RETURN(updated, LoadModel(db, name));
    return Status();
  }));
  return updated;
}

Status SqlRegistryStore::DeleteRegisteredModel(const Actor& actor, const std::string& name) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    // ON DELETE CASCADE removes versions (deleted ones too), tags and aliases.
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM registered_models WHERE name = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    return AppendAuditEvent(db, now, actor.user, {"delete_registered_model", name, ""});
  });
}

Result<registry::Page<RegisteredModel>> SqlRegistryStore::SearchRegisteredModels(
    const registry::SearchRequest& request) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateSearchMaxResults(request.max_results, registry::kMaxSearchRegisteredModels));
  RegistrySearchSpec spec;
  CAIRN_ASSIGN_OR_RETURN(spec.filters, registry::ParseRegisteredModelFilter(request.filter));
  CAIRN_ASSIGN_OR_RETURN(spec.order_by, registry::ParseRegisteredModelOrderBy(request.order_by));
  CAIRN_ASSIGN_OR_RETURN(spec.offset, tracking::DecodePageToken(request.page_token));
  spec.limit = request.max_results + 1;  // one extra row tells whether a next page exists
  CAIRN_ASSIGN_OR_RETURN(SqlQuery query, BuildSearchRegisteredModelsQuery(spec, db_->dialect()));

  registry::Page<RegisteredModel> page;
  bool more = false;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareQuery(query));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      if (static_cast<int64_t>(page.items.size()) == request.max_results) {
        more = true;
        break;
      }
      page.items.push_back(ReadRegisteredModel(*stmt));
    }
    return LoadRegisteredModelChildren(db, &page.items);
  }));
  if (more) page.next_page_token = tracking::EncodePageToken(spec.offset + request.max_results);
  return page;
}

Result<std::vector<ModelVersion>> SqlRegistryStore::GetLatestVersions(const std::string& name,
                                                                         const std::vector<Stage>& stages) {
  RegisteredModel model;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(model, LoadModel(db, name));
    return Status();
  }));
  if (stages.empty()) return std::move(model.latest_versions);
  std::vector<ModelVersion> selected;
  for (ModelVersion& version : model.latest_versions) {
    if (std::find(stages.begin(), stages.end(), version.current_stage) != stages.end()) {
      selected.push_back(std::move(version));
    }
  }
  return selected;
}

Status SqlRegistryStore::SetRegisteredModelTag(const Actor& actor, const std::string& name, const Tag& tag) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    CAIRN_RETURN_IF_ERROR(UpsertModelTag(db, name, tag));
    return AppendAuditEvent(db, now, actor.user,
                            {"set_registered_model_tag", name, "",
                             AuditDetails().Add("key", tag.key).Add("value", tag.value).Json()});
  });
}

Status SqlRegistryStore::DeleteRegisteredModelTag(const Actor& actor, const std::string& name,
                                                     const std::string& key) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM registered_model_tags WHERE name = ? AND key = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, key));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) {
      return NotFound(fmt::format("No tag with key '{}' found for registered model '{}'.", key, name));
    }
    return AppendAuditEvent(db, now, actor.user,
                            {"delete_registered_model_tag", name, "", AuditDetails().Add("key", key).Json()});
  });
}

// --- aliases ---

Status SqlRegistryStore::SetAlias(const Actor& actor, const std::string& name, const std::string& alias,
                                     int64_t version) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateAlias(alias));
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    CAIRN_RETURN_IF_ERROR(RequireVersion(db, name, version));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO registered_model_aliases (name, alias, version) "
                                                 "VALUES (?, ?, ?) ON CONFLICT (name, alias) "
                                                 "DO UPDATE SET version = excluded.version"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, alias));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(3, version));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    return AppendAuditEvent(db, now, actor.user,
                            {"set_alias", name, std::to_string(version), AuditDetails().Add("alias", alias).Json()});
  });
}

Status SqlRegistryStore::DeleteAlias(const Actor& actor, const std::string& name, const std::string& alias) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateAlias(alias));
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    int64_t version = 0;
    {
      CAIRN_ASSIGN_OR_RETURN(auto find, db.Prepare("SELECT version FROM registered_model_aliases "
                                                   "WHERE name = ? AND alias = ?"));
      CAIRN_RETURN_IF_ERROR(find->BindText(1, name));
      CAIRN_RETURN_IF_ERROR(find->BindText(2, alias));
      CAIRN_ASSIGN_OR_RETURN(bool row, find->Step());
      if (!row) return NotFound(fmt::format("Registered model alias {} not found.", alias));
      version = find->ColumnInt64(0);
    }
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, alias));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    return AppendAuditEvent(db, now, actor.user,
                            {"delete_alias", name, std::to_string(version), AuditDetails().Add("alias", alias).Json()});
  });
}

Result<ModelVersion> SqlRegistryStore::GetVersionByAlias(const std::string& name, const std::string& alias) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateAlias(alias));
  ModelVersion found;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, name));
    int64_t version = 0;
    {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT version FROM registered_model_aliases "
                                                   "WHERE name = ? AND alias = ?"));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(2, alias));
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) return NotFound(fmt::format("Registered model alias {} not found.", alias));
      version = stmt->ColumnInt64(0);
    }
    CAIRN_ASSIGN_OR_RETURN(found, LoadVersion(db, name, version));
    return Status();
  }));
  return found;
}

// --- audit trail ---

Result<std::vector<AuditEvent>> SqlRegistryStore::ListAuditEvents(const std::string& model_name,
                                                                     int64_t max_results) {
  std::vector<AuditEvent> events;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(events, ListAuditEventRows(db, model_name, max_results));
    return Status();
  }));
  return events;
}

}  // namespace cairn::store::sql
