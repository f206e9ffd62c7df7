#include "store/postgres/pg_migrations.h"

#include <fmt/format.h>

#include <iterator>

namespace cairn::store::postgres {
namespace {

// The SQLite schema (store/sqlite/migrations.cc, where the design notes
// are), version for version, in PostgreSQL types: INTEGER -> BIGINT, REAL ->
// DOUBLE PRECISION, TEXT -> TEXT COLLATE "C" (byte order, as SQLite's BINARY
// collation, whatever the database's locale), AUTOINCREMENT -> identity.
// SQLite's `id INTEGER PRIMARY KEY` (a rowid alias, numbered on insert)
// becomes an identity column.
// inputs gets an explicit `rowid` identity column: SQLite's implicit rowid
// keeps the order inputs were logged in, and the run loader orders by it.
constexpr std::string_view kV1[] = {
    R"sql(CREATE TABLE experiments (
  experiment_id BIGINT PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  artifact_location TEXT COLLATE "C" NOT NULL,
  lifecycle_stage TEXT COLLATE "C" NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time BIGINT NOT NULL,
  last_update_time BIGINT NOT NULL
))sql",
    R"sql(CREATE TABLE experiment_tags (
  experiment_id BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (experiment_id, key)
))sql",
    R"sql(CREATE TABLE runs (
  run_uuid TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  experiment_id BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL DEFAULT '',
  user_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  status TEXT COLLATE "C" NOT NULL DEFAULT 'RUNNING'
    CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
  start_time BIGINT NOT NULL,
  end_time BIGINT,
  deleted_time BIGINT,
  artifact_uri TEXT COLLATE "C" NOT NULL,
  lifecycle_stage TEXT COLLATE "C" NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
))sql",
    "CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)",
    R"sql(CREATE TABLE params (
  run_uuid TEXT COLLATE "C" NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_uuid, key)
))sql",
    R"sql(CREATE TABLE tags (
  run_uuid TEXT COLLATE "C" NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (run_uuid, key)
))sql",
    R"sql(CREATE TABLE metrics (
  run_uuid TEXT COLLATE "C" NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BIGINT NOT NULL DEFAULT 0 CHECK (is_nan IN (0, 1)),
  timestamp BIGINT NOT NULL,
  step BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, key, timestamp, step, value, is_nan)
))sql",
    R"sql(CREATE TABLE latest_metrics (
  run_uuid TEXT COLLATE "C" NOT NULL REFERENCES runs(run_uuid) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BIGINT NOT NULL DEFAULT 0 CHECK (is_nan IN (0, 1)),
  timestamp BIGINT NOT NULL,
  step BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uuid, key)
))sql",
    R"sql(CREATE TABLE datasets (
  dataset_uuid TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  experiment_id BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  digest TEXT COLLATE "C" NOT NULL,
  dataset_source_type TEXT COLLATE "C" NOT NULL,
  dataset_source TEXT COLLATE "C" NOT NULL,
  dataset_schema TEXT COLLATE "C",
  dataset_profile TEXT COLLATE "C",
  UNIQUE (experiment_id, name, digest)
))sql",
    R"sql(CREATE TABLE inputs (
  input_uuid TEXT COLLATE "C" NOT NULL UNIQUE,
  source_type TEXT COLLATE "C" NOT NULL,
  source_id TEXT COLLATE "C" NOT NULL,
  destination_type TEXT COLLATE "C" NOT NULL,
  destination_id TEXT COLLATE "C" NOT NULL,
  step BIGINT NOT NULL DEFAULT 0,
  rowid BIGINT GENERATED ALWAYS AS IDENTITY,
  PRIMARY KEY (source_type, source_id, destination_type, destination_id)
))sql",
    "CREATE INDEX inputs_destination ON inputs (destination_type, destination_id)",
    R"sql(CREATE TABLE input_tags (
  input_uuid TEXT COLLATE "C" NOT NULL REFERENCES inputs(input_uuid) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (input_uuid, name)
))sql",
    R"sql(INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time,
                         last_update_time)
