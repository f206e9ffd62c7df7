#include "store/sql/pipeline_run_store.h"

#include <fmt/format.h>

#include <utility>

#include "store/sql/leases.h"
#include "tracking/page_token.h"

namespace cairn::store::sql {

using pipelines::CacheEntry;
using pipelines::ListRunsRequest;
using pipelines::PipelineRunRecord;
using pipelines::RunPage;
using pipelines::TaskRecord;

namespace {

constexpr char kRunColumnsNoSpec[] =
    "run_id, display_name, pipeline_name, source_name, '' AS spec_yaml, parameters_json, state, cache_enabled, "
    "parallelism, pipeline_root, experiment_id, mlflow_run_id, outputs_json, error, cancel_requested, owner, "
    "created_ms, started_ms, finished_ms, lease_expires_ms";
constexpr char kRunColumns[] =
    "run_id, display_name, pipeline_name, source_name, spec_yaml, parameters_json, state, cache_enabled, "
    "parallelism, pipeline_root, experiment_id, mlflow_run_id, outputs_json, error, cancel_requested, owner, "
    "created_ms, started_ms, finished_ms, lease_expires_ms";
constexpr char kTaskColumns[] =
    "run_id, node_id, parent_id, task_key, display_name, component, kind, state, iteration_index, attempt, "
    "executor, handle, attempt_dir, next_attempt_ms, exit_code, inputs_json, outputs_json, image, command_json, "
    "fingerprint, cached, cached_from, mlflow_run_id, error, created_ms, started_ms, finished_ms";

Status NotFoundRun(const std::string& run_id) {
  return NotFound(fmt::format("Pipeline run '{}' not found.", run_id));
}

const LeaseSql& RunLeases() {
  static const LeaseSql leases("pipeline_runs", "run_id", "cancel_requested",
                               "('SUCCEEDED', 'FAILED', 'CANCELLED')");
  return leases;
}

// Why a fenced UPDATE changed nothing: the row is missing, or another
// replica holds it.
Status NotUpdated(Connection& db, const std::string& id) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> owner, RunLeases().OwnerOf(db, id));
  if (!owner) return NotFoundRun(id);
  return pipelines::RunLeaseLost(id, *owner);
}

PipelineRunRecord ReadRun(const Statement& s) {
  PipelineRunRecord run;
  run.run_id = s.ColumnText(0);
  run.display_name = s.ColumnText(1);
  run.pipeline_name = s.ColumnText(2);
  run.source_name = s.ColumnText(3);
  run.spec_yaml = s.ColumnText(4);
  run.parameters_json = s.ColumnText(5);
  run.state = pipelines::ParseRunState(s.ColumnTextView(6)).value_or(pipelines::RunState::kFailed);
  run.cache_enabled = s.ColumnInt64(7) != 0;
  run.parallelism = s.ColumnInt64(8);
  run.pipeline_root = s.ColumnText(9);
  run.experiment_id = s.ColumnText(10);
  run.mlflow_run_id = s.ColumnText(11);
  run.outputs_json = s.ColumnText(12);
  run.error = s.ColumnText(13);
  run.cancel_requested = s.ColumnInt64(14) != 0;
  run.owner = s.ColumnText(15);
  run.created_ms = s.ColumnInt64(16);
  run.started_ms = s.ColumnInt64(17);
  run.finished_ms = s.ColumnInt64(18);
  run.lease_expires_ms = s.ColumnInt64(19);
  return run;
}

