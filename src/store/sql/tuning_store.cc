#include "store/sql/tuning_store.h"

#include <fmt/format.h>

#include <utility>

#include "store/sql/leases.h"
#include "tracking/page_token.h"

namespace cairn::store::sql {

using tuning::ExperimentPage;
using tuning::ExperimentRecord;
using tuning::ListExperimentsRequest;
using tuning::TrialRecord;

namespace {

constexpr char kExperimentColumns[] =
    "experiment_id, name, namespace_name, source_name, spec_yaml, overrides_json, format, algorithm, "
    "objective_type, objective_metric, max_trial_count, parallel_trial_count, state, reason, message, "
    "tracking_experiment_id, mlflow_run_id, best_trial_name, best_objective, stop_requested, owner, created_ms, "
    "started_ms, finished_ms, lease_expires_ms";
constexpr char kExperimentColumnsNoSpec[] =
    "experiment_id, name, namespace_name, source_name, '' AS spec_yaml, overrides_json, format, algorithm, "
    "objective_type, objective_metric, max_trial_count, parallel_trial_count, state, reason, message, "
    "tracking_experiment_id, mlflow_run_id, best_trial_name, best_objective, stop_requested, owner, created_ms, "
    "started_ms, finished_ms, lease_expires_ms";
constexpr char kTrialColumns[] =
    "experiment_id, name, trial_index, assignment_json, labels_json, state, reason, message, stop_reason, executor, "
    "handle, attempt_dir, working_dir, command_json, mlflow_run_id, objective, metrics_json, collector_offset, "
    "exit_code, created_ms, started_ms, finished_ms, stderr_offset";

Status NotFoundExperiment(const std::string& id) {
  return NotFound(fmt::format("Tuning experiment '{}' not found.", id));
}

const LeaseSql& ExperimentLeases() {
  static const LeaseSql leases("tuning_experiments", "experiment_id", "stop_requested",
                               "('SUCCEEDED', 'FAILED', 'STOPPED')");
  return leases;
}

// Why a fenced UPDATE changed nothing: the row is missing, or another
// replica holds it.
Status NotUpdated(Connection& db, const std::string& id) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> owner, ExperimentLeases().OwnerOf(db, id));
  if (!owner) return NotFoundExperiment(id);
  return tuning::ExperimentLeaseLost(id, *owner);
}

SqlValue Optional(const std::optional<double>& v) { return v ? SqlValue(*v) : SqlValue(); }

ExperimentRecord ReadExperiment(const Statement& s) {
  ExperimentRecord e;
  e.experiment_id = s.ColumnText(0);
  e.name = s.ColumnText(1);
  e.namespace_name = s.ColumnText(2);
  e.source_name = s.ColumnText(3);
  e.spec_yaml = s.ColumnText(4);
  e.overrides_json = s.ColumnText(5);
  e.format = s.ColumnText(6);
  e.algorithm = s.ColumnText(7);
  e.objective_type = s.ColumnText(8);
  e.objective_metric = s.ColumnText(9);
  e.max_trial_count = s.ColumnInt64(10);
  e.parallel_trial_count = s.ColumnInt64(11);
  e.state = tuning::ParseExperimentState(s.ColumnTextView(12)).value_or(tuning::ExperimentState::kFailed);
  e.reason = s.ColumnText(13);
  e.message = s.ColumnText(14);
  e.tracking_experiment_id = s.ColumnText(15);
  e.mlflow_run_id = s.ColumnText(16);
  e.best_trial_name = s.ColumnText(17);
  if (!s.ColumnIsNull(18)) e.best_objective = s.ColumnDouble(18);
  e.stop_requested = s.ColumnInt64(19) != 0;
  e.owner = s.ColumnText(20);
  e.created_ms = s.ColumnInt64(21);
  e.started_ms = s.ColumnInt64(22);
  e.finished_ms = s.ColumnInt64(23);
  e.lease_expires_ms = s.ColumnInt64(24);
  return e;
}

TrialRecord ReadTrial(const Statement& s) {
  TrialRecord t;
  t.experiment_id = s.ColumnText(0);
  t.name = s.ColumnText(1);
  t.index = s.ColumnInt64(2);
  t.assignment_json = s.ColumnText(3);
  t.labels_json = s.ColumnText(4);
  t.state = tuning::ParseTrialPhase(s.ColumnTextView(5)).value_or(tuning::TrialPhase::kFailed);
  t.reason = s.ColumnText(6);
  t.message = s.ColumnText(7);
  t.stop_reason = s.ColumnText(8);
  t.executor = s.ColumnText(9);
  t.handle = s.ColumnText(10);
  t.attempt_dir = s.ColumnText(11);
  t.working_dir = s.ColumnText(12);
  t.command_json = s.ColumnText(13);
  t.mlflow_run_id = s.ColumnText(14);
  if (!s.ColumnIsNull(15)) t.objective = s.ColumnDouble(15);
  t.metrics_json = s.ColumnText(16);
  t.collector_offset = s.ColumnInt64(17);
  t.exit_code = static_cast<int32_t>(s.ColumnInt64(18));
  t.created_ms = s.ColumnInt64(19);
  t.started_ms = s.ColumnInt64(20);
  t.finished_ms = s.ColumnInt64(21);
  t.stderr_offset = s.ColumnInt64(22);
  return t;
}

