// SqlRegistryStore: MLflow 3 logged models.
#include <fmt/format.h>

#include <utility>

#include "base/ids.h"
#include "registry/registry_filter.h"
#include "registry/validation.h"
#include "store/sql/registry_audit.h"
#include "store/sql/registry_internal.h"
#include "store/sql/registry_rows.h"
#include "store/sql/registry_search.h"
#include "store/sql/registry_store.h"
#include "store/sql/rows.h"
#include "store/sql/tracking_internal.h"
#include "tracking/page_token.h"

namespace cairn::store::sql {

using registry::Actor;
using registry::LoggedModel;
using registry::LoggedModelStatus;
using registry::Tag;
using namespace registry_internal;  // NOLINT: the store's own helpers

Result<LoggedModel> SqlRegistryStore::CreateLoggedModel(const Actor& actor, const LoggedModel& model) {
  const int64_t now = NowMillis();
  const std::string model_id = "m-" + NewUuidHex();
  const std::string name = model.name.empty() ? NewRunName() : model.name;
  LoggedModel created;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(internal::ExperimentRow experiment, internal::LookupExperiment(db, model.experiment_id));
    CAIRN_RETURN_IF_ERROR(internal::CheckExperimentActive(experiment));
    const std::string location = model.artifact_location.empty()
                                     ? JoinUri(experiment.artifact_location, "models/" + model_id + "/artifacts")
                                     : model.artifact_location;
    CAIRN_ASSIGN_OR_RETURN(auto insert,
                           db.Prepare("INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, "
                                      "creation_timestamp_ms, last_updated_timestamp_ms, model_type, source_run_id, "
                                      "status, status_message, lifecycle_stage) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')"));
    CAIRN_RETURN_IF_ERROR(insert->BindText(1, model_id));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(2, experiment.experiment_id));
    CAIRN_RETURN_IF_ERROR(insert->BindText(3, name));
    CAIRN_RETURN_IF_ERROR(insert->BindText(4, location));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(5, now));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(6, now));
    CAIRN_RETURN_IF_ERROR(insert->BindText(7, model.model_type));
    CAIRN_RETURN_IF_ERROR(insert->BindText(8, model.source_run_id));
    CAIRN_RETURN_IF_ERROR(insert->BindText(9, registry::LoggedModelStatusName(model.status)));
    CAIRN_RETURN_IF_ERROR(insert->BindText(10, model.status_message));
    CAIRN_RETURN_IF_ERROR(insert->Run());
    for (const Tag& tag : model.tags) CAIRN_RETURN_IF_ERROR(UpsertLoggedModelTag(db, model_id, tag));
    for (const Tag& param : model.params) CAIRN_RETURN_IF_ERROR(InsertLoggedModelParam(db, model_id, param));
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(db, now, actor.user,
                                           {"create_logged_model", model_id, "",
                                            AuditDetails()
                                                .Add("experiment_id", model.experiment_id)
                                                .Add("name", name)
                                                .Add("model_type", model.model_type)
                                                .Add("source_run_id", model.source_run_id)
                                                .Json()}));
    CAIRN_ASSIGN_OR_RETURN(created, LoadLoggedModel(db, model_id));
    return Status();
  }));
  return created;
}

Result<LoggedModel> SqlRegistryStore::GetLoggedModel(const std::string& model_id) {
  LoggedModel found;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(found, LoadLoggedModel(db, model_id));
    return Status();
  }));
  return found;
}

Result<LoggedModel> SqlRegistryStore::FinalizeLoggedModel(const Actor& actor, const std::string& model_id,
                                                             LoggedModelStatus status) {
  if (status == LoggedModelStatus::kPending) {
    return InvalidArgument("A logged model can only be finalized as LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.");
  }
  const int64_t now = NowMillis();
  LoggedModel finalized;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(LoggedModel current, LoadLoggedModel(db, model_id));
    // PENDING -> READY | UPLOAD_FAILED; UPLOAD_FAILED -> READY (a retried
    // upload); the same status again is a no-op. A READY model's files are
    // complete, so it cannot be marked failed afterwards.
    if (current.status == LoggedModelStatus::kReady && status == LoggedModelStatus::kUploadFailed) {
      return InvalidArgument(fmt::format("Logged model '{}' is already LOGGED_MODEL_READY; it cannot become {}.",
                                         model_id, registry::LoggedModelStatusName(status)));
    }
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? "
                                                 "WHERE model_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, registry::LoggedModelStatusName(status)));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(3, model_id));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    CAIRN_RETURN_IF_ERROR(AppendAuditEvent(
        db, now, actor.user,
        {"finalize_logged_model", model_id, "",
         AuditDetails().Add("status", registry::LoggedModelStatusName(status)).Json()}));
    CAIRN_ASSIGN_OR_RETURN(finalized, LoadLoggedModel(db, model_id));
    return Status();
  }));
  return finalized;
}

