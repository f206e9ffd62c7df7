#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "base/numeric.h"
#include "store/postgres/pg_errors.h"
#include "store/postgres/pg_sql_text.h"

namespace cairn::store::postgres {
namespace {

// Built-in type Oids (catalog/pg_type.h, stable since PostgreSQL 7).
constexpr unsigned int kInt8Oid = 20;
constexpr unsigned int kFloat8Oid = 701;

bool CommandChangesRows(const char* status) {
  return std::strncmp(status, "INSERT", 6) == 0 || std::strncmp(status, "UPDATE", 6) == 0 ||
         std::strncmp(status, "DELETE", 6) == 0;
}

}  // namespace

// --- PgStatement ---

PgStatement::PgStatement(PgConnection* conn, std::string sql, std::string name)
    : conn_(conn), sql_(std::move(sql)), name_(std::move(name)) {
  NumberedSql numbered = NumberPlaceholders(sql_);
  numbered_sql_ = std::move(numbered.text);
  param_count_ = numbered.params;
  values_.resize(param_count_);
  types_.assign(param_count_, 0);
}

PgStatement::~PgStatement() {
  if (result_ != nullptr) PQclear(result_);
}

Status PgStatement::SetParam(int index, std::optional<std::string> value, unsigned int type) {
  if (index < 1 || index > param_count_) {
    return Internal("Internal database error.", fmt::format("bind index {} out of range in {}", index, sql_));
  }
  values_[index - 1] = std::move(value);
  // A prepared statement keeps the types it was prepared with.
  if (!prepared_) types_[index - 1] = type;
  return Status();
}

Status PgStatement::BindInt64(int index, int64_t value) { return SetParam(index, std::to_string(value), kInt8Oid); }

Status PgStatement::BindDouble(int index, double value) {
  std::string text;
  if (std::isnan(value)) {
    text = "NaN";
  } else if (std::isinf(value)) {
    text = value > 0 ? "Infinity" : "-Infinity";
  } else {
    text = fmt::format("{}", value);  // shortest text that reads back exactly
  }
  return SetParam(index, std::move(text), kFloat8Oid);
}

Status PgStatement::BindText(int index, std::string_view value) {
  if (value.find('\0') != std::string_view::npos) {
    return InvalidArgument("Text values must not contain NUL characters (\\0); PostgreSQL cannot store them.");
  }
  return SetParam(index, std::string(value), 0);
}

Status PgStatement::BindNull(int index) { return SetParam(index, std::nullopt, 0); }

Status PgStatement::Execute() {
  std::vector<const char*> values(param_count_);
  for (int i = 0; i < param_count_; ++i) values[i] = values_[i] ? values_[i]->c_str() : nullptr;
  PGconn* pg = conn_->conn_;
  PGresult* result = nullptr;
  if (name_.empty()) {
    result = PQexecParams(pg, numbered_sql_.c_str(), param_count_, types_.data(), values.data(), nullptr, nullptr, 0);
  } else {
    if (!prepared_) {
      PGresult* prep = PQprepare(pg, name_.c_str(), numbered_sql_.c_str(), param_count_, types_.data());
      CAIRN_RETURN_IF_ERROR(conn_->Finish(prep, "prepare " + sql_));
      prepared_ = true;
    }
    result = PQexecPrepared(pg, name_.c_str(), param_count_, values.data(), nullptr, nullptr, 0);
  }
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_TUPLES_OK) {
    // Rows of a SELECT, or of INSERT/UPDATE/DELETE ... RETURNING.
    const char* command = PQcmdStatus(result);
    if (command != nullptr && CommandChangesRows(command)) conn_->changes_ = std::atoll(PQcmdTuples(result));
    if (result_ != nullptr) PQclear(result_);
    result_ = result;
    rows_ = PQntuples(result);
    conn_->last_sqlstate_.clear();
    return Status();
  }
  rows_ = 0;
  return conn_->Finish(result, sql_);
}

