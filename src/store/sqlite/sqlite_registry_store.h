// The SQLite name of the registry store, for code written before the store
// logic moved to store/sql/ (SqlRegistryStore over any sql::Backend).
#pragma once

#include "store/sql/registry_store.h"
#include "store/sqlite/sqlite_database.h"

namespace cairn::store::sqlite {

using SqliteRegistryStore = sql::SqlRegistryStore;

}  // namespace cairn::store::sqlite
