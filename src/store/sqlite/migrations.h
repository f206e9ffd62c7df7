// Versioned schema migrations for the SQLite stores (tracking and registry
// share one database).
//
// The schema keeps MLflow's table and column names so a PostgreSQL store can
// follow with the same shape (types map 1:1: INTEGER -> BIGINT, REAL ->
// DOUBLE PRECISION, TEXT -> TEXT/VARCHAR). Tables:
//   1: experiments, experiment_tags, runs, params, tags, metrics,
//      latest_metrics, datasets, inputs, input_tags;
//   2: registered_models, registered_model_tags, model_versions,
//      model_version_tags, registered_model_aliases, logged_models,
//      logged_model_tags, logged_model_params, registry_audit_events;
//   3: pipeline_runs, pipeline_tasks, pipeline_cache;
//   4: tuning_experiments, tuning_trials;
//   5: tuning_trials.stderr_offset;
//   6: auth_users, auth_tokens, auth_sessions, experiment_permissions,
//      registered_model_permissions, auth_workspaces, auth_workspace_members,
//      auth_workspace_resources, auth_audit;
// plus schema_version (one row per applied migration).
//
// Migration N is a list of SQL statements applied in one transaction together
// with its schema_version row. Statements may use the named parameters
// :default_experiment_location and :now, bound from MigrationContext (used to
// create experiment "0" "Default").
//
// Thread-safety: ApplyMigrations must be called on a connection nobody else
// uses at the time; concurrent processes are serialised by BEGIN IMMEDIATE.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace cairn::store::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::vector<std::string_view> statements;
};

struct MigrationContext {
  // artifact_location of experiment "0" ("<default_artifact_root>/0").
  std::string default_experiment_location;
  int64_t now_ms = 0;
};

// All migrations, ascending by version.
const std::vector<Migration>& SqliteMigrations();

// The highest applied version; 0 for an empty database.
Result<int> SchemaVersion(Database& db);

// Applies every migration newer than the database's version. Errors:
// kFailedPrecondition if the database was written by a newer cairn (unknown
// version); kInternal / kUnavailable from sqlite.
Status ApplyMigrations(Database& db, const MigrationContext& context);

}  // namespace cairn::store::sqlite