Status RequireExperiment(Connection& db, const std::string& id) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM tuning_experiments WHERE experiment_id = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, id));
  CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
  return found ? Status() : NotFoundExperiment(id);
}

Status UpsertTrials(Connection& db, const std::string& id, const std::vector<TrialRecord>& trials) {
  static const std::string sql = fmt::format(
      "INSERT INTO tuning_trials ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT (experiment_id, name) DO UPDATE SET trial_index = excluded.trial_index, "
      "assignment_json = excluded.assignment_json, labels_json = excluded.labels_json, state = excluded.state, "
      "reason = excluded.reason, message = excluded.message, stop_reason = excluded.stop_reason, "
      "executor = excluded.executor, handle = excluded.handle, attempt_dir = excluded.attempt_dir, "
      "working_dir = excluded.working_dir, command_json = excluded.command_json, "
      "mlflow_run_id = excluded.mlflow_run_id, objective = excluded.objective, "
      "metrics_json = excluded.metrics_json, collector_offset = excluded.collector_offset, "
      "exit_code = excluded.exit_code, created_ms = excluded.created_ms, started_ms = excluded.started_ms, "
      "finished_ms = excluded.finished_ms, stderr_offset = excluded.stderr_offset",
      kTrialColumns);
  for (const TrialRecord& t : trials) {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({
        id,
        t.name,
        t.index,
        t.assignment_json,
        t.labels_json,
        std::string(tuning::TrialPhaseName(t.state)),
        t.reason,
        t.message,
        t.stop_reason,
        t.executor,
        t.handle,
        t.attempt_dir,
        t.working_dir,
        t.command_json,
        t.mlflow_run_id,
        Optional(t.objective),
        t.metrics_json,
        t.collector_offset,
        int64_t{t.exit_code},
        t.created_ms,
        t.started_ms,
        t.finished_ms,
        t.stderr_offset,
    }));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
  }
  return Status();
}

}  // namespace

SqlExperimentStore::SqlExperimentStore(std::shared_ptr<Backend> db) : db_(std::move(db)) {}

SqlExperimentStore::~SqlExperimentStore() = default;

Status SqlExperimentStore::CreateExperiment(const ExperimentRecord& e) {
  return db_->Write([&](Connection& db) -> Status {
    static const std::string sql = fmt::format(
        "INSERT INTO tuning_experiments ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        kExperimentColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({
        e.experiment_id, e.name, e.namespace_name, e.source_name, e.spec_yaml, e.overrides_json, e.format,
        e.algorithm, e.objective_type, e.objective_metric, e.max_trial_count, e.parallel_trial_count,
        std::string(tuning::ExperimentStateName(e.state)), e.reason, e.message, e.tracking_experiment_id,
        e.mlflow_run_id, e.best_trial_name, Optional(e.best_objective), int64_t{e.stop_requested ? 1 : 0}, e.owner,
        e.created_ms, e.started_ms, e.finished_ms, e.lease_expires_ms,
    }));
    Status inserted = stmt->Run();
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists(fmt::format("Tuning experiment '{}' already exists.", e.experiment_id));
    }
    return inserted;
  });
}

Result<ExperimentRecord> SqlExperimentStore::GetExperiment(const std::string& id) {
  ExperimentRecord e;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql =
        fmt::format("SELECT {} FROM tuning_experiments WHERE experiment_id = ?", kExperimentColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, id));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFoundExperiment(id);
    e = ReadExperiment(*stmt);
    return Status();
  }));
  return e;
}

Result<ExperimentRecord> SqlExperimentStore::GetExperimentByName(const std::string& name) {
  ExperimentRecord e;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format(
        "SELECT {} FROM tuning_experiments WHERE name = ? ORDER BY created_ms DESC, experiment_id DESC LIMIT 1",
        kExperimentColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFoundExperiment(name);
    e = ReadExperiment(*stmt);
    return Status();
  }));
  return e;
}

Result<ExperimentPage> SqlExperimentStore::ListExperiments(const ListExperimentsRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(int64_t offset, tracking::DecodePageToken(request.page_token));
  ExperimentPage page;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    page.experiments.clear();
    // One extra row tells whether another page exists.
    static const std::string all = fmt::format(
        "SELECT {} FROM tuning_experiments ORDER BY created_ms DESC, experiment_id DESC LIMIT ? OFFSET ?",
        kExperimentColumnsNoSpec);
    static const std::string by_state = fmt::format(
        "SELECT {} FROM tuning_experiments WHERE state = ? ORDER BY created_ms DESC, experiment_id DESC LIMIT ? "
        "OFFSET ?",
        kExperimentColumnsNoSpec);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(request.state ? by_state : all));
    if (request.state) {
      CAIRN_RETURN_IF_ERROR(stmt->BindAll(
          {std::string(tuning::ExperimentStateName(*request.state)), request.max_results + 1, offset}));
    } else {
      CAIRN_RETURN_IF_ERROR(stmt->BindAll({request.max_results + 1, offset}));
    }
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      if (static_cast<int64_t>(page.experiments.size()) == request.max_results) {
        page.next_page_token = tracking::EncodePageToken(offset + request.max_results);
        break;
      }
      page.experiments.push_back(ReadExperiment(*stmt));
    }
    return Status();
  }));
  return page;
}

