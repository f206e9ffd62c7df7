#include "store/store_factory.h"

#include <fmt/format.h>

#include <utility>

#include "store/postgres/postgres_database.h"
#include "store/sql/auth_store.h"
#include "store/sql/pipeline_run_store.h"
#include "store/sql/registry_store.h"
#include "store/sql/tracking_store.h"
#include "store/sql/tuning_store.h"
#include "store/sqlite_store_factory.h"

namespace cairn::store {

bool IsPostgresUri(std::string_view uri) {
  return uri.substr(0, 13) == "postgresql://" || uri.substr(0, 11) == "postgres://";
}

std::string RedactedUri(std::string_view uri) {
  size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return std::string(uri);
  size_t authority = scheme + 3;
  size_t end = uri.find_first_of("/?#", authority);
  size_t at = uri.rfind('@', end == std::string_view::npos ? uri.size() : end);
  if (at == std::string_view::npos || at < authority) return std::string(uri);
  size_t colon = uri.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(uri);
  return std::string(uri.substr(0, colon + 1)) + "***" + std::string(uri.substr(at));
}

namespace {

Result<Stores> OpenPostgresStores(const StoreOptions& options) {
  postgres::PostgresOptions pg;
  pg.uri = options.uri;
  pg.default_artifact_root = options.default_artifact_root;
  pg.clock = options.clock;
  pg.pool_size = options.pool_size;
  CAIRN_ASSIGN_OR_RETURN(std::shared_ptr<postgres::PostgresDatabase> db, postgres::PostgresDatabase::Open(pg));
  Stores stores;
  stores.tracking = std::make_unique<sql::SqlTrackingStore>(db);
  stores.registry = std::make_unique<sql::SqlRegistryStore>(db);
  stores.pipelines = std::make_unique<sql::SqlPipelineRunStore>(db);
  stores.auth = std::make_unique<sql::SqlAuthStore>(db);
  stores.tuning = std::make_unique<sql::SqlExperimentStore>(std::move(db));
  return stores;
}

}  // namespace

Result<Stores> OpenStores(const StoreOptions& options) {
  if (IsPostgresUri(options.uri)) return OpenPostgresStores(options);
  if (options.uri.substr(0, 9) != "sqlite://") {
    return InvalidArgument(fmt::format(
        "Unsupported backend store URI '{}': expected sqlite:///<path> or postgresql://user@host:port/db.",
        RedactedUri(options.uri)));
  }
  CAIRN_ASSIGN_OR_RETURN(std::string path, SqlitePathFromUri(options.uri));
  SqliteStoreOptions sqlite;
  sqlite.path = std::move(path);
  sqlite.default_artifact_root = options.default_artifact_root;
  sqlite.clock = options.clock;
  sqlite.read_connections = options.read_connections;
  return OpenSqliteStores(sqlite);
}

}  // namespace cairn::store
