// SqliteDatabase: one opened SQLite database and everything the stores that
// live in it share: the single writer connection behind a GroupCommitter,
// the read-connection pool, the clock, and the schema migrations (tracking
// and registry tables are one schema, one file).
//
// It is the SQLite sql::Backend (store/sql/backend.h): the SQL stores each
// hold a shared_ptr to it, so writes from all stores share group commits and
// the database closes when the last store goes.
//
// Connections: file databases get WAL mode, one writer and
// `read_connections` query_only readers (readers see the last committed
// state and never block the writer). ":memory:" databases read through the
// writer connection under its mutex (every connection would otherwise be a
// separate database).
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "store/sql/backend.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite_store_factory.h"

namespace cairn::store::sqlite {

class SqliteDatabase final : public sql::Backend {
 public:
  // Creates parent directories, opens, and migrates to the latest schema.
  // Errors: kInvalidArgument for an empty path; kInternal if the file cannot
  // be created or opened; kFailedPrecondition if a newer cairn wrote it.
  static Result<std::shared_ptr<SqliteDatabase>> Open(const SqliteStoreOptions& options);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs `fn` on the writer connection in a group-committed transaction
  // (see group_commit.h); returns once the commit is durable.
  Status Write(const GroupCommitter::WriteFn& fn) { return committer_->Write(fn); }
  Status Write(const TxFn& fn) override;

  // Runs `fn` on a read connection inside one read transaction (a consistent
  // snapshot across its queries).
  Status Read(const std::function<Status(Database&)>& fn);
  Status Read(const TxFn& fn) override;

  const sql::Dialect& dialect() const override { return sql::SqliteDialect(); }
  int64_t NowMillis() const override { return clock_->NowMillis(); }
  const std::string& default_artifact_root() const override { return default_artifact_root_; }

 private:
  SqliteDatabase(const SqliteStoreOptions& options, std::unique_ptr<Clock> owned_clock,
                 std::unique_ptr<Database> writer);
  Status OpenReaders(const std::string& path, int count);

  const std::string default_artifact_root_;
  const std::unique_ptr<Clock> owned_clock_;
  const Clock* const clock_;

  std::mutex writer_mu_;
  std::unique_ptr<Database> writer_;  // GUARDED_BY(writer_mu_)
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<ReaderPool> readers_;
};

}  // namespace cairn::store::sqlite