TaskRecord ReadTask(const Statement& s) {
  TaskRecord t;
  t.run_id = s.ColumnText(0);
  t.node_id = s.ColumnText(1);
  t.parent_id = s.ColumnText(2);
  t.task_key = s.ColumnText(3);
  t.display_name = s.ColumnText(4);
  t.component = s.ColumnText(5);
  t.kind = pipelines::ParseNodeKind(s.ColumnTextView(6)).value_or(pipelines::NodeKind::kContainer);
  t.state = pipelines::ParseNodeState(s.ColumnTextView(7)).value_or(pipelines::NodeState::kFailed);
  t.iteration_index = s.ColumnInt64(8);
  t.attempt = static_cast<int32_t>(s.ColumnInt64(9));
  t.executor = s.ColumnText(10);
  t.handle = s.ColumnText(11);
  t.attempt_dir = s.ColumnText(12);
  t.next_attempt_ms = s.ColumnInt64(13);
  t.exit_code = static_cast<int32_t>(s.ColumnInt64(14));
  t.inputs_json = s.ColumnText(15);
  t.outputs_json = s.ColumnText(16);
  t.image = s.ColumnText(17);
  t.command_json = s.ColumnText(18);
  t.fingerprint = s.ColumnText(19);
  t.cached = s.ColumnInt64(20) != 0;
  t.cached_from = s.ColumnText(21);
  t.mlflow_run_id = s.ColumnText(22);
  t.error = s.ColumnText(23);
  t.created_ms = s.ColumnInt64(24);
  t.started_ms = s.ColumnInt64(25);
  t.finished_ms = s.ColumnInt64(26);
  return t;
}

Status RequireRun(Connection& db, const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM pipeline_runs WHERE run_id = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
  CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
  return found ? Status() : NotFoundRun(run_id);
}

Status UpsertTasks(Connection& db, const std::string& run_id, const std::vector<TaskRecord>& tasks) {
  if (tasks.empty()) return Status();
  static const std::string sql = fmt::format(
      "INSERT INTO pipeline_tasks ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT (run_id, node_id) DO UPDATE SET parent_id = excluded.parent_id, task_key = excluded.task_key, "
      "display_name = excluded.display_name, component = excluded.component, kind = excluded.kind, "
      "state = excluded.state, iteration_index = excluded.iteration_index, attempt = excluded.attempt, "
      "executor = excluded.executor, handle = excluded.handle, attempt_dir = excluded.attempt_dir, "
      "next_attempt_ms = excluded.next_attempt_ms, exit_code = excluded.exit_code, "
      "inputs_json = excluded.inputs_json, outputs_json = excluded.outputs_json, image = excluded.image, "
      "command_json = excluded.command_json, fingerprint = excluded.fingerprint, cached = excluded.cached, "
      "cached_from = excluded.cached_from, mlflow_run_id = excluded.mlflow_run_id, error = excluded.error, "
      "created_ms = excluded.created_ms, started_ms = excluded.started_ms, finished_ms = excluded.finished_ms",
      kTaskColumns);
  for (const TaskRecord& t : tasks) {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({
        run_id,
        t.node_id,
        t.parent_id,
        t.task_key,
        t.display_name,
        t.component,
        std::string(pipelines::NodeKindName(t.kind)),
        std::string(pipelines::NodeStateName(t.state)),
        t.iteration_index,
        int64_t{t.attempt},
        t.executor,
        t.handle,
        t.attempt_dir,
        t.next_attempt_ms,
        int64_t{t.exit_code},
        t.inputs_json,
        t.outputs_json,
        t.image,
        t.command_json,
        t.fingerprint,
        int64_t{t.cached ? 1 : 0},
        t.cached_from,
        t.mlflow_run_id,
        t.error,
        t.created_ms,
        t.started_ms,
        t.finished_ms,
    }));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
  }
  return Status();
}

}  // namespace

SqlPipelineRunStore::SqlPipelineRunStore(std::shared_ptr<Backend> db) : db_(std::move(db)) {}

SqlPipelineRunStore::~SqlPipelineRunStore() = default;

Status SqlPipelineRunStore::CreateRun(const PipelineRunRecord& run) {
  return db_->Write([&](Connection& db) -> Status {
    static const std::string sql =
        fmt::format("INSERT INTO pipeline_runs ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", kRunColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({
        run.run_id,
        run.display_name,
        run.pipeline_name,
        run.source_name,
        run.spec_yaml,
        run.parameters_json,
        std::string(pipelines::RunStateName(run.state)),
        int64_t{run.cache_enabled ? 1 : 0},
        run.parallelism,
        run.pipeline_root,
        run.experiment_id,
        run.mlflow_run_id,
        run.outputs_json,
        run.error,
        int64_t{run.cancel_requested ? 1 : 0},
        run.owner,
        run.created_ms,
        run.started_ms,
        run.finished_ms,
        run.lease_expires_ms,
    }));
    Status inserted = stmt->Run();
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists(fmt::format("Pipeline run '{}' already exists.", run.run_id));
    }
    return inserted;
  });
}