Result<bool> PgStatement::Step() {
  if (!executed_) {
    executed_ = true;
    row_ = -1;
    CAIRN_RETURN_IF_ERROR(Execute());
  }
  if (row_ + 1 >= rows_) return false;
  ++row_;
  return true;
}

Status PgStatement::Run() {
  if (!executed_) {
    executed_ = true;
    return Execute();
  }
  return Status();
}

int64_t PgStatement::ColumnInt64(int column) const {
  std::string_view text = ColumnTextView(column);
  if (text == "t") return 1;
  if (text == "f") return 0;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    // A numeric column (e.g. an aggregate) printed with a fraction.
    return SaturatingInt64(std::strtod(std::string(text).c_str(), nullptr));
  }
  return value;
}

double PgStatement::ColumnDouble(int column) const {
  if (ColumnIsNull(column)) return 0.0;
  // strtod reads "NaN", "Infinity" and "-Infinity" as well.
  return std::strtod(PQgetvalue(result_, row_, column), nullptr);
}

bool PgStatement::ColumnIsNull(int column) const {
  return result_ == nullptr || row_ < 0 || PQgetisnull(result_, row_, column) != 0;
}

std::string_view PgStatement::ColumnTextView(int column) const {
  if (ColumnIsNull(column)) return {};
  return std::string_view(PQgetvalue(result_, row_, column), PQgetlength(result_, row_, column));
}

void PgStatement::Reset() {
  if (result_ != nullptr) {
    PQclear(result_);
    result_ = nullptr;
  }
  executed_ = false;
  row_ = -1;
  rows_ = 0;
  for (auto& value : values_) value.reset();
}

// --- PgConnection ---

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& conninfo) {
  // A default connect timeout, so an unreachable host fails the open within
  // seconds instead of hanging; a connect_timeout in the URI overrides it
  // (keywords after it, here the expanded URI, take precedence).
  const char* const keys[] = {"connect_timeout", "dbname", nullptr};
  const char* const values[] = {"10", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string detail = conn != nullptr ? PQerrorMessage(conn) : "out of memory";
    if (conn != nullptr) PQfinish(conn);
    // libpq's message names host and port (never the password).
    return Status(StatusCode::kUnavailable, "Could not connect to the PostgreSQL database.",
                  fmt::format("PQconnectdb: {}", detail));
  }
  std::unique_ptr<PgConnection> out(new PgConnection(conn));
  // Quiet NOTICEs (e.g. "relation already exists, skipping") instead of
  // libpq printing them to stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  CAIRN_RETURN_IF_ERROR(out->Exec("SET client_encoding = 'UTF8'; SET extra_float_digits = 3"));
  return out;
}

PgConnection::~PgConnection() {
  cache_.clear();
  PQfinish(conn_);
}

Status PgConnection::Finish(PGresult* result, std::string_view what) {
  ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    const char* command = PQcmdStatus(result);
    if (command != nullptr && CommandChangesRows(command)) changes_ = std::atoll(PQcmdTuples(result));
    last_sqlstate_.clear();
    PQclear(result);
    return Status();
  }
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = sqlstate != nullptr ? sqlstate : (PQstatus(conn_) != CONNECTION_OK ? "08006" : "XX000");
  Status out = PgResultStatus(conn_, result, what);
  PQclear(result);
  return out;
}

Status PgConnection::Exec(std::string_view sql) {
  std::string text(sql);
  return Finish(PQexec(conn_, text.c_str()), text);
}

Result<sql::ScopedStatement> PgConnection::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto stmt = std::make_unique<PgStatement>(this, std::string(sql), fmt::format("cairn_{}", next_statement_++));
    std::string_view key = stmt->sql();
    it = cache_.emplace(key, std::move(stmt)).first;
  }
  it->second->Reset();
  return sql::ScopedStatement(it->second.get());
}

Result<sql::ScopedStatement> PgConnection::PrepareUncached(std::string_view sql) {
  return sql::ScopedStatement(std::make_unique<PgStatement>(this, std::string(sql), std::string()));
}

bool PgConnection::Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

bool PgConnection::Idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }

}  // namespace cairn::store::postgres
