#include "store/sqlite/migrations.h"

#include <fmt/format.h>

namespace cairn::store::sqlite {
namespace {

// Version 1: the tracking schema.
//
// Design notes (shared with the PostgreSQL store to come):
//  * metrics' primary key (run_uuid, key, timestamp, step, value, is_nan) is
//    both the de-duplication rule for exact duplicate points (INSERT OR
//    IGNORE / ON CONFLICT DO NOTHING) and the index that serves get-history
//    in (timestamp, step, value) order. WITHOUT ROWID makes it the table's
//    clustered order in SQLite.
//  * latest_metrics holds one row per (run, key) so search and run loading
//    never touch the full history.
//  * NaN is stored as value 0 with is_nan = 1 (SQL NULL would lose it);
//    +-Inf as +-1.7976931348623157e308, as MLflow does.
//  * inputs is a generic edge table (source -> destination) like MLflow's,
//    so model inputs/outputs can reuse it; its implicit rowid keeps the order
//    inputs were logged in.
constexpr std::string_view kV1[] = {
    R"sql(CREATE TABLE experiments (
  experiment_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time INTEGER NOT NULL,
  last_update_time INTEGER NOT NULL
))sql",
    R"sql(CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE runs (
  run_uuid TEXT NOT NULL PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  user_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'RUNNING'
    CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  deleted_time INTEGER,
  artifact_uri TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
))sql",
    "CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)",
    R"sql(CREATE TABLE params (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE tags (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE metrics (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL DEFAULT 0 CHECK (is_nan IN (0, 1)),
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, key, timestamp, step, value, is_nan)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE latest_metrics (
  run_uuid TEXT NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value REAL NOT NULL,
  is_nan INTEGER NOT NULL DEFAULT 0 CHECK (is_nan IN (0, 1)),
  timestamp INTEGER NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE datasets (
  dataset_uuid TEXT NOT NULL PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  digest TEXT NOT NULL,
  dataset_source_type TEXT NOT NULL,
  dataset_source TEXT NOT NULL,
  dataset_schema TEXT,
  dataset_profile TEXT,
  UNIQUE (experiment_id, name, digest)
))sql",
    R"sql(CREATE TABLE inputs (
  input_uuid TEXT NOT NULL UNIQUE,
  source_type TEXT NOT NULL,
  source_id TEXT NOT NULL,
  destination_type TEXT NOT NULL,
  destination_id TEXT NOT NULL,
  step INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (source_type, source_id, destination_type, destination_id)
))sql",
    "CREATE INDEX inputs_destination ON inputs (destination_type, destination_id)",
    R"sql(CREATE TABLE input_tags (
  input_uuid TEXT NOT NULL REFERENCES inputs(input_uuid) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (input_uuid, name)
) WITHOUT ROWID)sql",
    R"sql(INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,
                         last_update_time)
VALUES (0, 'Default', :default_experiment_location, 'active', :now, :now))sql",
};

