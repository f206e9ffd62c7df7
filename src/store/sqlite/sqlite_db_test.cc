// Unit tests of the SQLite plumbing: the Database wrapper, migrations, the
// group committer, and URI parsing.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/group_commit.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite_store_factory.h"

namespace cairn::store::sqlite {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<Database> OpenOrDie(const std::string& path) {
  DatabaseOptions options;
  options.set_wal = true;
  auto db = Database::Open(path, options);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

TEST(DatabaseTest, ConstraintErrorsBecomeStatusesWithoutSqlInMessage) {
  auto db = OpenOrDie(":memory:");
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)").ok());
  auto insert = db->Prepare("INSERT INTO t (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE((*insert)->BindText(1, "a").ok());
  ASSERT_TRUE((*insert)->BindInt64(2, 1).ok());
  ASSERT_TRUE((*insert)->Run().ok());
  (*insert)->Reset();
  ASSERT_TRUE((*insert)->BindText(1, "a").ok());
  ASSERT_TRUE((*insert)->BindInt64(2, 2).ok());
  Status dup = (*insert)->Run();
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.message().find("INSERT"), std::string::npos);
  EXPECT_NE(dup.internal_context().find("INSERT"), std::string::npos);
  (*insert)->Reset();
  ASSERT_TRUE((*insert)->BindText(1, "b").ok());
  Status null_value = (*insert)->Run();  // NOT NULL: not a uniqueness problem
  EXPECT_EQ(null_value.code(), StatusCode::kInternal);
  EXPECT_EQ(db->PrepareUncached("SELEC nonsense").status().code(), StatusCode::kInternal);
}

TEST(DatabaseTest, CachedStatementsAreResetAndReused) {
  auto db = OpenOrDie(":memory:");
  for (int i = 0; i < 3; ++i) {
    auto stmt = db->Prepare("SELECT ? + 1");
    ASSERT_TRUE(stmt.ok());
    ASSERT_TRUE((*stmt)->BindInt64(1, i).ok());
    auto row = (*stmt)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*stmt)->ColumnInt64(0), i + 1);
  }
}

TEST(MigrationsTest, AppliesOnceAndCreatesDefaultExperiment) {
  TempDir dir;
  const std::string path = dir.path() + "/m.db";
  MigrationContext context{"root/0", 42};
  {
    auto db = OpenOrDie(path);
    ASSERT_TRUE(ApplyMigrations(*db, context).ok());
    ASSERT_TRUE(ApplyMigrations(*db, context).ok());  // idempotent
    auto version = SchemaVersion(*db);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(*version, SqliteMigrations().back().version);
    auto stmt = db->Prepare("SELECT name, artifact_location, creation_time FROM experiments WHERE experiment_id = 0");
    ASSERT_TRUE(stmt.ok());
    auto row = (*stmt)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*stmt)->ColumnText(0), "Default");
    EXPECT_EQ((*stmt)->ColumnText(1), "root/0");
    EXPECT_EQ((*stmt)->ColumnInt64(2), 42);
  }
  {
    // A database from a newer cairn is refused, not modified.
    auto db = OpenOrDie(path);
    ASSERT_TRUE(db->Exec("INSERT INTO schema_version (version, description, applied_time) VALUES (999, 'x', 0)").ok());
    EXPECT_EQ(ApplyMigrations(*db, context).code(), StatusCode::kFailedPrecondition);
  }
}

TEST(GroupCommitterTest, FailuresAreIsolatedAndEveryWriteIsCommitted) {
  TempDir dir;
  auto db = OpenOrDie(dir.path() + "/g.db");
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY)").ok());
  std::mutex db_mu;
  GroupCommitter committer(db.get(), &db_mu, /*max_batch=*/16);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> ok_count{0};
  std::atomic<int> failed_count{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int key = t * kPerThread + i;
        const bool fail = i % 7 == 0;  // writes, then fails: must leave nothing behind
        Status status = committer.Write([&](Database& d) -> Status {
          auto stmt = d.Prepare("INSERT INTO t (k) VALUES (?)");
          if (!stmt.ok()) return stmt.status();
          CAIRN_RETURN_IF_ERROR((*stmt)->BindInt64(1, key));
          CAIRN_RETURN_IF_ERROR((*stmt)->Run());
          if (fail) return InvalidArgument("boom");
          return Status();
        });
        if (status.ok()) {
          ++ok_count;
        } else if (status.code() == StatusCode::kInvalidArgument && fail) {
          ++failed_count;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok_count + failed_count, kThreads * kPerThread);
  // Every successful write is there; no failed write left a row behind.
  auto count = db->Prepare("SELECT COUNT(*), COALESCE(SUM((k % 200) % 7 = 0), 0) FROM t");
  ASSERT_TRUE(count.ok());
  auto row = (*count)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*count)->ColumnInt64(0), ok_count.load());
  EXPECT_EQ((*count)->ColumnInt64(1), 0);
  EXPECT_TRUE(db->InAutocommit());
}

