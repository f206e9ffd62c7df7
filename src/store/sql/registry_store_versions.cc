// SqlRegistryStore: model versions, their stages and tags.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "registry/registry_filter.h"
#include "registry/validation.h"
#include "store/sql/registry_audit.h"
#include "store/sql/registry_internal.h"
#include "store/sql/registry_rows.h"
#include "store/sql/registry_search.h"
#include "store/sql/registry_store.h"
#include "tracking/page_token.h"

namespace cairn::store::sql {

using registry::Actor;
using registry::ModelVersion;
using registry::Stage;
using registry::Tag;
using namespace registry_internal;  // NOLINT: the store's own helpers

namespace {

// What a soft-deleted version keeps of its user data (MLflow's redaction).
constexpr std::string_view kRedactedSource = "REDACTED-SOURCE-PATH";
constexpr std::string_view kRedactedRunId = "REDACTED-RUN-ID";
constexpr std::string_view kRedactedRunLink = "REDACTED-RUN-LINK";

std::string VersionText(int64_t version) { return std::to_string(version); }

}  // namespace

Result<ModelVersion> SqlRegistryStore::CreateModelVersion(const Actor& actor,
                                                             const registry::CreateModelVersionRequest& request) {
  const int64_t now = NowMillis();
  ModelVersion created;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireModel(db, request.name));
    // Touching the model first takes its row lock, so concurrent creations on
    // one model run one after the other and MAX + 1 cannot race: on SQLite
    // writes are serialised anyway; on PostgreSQL a concurrent creator waits
    // for the lock and is then retried as a serialization conflict (instead
    // of colliding on the (name, version) key). Soft-deleted rows keep their
    // numbers taken.
    CAIRN_RETURN_IF_ERROR(TouchModel(db, request.name, now));
    int64_t version = 0;
    {
      CAIRN_ASSIGN_OR_RETURN(auto next, db.Prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions "
                                                   "WHERE name = ?"));
      CAIRN_RETURN_IF_ERROR(next->BindText(1, request.name));
      CAIRN_ASSIGN_OR_RETURN(bool row, next->Step());
      version = row ? next->ColumnInt64(0) : 1;
    }
    CAIRN_ASSIGN_OR_RETURN(auto insert,
                           db.Prepare("INSERT INTO model_versions (name, version, creation_time, last_updated_time, "
                                      "user_id, current_stage, description, source, storage_location, run_id, status, "
                                      "status_message, run_link, model_id) "
                                      "VALUES (?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY', '', ?, ?)"));
    CAIRN_RETURN_IF_ERROR(insert->BindText(1, request.name));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(2, version));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(3, now));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(4, now));
    CAIRN_RETURN_IF_ERROR(insert->BindText(5, actor.user));
    CAIRN_RETURN_IF_ERROR(insert->BindText(6, request.description));
    CAIRN_RETURN_IF_ERROR(insert->BindText(7, request.source));
    CAIRN_RETURN_IF_ERROR(
        insert->BindText(8, request.storage_location.empty() ? request.source : request.storage_location));
    CAIRN_RETURN_IF_ERROR(insert->BindText(9, request.run_id));
    CAIRN_RETURN_IF_ERROR(insert->BindText(10, request.run_link));
    CAIRN_RETURN_IF_ERROR(insert->BindText(11, request.model_id));
    CAIRN_RETURN_IF_ERROR(insert->Run());
    for (const Tag& tag : request.tags) CAIRN_RETURN_IF_ERROR(UpsertVersionTag(db, request.name, version, tag));
    AuditDetails details;
    details.Add("source", request.source).Add("run_id", request.run_id).Add("tags", request.tags);
    if (!request.model_id.empty()) details.Add("model_id", request.model_id);
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(db, now, actor.user,
                                           {"create_model_version", request.name, VersionText(version), details.Json()}));
    CAIRN_ASSIGN_OR_RETURN(created, LoadVersion(db, request.name, version));
    return Status();
  }));
  return created;
}

Result<ModelVersion> SqlRegistryStore::GetModelVersion(const std::string& name, int64_t version) {
  ModelVersion found;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(found, LoadVersion(db, name, version));
    return Status();
  }));
  return found;
}

Result<ModelVersion> SqlRegistryStore::UpdateModelVersion(const Actor& actor, const std::string& name,
                                                             int64_t version, const std::string& description) {
  const int64_t now = NowMillis();
  ModelVersion updated;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireVersion(db, name, version));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE model_versions SET description = ?, last_updated_time = ? "
                                                 "WHERE name = ? AND version = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, description));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(3, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(4, version));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(db, now, actor.user,
                                           {"update_model_version", name, VersionText(version),
                                            AuditDetails().Add("description", description).Json()}));
    CAIRN_ASSIGN_OR_RETURN(updated, LoadVersion(db, name, version));
    return Status();
  }));
  return updated;
}