VALUES (0, 'Default', ?, 'active', ?, ?))sql",
};

constexpr std::string_view kV2[] = {
    R"sql(CREATE TABLE registered_models (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  creation_time BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  description TEXT COLLATE "C" NOT NULL DEFAULT ''
))sql",
    "CREATE INDEX registered_models_creation ON registered_models (creation_time, name)",
    "CREATE INDEX registered_models_last_updated ON registered_models (last_updated_time, name)",
    R"sql(CREATE TABLE registered_model_tags (
  name TEXT COLLATE "C" NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (name, key)
))sql",
    R"sql(CREATE TABLE model_versions (
  name TEXT COLLATE "C" NOT NULL REFERENCES registered_models(name) ON UPDATE CASCADE ON DELETE CASCADE,
  version BIGINT NOT NULL CHECK (version > 0),
  creation_time BIGINT NOT NULL,
  last_updated_time BIGINT NOT NULL,
  user_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  current_stage TEXT COLLATE "C" NOT NULL DEFAULT 'None'
    CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived', 'Deleted_Internal')),
  description TEXT COLLATE "C" NOT NULL DEFAULT '',
  source TEXT COLLATE "C" NOT NULL DEFAULT '',
  storage_location TEXT COLLATE "C" NOT NULL DEFAULT '',
  run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  status TEXT COLLATE "C" NOT NULL DEFAULT 'READY'
    CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
  status_message TEXT COLLATE "C" NOT NULL DEFAULT '',
  run_link TEXT COLLATE "C" NOT NULL DEFAULT '',
  model_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (name, version)
))sql",
    "CREATE INDEX model_versions_stage ON model_versions (name, current_stage, version)",
    "CREATE INDEX model_versions_run_id ON model_versions (run_id)",
    "CREATE INDEX model_versions_last_updated ON model_versions (last_updated_time)",
    R"sql(CREATE TABLE model_version_tags (
  name TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (name, version, key),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
))sql",
    R"sql(CREATE TABLE registered_model_aliases (
  name TEXT COLLATE "C" NOT NULL,
  alias TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (name, alias),
  FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON UPDATE CASCADE ON DELETE CASCADE
))sql",
    "CREATE INDEX registered_model_aliases_version ON registered_model_aliases (name, version)",
    R"sql(CREATE TABLE logged_models (
  model_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  experiment_id BIGINT NOT NULL REFERENCES experiments(experiment_id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  artifact_location TEXT COLLATE "C" NOT NULL,
  creation_timestamp_ms BIGINT NOT NULL,
  last_updated_timestamp_ms BIGINT NOT NULL,
  model_type TEXT COLLATE "C" NOT NULL DEFAULT '',
  source_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  status TEXT COLLATE "C" NOT NULL DEFAULT 'LOGGED_MODEL_PENDING'
    CHECK (status IN ('LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED')),
  status_message TEXT COLLATE "C" NOT NULL DEFAULT '',
  lifecycle_stage TEXT COLLATE "C" NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted'))
))sql",
    "CREATE INDEX logged_models_experiment ON logged_models (experiment_id, creation_timestamp_ms DESC, model_id)",
    R"sql(CREATE TABLE logged_model_tags (
  model_id TEXT COLLATE "C" NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (model_id, key)
))sql",
    R"sql(CREATE TABLE logged_model_params (
  model_id TEXT COLLATE "C" NOT NULL REFERENCES logged_models(model_id) ON DELETE CASCADE,
  key TEXT COLLATE "C" NOT NULL,
  value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (model_id, key)
))sql",
    R"sql(CREATE TABLE registry_audit_events (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  timestamp BIGINT NOT NULL,
  actor TEXT COLLATE "C" NOT NULL DEFAULT '',
  action TEXT COLLATE "C" NOT NULL,
  model_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  version TEXT COLLATE "C" NOT NULL DEFAULT '',
  details TEXT COLLATE "C" NOT NULL DEFAULT '{}'
))sql",
    "CREATE INDEX registry_audit_events_model ON registry_audit_events (model_name, id)",
};