TEST(GroupCommitterTest, OneBatchCommitsGoodWritesAndRollsBackBadOnes) {
  auto db = OpenOrDie(":memory:");
  ASSERT_TRUE(db->Exec("CREATE TABLE t (k INTEGER PRIMARY KEY)").ok());
  std::mutex db_mu;
  GroupCommitter committer(db.get(), &db_mu);
  auto insert = [](Database& d, int key) -> Status {
    auto stmt = d.Prepare("INSERT INTO t (k) VALUES (?)");
    if (!stmt.ok()) return stmt.status();
    CAIRN_RETURN_IF_ERROR((*stmt)->BindInt64(1, key));
    return (*stmt)->Run();
  };
  constexpr int kFollowers = 6;
  // The first writer holds the leader role until every follower has queued,
  // so the followers are committed together as one batch.
  std::thread leader([&] {
    Status status = committer.Write([&](Database& d) -> Status {
      while (committer.QueueLengthForTest() < kFollowers + 1) std::this_thread::yield();
      return insert(d, 1000);
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
  });
  while (committer.QueueLengthForTest() < 1) std::this_thread::yield();
  std::vector<Status> results(kFollowers);
  std::vector<std::thread> followers;
  for (int i = 0; i < kFollowers; ++i) {
    followers.emplace_back([&, i] {
      results[i] = committer.Write([&](Database& d) -> Status {
        CAIRN_RETURN_IF_ERROR(insert(d, i));
        if (i % 2 == 1) return InvalidArgument("odd");  // rolled back alone
        if (i == 4) return insert(d, 1000);  // the leader's key: kAlreadyExists, rolled back
        return Status();
      });
    });
  }
  leader.join();
  for (auto& t : followers) t.join();
  for (int i = 0; i < kFollowers; ++i) {
    StatusCode expected = i % 2 == 1 ? StatusCode::kInvalidArgument
                          : i == 4   ? StatusCode::kAlreadyExists
                                     : StatusCode::kOk;
    EXPECT_EQ(results[i].code(), expected) << i << ": " << results[i].ToString();
  }
  auto keys = db->Prepare("SELECT group_concat(k) FROM (SELECT k FROM t ORDER BY k)");
  ASSERT_TRUE(keys.ok());
  auto row = (*keys)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*keys)->ColumnText(0), "0,2,1000");
}

TEST(SqlitePathFromUriTest, FollowsSqlAlchemy) {
  auto path = [](std::string_view uri) {
    auto result = store::SqlitePathFromUri(uri);
    return result.ok() ? *result : "error:" + std::string(StatusCodeName(result.status().code()));
  };
  EXPECT_EQ(path("sqlite:///mlflow.db"), "mlflow.db");
  EXPECT_EQ(path("sqlite:///./data/x.db"), "./data/x.db");
  EXPECT_EQ(path("sqlite:////abs/path/x.db"), "/abs/path/x.db");
  EXPECT_EQ(path("sqlite://"), ":memory:");
  EXPECT_EQ(path("sqlite://:memory:"), ":memory:");
  EXPECT_EQ(path("sqlite:///:memory:"), ":memory:");
  EXPECT_EQ(path("postgresql://h/db"), "error:INVALID_PARAMETER_VALUE");
  EXPECT_EQ(path("sqlite://host/x.db"), "error:INVALID_PARAMETER_VALUE");
  EXPECT_EQ(path("sqlite:///x.db?mode=ro"), "error:INVALID_PARAMETER_VALUE");
}

}  // namespace
}  // namespace cairn::store::sqlite
