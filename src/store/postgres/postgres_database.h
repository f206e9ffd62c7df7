// PostgresDatabase: the PostgreSQL sql::Backend (store/sql/backend.h) — a
// connection pool to one database, migrated at open, that the SQL stores
// share.
//
// Transactions: each Write is one SERIALIZABLE transaction on a pooled
// connection, so concurrent writers (threads of one server or several
// server replicas) behave as if run one after another, like SQLite's single
// writer; a serialization failure or deadlock is retried a few times with a
// short backoff before kUnavailable reaches the caller. Each Read is one
// REPEATABLE READ READ ONLY transaction (a consistent snapshot). Durability
// is the server's (synchronous_commit): a returned OK is committed.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "store/postgres/connection_pool.h"
#include "store/sql/backend.h"

namespace cairn::store::postgres {

struct PostgresOptions {
  // libpq connection URI ("postgresql://user[:pw]@host:port/db[?...]").
  std::string uri;
  std::string default_artifact_root;
  // nullptr: the system clock. Not owned; must outlive the database.
  const Clock* clock = nullptr;
  // Most connections held open at once.
  int pool_size = 8;
};

class PostgresDatabase final : public sql::Backend {
 public:
  // Connects, and migrates to the latest schema. Errors: kUnavailable if
  // the server cannot be reached or refuses the login; kFailedPrecondition
  // if a newer cairn wrote the database.
  static Result<std::shared_ptr<PostgresDatabase>> Open(const PostgresOptions& options);

  Status Write(const TxFn& fn) override;
  Status Read(const TxFn& fn) override;
  const sql::Dialect& dialect() const override { return sql::PostgresDialect(); }
  int64_t NowMillis() const override { return clock_->NowMillis(); }
  const std::string& default_artifact_root() const override { return default_artifact_root_; }

 private:
  PostgresDatabase(const PostgresOptions& options, std::unique_ptr<Clock> owned_clock);

  const std::string default_artifact_root_;
  const std::unique_ptr<Clock> owned_clock_;
  const Clock* const clock_;
  ConnectionPool pool_;
};

}  // namespace cairn::store::postgres
