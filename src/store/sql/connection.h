// The SQL seam the stores are written against: a Connection (one database
// session) and its Statements, with the verbs of a thin C driver (prepare,
// bind, step, read columns). store/sqlite/ implements it over sqlite3 and
// store/postgres/ over libpq, so the store logic in store/sql/ runs on both;
// what differs in the SQL text itself is in dialect.h.
//
// Conventions every implementation keeps:
//  * placeholders are `?`, numbered from 1 in textual order;
//  * errors are Status values whose message never contains SQL or driver
//    text (that goes to internal_context): kAlreadyExists for a unique /
//    primary-key violation, kUnavailable for lock / serialization / lost
//    connection failures the caller may retry, kInternal otherwise;
//  * integer and real columns read through ColumnInt64 / ColumnDouble, any
//    column reads as text through ColumnText.
//
// Thread-safety: thread-compatible; the owner (a Backend) serialises use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "store/sql/dialect.h"

namespace cairn::store::sql {

// A value bound to a `?` placeholder.
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

// SQL text plus the values for its placeholders, in textual order.
struct SqlQuery {
  std::string sql;
  std::vector<SqlValue> params;
};

class Statement {
 public:
  virtual ~Statement() = default;

  // Placeholders are numbered from 1. Values are copied.
  virtual Status BindInt64(int index, int64_t value) = 0;
  virtual Status BindDouble(int index, double value) = 0;
  virtual Status BindText(int index, std::string_view value) = 0;
  virtual Status BindNull(int index) = 0;
  Status Bind(int index, const SqlValue& value);
  // Binds values[i] to placeholder i + 1.
  Status BindAll(const std::vector<SqlValue>& values);
  // Binds a named parameter (":name") if the statement uses it. Only the
  // SQLite driver has named parameters (its migrations use them); the
  // default reports kInternal.
  virtual Status BindNamedIfPresent(const char* name, const SqlValue& value);

  // true: a row is available; false: done. The first Step executes.
  virtual Result<bool> Step() = 0;
  // Steps until done, discarding rows.
  virtual Status Run() = 0;

  virtual int64_t ColumnInt64(int column) const = 0;
  virtual double ColumnDouble(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  // Valid until the next Step/Reset.
  virtual std::string_view ColumnTextView(int column) const = 0;
  std::string ColumnText(int column) const { return std::string(ColumnTextView(column)); }

  // Makes the statement re-runnable and drops its bindings and rows.
  virtual void Reset() = 0;

  virtual const std::string& sql() const = 0;
};

// A statement borrowed from a connection's cache (or owned, when uncached);
// resets it on destruction so no statement keeps rows or locks alive.
class ScopedStatement {
 public:
  explicit ScopedStatement(Statement* borrowed) : stmt_(borrowed) {}
  explicit ScopedStatement(std::unique_ptr<Statement> owned) : owned_(std::move(owned)), stmt_(owned_.get()) {}
  ScopedStatement(ScopedStatement&& other) noexcept : owned_(std::move(other.owned_)), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  ScopedStatement& operator=(ScopedStatement&&) = delete;
  ~ScopedStatement() {
    if (stmt_ != nullptr) stmt_->Reset();
  }

  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  std::unique_ptr<Statement> owned_;
  Statement* stmt_;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one or more statements without parameters (schema, BEGIN).
  virtual Status Exec(std::string_view sql) = 0;

  // A cached prepared statement, reset and unbound. Use for fixed SQL text.
  virtual Result<ScopedStatement> Prepare(std::string_view sql) = 0;
  // A fresh statement, finalized on scope exit. Use for generated SQL that
  // varies per request (search queries), so the cache stays bounded.
  virtual Result<ScopedStatement> PrepareUncached(std::string_view sql) = 0;

  // Runs one parameterless statement through the statement cache.
  Status Run(std::string_view sql);
  // Prepares (uncached), binds `query.params` and returns the statement.
  Result<ScopedStatement> PrepareQuery(const SqlQuery& query);

  // Rows changed by the most recent INSERT/UPDATE/DELETE on this connection.
  virtual int64_t Changes() const = 0;

  virtual const Dialect& dialect() const = 0;
};

}  // namespace cairn::store::sql
