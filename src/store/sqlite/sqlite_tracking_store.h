// The SQLite names of the tracking store, for code written before the store
// logic moved to store/sql/ (SqlTrackingStore over any sql::Backend): a
// SqliteTrackingStore is the SQL store over a SqliteDatabase.
#pragma once

#include <memory>

#include "base/result.h"
#include "store/sql/tracking_store.h"
#include "store/sqlite/sqlite_database.h"
#include "store/sqlite_store_factory.h"

namespace cairn::store::sqlite {

class SqliteTrackingStore final : public sql::SqlTrackingStore {
 public:
  using sql::SqlTrackingStore::SqlTrackingStore;

  // Opens a database of its own (see SqliteDatabase::Open for errors).
  static Result<std::unique_ptr<SqliteTrackingStore>> Open(const SqliteStoreOptions& options) {
    CAIRN_ASSIGN_OR_RETURN(std::shared_ptr<SqliteDatabase> db, SqliteDatabase::Open(options));
    return std::make_unique<SqliteTrackingStore>(std::move(db));
  }
};

}  // namespace cairn::store::sqlite