constexpr std::string_view kV3[] = {
    R"sql(CREATE TABLE pipeline_runs (
  run_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  display_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  pipeline_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  source_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  spec_yaml TEXT COLLATE "C" NOT NULL DEFAULT '',
  parameters_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  state TEXT COLLATE "C" NOT NULL
    CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED')),
  cache_enabled BIGINT NOT NULL DEFAULT 1,
  parallelism BIGINT NOT NULL DEFAULT 0,
  pipeline_root TEXT COLLATE "C" NOT NULL DEFAULT '',
  experiment_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  mlflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  outputs_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  error TEXT COLLATE "C" NOT NULL DEFAULT '',
  cancel_requested BIGINT NOT NULL DEFAULT 0,
  owner TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  started_ms BIGINT NOT NULL DEFAULT 0,
  finished_ms BIGINT NOT NULL DEFAULT 0
))sql",
    "CREATE INDEX pipeline_runs_created ON pipeline_runs (created_ms DESC, run_id DESC)",
    "CREATE INDEX pipeline_runs_state ON pipeline_runs (state, created_ms, run_id)",
    R"sql(CREATE TABLE pipeline_tasks (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES pipeline_runs(run_id) ON DELETE CASCADE,
  node_id TEXT COLLATE "C" NOT NULL,
  parent_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  task_key TEXT COLLATE "C" NOT NULL DEFAULT '',
  display_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  component TEXT COLLATE "C" NOT NULL DEFAULT '',
  kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('CONTAINER', 'IMPORTER', 'DAG', 'LOOP', 'ITERATION')),
  state TEXT COLLATE "C" NOT NULL
    CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'NOT_TRIGGERED', 'CANCELLED')),
  iteration_index BIGINT NOT NULL DEFAULT -1,
  attempt BIGINT NOT NULL DEFAULT 0,
  executor TEXT COLLATE "C" NOT NULL DEFAULT '',
  handle TEXT COLLATE "C" NOT NULL DEFAULT '',
  attempt_dir TEXT COLLATE "C" NOT NULL DEFAULT '',
  next_attempt_ms BIGINT NOT NULL DEFAULT 0,
  exit_code BIGINT NOT NULL DEFAULT -1,
  inputs_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  outputs_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  image TEXT COLLATE "C" NOT NULL DEFAULT '',
  command_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  fingerprint TEXT COLLATE "C" NOT NULL DEFAULT '',
  cached BIGINT NOT NULL DEFAULT 0,
  cached_from TEXT COLLATE "C" NOT NULL DEFAULT '',
  mlflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  error TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL DEFAULT 0,
  started_ms BIGINT NOT NULL DEFAULT 0,
  finished_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, node_id)
))sql",
    R"sql(CREATE TABLE pipeline_cache (
  pipeline_name TEXT COLLATE "C" NOT NULL,
  fingerprint TEXT COLLATE "C" NOT NULL,
  run_id TEXT COLLATE "C" NOT NULL,
  node_id TEXT COLLATE "C" NOT NULL,
  outputs_json TEXT COLLATE "C" NOT NULL,
  mlflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  PRIMARY KEY (pipeline_name, fingerprint)
))sql",
};

