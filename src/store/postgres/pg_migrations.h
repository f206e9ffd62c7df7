// Versioned schema migrations for the PostgreSQL stores: the same versions
// and table shapes as the SQLite list (store/sqlite/migrations.h), in
// PostgreSQL types. Migration N runs in one transaction with its
// schema_version row, under an advisory lock so server replicas that open
// the database together apply it once.
//
// Thread-safety: call on a connection nobody else uses at the time.
#pragma once

#include "base/status.h"
#include "store/postgres/pg_connection.h"
#include "store/sqlite/migrations.h"

namespace cairn::store::postgres {

using sqlite::Migration;
using sqlite::MigrationContext;

// All migrations, ascending by version.
const std::vector<Migration>& PostgresMigrations();

// Creates the first schema of the connection's search_path if it is missing
// (not for public / "$user"), then applies every migration newer than the
// database's version. Errors:
// kFailedPrecondition for a database written by a newer cairn;
// kUnavailable / kInternal from the server.
Status ApplyPostgresMigrations(PgConnection& db, const MigrationContext& context);

}  // namespace cairn::store::postgres