// Version 2: the model registry and MLflow 3 logged models.
//
// Design notes:
//  * Registered model names are the key everywhere (as in MLflow's schema);
//    every child references its parent with ON UPDATE CASCADE, so a rename is
//    one UPDATE of registered_models.name that carries versions, their tags
//    and aliases along, and ON DELETE CASCADE makes the hard delete of a
//    model one DELETE.
//  * Deleted versions stay as rows with current_stage 'Deleted_Internal' (and
//    their user data redacted), so MAX(version) + 1 never reuses a number.
//  * model_versions (name, current_stage, version) serves latest-per-stage
//    for a whole page of models with one grouped index scan; run_id is
//    indexed for `run_id = ...` searches.
//  * Aliases reference the version they point at (name, version); deleting
//    a version removes its aliases explicitly (a soft delete cascades
//    nothing).
//  * registry_audit_events has no foreign key: the trail outlives renames and
//    deletes. Logged-model events use the model_id as model_name.
//  * Empty strings stand for MLflow's NULLs in text columns.
constexpr std::string_view kV2[] = {
    R"sql(CREATE TABLE registered_models (
  name TEXT NOT NULL PRIMARY KEY,
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT ''
))sql",
    "CREATE INDEX registered_models_creation ON registered_models (creation_time, name)",
    "CREATE INDEX registered_models_last_updated ON registered_models (last_updated_time, name)",
    R"sql(CREATE TABLE registered_model_tags (
  name TEXT NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE model_versions (
  name TEXT NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
  version INTEGER NOT NULL CHECK (version > 0),
  creation_time INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  user_id TEXT NOT NULL DEFAULT '',
  current_stage TEXT NOT NULL DEFAULT 'None'
    CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived', 'Deleted_Internal')),
  description TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  storage_location TEXT NOT NULL DEFAULT '',
  run_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'READY'
    CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
  status_message TEXT NOT NULL DEFAULT '',
  run_link TEXT NOT NULL DEFAULT '',
  model_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (name, version)
))sql",
    "CREATE INDEX model_versions_stage ON model_versions (name, current_stage, version)",
    "CREATE INDEX model_versions_run_id ON model_versions (run_id)",
    "CREATE INDEX model_versions_last_updated ON model_versions (last_updated_time)",
    R"sql(CREATE TABLE model_version_tags (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE registered_model_aliases (
  name TEXT NOT NULL,
  alias TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
) WITHOUT ROWID)sql",
    "CREATE INDEX registered_model_aliases_version ON registered_model_aliases (name, version)",
    R"sql(CREATE TABLE logged_models (
  model_id TEXT NOT NULL PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  artifact_location TEXT NOT NULL,
  creation_timestamp_ms INTEGER NOT NULL,
  last_updated_timestamp_ms INTEGER NOT NULL,
  model_type TEXT NOT NULL DEFAULT '',
  source_run_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'LOGGED_MODEL_PENDING'
    CHECK (status IN ('LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED')),
  status_message TEXT NOT NULL DEFAULT '',
  lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
))sql",
    "CREATE INDEX logged_models_experiment ON logged_models (experiment_id, creation_timestamp_ms DESC, model_id)",
    R"sql(CREATE TABLE logged_model_tags (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE logged_model_params (
  model_id TEXT NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE registry_audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  timestamp INTEGER NOT NULL,
  actor TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  model_name TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}'
))sql",
    "CREATE INDEX registry_audit_events_model ON registry_audit_events (model_name, id)",
};

// Version 3: pipeline runs (pipelines/run_state/run_store.h).
//  * pipeline_tasks holds one row per node of a run's execution tree (tasks,
//    sub-DAGs, loops, iterations), keyed by its path; the scheduler upserts
//    the latest state, so a restarted server reloads a run with one query.
//  * pipeline_cache maps (pipeline name, fingerprint) to the outputs of the
//    latest successful task with that fingerprint (KFP scopes its cache by
//    pipeline name too); no foreign key, entries outlive deleted runs.
//  * States are checked against the closed enums of run_store.h.
constexpr std::string_view kV3[] = {
    R"sql(CREATE TABLE pipeline_runs (
  run_id TEXT NOT NULL PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  pipeline_name TEXT NOT NULL DEFAULT '',
  source_name TEXT NOT NULL DEFAULT '',
  spec_yaml TEXT NOT NULL DEFAULT '',
  parameters_json TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL
    CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED')),
  cache_enabled INTEGER NOT NULL DEFAULT 1,
  parallelism INTEGER NOT NULL DEFAULT 0,
  pipeline_root TEXT NOT NULL DEFAULT '',
  experiment_id TEXT NOT NULL DEFAULT '',
  mlflow_run_id TEXT NOT NULL DEFAULT '',
  outputs_json TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  owner TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0
))sql",
    "CREATE INDEX pipeline_runs_created ON pipeline_runs (created_ms DESC, run_id DESC)",
    "CREATE INDEX pipeline_runs_state ON pipeline_runs (state, created_ms, run_id)",
    R"sql(CREATE TABLE pipeline_tasks (
  run_id TEXT NOT NULL REFERENCES pipeline_runs(run_id) ON DELETE CASCADE,
  node_id TEXT NOT NULL,
  parent_id TEXT NOT NULL DEFAULT '',
  task_key TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  component TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('CONTAINER', 'IMPORTER', 'DAG', 'LOOP', 'ITERATION')),
  state TEXT NOT NULL
    CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'NOT_TRIGGERED', 'CANCELLED')),
  iteration_index INTEGER NOT NULL DEFAULT -1,
  attempt INTEGER NOT NULL DEFAULT 0,
  executor TEXT NOT NULL DEFAULT '',
  handle TEXT NOT NULL DEFAULT '',
  attempt_dir TEXT NOT NULL DEFAULT '',
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER NOT NULL DEFAULT -1,
  inputs_json TEXT NOT NULL DEFAULT '',
  outputs_json TEXT NOT NULL DEFAULT '',
  image TEXT NOT NULL DEFAULT '',
  command_json TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  cached INTEGER NOT NULL DEFAULT 0,
  cached_from TEXT NOT NULL DEFAULT '',
  mlflow_run_id TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL DEFAULT 0,
  started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, node_id)
))sql",
    R"sql(CREATE TABLE pipeline_cache (
  pipeline_name TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  run_id TEXT NOT NULL,
  node_id TEXT NOT NULL,
  outputs_json TEXT NOT NULL,
  mlflow_run_id TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (pipeline_name, fingerprint)
))sql",
};

