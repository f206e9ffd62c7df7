// Factory for the SQLite stores (the default; see DESIGN.md): every store
// over one database file. The composition root goes through
// store/store_factory.h (OpenStores picks SQLite or PostgreSQL by URI);
// tests and benches that want SQLite specifically call these.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "store/store_factory.h"
#include "tracking/tracking_store.h"

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

// All stores over one opened database: one file, one writer connection
// whose group commits serve writes from every store, one read pool.
using SqliteStores = Stores;

// Opens (creating and migrating if needed) the database and all stores.
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