constexpr std::string_view kV4[] = {
    R"sql(CREATE TABLE tuning_experiments (
  experiment_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  namespace_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  source_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  spec_yaml TEXT COLLATE "C" NOT NULL DEFAULT '',
  overrides_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  format TEXT COLLATE "C" NOT NULL DEFAULT '',
  algorithm TEXT COLLATE "C" NOT NULL DEFAULT '',
  objective_type TEXT COLLATE "C" NOT NULL DEFAULT '',
  objective_metric TEXT COLLATE "C" NOT NULL DEFAULT '',
  max_trial_count BIGINT NOT NULL DEFAULT 0,
  parallel_trial_count BIGINT NOT NULL DEFAULT 0,
  state TEXT COLLATE "C" NOT NULL CHECK (state IN ('CREATED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'STOPPED')),
  reason TEXT COLLATE "C" NOT NULL DEFAULT '',
  message TEXT COLLATE "C" NOT NULL DEFAULT '',
  tracking_experiment_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  mlflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  best_trial_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  best_objective DOUBLE PRECISION,
  stop_requested BIGINT NOT NULL DEFAULT 0,
  owner TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_ms BIGINT NOT NULL,
  started_ms BIGINT NOT NULL DEFAULT 0,
  finished_ms BIGINT NOT NULL DEFAULT 0
))sql",
    "CREATE INDEX tuning_experiments_created ON tuning_experiments (created_ms DESC, experiment_id DESC)",
    "CREATE INDEX tuning_experiments_name ON tuning_experiments (name, created_ms)",
    R"sql(CREATE TABLE tuning_trials (
  experiment_id TEXT COLLATE "C" NOT NULL REFERENCES tuning_experiments(experiment_id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  trial_index BIGINT NOT NULL,
  assignment_json TEXT COLLATE "C" NOT NULL DEFAULT '[]',
  labels_json TEXT COLLATE "C" NOT NULL DEFAULT '{}',
  state TEXT COLLATE "C" NOT NULL CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'KILLED', 'EARLY_STOPPED',
                                       'METRICS_UNAVAILABLE')),
  reason TEXT COLLATE "C" NOT NULL DEFAULT '',
  message TEXT COLLATE "C" NOT NULL DEFAULT '',
  stop_reason TEXT COLLATE "C" NOT NULL DEFAULT '',
  executor TEXT COLLATE "C" NOT NULL DEFAULT '',
  handle TEXT COLLATE "C" NOT NULL DEFAULT '',
  attempt_dir TEXT COLLATE "C" NOT NULL DEFAULT '',
  working_dir TEXT COLLATE "C" NOT NULL DEFAULT '',
  command_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  mlflow_run_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  objective DOUBLE PRECISION,
  metrics_json TEXT COLLATE "C" NOT NULL DEFAULT '',
  collector_offset BIGINT NOT NULL DEFAULT 0,
  exit_code BIGINT NOT NULL DEFAULT -1,
  created_ms BIGINT NOT NULL DEFAULT 0,
  started_ms BIGINT NOT NULL DEFAULT 0,
  finished_ms BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (experiment_id, name)
))sql",
    "CREATE UNIQUE INDEX tuning_trials_index ON tuning_trials (experiment_id, trial_index)",
};

constexpr std::string_view kV5[] = {
    "ALTER TABLE tuning_trials ADD COLUMN stderr_offset BIGINT NOT NULL DEFAULT 0",
};