// Version 4: tuning experiments (tuning/state/experiment_store.h).
//  * tuning_trials holds one row per trial, keyed by (experiment, name), with
//    its assignment, the labels of its suggestion, its state and collected
//    metric log: the controller upserts the latest state, and a restarted
//    server rebuilds an experiment (and what its suggester saw) from them.
//  * objective / best_objective are NULL until known.
constexpr std::string_view kV4[] = {
    R"sql(CREATE TABLE tuning_experiments (
  experiment_id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  namespace_name TEXT NOT NULL DEFAULT '',
  source_name TEXT NOT NULL DEFAULT '',
  spec_yaml TEXT NOT NULL DEFAULT '',
  overrides_json TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL DEFAULT '',
  algorithm TEXT NOT NULL DEFAULT '',
  objective_type TEXT NOT NULL DEFAULT '',
  objective_metric TEXT NOT NULL DEFAULT '',
  max_trial_count INTEGER NOT NULL DEFAULT 0,
  parallel_trial_count INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('CREATED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'STOPPED')),
  reason TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  tracking_experiment_id TEXT NOT NULL DEFAULT '',
  mlflow_run_id TEXT NOT NULL DEFAULT '',
  best_trial_name TEXT NOT NULL DEFAULT '',
  best_objective REAL,
  stop_requested INTEGER NOT NULL DEFAULT 0,
  owner TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0
))sql",
    "CREATE INDEX tuning_experiments_created ON tuning_experiments (created_ms DESC, experiment_id DESC)",
    "CREATE INDEX tuning_experiments_name ON tuning_experiments (name, created_ms)",
    R"sql(CREATE TABLE tuning_trials (
  experiment_id TEXT NOT NULL REFERENCES tuning_experiments(experiment_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  trial_index INTEGER NOT NULL,
  assignment_json TEXT NOT NULL DEFAULT '[]',
  labels_json TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'KILLED', 'EARLY_STOPPED',
                                       'METRICS_UNAVAILABLE')),
  reason TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  stop_reason TEXT NOT NULL DEFAULT '',
  executor TEXT NOT NULL DEFAULT '',
  handle TEXT NOT NULL DEFAULT '',
  attempt_dir TEXT NOT NULL DEFAULT '',
  working_dir TEXT NOT NULL DEFAULT '',
  command_json TEXT NOT NULL DEFAULT '',
  mlflow_run_id TEXT NOT NULL DEFAULT '',
  objective REAL,
  metrics_json TEXT NOT NULL DEFAULT '',
  collector_offset INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER NOT NULL DEFAULT -1,
  created_ms INTEGER NOT NULL DEFAULT 0,
  started_ms INTEGER NOT NULL DEFAULT 0,
  finished_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (experiment_id, name)
))sql",
    "CREATE UNIQUE INDEX tuning_trials_index ON tuning_trials (experiment_id, trial_index)",
};

