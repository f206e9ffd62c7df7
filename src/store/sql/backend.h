// Backend: one opened, migrated store database, as the SQL stores in
// store/sql/ see it — transactions on connections, the clock, and the
// default artifact root. SqliteDatabase (store/sqlite/) and PostgresDatabase
// (store/postgres/) implement it; the tracking, registry, pipeline and tuning
// stores over one database share one Backend (a shared_ptr: the database
// closes with the last store).
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "store/sql/connection.h"
#include "store/sql/dialect.h"

namespace cairn::store::sql {

class Backend {
 public:
  // A unit of work inside an open transaction; it must not BEGIN/COMMIT.
  using TxFn = std::function<Status(Connection&)>;

  virtual ~Backend() = default;

  // Runs `fn` in a write transaction: its changes are committed iff it
  // returns OK, and the call returns once the commit is durable. `fn` may be
  // run again after a transient conflict (kUnavailable from the database),
  // so it must only write through `db` and reset what it collects.
  virtual Status Write(const TxFn& fn) = 0;
  // Runs `fn` in one read transaction (a consistent snapshot).
  virtual Status Read(const TxFn& fn) = 0;

  virtual const Dialect& dialect() const = 0;
  virtual int64_t NowMillis() const = 0;
  virtual const std::string& default_artifact_root() const = 0;
};

}  // namespace cairn::store::sql
