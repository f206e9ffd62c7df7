// The store factory the composition root uses: opens every store over the
// database a URI names, choosing the backend by scheme.
//   sqlite:///path.db, sqlite:///:memory:   SQLite (store/sqlite/, the default)
//   postgresql://user[:pw]@host[:port]/db   PostgreSQL (store/postgres/);
//   postgres://...                          also accepted, as libpq does
// Both run the same store logic (store/sql/) and pass the same contract
// suites; see store/README.md.
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

// All stores over one opened database. Any store may be destroyed first;
// the database closes with the last one.
struct Stores {
  std::unique_ptr<tracking::TrackingStore> tracking;
  std::unique_ptr<registry::RegistryStore> registry;
  // Pipeline runs and task states (schema migration 3).
  std::unique_ptr<pipelines::PipelineRunStore> pipelines;
  // Tuning experiments and trials (schema migrations 4, 5).
  std::unique_ptr<tuning::ExperimentStore> tuning;
  // Users, tokens, permissions, workspaces, audit (schema migration 6).
  std::unique_ptr<auth::AuthStore> auth;
};

struct StoreOptions {
  // sqlite:///... or postgresql://... (see the header comment).
  std::string uri;
  // Root of experiment artifact locations ("<root>/<experiment id>").
  std::string default_artifact_root;
  // nullptr: the system clock. Not owned; must outlive the stores.
  const Clock* clock = nullptr;
  // SQLite: dedicated read connections (see SqliteStoreOptions).
  int read_connections = 4;
  // PostgreSQL: most connections held open at once.
  int pool_size = 8;
};

// True for postgresql:// and postgres:// URIs.
bool IsPostgresUri(std::string_view uri);

// `uri` with the password of a user:password@ part replaced by "***", for
// logs and messages.
std::string RedactedUri(std::string_view uri);

// Opens (creating and migrating if needed) the database and all stores.
// Errors: kInvalidArgument for an unknown scheme or a malformed SQLite URI;
// kUnavailable when PostgreSQL cannot be reached or refuses the login;
// kFailedPrecondition for a database written by a newer cairn; kInternal
// for a SQLite file that cannot be created or opened.
Result<Stores> OpenStores(const StoreOptions& options);

}  // namespace cairn::store