// Version 5: the StdOut collector reads stderr too (a container's log, which
// Katib's collector tails, holds both streams); its read position.
constexpr std::string_view kV5[] = {
    "ALTER TABLE tuning_trials ADD COLUMN stderr_offset INTEGER NOT NULL DEFAULT 0",
};

// Version 6: authentication and authorization (src/auth/, docs/auth.md).
// Only hashes of secrets are stored: argon2id encoded strings for passwords,
// SHA-256 hex for access tokens and session ids. Permission tables keep
// MLflow's names (experiment_permissions, registered_model_permissions).
// Resources belong to at most one workspace (auth_workspace_resources);
// resources without a row are in no workspace (the default, shared space).
constexpr std::string_view kV6[] = {
    R"sql(CREATE TABLE auth_users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_time INTEGER NOT NULL
))sql",
    R"sql(CREATE TABLE auth_tokens (
  token_id TEXT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'personal' CHECK (kind IN ('personal', 'task')),
  workspace TEXT,
  scope_experiment_id TEXT,
  scope_run_id TEXT,
  created_time INTEGER NOT NULL,
  expires_time INTEGER,
  revoked_time INTEGER,
  last_used_time INTEGER
))sql",
    "CREATE INDEX auth_tokens_user ON auth_tokens (user_id)",
    R"sql(CREATE TABLE auth_sessions (
  session_hash TEXT NOT NULL PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_time INTEGER NOT NULL,
  expires_time INTEGER NOT NULL
))sql",
    R"sql(CREATE TABLE experiment_permissions (
  experiment_id TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')),
  PRIMARY KEY (experiment_id, user_id)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE registered_model_permissions (
  name TEXT NOT NULL,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  permission TEXT NOT NULL CHECK (permission IN ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')),
  PRIMARY KEY (name, user_id)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE auth_workspaces (
  name TEXT NOT NULL PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  created_time INTEGER NOT NULL
))sql",
    R"sql(CREATE TABLE auth_workspace_members (
  workspace TEXT NOT NULL REFERENCES auth_workspaces(name) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('READ', 'EDIT', 'MANAGE')),
  PRIMARY KEY (workspace, user_id)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE auth_workspace_resources (
  kind TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  workspace TEXT NOT NULL REFERENCES auth_workspaces(name) ON DELETE CASCADE,
  PRIMARY KEY (kind, resource_id)
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE auth_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  username TEXT NOT NULL DEFAULT '',
  client TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
))sql",
};

// Version 7: leases, so several server replicas can share one database: the
// owner of an unfinished pipeline run or tuning experiment holds it until
// lease_expires_ms (epoch ms), renewing it while alive; after that another
// replica may claim it. Indexed by (owner, state) for renewals.
constexpr std::string_view kV7[] = {
    "ALTER TABLE pipeline_runs ADD COLUMN lease_expires_ms INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE tuning_experiments ADD COLUMN lease_expires_ms INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX pipeline_runs_owner ON pipeline_runs (owner, state)",
    "CREATE INDEX tuning_experiments_owner ON tuning_experiments (owner, state)",
};

