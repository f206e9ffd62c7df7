// A thin RAII layer over the sqlite3 C API, implementing the SQL seam
// (store/sql/connection.h): Database (one connection plus a prepared-statement
// cache) and SqliteStatement (bind / step / column helpers).
// Every sqlite error becomes a Status; user-facing messages never contain SQL
// text or sqlite's own message, which go to internal_context for logs.
//
// Error codes produced:
//   kAlreadyExists  a UNIQUE / PRIMARY KEY constraint failed (callers that
//                   expect it replace the message with an entity-specific one)
//   kUnavailable    SQLITE_BUSY / SQLITE_LOCKED after busy_timeout expired
//   kInternal       anything else (I/O errors, corruption, bugs)
//
// Thread-safety: a Database and its Statements are thread-compatible only:
// callers serialise all use of one connection (the store does this with its
// writer role and its read-connection pool).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "store/sql/connection.h"
#include "store/sql/dialect.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cairn::store::sqlite {

using sql::ScopedStatement;
using sql::SqlQuery;
using sql::SqlValue;
// Code on a sqlite::Database reads rows through the seam's Statement.
using sql::Statement;

class SqliteStatement final : public sql::Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);
  ~SqliteStatement() override;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Placeholders are numbered from 1. Text is copied by sqlite.
  Status BindInt64(int index, int64_t value) override;
  Status BindDouble(int index, double value) override;
  Status BindText(int index, std::string_view value) override;
  Status BindNull(int index) override;
  // Binds a named parameter (":name") if the statement uses it.
  Status BindNamedIfPresent(const char* name, const SqlValue& value) override;

  // true: a row is available; false: done.
  Result<bool> Step() override;
  // Steps until done, discarding rows.
  Status Run() override;

  int64_t ColumnInt64(int column) const override;
  double ColumnDouble(int column) const override;
  bool ColumnIsNull(int column) const override;
  // Valid until the next Step/Reset.
  std::string_view ColumnTextView(int column) const override;

  // Makes the statement re-runnable and drops its bindings; releases any
  // read snapshot it held.
  void Reset() override;

  const std::string& sql() const override { return sql_; }

 private:
  Status Check(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
};

struct DatabaseOptions {
  // Open with SQLITE_OPEN_READONLY semantics enforced by PRAGMA query_only.
  bool query_only = false;
  // Milliseconds a statement waits for a lock held by another connection.
  int busy_timeout_ms = 10000;
  // Page cache per connection, in KiB.
  int cache_kib = 16 * 1024;
  // Memory-mapped I/O window in bytes (0 disables); speeds up large reads.
  int64_t mmap_bytes = 256LL << 20;
  // Apply WAL mode + synchronous=NORMAL (only the first/writer connection
  // needs to; the journal mode is persistent in the file).
  bool set_wal = false;
};

class Database final : public sql::Connection {
 public:
  // `path` is a file path or ":memory:". The file must be creatable.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, const DatabaseOptions& options);
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without parameters (schema, pragmas, BEGIN).
  Status Exec(std::string_view sql) override;

  // A cached prepared statement, reset and unbound. Use for fixed SQL text.
  Result<ScopedStatement> Prepare(std::string_view sql) override;
  // A fresh statement, finalized on scope exit. Use for generated SQL that
  // varies per request (search queries), so the cache stays bounded.
  Result<ScopedStatement> PrepareUncached(std::string_view sql) override;

  int64_t LastInsertRowId() const;
  // Rows changed by the most recent INSERT/UPDATE/DELETE.
  int64_t Changes() const override;
  // True when no transaction is open (sqlite's autocommit mode).
  bool InAutocommit() const;

  const sql::Dialect& dialect() const override { return sql::SqliteDialect(); }

  sqlite3* handle() const { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  Result<std::unique_ptr<SqliteStatement>> PrepareRaw(std::string_view sql, bool persistent);

  sqlite3* db_;
  // Keys view each Statement's own sql() text, so lookups do not allocate.
  std::unordered_map<std::string_view, std::unique_ptr<SqliteStatement>> cache_;
};

// Converts an sqlite result code into a Status (see the header comment).
// `what` names the operation for internal_context (may include SQL text).
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

}  // namespace cairn::store::sqlite
