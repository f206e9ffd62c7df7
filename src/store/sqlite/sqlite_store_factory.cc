#include "store/sqlite_store_factory.h"

#include <fmt/format.h>

#include <utility>

#include "store/sql/auth_store.h"
#include "store/sql/pipeline_run_store.h"
#include "store/sql/registry_store.h"
#include "store/sql/tracking_store.h"
#include "store/sql/tuning_store.h"
#include "store/sqlite/sqlite_database.h"

namespace cairn::store {

Result<SqliteStores> OpenSqliteStores(const SqliteStoreOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::shared_ptr<sqlite::SqliteDatabase> db, sqlite::SqliteDatabase::Open(options));
  SqliteStores stores;
  stores.tracking = std::make_unique<sql::SqlTrackingStore>(db);
  stores.registry = std::make_unique<sql::SqlRegistryStore>(db);
  stores.pipelines = std::make_unique<sql::SqlPipelineRunStore>(db);
  stores.auth = std::make_unique<sql::SqlAuthStore>(db);
  stores.tuning = std::make_unique<sql::SqlExperimentStore>(std::move(db));
  return stores;
}

Result<std::unique_ptr<tracking::TrackingStore>> OpenSqliteTrackingStore(const SqliteStoreOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::shared_ptr<sqlite::SqliteDatabase> db, sqlite::SqliteDatabase::Open(options));
  return std::unique_ptr<tracking::TrackingStore>(std::make_unique<sql::SqlTrackingStore>(std::move(db)));
}

Result<std::string> SqlitePathFromUri(std::string_view uri) {
  constexpr std::string_view kScheme = "sqlite://";
  if (uri.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgument(fmt::format("Not a SQLite URI: '{}'; expected sqlite:///<path>.", uri));
  }
  std::string_view rest = uri.substr(kScheme.size());
  if (rest.find('?') != std::string_view::npos || rest.find('#') != std::string_view::npos) {
    return InvalidArgument(fmt::format("SQLite URI options are not supported: '{}'.", uri));
  }
  // sqlite:// and sqlite://:memory: have an empty or ":memory:" host part.
  if (rest.empty() || rest == ":memory:") return std::string(":memory:");
  if (rest.front() != '/') {
    return InvalidArgument(fmt::format("Invalid SQLite URI '{}': expected sqlite:///<path> (three slashes).", uri));
  }
  // As in SQLAlchemy, what follows the third slash is the path: relative for
  // "sqlite:///x.db", absolute for "sqlite:////abs/x.db".
  std::string_view path = rest.substr(1);
  if (path.empty() || path == ":memory:") return std::string(":memory:");
  return std::string(path);
}

}  // namespace cairn::store