Status SqlRegistryStore::DeleteLoggedModel(const Actor& actor, const std::string& model_id) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireLoggedModel(db, model_id));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE logged_models SET lifecycle_stage = 'deleted', "
                                                 "last_updated_timestamp_ms = ? WHERE model_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, now));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, model_id));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    return AppendAuditEvent(db, now, actor.user, {"delete_logged_model", model_id, ""});
  });
}

Result<registry::Page<LoggedModel>> SqlRegistryStore::SearchLoggedModels(
    const registry::SearchLoggedModelsRequest& request) {
  CAIRN_RETURN_IF_ERROR(registry::ValidateSearchMaxResults(request.max_results, registry::kMaxSearchLoggedModels));
  LoggedModelSearchSpec spec;
  CAIRN_ASSIGN_OR_RETURN(spec.filters, registry::ParseLoggedModelFilter(request.filter));
  CAIRN_ASSIGN_OR_RETURN(spec.order_by, registry::ParseLoggedModelOrderBy(request.order_by));
  CAIRN_ASSIGN_OR_RETURN(spec.offset, tracking::DecodePageToken(request.page_token));
  // Ids that are not integers name no experiment (as in GetExperiment).
  for (const std::string& id : request.experiment_ids) {
    if (auto parsed = internal::ParseExperimentId(id)) spec.experiment_ids.push_back(*parsed);
  }
  registry::Page<LoggedModel> page;
  if (spec.experiment_ids.empty()) return page;
  spec.limit = request.max_results + 1;
  CAIRN_ASSIGN_OR_RETURN(SqlQuery query, BuildSearchLoggedModelsQuery(spec, db_->dialect()));

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
      page.items.push_back(ReadLoggedModel(*stmt));
    }
    return LoadLoggedModelChildren(db, &page.items);
  }));
  if (more) page.next_page_token = tracking::EncodePageToken(spec.offset + request.max_results);
  return page;
}

Status SqlRegistryStore::SetLoggedModelTags(const Actor& actor, const std::string& model_id,
                                               const std::vector<Tag>& tags) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireLoggedModel(db, model_id));
    for (const Tag& tag : tags) CAIRN_RETURN_IF_ERROR(UpsertLoggedModelTag(db, model_id, tag));
    CAIRN_RETURN_IF_ERROR(TouchLoggedModel(db, model_id, now));
    return AppendAuditEvent(db, now, actor.user,
                            {"set_logged_model_tags", model_id, "", AuditDetails().Add("tags", tags).Json()});
  });
}

Status SqlRegistryStore::DeleteLoggedModelTag(const Actor& actor, const std::string& model_id,
                                                 const std::string& key) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireLoggedModel(db, model_id));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, model_id));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, key));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) {
      return NotFound(fmt::format("No tag with key '{}' found for model with ID '{}'.", key, model_id));
    }
    CAIRN_RETURN_IF_ERROR(TouchLoggedModel(db, model_id, now));
    return AppendAuditEvent(db, now, actor.user,
                            {"delete_logged_model_tag", model_id, "", AuditDetails().Add("key", key).Json()});
  });
}

Status SqlRegistryStore::LogLoggedModelParams(const Actor& actor, const std::string& model_id,
                                                 const std::vector<Tag>& params) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireLoggedModel(db, model_id));
    for (const Tag& param : params) CAIRN_RETURN_IF_ERROR(InsertLoggedModelParam(db, model_id, param));
    CAIRN_RETURN_IF_ERROR(TouchLoggedModel(db, model_id, now));
    return AppendAuditEvent(db, now, actor.user,
                            {"log_logged_model_params", model_id, "", AuditDetails().Add("params", params).Json()});
  });
}

}  // namespace cairn::store::sql
