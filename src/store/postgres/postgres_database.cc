#include "store/postgres/postgres_database.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "store/postgres/pg_errors.h"
#include "store/postgres/pg_migrations.h"
#include "store/sql/rows.h"

namespace cairn::store::postgres {
namespace {

// Attempts of one write transaction before a conflict reaches the caller:
// enough for a burst of writers on one hot row (e.g. new versions of one
// model) to drain, each retry after a random, growing pause.
constexpr int kMaxWriteAttempts = 30;

void Backoff(int attempt) {
  static thread_local std::minstd_rand rng(std::random_device{}());
  const int max_ms = std::min(1 << std::min(attempt, 7), 100);  // 2, 4, ... 100 ms
  std::this_thread::sleep_for(std::chrono::milliseconds(1 + rng() % max_ms));
}

}  // namespace

Result<std::shared_ptr<PostgresDatabase>> PostgresDatabase::Open(const PostgresOptions& options) {
  if (options.uri.empty()) return InvalidArgument("The PostgreSQL URI is empty.");
  std::unique_ptr<Clock> owned_clock;
  if (options.clock == nullptr) owned_clock = CreateSystemClock();
  std::shared_ptr<PostgresDatabase> db(new PostgresDatabase(options, std::move(owned_clock)));
  CAIRN_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, db->pool_.Acquire());
  MigrationContext context;
  context.default_experiment_location = sql::JoinUri(options.default_artifact_root, "0");
  context.now_ms = db->NowMillis();
  CAIRN_RETURN_IF_ERROR(ApplyPostgresMigrations(lease.conn(), context));
  return db;
}

PostgresDatabase::PostgresDatabase(const PostgresOptions& options, std::unique_ptr<Clock> owned_clock)
    : default_artifact_root_(options.default_artifact_root),
      owned_clock_(std::move(owned_clock)),
      clock_(options.clock != nullptr ? options.clock : owned_clock_.get()),
      pool_(options.uri, options.pool_size) {}

Status PostgresDatabase::Write(const TxFn& fn) {
  Status status;
  for (int attempt = 1;; ++attempt) {
    CAIRN_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire());
    PgConnection& conn = lease.conn();
    status = conn.Exec("BEGIN ISOLATION LEVEL SERIALIZABLE");
    if (status.ok()) status = fn(conn);
    // COMMIT itself can fail with a serialization conflict.
    if (status.ok()) status = conn.Exec("COMMIT");
    // Taken before ROLLBACK, which clears it.
    const bool retryable = status.code() == StatusCode::kUnavailable && IsRetryableSqlState(conn.last_sqlstate());
    if (!conn.Idle()) (void)conn.Exec("ROLLBACK");
    if (status.ok() || !retryable || attempt >= kMaxWriteAttempts) return status;
    Backoff(attempt);
  }
}

Status PostgresDatabase::Read(const TxFn& fn) {
  CAIRN_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool_.Acquire());
  PgConnection& conn = lease.conn();
  CAIRN_RETURN_IF_ERROR(conn.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  Status status = fn(conn);
  Status end = conn.Exec(status.ok() ? "COMMIT" : "ROLLBACK");
  if (!status.ok()) return status;
  return end;
}

}  // namespace cairn::store::postgres