Result<PipelineRunRecord> SqlPipelineRunStore::GetRun(const std::string& run_id) {
  PipelineRunRecord run;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format("SELECT {} FROM pipeline_runs WHERE run_id = ?", kRunColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFoundRun(run_id);
    run = ReadRun(*stmt);
    return Status();
  }));
  return run;
}

Result<RunPage> SqlPipelineRunStore::ListRuns(const ListRunsRequest& request) {
  if (request.max_results < 1 || request.max_results > 1000) {
    return InvalidArgument("max_results must be between 1 and 1000.");
  }
  CAIRN_ASSIGN_OR_RETURN(int64_t offset, tracking::DecodePageToken(request.page_token));
  RunPage page;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    // One extra row tells whether another page exists.
    static const std::string all_sql = fmt::format(
        "SELECT {} FROM pipeline_runs ORDER BY created_ms DESC, run_id DESC LIMIT ? OFFSET ?", kRunColumnsNoSpec);
    static const std::string state_sql = fmt::format(
        "SELECT {} FROM pipeline_runs WHERE state = ? ORDER BY created_ms DESC, run_id DESC LIMIT ? OFFSET ?",
        kRunColumnsNoSpec);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(request.state ? state_sql : all_sql));
    int index = 1;
    if (request.state) CAIRN_RETURN_IF_ERROR(stmt->BindText(index++, pipelines::RunStateName(*request.state)));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(index++, request.max_results + 1));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(index++, offset));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      if (static_cast<int64_t>(page.runs.size()) == request.max_results) {
        page.next_page_token = tracking::EncodePageToken(offset + request.max_results);
        break;
      }
      page.runs.push_back(ReadRun(*stmt));
    }
    return Status();
  }));
  return page;
}

Status SqlPipelineRunStore::SaveRun(const PipelineRunRecord& run, const std::vector<TaskRecord>& tasks) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt,
                           db.Prepare(db.dialect().Expand(
                               "UPDATE pipeline_runs SET display_name = ?, pipeline_name = ?, source_name = ?, "
                               "parameters_json = ?, state = ?, cache_enabled = ?, parallelism = ?, "
                               "pipeline_root = ?, experiment_id = ?, mlflow_run_id = ?, outputs_json = ?, "
                               "error = ?, owner = ?, started_ms = ?, finished_ms = ?, "
                               "lease_expires_ms = {greatest}(lease_expires_ms, ?) WHERE run_id = ? AND "
                               + RunLeases().fence())));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({
        run.display_name,
        run.pipeline_name,
        run.source_name,
        run.parameters_json,
        std::string(pipelines::RunStateName(run.state)),
        int64_t{run.cache_enabled ? 1 : 0},
        run.parallelism,
        run.pipeline_root,
        run.experiment_id,
        run.mlflow_run_id,
        run.outputs_json,
        run.error,
        run.owner,
        run.started_ms,
        run.finished_ms,
        run.lease_expires_ms,
        run.run_id,
        run.owner,
    }));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) return NotUpdated(db, run.run_id);
    return UpsertTasks(db, run.run_id, tasks);
  });
}

Status SqlPipelineRunStore::RequestCancel(const std::string& run_id) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE pipeline_runs SET cancel_requested = 1 WHERE run_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    return db.Changes() == 0 ? NotFoundRun(run_id) : Status();
  });
}

Status SqlPipelineRunStore::PutTasks(const std::string& run_id, const std::vector<TaskRecord>& tasks) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireRun(db, run_id));
    return UpsertTasks(db, run_id, tasks);
  });
}

Result<std::vector<TaskRecord>> SqlPipelineRunStore::ListTasks(const std::string& run_id) {
  std::vector<TaskRecord> tasks;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RequireRun(db, run_id));
    static const std::string sql =
        fmt::format("SELECT {} FROM pipeline_tasks WHERE run_id = ? ORDER BY node_id", kTaskColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      tasks.push_back(ReadTask(*stmt));
    }
    return Status();
  }));
  return tasks;
}