Status SqlExperimentStore::SaveExperiment(const ExperimentRecord& e, const std::vector<TrialRecord>& trials) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(
        auto stmt,
        db.Prepare(db.dialect().Expand(
            "UPDATE tuning_experiments SET name = ?, namespace_name = ?, source_name = ?, overrides_json = ?, "
            "format = ?, algorithm = ?, objective_type = ?, objective_metric = ?, max_trial_count = ?, "
            "parallel_trial_count = ?, state = ?, reason = ?, message = ?, tracking_experiment_id = ?, "
            "mlflow_run_id = ?, best_trial_name = ?, best_objective = ?, owner = ?, started_ms = ?, "
            "finished_ms = ?, lease_expires_ms = {greatest}(lease_expires_ms, ?) WHERE experiment_id = ? "
            "AND " + ExperimentLeases().fence())));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({
        e.name, e.namespace_name, e.source_name, e.overrides_json, e.format, e.algorithm, e.objective_type,
        e.objective_metric, e.max_trial_count, e.parallel_trial_count,
        std::string(tuning::ExperimentStateName(e.state)), e.reason, e.message, e.tracking_experiment_id,
        e.mlflow_run_id, e.best_trial_name, Optional(e.best_objective), e.owner, e.started_ms, e.finished_ms,
        e.lease_expires_ms, e.experiment_id, e.owner,
    }));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) return NotUpdated(db, e.experiment_id);
    return UpsertTrials(db, e.experiment_id, trials);
  });
}

Status SqlExperimentStore::RequestStop(const std::string& id) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt,
                           db.Prepare("UPDATE tuning_experiments SET stop_requested = 1 WHERE experiment_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, id));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    return db.Changes() == 0 ? NotFoundExperiment(id) : Status();
  });
}

Status SqlExperimentStore::PutTrials(const std::string& id, const std::vector<TrialRecord>& trials) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireExperiment(db, id));
    return UpsertTrials(db, id, trials);
  });
}

Result<std::vector<TrialRecord>> SqlExperimentStore::ListTrials(const std::string& id) {
  std::vector<TrialRecord> trials;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    trials.clear();
    CAIRN_RETURN_IF_ERROR(RequireExperiment(db, id));
    static const std::string sql =
        fmt::format("SELECT {} FROM tuning_trials WHERE experiment_id = ? ORDER BY trial_index", kTrialColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, id));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      trials.push_back(ReadTrial(*stmt));
    }
    return Status();
  }));
  return trials;
}

Result<std::vector<ExperimentRecord>> SqlExperimentStore::ClaimUnfinishedExperiments(const std::string& owner,
                                                                                    int64_t now_ms,
                                                                                    int64_t lease_ms) {
  std::vector<ExperimentRecord> out;
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    out.clear();  // a retried closure starts over
    static const std::string sql =
        fmt::format("SELECT {} FROM tuning_experiments WHERE {} ORDER BY created_ms, experiment_id",
                    kExperimentColumns, ExperimentLeases().claimable());
    {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
      CAIRN_RETURN_IF_ERROR(stmt->BindAll({owner, now_ms}));
      while (true) {
        CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        out.push_back(ReadExperiment(*stmt));
      }
    }
    for (ExperimentRecord& record : out) {
      record.owner = owner;
      record.lease_expires_ms = now_ms + lease_ms;
      CAIRN_RETURN_IF_ERROR(ExperimentLeases().Take(db, record.experiment_id, owner, record.lease_expires_ms));
    }
    return Status();
  }));
  return out;
}

Result<std::vector<tuning::ExperimentLease>> SqlExperimentStore::RenewExperimentLeases(const std::string& owner,
                                                                                          int64_t now_ms,
                                                                                          int64_t lease_ms) {
  std::vector<HeldLease> held;
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(held, ExperimentLeases().Renew(db, owner, now_ms + lease_ms));
    return Status();
  }));
  std::vector<tuning::ExperimentLease> leases;
  leases.reserve(held.size());
  for (HeldLease& lease : held) leases.push_back({std::move(lease.id), lease.flagged});
  return leases;
}

Status SqlExperimentStore::ReleaseExperimentLeases(const std::string& owner) {
  return db_->Write([&](Connection& db) -> Status { return ExperimentLeases().Release(db, owner); });
}

}  // namespace cairn::store::sql