constexpr std::string_view kV6[] = {
    R"sql(CREATE TABLE auth_users (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL UNIQUE,
  password_hash TEXT COLLATE "C" NOT NULL,
  is_admin BIGINT NOT NULL DEFAULT 0,
  created_time BIGINT NOT NULL
))sql",
    R"sql(CREATE TABLE auth_tokens (
  token_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT COLLATE "C" NOT NULL DEFAULT '',
  kind TEXT COLLATE "C" NOT NULL DEFAULT 'personal' CHECK (kind IN ('personal', 'task')),
  workspace TEXT COLLATE "C",
  scope_experiment_id TEXT COLLATE "C",
  scope_run_id TEXT COLLATE "C",
  created_time BIGINT NOT NULL,
  expires_time BIGINT,
  revoked_time BIGINT,
  last_used_time BIGINT
))sql",
    "CREATE INDEX auth_tokens_user ON auth_tokens (user_id)",
    R"sql(CREATE TABLE auth_sessions (
  session_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  csrf_token TEXT COLLATE "C" NOT NULL,
  created_time BIGINT NOT NULL,
  expires_time BIGINT NOT NULL
))sql",
    R"sql(CREATE TABLE experiment_permissions (
  experiment_id TEXT COLLATE "C" NOT NULL,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  permission TEXT COLLATE "C" NOT NULL CHECK (permission IN ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')),
  PRIMARY KEY (experiment_id, user_id)
))sql",
    R"sql(CREATE TABLE registered_model_permissions (
  name TEXT COLLATE "C" NOT NULL,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  permission TEXT COLLATE "C" NOT NULL CHECK (permission IN ('READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS')),
  PRIMARY KEY (name, user_id)
))sql",
    R"sql(CREATE TABLE auth_workspaces (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  description TEXT COLLATE "C" NOT NULL DEFAULT '',
  created_time BIGINT NOT NULL
))sql",
    R"sql(CREATE TABLE auth_workspace_members (
  workspace TEXT COLLATE "C" NOT NULL REFERENCES auth_workspaces(name) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES auth_users(id) ON DELETE CASCADE,
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('READ', 'EDIT', 'MANAGE')),
  PRIMARY KEY (workspace, user_id)
))sql",
    R"sql(CREATE TABLE auth_workspace_resources (
  kind TEXT COLLATE "C" NOT NULL,
  resource_id TEXT COLLATE "C" NOT NULL,
  workspace TEXT COLLATE "C" NOT NULL REFERENCES auth_workspaces(name) ON DELETE CASCADE,
  PRIMARY KEY (kind, resource_id)
))sql",
    R"sql(CREATE TABLE auth_audit (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  time BIGINT NOT NULL,
  username TEXT COLLATE "C" NOT NULL DEFAULT '',
  client TEXT COLLATE "C" NOT NULL DEFAULT '',
  action TEXT COLLATE "C" NOT NULL,
  target TEXT COLLATE "C" NOT NULL DEFAULT '',
  outcome TEXT COLLATE "C" NOT NULL,
  detail TEXT COLLATE "C" NOT NULL DEFAULT ''
))sql",
};

constexpr std::string_view kV7[] = {
    "ALTER TABLE pipeline_runs ADD COLUMN lease_expires_ms BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE tuning_experiments ADD COLUMN lease_expires_ms BIGINT NOT NULL DEFAULT 0",
    "CREATE INDEX pipeline_runs_owner ON pipeline_runs (owner, state)",
    "CREATE INDEX tuning_experiments_owner ON tuning_experiments (owner, state)",
};

constexpr std::string_view kV8[] = {
    "ALTER TABLE auth_users ADD COLUMN max_request_bytes BIGINT",
    "ALTER TABLE auth_users ADD COLUMN max_upload_bytes BIGINT",
    "ALTER TABLE auth_users ADD COLUMN requests_per_second DOUBLE PRECISION",
    R"sql(CREATE TABLE auth_rate_buckets (
  rate_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  updated_ms BIGINT NOT NULL
))sql",
    R"sql(CREATE TABLE auth_login_failures (
  failure_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  failures BIGINT NOT NULL,
  first_failure_ms BIGINT NOT NULL,
  locked_until_ms BIGINT NOT NULL,
  lockouts BIGINT NOT NULL,
  last_ms BIGINT NOT NULL
))sql",
    "CREATE INDEX auth_login_failures_locked ON auth_login_failures (locked_until_ms)",
};

constexpr std::string_view kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL PRIMARY KEY, "
    "description TEXT NOT NULL, applied_time BIGINT NOT NULL)";

// Any constant: the advisory lock that serialises migrations across server
// replicas opening the same database at once.
constexpr int64_t kMigrationLockKey = 0x636169726e;  // "cairn"

Status ApplyOne(PgConnection& db, const Migration& migration, const MigrationContext& context) {
  for (std::string_view sql : migration.statements) {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareUncached(sql));
    // The one parameterised statement: experiment 0 (location, now, now).
    if (sql.find('?') != std::string_view::npos) {
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, context.default_experiment_location));
      CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, context.now_ms));
      CAIRN_RETURN_IF_ERROR(stmt->BindInt64(3, context.now_ms));
    }
    CAIRN_RETURN_IF_ERROR(stmt->Run());
  }
  CAIRN_ASSIGN_OR_RETURN(auto mark, db.PrepareUncached("INSERT INTO schema_version (version, description, "
                                                       "applied_time) VALUES (?, ?, ?)"));
  CAIRN_RETURN_IF_ERROR(mark->BindInt64(1, migration.version));
  CAIRN_RETURN_IF_ERROR(mark->BindText(2, migration.description));
  CAIRN_RETURN_IF_ERROR(mark->BindInt64(3, context.now_ms));
  return mark->Run();
}

