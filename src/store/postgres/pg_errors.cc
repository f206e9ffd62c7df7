#include "store/postgres/pg_errors.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <utility>

namespace cairn::store::postgres {

bool IsRetryableSqlState(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

Status StatusForSqlState(std::string_view sqlstate, std::string context) {
  if (sqlstate == "23505") {
    return Status(StatusCode::kAlreadyExists, "Resource already exists.", std::move(context));
  }
  if (IsRetryableSqlState(sqlstate) || sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" ||
      sqlstate == "57P02" || sqlstate == "57P03") {
    return Status(StatusCode::kUnavailable, "The database is busy or unreachable; please retry.", std::move(context));
  }
  if (sqlstate == "54000") {
    return Status(StatusCode::kInvalidArgument, "A value is too large for the database.", std::move(context));
  }
  if (sqlstate == "22021") {
    return Status(StatusCode::kInvalidArgument, "Text values must be valid UTF-8.", std::move(context));
  }
  return Status(StatusCode::kInternal, "Internal database error.", std::move(context));
}

Status PgResultStatus(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  std::string context = fmt::format("postgres sqlstate={}: {} during {}", sqlstate != nullptr ? sqlstate : "none",
                                    message != nullptr ? message : "", what);
  if (sqlstate == nullptr || PQstatus(conn) != CONNECTION_OK) {
    // No server answer (lost connection, out of memory in libpq): retryable
    // only when the connection itself is gone.
    if (PQstatus(conn) != CONNECTION_OK) return StatusForSqlState("08006", std::move(context));
    return Status(StatusCode::kInternal, "Internal database error.", std::move(context));
  }
  return StatusForSqlState(sqlstate, std::move(context));
}

}  // namespace cairn::store::postgres
