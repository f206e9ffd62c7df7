#include "store/sqlite/sqlite_db.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>

namespace cairn::store::sqlite {

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return Status();
  int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string context =
      fmt::format("sqlite rc={} ({}): {} during {}", extended, sqlite3_errstr(extended),
                  db != nullptr ? sqlite3_errmsg(db) : "", what);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status(StatusCode::kAlreadyExists, "Resource already exists.", std::move(context));
      }
      return Status(StatusCode::kInternal, "Internal database error.", std::move(context));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status(StatusCode::kUnavailable, "The database is busy; please retry.", std::move(context));
    default:
      return Status(StatusCode::kInternal, "Internal database error.", std::move(context));
  }
}

// --- SqliteStatement ---

SqliteStatement::SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Status SqliteStatement::Check(int rc) const {
  if (rc == SQLITE_OK) return Status();
  return SqliteStatus(db_, rc, sql_);
}

Status SqliteStatement::BindInt64(int index, int64_t value) { return Check(sqlite3_bind_int64(stmt_, index, value)); }
Status SqliteStatement::BindDouble(int index, double value) { return Check(sqlite3_bind_double(stmt_, index, value)); }
Status SqliteStatement::BindText(int index, std::string_view value) {
  return Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}
Status SqliteStatement::BindNull(int index) { return Check(sqlite3_bind_null(stmt_, index)); }

Status SqliteStatement::BindNamedIfPresent(const char* name, const SqlValue& value) {
  int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) return Status();
  return Bind(index, value);
}

Result<bool> SqliteStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc, sql_);
}

Status SqliteStatement::Run() {
  for (;;) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) return Status();
    if (rc != SQLITE_ROW) return SqliteStatus(db_, rc, sql_);
  }
}

int64_t SqliteStatement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }
double SqliteStatement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }
bool SqliteStatement::ColumnIsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::string_view SqliteStatement::ColumnTextView(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

// --- Database ---

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, const DatabaseOptions& options) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteStatus(raw, rc, "open " + path);
    sqlite3_close_v2(raw);
    return Status(StatusCode::kInternal, "Could not open the tracking database.", status.internal_context());
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::string pragmas = fmt::format("PRAGMA cache_size=-{}; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=ON;",
                                    options.cache_kib);
  if (options.mmap_bytes > 0 && path != ":memory:") pragmas += fmt::format("PRAGMA mmap_size={};", options.mmap_bytes);
  if (options.set_wal && path != ":memory:") {
    // WAL: readers never block the writer. synchronous=NORMAL: a commit is in
    // the WAL file (OS page cache) before COMMIT returns, so it survives a
    // process crash; only an OS crash / power loss can drop the last commits.
    pragmas += "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
  }
  if (options.query_only) pragmas += "PRAGMA query_only=1;";
  CAIRN_RETURN_IF_ERROR(db->Exec(pragmas));
  return db;
}

Database::~Database() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  return SqliteStatus(db_, rc, text);
}

Result<std::unique_ptr<SqliteStatement>> Database::PrepareRaw(std::string_view sql, bool persistent) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(db_, rc, std::string("prepare ") + std::string(sql));
  }
  return std::make_unique<SqliteStatement>(db_, stmt, std::string(sql));
}

Result<ScopedStatement> Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, PrepareRaw(sql, /*persistent=*/true));
    std::string_view key = stmt->sql();
    it = cache_.emplace(key, std::move(stmt)).first;
  }
  it->second->Reset();
  return ScopedStatement(it->second.get());
}

Result<ScopedStatement> Database::PrepareUncached(std::string_view sql) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, PrepareRaw(sql, /*persistent=*/false));
  return ScopedStatement(std::move(stmt));
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int64_t Database::Changes() const { return sqlite3_changes64(db_); }
bool Database::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

}  // namespace cairn::store::sqlite
