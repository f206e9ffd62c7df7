// SqlTrackingStore: opening, the read/write plumbing, and experiments.
#include "store/sql/tracking_store.h"

#include <fmt/format.h>

#include <utility>

#include "store/sql/rows.h"
#include "store/sql/run_loader.h"
#include "store/sql/run_search.h"
#include "store/sql/tracking_internal.h"
#include "tracking/page_token.h"
#include "tracking/search_filter.h"

namespace cairn::store::sql {

using internal::CheckExperimentActive;
using internal::ExperimentNotFound;
using internal::ExperimentRow;
using internal::LookupExperiment;
using tracking::Experiment;
using tracking::LifecycleStage;

namespace {

Status ExperimentNameTaken(std::string_view name, const Status& cause) {
  return Status(StatusCode::kAlreadyExists, fmt::format("Experiment(name={}) already exists.", name),
                cause.internal_context());
}

Status UpsertExperimentTag(Connection& db, int64_t experiment_id, const tracking::Tag& tag) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO experiment_tags (experiment_id, key, value) "
                                               "VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) "
                                               "DO UPDATE SET value = excluded.value"));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, experiment_id));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, tag.key));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, tag.value));
  return stmt->Run();
}

// Reads the experiments selected by `stmt` (kExperimentColumns), at most `limit`.
Result<std::vector<Experiment>> ReadExperiments(Statement& stmt, size_t limit) {
  std::vector<Experiment> out;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row || out.size() >= limit) break;
    out.push_back(ReadExperiment(stmt));
  }
  return out;
}

}  // namespace

SqlTrackingStore::SqlTrackingStore(std::shared_ptr<Backend> db)
    : db_(std::move(db)), default_artifact_root_(db_->default_artifact_root()) {}

SqlTrackingStore::~SqlTrackingStore() = default;

// --- experiments ---

Result<std::string> SqlTrackingStore::CreateExperiment(const tracking::CreateExperimentRequest& request) {
  const int64_t now = NowMillis();
  int64_t id = 0;
  Status status = Write([&](Connection& db) -> Status {
    {
      CAIRN_ASSIGN_OR_RETURN(auto next, db.Prepare("SELECT COALESCE(MAX(experiment_id), -1) + 1 FROM experiments"));
      CAIRN_ASSIGN_OR_RETURN(bool row, next->Step());
      id = row ? next->ColumnInt64(0) : 0;
    }
    std::string location = request.artifact_location.empty()
                               ? JoinUri(default_artifact_root_, std::to_string(id))
                               : request.artifact_location;
    CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO experiments (experiment_id, name, artifact_location, "
                                                   "lifecycle_stage, creation_time, last_update_time) "
                                                   "VALUES (?, ?, ?, 'active', ?, ?)"));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(1, id));
    CAIRN_RETURN_IF_ERROR(insert->BindText(2, request.name));
    CAIRN_RETURN_IF_ERROR(insert->BindText(3, location));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(4, now));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(5, now));
    Status inserted = insert->Run();
    if (inserted.code() == StatusCode::kAlreadyExists) return ExperimentNameTaken(request.name, inserted);
    CAIRN_RETURN_IF_ERROR(inserted);
    for (const tracking::Tag& tag : request.tags) CAIRN_RETURN_IF_ERROR(UpsertExperimentTag(db, id, tag));
    return Status();
  });
  CAIRN_RETURN_IF_ERROR(status);
  return std::to_string(id);
}

Result<Experiment> SqlTrackingStore::GetExperiment(const std::string& experiment_id) {
  auto id = internal::ParseExperimentId(experiment_id);
  if (!id) return ExperimentNotFound(experiment_id);
  std::vector<Experiment> found;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(
        auto stmt, db.Prepare(fmt::format("SELECT {} FROM experiments e WHERE e.experiment_id = ?", kExperimentColumns)));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, *id));
    CAIRN_ASSIGN_OR_RETURN(found, ReadExperiments(*stmt, 1));
    return LoadExperimentTags(db, &found);
  }));
  if (found.empty()) return ExperimentNotFound(experiment_id);
  return std::move(found.front());
}

Result<Experiment> SqlTrackingStore::GetExperimentByName(const std::string& name) {
  std::vector<Experiment> found;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(
        auto stmt, db.Prepare(fmt::format("SELECT {} FROM experiments e WHERE e.name = ?", kExperimentColumns)));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_ASSIGN_OR_RETURN(found, ReadExperiments(*stmt, 1));
    return LoadExperimentTags(db, &found);
  }));
  if (found.empty()) return NotFound(fmt::format("Could not find experiment with name '{}'", name));
  return std::move(found.front());
}

