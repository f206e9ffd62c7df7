// The SQL seam (store/sql/connection.h) over libpq: PgConnection (one
// session plus a cache of server-side prepared statements) and PgStatement.
//
// Values travel in text format both ways: integers and doubles are sent with
// their types (int8 / float8, shortest round-trip text for doubles), text and
// NULL as "unknown" so the server types them from context; results are
// parsed from text (booleans 't'/'f' read as 1/0 through ColumnInt64).
// A cached statement is prepared on the server at its first execution.
//
// Text containing NUL bytes cannot be stored in PostgreSQL: BindText refuses
// it with kInvalidArgument ("... must not contain NUL characters").
//
// Thread-safety: thread-compatible; the pool hands a connection to one user
// at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "store/sql/connection.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace cairn::store::postgres {

class PgConnection;

class PgStatement final : public sql::Statement {
 public:
  // `name` empty: unnamed (executed with PQexecParams, not cached).
  PgStatement(PgConnection* conn, std::string sql, std::string name);
  ~PgStatement() override;
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  Status BindInt64(int index, int64_t value) override;
  Status BindDouble(int index, double value) override;
  Status BindText(int index, std::string_view value) override;
  Status BindNull(int index) override;

  Result<bool> Step() override;
  Status Run() override;

  int64_t ColumnInt64(int column) const override;
  double ColumnDouble(int column) const override;
  bool ColumnIsNull(int column) const override;
  std::string_view ColumnTextView(int column) const override;

  void Reset() override;
  const std::string& sql() const override { return sql_; }

 private:
  Status SetParam(int index, std::optional<std::string> value, unsigned int type);
  Status Execute();

  PgConnection* const conn_;
  const std::string sql_;
  std::string numbered_sql_;
  int param_count_ = 0;
  const std::string name_;
  bool prepared_ = false;

  std::vector<std::optional<std::string>> values_;
  std::vector<unsigned int> types_;  // Oids; 0 = let the server infer
  PGresult* result_ = nullptr;
  bool executed_ = false;
  int row_ = -1;
  int rows_ = 0;
};

class PgConnection final : public sql::Connection {
 public:
  // `conninfo` is a libpq connection string or postgresql:// URI. Errors:
  // kUnavailable when the server cannot be reached or refuses the login.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& conninfo);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Status Exec(std::string_view sql) override;
  Result<sql::ScopedStatement> Prepare(std::string_view sql) override;
  Result<sql::ScopedStatement> PrepareUncached(std::string_view sql) override;
  int64_t Changes() const override { return changes_; }
  const sql::Dialect& dialect() const override { return sql::PostgresDialect(); }

  // False once the session is broken (the pool then drops it).
  bool Healthy() const;
  // True when no transaction is open or failed.
  bool Idle() const;
  // SQLSTATE of the last failed command ("" after a success), for retries.
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  friend class PgStatement;
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  // Records the outcome of a command (rows changed, SQLSTATE) and converts it.
  Status Finish(PGresult* result, std::string_view what);

  PGconn* conn_;
  int64_t changes_ = 0;
  std::string last_sqlstate_;
  int next_statement_ = 0;
  std::unordered_map<std::string_view, std::unique_ptr<PgStatement>> cache_;
};

}  // namespace cairn::store::postgres