Result<int> SchemaVersion(PgConnection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareUncached("SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? static_cast<int>(stmt->ColumnInt64(0)) : 0;
}

// The schema the connection's search_path puts first ("" for public or
// "$user"), so a URI with options=-csearch_path%3D<schema> gets its own
// schema created.
Result<std::string> FirstSearchPathSchema(PgConnection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareUncached("SELECT current_setting('search_path')"));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::string();
  std::string_view path = stmt->ColumnTextView(0);
  std::string_view first = path.substr(0, path.find(','));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
  std::string name;
  if (first.size() >= 2 && first.front() == '"' && first.back() == '"') {
    first = first.substr(1, first.size() - 2);
    for (size_t i = 0; i < first.size(); ++i) {
      name += first[i];
      if (first[i] == '"' && i + 1 < first.size() && first[i + 1] == '"') ++i;  // "" is one quote
    }
  } else {
    name = std::string(first);
  }
  if (name == "$user" || name == "public") return std::string();
  return name;
}

Status EnsureSchema(PgConnection& db) {
  CAIRN_ASSIGN_OR_RETURN(std::string schema, FirstSearchPathSchema(db));
  if (schema.empty()) return Status();
  std::string quoted = "\"";
  for (char c : schema) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  quoted += '"';
  return db.Exec("CREATE SCHEMA IF NOT EXISTS " + quoted);
}

}  // namespace

const std::vector<Migration>& PostgresMigrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, "tracking schema: experiments, runs, params, tags, metrics, latest_metrics, datasets, inputs",
       std::vector<std::string_view>(std::begin(kV1), std::end(kV1))},
      {2, "model registry: registered models, versions, tags, aliases, logged models, audit events",
       std::vector<std::string_view>(std::begin(kV2), std::end(kV2))},
      {3, "pipelines: pipeline runs, task states, cache entries",
       std::vector<std::string_view>(std::begin(kV3), std::end(kV3))},
      {4, "tuning: experiments and trials", std::vector<std::string_view>(std::begin(kV4), std::end(kV4))},
      {5, "tuning: stderr read position of trials", std::vector<std::string_view>(std::begin(kV5), std::end(kV5))},
      {6, "auth: users, tokens, sessions, experiment/model permissions, workspaces, audit",
       std::vector<std::string_view>(std::begin(kV6), std::end(kV6))},
      {7, "leases: lease_expires_ms of pipeline runs and tuning experiments (server replicas)",
       std::vector<std::string_view>(std::begin(kV7), std::end(kV7))},
      {8, "auth: per-user request limits, shared rate-limit and failed-login state",
       std::vector<std::string_view>(std::begin(kV8), std::end(kV8))},
  };
  return *migrations;
}

Status ApplyPostgresMigrations(PgConnection& db, const MigrationContext& context) {
  const auto& migrations = PostgresMigrations();
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  {
    CAIRN_RETURN_IF_ERROR(db.Exec("BEGIN"));
    Status status = db.Exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLockKey));
    if (status.ok()) status = EnsureSchema(db);
    if (!status.ok()) {
      (void)db.Exec("ROLLBACK");
      return status;
    }
    CAIRN_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  for (const Migration& migration : migrations) {
    // One transaction per migration, under the advisory lock; the version is
    // re-read inside it so concurrent openers apply each migration once.
    CAIRN_RETURN_IF_ERROR(db.Exec("BEGIN"));
    Status status = [&]() -> Status {
      CAIRN_RETURN_IF_ERROR(db.Exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLockKey)));
      CAIRN_RETURN_IF_ERROR(db.Exec(kCreateVersionTable));
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

}  // namespace cairn::store::postgres