// Version 8: per-user request limits, and the rate-limit and failed-login
// state that server replicas share (auth/shared_limits.h). NULL limits mean
// the server's defaults. auth_rate_buckets holds the token bucket of each
// rate key that all replicas draw from; auth_login_failures is the
// brute-force lockout state per "user:<name>" / "addr:<ip>" key.
constexpr std::string_view kV8[] = {
    "ALTER TABLE auth_users ADD COLUMN max_request_bytes INTEGER",
    "ALTER TABLE auth_users ADD COLUMN max_upload_bytes INTEGER",
    "ALTER TABLE auth_users ADD COLUMN requests_per_second REAL",
    R"sql(CREATE TABLE auth_rate_buckets (
  rate_key TEXT NOT NULL PRIMARY KEY,
  tokens REAL NOT NULL,
  updated_ms INTEGER NOT NULL
) WITHOUT ROWID)sql",
    R"sql(CREATE TABLE auth_login_failures (
  failure_key TEXT NOT NULL PRIMARY KEY,
  failures INTEGER NOT NULL,
  first_failure_ms INTEGER NOT NULL,
  locked_until_ms INTEGER NOT NULL,
  lockouts INTEGER NOT NULL,
  last_ms INTEGER NOT NULL
) WITHOUT ROWID)sql",
    "CREATE INDEX auth_login_failures_locked ON auth_login_failures (locked_until_ms)",
};

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, "
    "description TEXT NOT NULL, applied_time INTEGER NOT NULL)";

Status ApplyOne(Database& db, const Migration& migration, const MigrationContext& context) {
  for (std::string_view sql : migration.statements) {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareUncached(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindNamedIfPresent(":default_experiment_location", context.default_experiment_location));
    CAIRN_RETURN_IF_ERROR(stmt->BindNamedIfPresent(":now", context.now_ms));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
  }
  CAIRN_ASSIGN_OR_RETURN(auto mark, db.PrepareUncached(
                                        "INSERT INTO schema_version (version, description, applied_time) "
                                        "VALUES (?, ?, ?)"));
  CAIRN_RETURN_IF_ERROR(mark->BindInt64(1, migration.version));
  CAIRN_RETURN_IF_ERROR(mark->BindText(2, migration.description));
  CAIRN_RETURN_IF_ERROR(mark->BindInt64(3, context.now_ms));
  return mark->Run();
}

}  // namespace

const std::vector<Migration>& SqliteMigrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, "tracking schema: experiments, runs, params, tags, metrics, latest_metrics, datasets, inputs",
       std::vector<std::string_view>(std::begin(kV1), std::end(kV1))},
      {2, "model registry: registered models, versions, tags, aliases, logged models, audit events",
       std::vector<std::string_view>(std::begin(kV2), std::end(kV2))},
      {3, "pipelines: pipeline runs, task states, cache entries",
       std::vector<std::string_view>(std::begin(kV3), std::end(kV3))},
      {4, "tuning: experiments and trials",
       std::vector<std::string_view>(std::begin(kV4), std::end(kV4))},
      {5, "tuning: stderr read position of trials",
       std::vector<std::string_view>(std::begin(kV5), std::end(kV5))},
      {6, "auth: users, tokens, sessions, experiment/model permissions, workspaces, audit",
       std::vector<std::string_view>(std::begin(kV6), std::end(kV6))},
      {7, "leases: lease_expires_ms of pipeline runs and tuning experiments (server replicas)",
       std::vector<std::string_view>(std::begin(kV7), std::end(kV7))},
      {8, "auth: per-user request limits, shared rate-limit and failed-login state",
       std::vector<std::string_view>(std::begin(kV8), std::end(kV8))},
  };
  return *migrations;
}

Result<int> SchemaVersion(Database& db) {
  CAIRN_RETURN_IF_ERROR(db.Exec(kCreateVersionTable));
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareUncached("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? static_cast<int>(stmt->ColumnInt64(0)) : 0;
}

Status ApplyMigrations(Database& db, const MigrationContext& context) {
  const auto& migrations = SqliteMigrations();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  for (const Migration& migration : migrations) {
    // One transaction per migration; the version is re-read inside it so two
    // processes opening the same new file apply each migration once.
    CAIRN_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status status = [&]() -> Status {
      CAIRN_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
      if (current > latest) {
        return Status(StatusCode::kFailedPrecondition,
                      "The tracking database was created by a newer version of cairn.",
                      fmt::format("schema version {} > supported {}", current, latest));
      }
      if (current >= migration.version) return Status();
      return ApplyOne(db, migration, context);
    }();
    if (!status.ok()) {
      (void)db.Exec("ROLLBACK");
      return status;
    }
    CAIRN_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status();
}

}  // namespace cairn::store::sqlite
