#include "store/sqlite_store_factory.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "store/sqlite/sqlite_tracking_store.h"

namespace cairn::store {

Result<std::unique_ptr<tracking::TrackingStore>> OpenSqliteTrackingStore(const SqliteStoreOptions& options) {
  if (options.path.empty()) return InvalidArgument("The SQLite database path is empty.");
  if (options.path != ":memory:") {
    std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        return Internal("Could not create the directory for the tracking database.",
                        fmt::format("create_directories({}): {}", parent.string(), ec.message()));
      }
    }
  }
  CAIRN_ASSIGN_OR_RETURN(auto store, sqlite::SqliteTrackingStore::Open(options));
  return std::unique_ptr<tracking::TrackingStore>(std::move(store));
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