Status SqlRegistryStore::DeleteModelVersion(const Actor& actor, const std::string& name, int64_t version) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireVersion(db, name, version));
    std::vector<std::string> aliases;
    {
      CAIRN_ASSIGN_OR_RETURN(auto list, db.Prepare("SELECT alias FROM registered_model_aliases "
                                                   "WHERE name = ? AND version = ? ORDER BY alias"));
      CAIRN_RETURN_IF_ERROR(list->BindText(1, name));
      CAIRN_RETURN_IF_ERROR(list->BindInt64(2, version));
      for (;;) {
        CAIRN_ASSIGN_OR_RETURN(bool row, list->Step());
        if (!row) break;
        aliases.push_back(list->ColumnText(0));
      }
    }
    for (std::string_view sql : {"DELETE FROM registered_model_aliases WHERE name = ? AND version = ?",
                                 "DELETE FROM model_version_tags WHERE name = ? AND version = ?"}) {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
      CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, version));
      CAIRN_RETURN_IF_ERROR(stmt->Run());
    }
    CAIRN_ASSIGN_OR_RETURN(auto redact,
                           db.Prepare("UPDATE model_versions SET current_stage = 'Deleted_Internal', "
                                      "last_updated_time = ?, description = '', user_id = '', source = ?, "
                                      "storage_location = ?, run_id = ?, run_link = ?, status_message = '' "
                                      "WHERE name = ? AND version = ?"));
    CAIRN_RETURN_IF_ERROR(redact->BindInt64(1, now));
    CAIRN_RETURN_IF_ERROR(redact->BindText(2, kRedactedSource));
    CAIRN_RETURN_IF_ERROR(redact->BindText(3, kRedactedSource));
    CAIRN_RETURN_IF_ERROR(redact->BindText(4, kRedactedRunId));
    CAIRN_RETURN_IF_ERROR(redact->BindText(5, kRedactedRunLink));
    CAIRN_RETURN_IF_ERROR(redact->BindText(6, name));
    CAIRN_RETURN_IF_ERROR(redact->BindInt64(7, version));
    CAIRN_RETURN_IF_ERROR(redact->Run());
    CAIRN_RETURN_IF_ERROR(TouchModel(db, name, now));
    return AppendAuditEvent(db, now, actor.user,
                            {"delete_model_version", name, VersionText(version),
                             AuditDetails().Add("removed_aliases", aliases).Json()});
  });
}

Result<registry::Page<ModelVersion>> SqlRegistryStore::SearchModelVersions(const registry::SearchRequest& request) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateSearchMaxResults(request.max_results, registry::kMaxSearchModelVersions));
  RegistrySearchSpec spec;
  CAIRN_ASSIGN_OR_RETURN(spec.filters, registry::ParseModelVersionFilter(request.filter));
  CAIRN_ASSIGN_OR_RETURN(spec.order_by, registry::ParseModelVersionOrderBy(request.order_by));
  CAIRN_ASSIGN_OR_RETURN(spec.offset, tracking::DecodePageToken(request.page_token));
  spec.limit = request.max_results + 1;
  CAIRN_ASSIGN_OR_RETURN(SqlQuery query, BuildSearchModelVersionsQuery(spec, db_->dialect()));

  registry::Page<ModelVersion> page;
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
      page.items.push_back(ReadModelVersion(*stmt));
    }
    return LoadModelVersionChildren(db, &page.items);
  }));
  if (more) page.next_page_token = tracking::EncodePageToken(spec.offset + request.max_results);
  return page;
}

Result<ModelVersion> SqlRegistryStore::TransitionStage(const Actor& actor, const std::string& name,
                                                          int64_t version, Stage stage, bool archive_existing) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateArchiveExisting(stage, archive_existing));
  const int64_t now = NowMillis();
  const std::string stage_name(registry::StageName(stage));
  ModelVersion transitioned;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireVersion(db, name, version));
    std::vector<int64_t> archived;
    if (archive_existing) {
      CAIRN_ASSIGN_OR_RETURN(auto others, db.Prepare("UPDATE model_versions SET current_stage = 'Archived', "
                                                     "last_updated_time = ? WHERE name = ? AND version != ? "
                                                     "AND current_stage = ? RETURNING version"));
      CAIRN_RETURN_IF_ERROR(others->BindInt64(1, now));
      CAIRN_RETURN_IF_ERROR(others->BindText(2, name));
      CAIRN_RETURN_IF_ERROR(others->BindInt64(3, version));
      CAIRN_RETURN_IF_ERROR(others->BindText(4, stage_name));
      for (;;) {
        CAIRN_ASSIGN_OR_RETURN(bool row, others->Step());
        if (!row) break;
        archived.push_back(others->ColumnInt64(0));
      }
      std::sort(archived.begin(), archived.end());
    }
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE model_versions SET current_stage = ?, last_updated_time = ? "
                                                 "WHERE name = ? AND version = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, stage_name));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(3, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(4, version));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    CAIRN_RETURN_IF_ERROR(TouchModel(db, name, now));
    AuditDetails details;
    details.Add("stage", stage_name).Add("archive_existing_versions", archive_existing);
    if (archive_existing) details.Add("archived_versions", archived);
    CAIRN_RETURN_IF_ERROR(
        AppendAuditEvent(db, now, actor.user, {"transition_stage", name, VersionText(version), details.Json()}));
    CAIRN_ASSIGN_OR_RETURN(transitioned, LoadVersion(db, name, version));
    return Status();
  }));
  return transitioned;
}

Status SqlRegistryStore::SetModelVersionTag(const Actor& actor, const std::string& name, int64_t version,
                                               const Tag& tag) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireVersion(db, name, version));
    CAIRN_RETURN_IF_ERROR(UpsertVersionTag(db, name, version, tag));
    return AppendAuditEvent(db, now, actor.user,
                            {"set_model_version_tag", name, VersionText(version),
                             AuditDetails().Add("key", tag.key).Add("value", tag.value).Json()});
  });
}

Status SqlRegistryStore::DeleteModelVersionTag(const Actor& actor, const std::string& name, int64_t version,
                                                  const std::string& key) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireVersion(db, name, version));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM model_version_tags "
                                                 "WHERE name = ? AND version = ? AND key = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, version));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(3, key));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) {
      return NotFound(
          fmt::format("No tag with key '{}' found for model version (name={}, version={}).", key, name, version));
    }
    return AppendAuditEvent(db, now, actor.user,
                            {"delete_model_version_tag", name, VersionText(version),
                             AuditDetails().Add("key", key).Json()});
  });
}

}  // namespace cairn::store::sql
