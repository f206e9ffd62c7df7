// Factory for the SQLite stores (the default; see DESIGN.md): the
// TrackingStore, the RegistryStore and the PipelineRunStore over one
// database file. The
// composition root (server/) calls these; nothing else needs the
// implementation headers under store/sqlite/.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "auth/auth_store.h"
#include "base/clock.h"
#include "base/result.h"
#include "pipelines/run_state/run_store.h"
#include "registry/registry_store.h"
#include "tracking/tracking_store.h"
#include "tuning/state/experiment_store.h"

namespace cairn::store {

struct SqliteStoreOptions {
  // Database file path (parent directories are created), or ":memory:" for a
  // private in-memory database that disappears when the store is destroyed.
  std::string path;
  // Root of experiment artifact locations: experiment N gets
  // "<default_artifact_root>/N", joined with exactly one '/'
  // (e.g. "mlflow-artifacts:" -> "mlflow-artifacts:/1").
  std::string default_artifact_root;
  // Time source for creation/update/deletion times and default start_time.
  // nullptr: the system clock. Not owned; must outlive the store.
  const Clock* clock = nullptr;
  // Dedicated read connections (file databases only), so searches run in
  // parallel with writes. <= 0: reads share the writer connection.
  int read_connections = 4;
};

// Both stores over one opened database: one file, one writer connection
// whose group commits serve writes from either store, one read pool. Either
// store may be destroyed first; the database closes with the last one.
struct SqliteStores {
  std::unique_ptr<tracking::TrackingStore> tracking;
  std::unique_ptr<registry::RegistryStore> registry;
  // Pipeline runs and task states (schema migration 3).
  std::unique_ptr<pipelines::PipelineRunStore> pipelines;
  // Tuning experiments and trials (schema migration 4).
  std::unique_ptr<tuning::ExperimentStore> tuning;
  // Users, tokens, permissions, workspaces, audit (schema migration 6).
  std::unique_ptr<auth::AuthStore> auth;
};

// Opens (creating and migrating if needed) the database and both stores.
// Errors: kInvalidArgument for an empty path; kInternal if the file cannot
// be created or opened; kFailedPrecondition if it was written by a newer
// cairn schema. The stores are thread-safe (see tracking/tracking_store.h,
// registry/registry_store.h).
Result<SqliteStores> OpenSqliteStores(const SqliteStoreOptions& options);

// Just the tracking store (its database is private to it), as
// OpenSqliteStores. For ":memory:" only stores opened together share data.
Result<std::unique_ptr<tracking::TrackingStore>> OpenSqliteTrackingStore(const SqliteStoreOptions& options);

// Parses an SQLAlchemy-style SQLite URI into a path for SqliteStoreOptions:
//   "sqlite:///x.db", "sqlite:///./x.db", "sqlite:///dir/x.db" -> relative to the cwd
//   "sqlite:////abs/x.db"                                      -> "/abs/x.db"
//   "sqlite://", "sqlite://:memory:", "sqlite:///:memory:"     -> ":memory:"
// Errors: kInvalidArgument for another scheme, a host part, or query options.
Result<std::string> SqlitePathFromUri(std::string_view uri);

}  // namespace cairn::store
