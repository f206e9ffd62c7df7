#include "store/sqlite/sqlite_database.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "store/sqlite/migrations.h"
#include "store/sql/rows.h"

namespace cairn::store::sqlite {
namespace {

constexpr std::string_view kMemoryPath = ":memory:";

Status CreateParentDirectories(const std::string& path) {
  if (path == kMemoryPath) return Status::Ok();
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Internal("Could not create the directory for the tracking database.",
                    fmt::format("create_directories({}): {}", parent.string(), ec.message()));
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<SqliteDatabase>> SqliteDatabase::Open(const SqliteStoreOptions& options) {
  if (options.path.empty()) return InvalidArgument("The SQLite database path is empty.");
  CAIRN_RETURN_IF_ERROR(CreateParentDirectories(options.path));
  std::unique_ptr<Clock> owned_clock;
  const Clock* clock = options.clock;
  if (clock == nullptr) {
    owned_clock = CreateSystemClock();
    clock = owned_clock.get();
  }
  DatabaseOptions writer_options;
  writer_options.set_wal = true;
  CAIRN_ASSIGN_OR_RETURN(auto writer, Database::Open(options.path, writer_options));
  MigrationContext context;
  context.default_experiment_location = sql::JoinUri(options.default_artifact_root, "0");
  context.now_ms = clock->NowMillis();
  CAIRN_RETURN_IF_ERROR(ApplyMigrations(*writer, context));

  std::shared_ptr<SqliteDatabase> db(new SqliteDatabase(options, std::move(owned_clock), std::move(writer)));
  if (options.path != kMemoryPath && options.read_connections > 0) {
    CAIRN_RETURN_IF_ERROR(db->OpenReaders(options.path, options.read_connections));
  } else {
    db->readers_ = std::make_unique<ReaderPool>(db->writer_.get(), &db->writer_mu_);
  }
  return db;
}

SqliteDatabase::SqliteDatabase(const SqliteStoreOptions& options, std::unique_ptr<Clock> owned_clock,
                               std::unique_ptr<Database> writer)
    : default_artifact_root_(options.default_artifact_root),
      owned_clock_(std::move(owned_clock)),
      clock_(options.clock != nullptr ? options.clock : owned_clock_.get()),
      writer_(std::move(writer)),
      committer_(std::make_unique<GroupCommitter>(writer_.get(), &writer_mu_)) {}

SqliteDatabase::~SqliteDatabase() = default;

Status SqliteDatabase::OpenReaders(const std::string& path, int count) {
  std::vector<std::unique_ptr<Database>> readers;
  DatabaseOptions reader_options;
  reader_options.query_only = true;
  for (int i = 0; i < count; ++i) {
    CAIRN_ASSIGN_OR_RETURN(auto reader, Database::Open(path, reader_options));
    readers.push_back(std::move(reader));
  }
  readers_ = std::make_unique<ReaderPool>(std::move(readers));
  return Status();
}

Status SqliteDatabase::Read(const std::function<Status(Database&)>& fn) {
  ReaderPool::Lease lease = readers_->Acquire();
  Database& db = lease.db();
  CAIRN_RETURN_IF_ERROR(db.Run("BEGIN"));
  Status status = fn(db);
  Status end = db.Run(status.ok() ? "COMMIT" : "ROLLBACK");
  if (!status.ok()) return status;
  return end;
}

Status SqliteDatabase::Write(const TxFn& fn) {
  return committer_->Write([&fn](Database& db) { return fn(db); });
}

Status SqliteDatabase::Read(const TxFn& fn) {
  return Read(std::function<Status(Database&)>([&fn](Database& db) { return fn(db); }));
}

}  // namespace cairn::store::sqlite
