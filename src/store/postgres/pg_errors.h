// libpq results and connection failures -> Status, following the SQL seam's
// rules (store/sql/connection.h): the message is generic and user-safe, the
// SQLSTATE, server message and SQL go to internal_context for logs.
//
//   23505 unique_violation                         kAlreadyExists
//   40001 serialization_failure, 40P01 deadlock,
//   class 08 (connection), 57P01..03 (shutdown),
//   a connection that is no longer OK              kUnavailable (retryable)
//   54000 program_limit_exceeded (e.g. a key too
//   large for its index), 22021 (bad encoding)     kInvalidArgument
//   anything else                                  kInternal
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace cairn::store::postgres {

// Status for a result that is not OK for the caller; `what` (SQL text or an
// operation name) goes to internal_context only.
Status PgResultStatus(PGconn* conn, const PGresult* result, std::string_view what);

// The Status for a SQLSTATE (public for tests and for the retry rule).
Status StatusForSqlState(std::string_view sqlstate, std::string context);

// True for the transient conflicts a write transaction is retried after.
bool IsRetryableSqlState(std::string_view sqlstate);

}  // namespace cairn::store::postgres