Result<TaskRecord> SqlPipelineRunStore::GetTask(const std::string& run_id, const std::string& node_id) {
  TaskRecord task;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql =
        fmt::format("SELECT {} FROM pipeline_tasks WHERE run_id = ? AND node_id = ?", kTaskColumns);
    {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(2, node_id));
      CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
      if (found) {
        task = ReadTask(*stmt);
        return Status();
      }
    }
    CAIRN_RETURN_IF_ERROR(RequireRun(db, run_id));
    return NotFound(fmt::format("Task '{}' not found in pipeline run '{}'.", node_id, run_id));
  }));
  return task;
}

Result<std::vector<PipelineRunRecord>> SqlPipelineRunStore::ClaimUnfinishedRuns(const std::string& owner,
                                                                                int64_t now_ms, int64_t lease_ms) {
  std::vector<PipelineRunRecord> out;
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    out.clear();  // a retried closure starts over
    static const std::string sql =
        fmt::format("SELECT {} FROM pipeline_runs WHERE {} ORDER BY created_ms, run_id", kRunColumns,
                    RunLeases().claimable());
    {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
      CAIRN_RETURN_IF_ERROR(stmt->BindAll({owner, now_ms}));
      while (true) {
        CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        out.push_back(ReadRun(*stmt));
      }
    }
    for (PipelineRunRecord& record : out) {
      record.owner = owner;
      record.lease_expires_ms = now_ms + lease_ms;
      CAIRN_RETURN_IF_ERROR(RunLeases().Take(db, record.run_id, owner, record.lease_expires_ms));
    }
    return Status();
  }));
  return out;
}

Result<std::vector<pipelines::RunLease>> SqlPipelineRunStore::RenewRunLeases(const std::string& owner,
                                                                             int64_t now_ms, int64_t lease_ms) {
  std::vector<HeldLease> held;
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(held, RunLeases().Renew(db, owner, now_ms + lease_ms));
    return Status();
  }));
  std::vector<pipelines::RunLease> leases;
  leases.reserve(held.size());
  for (HeldLease& lease : held) leases.push_back({std::move(lease.id), lease.flagged});
  return leases;
}

Status SqlPipelineRunStore::ReleaseRunLeases(const std::string& owner) {
  return db_->Write([&](Connection& db) -> Status { return RunLeases().Release(db, owner); });
}

Status SqlPipelineRunStore::PutCacheEntry(const CacheEntry& entry) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO pipeline_cache (pipeline_name, fingerprint, "
                                                 "run_id, node_id, outputs_json, mlflow_run_id, created_ms) "
                                                 "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pipeline_name, fingerprint) "
                                                 "DO UPDATE SET run_id = excluded.run_id, node_id = excluded.node_id, "
                                                 "outputs_json = excluded.outputs_json, "
                                                 "mlflow_run_id = excluded.mlflow_run_id, "
                                                 "created_ms = excluded.created_ms"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({entry.pipeline_name, entry.fingerprint, entry.run_id, entry.node_id,
                                         entry.outputs_json, entry.mlflow_run_id, entry.created_ms}));
    return stmt->Run();
  });
}

Result<std::optional<CacheEntry>> SqlPipelineRunStore::FindCacheEntry(const std::string& pipeline_name,
                                                                        const std::string& fingerprint) {
  std::optional<CacheEntry> entry;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT run_id, node_id, outputs_json, mlflow_run_id, created_ms "
                                                 "FROM pipeline_cache WHERE pipeline_name = ? AND fingerprint = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, pipeline_name));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, fingerprint));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return Status();
    entry = CacheEntry{pipeline_name,       fingerprint,         stmt->ColumnText(0), stmt->ColumnText(1),
                       stmt->ColumnText(2), stmt->ColumnText(3), stmt->ColumnInt64(4)};
    return Status();
  }));
  return entry;
}

}  // namespace cairn::store::sql