Result<tracking::Page<Experiment>> SqlTrackingStore::SearchExperiments(
    const tracking::SearchExperimentsRequest& request) {
  ExperimentSearchSpec spec;
  spec.view_type = request.view_type;
  CAIRN_ASSIGN_OR_RETURN(spec.filters, tracking::ParseExperimentFilter(request.filter));
  CAIRN_ASSIGN_OR_RETURN(spec.order_by, tracking::ParseExperimentOrderBy(request.order_by));
  CAIRN_ASSIGN_OR_RETURN(spec.offset, tracking::DecodePageToken(request.page_token));
  const int64_t max_results = std::max<int64_t>(request.max_results, 1);
  spec.limit = max_results + 1;  // one extra row tells whether a next page exists
  CAIRN_ASSIGN_OR_RETURN(SqlQuery query, BuildSearchExperimentsQuery(spec, db_->dialect()));

  tracking::Page<Experiment> page;
  bool more = false;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareQuery(query));
    CAIRN_ASSIGN_OR_RETURN(page.items, ReadExperiments(*stmt, static_cast<size_t>(spec.limit)));
    if (static_cast<int64_t>(page.items.size()) > max_results) {
      more = true;
      page.items.resize(static_cast<size_t>(max_results));
    }
    return LoadExperimentTags(db, &page.items);
  }));
  if (more) page.next_page_token = tracking::EncodePageToken(spec.offset + max_results);
  return page;
}

Status SqlTrackingStore::RenameExperiment(const std::string& experiment_id, const std::string& new_name) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(ExperimentRow experiment, LookupExperiment(db, experiment_id));
    if (experiment.stage != LifecycleStage::kActive) {
      return FailedPrecondition("Cannot rename a non-active experiment.");
    }
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE experiments SET name = ?, last_update_time = ? "
                                                 "WHERE experiment_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, new_name));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, now));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(3, experiment.experiment_id));
    Status updated = stmt->Run();
    if (updated.code() == StatusCode::kAlreadyExists) return ExperimentNameTaken(new_name, updated);
    return updated;
  });
}

namespace {

// Moves an experiment and all its runs to `to`; the experiment must be in the
// other stage (else kNotFound, as MLflow's SQL store looks it up by stage).
Status SetExperimentStage(Connection& db, const std::string& experiment_id, LifecycleStage to, int64_t now) {
  CAIRN_ASSIGN_OR_RETURN(ExperimentRow experiment, LookupExperiment(db, experiment_id));
  if (experiment.stage == to) return ExperimentNotFound(experiment_id);
  const bool deleting = to == LifecycleStage::kDeleted;
  CAIRN_ASSIGN_OR_RETURN(auto exp, db.Prepare("UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? "
                                              "WHERE experiment_id = ?"));
  CAIRN_RETURN_IF_ERROR(exp->BindText(1, tracking::LifecycleStageName(to)));
  CAIRN_RETURN_IF_ERROR(exp->BindInt64(2, now));
  CAIRN_RETURN_IF_ERROR(exp->BindInt64(3, experiment.experiment_id));
  CAIRN_RETURN_IF_ERROR(exp->Run());
  // Deleting keeps the deleted_time of runs that were already deleted;
  // restoring re-activates every run of the experiment.
  if (deleting) {
    CAIRN_ASSIGN_OR_RETURN(auto runs, db.Prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? "
                                                 "WHERE experiment_id = ? AND lifecycle_stage = 'active'"));
    CAIRN_RETURN_IF_ERROR(runs->BindInt64(1, now));
    CAIRN_RETURN_IF_ERROR(runs->BindInt64(2, experiment.experiment_id));
    return runs->Run();
  }
  CAIRN_ASSIGN_OR_RETURN(auto runs, db.Prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL "
                                               "WHERE experiment_id = ?"));
  CAIRN_RETURN_IF_ERROR(runs->BindInt64(1, experiment.experiment_id));
  return runs->Run();
}

}  // namespace

Status SqlTrackingStore::DeleteExperiment(const std::string& experiment_id) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) { return SetExperimentStage(db, experiment_id, LifecycleStage::kDeleted, now); });
}

Status SqlTrackingStore::RestoreExperiment(const std::string& experiment_id) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) { return SetExperimentStage(db, experiment_id, LifecycleStage::kActive, now); });
}

Status SqlTrackingStore::SetExperimentTag(const std::string& experiment_id, const tracking::Tag& tag) {
  return Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(ExperimentRow experiment, LookupExperiment(db, experiment_id));
    CAIRN_RETURN_IF_ERROR(CheckExperimentActive(experiment));
    return UpsertExperimentTag(db, experiment.experiment_id, tag);
  });
}

Status SqlTrackingStore::DeleteExperimentTag(const std::string& experiment_id, const std::string& key) {
  return Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(ExperimentRow experiment, LookupExperiment(db, experiment_id));
    CAIRN_RETURN_IF_ERROR(CheckExperimentActive(experiment));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, experiment.experiment_id));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, key));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) {
      return NotFound(fmt::format("No tag with name: {} in experiment with id {}", key, experiment_id));
    }
    return Status();
  });
}

}  // namespace cairn::store::sql
