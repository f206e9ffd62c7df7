// The PostgreSQL driver: placeholder numbering and SQLSTATE mapping (pure),
// and against a live server (CAIRN_TEST_POSTGRES_URI, set by the
// cairn_store_test_postgres ctest entry; without it the live tests are not
// instantiated): value round trips, hostile text, errors, the retry of
// serialization conflicts, and an unreachable server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cfloat>
#include <cstdlib>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_errors.h"
#include "store/postgres/pg_sql_text.h"
#include "store/postgres/postgres_database.h"

namespace cairn::store::postgres {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(PgSqlTextTest, NumbersPlaceholdersOutsideQuotesAndComments) {
  NumberedSql out = NumberPlaceholders("SELECT ?, '?', \"a?\", 'it''s ?' -- ?\n, ?::json");
  EXPECT_EQ(out.text, "SELECT $1, '?', \"a?\", 'it''s ?' -- ?\n, $2::json");
  EXPECT_EQ(out.params, 2);
  EXPECT_EQ(NumberPlaceholders("").params, 0);
  EXPECT_EQ(NumberPlaceholders("x = 'unterminated ?").params, 0);
}

TEST(PgErrorsTest, SqlStatesMapToStatusCodes) {
  EXPECT_EQ(StatusForSqlState("23505", "").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusForSqlState("40001", "").code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusForSqlState("40P01", "").code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusForSqlState("08006", "").code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusForSqlState("54000", "").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusForSqlState("42P01", "ctx").code(), StatusCode::kInternal);
  EXPECT_EQ(StatusForSqlState("42P01", "ctx").message(), "Internal database error.");
  EXPECT_TRUE(IsRetryableSqlState("40001"));
  EXPECT_FALSE(IsRetryableSqlState("23505"));
}

TEST(PgConnectionOfflineTest, UnreachableServerIsUnavailableWithoutThePassword) {
  auto conn = PgConnection::Open("postgresql://user:s3cret@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(conn.status().message(), Not(HasSubstr("s3cret")));
  EXPECT_THAT(conn.status().internal_context(), Not(HasSubstr("s3cret")));
}

std::vector<std::string> LiveUris() {
  const char* uri = std::getenv("CAIRN_TEST_POSTGRES_URI");
  if (uri == nullptr || *uri == '\0') return {};
  return {uri};
}

class PostgresLiveTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto conn = PgConnection::Open(GetParam());
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    ASSERT_TRUE(conn_->Exec("DROP TABLE IF EXISTS pg_driver_t; CREATE TABLE pg_driver_t (k TEXT PRIMARY KEY, "
                            "i BIGINT, d DOUBLE PRECISION, b BIGINT, v TEXT)").ok());
  }
  void TearDown() override {
    if (conn_) (void)conn_->Exec("DROP TABLE IF EXISTS pg_driver_t");
  }
  std::unique_ptr<PgConnection> conn_;
};

TEST_P(PostgresLiveTest, ValuesRoundTrip) {
  const std::vector<double> doubles = {0.0, -0.0, 0.1, 1.0 / 3.0, DBL_MAX, -DBL_MAX, DBL_MIN, 5e-324, 1e300};
  auto insert = conn_->Prepare("INSERT INTO pg_driver_t (k, i, d, b) VALUES (?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok());
  for (size_t n = 0; n < doubles.size(); ++n) {
    ASSERT_TRUE((*insert)->BindText(1, "k" + std::to_string(n)).ok());
    ASSERT_TRUE((*insert)->BindInt64(2, n == 0 ? std::numeric_limits<int64_t>::min()
                                               : std::numeric_limits<int64_t>::max() - static_cast<int64_t>(n))
                    .ok());
    ASSERT_TRUE((*insert)->BindDouble(3, doubles[n]).ok());
    ASSERT_TRUE((*insert)->BindInt64(4, n % 2).ok());
    Status run = (*insert)->Run();
    ASSERT_TRUE(run.ok()) << run.ToString();
    EXPECT_EQ(conn_->Changes(), 1);
    (*insert)->Reset();
  }
  // b = 1 is a boolean expression: 't' / 'f' read as 1 / 0.
  auto select = conn_->Prepare("SELECT k, i, d, b = 1, NULL FROM pg_driver_t ORDER BY k");
  ASSERT_TRUE(select.ok());
  for (size_t n = 0; n < doubles.size(); ++n) {
    auto row = (*select)->Step();
    ASSERT_TRUE(row.ok() && *row);
    size_t index = std::stoul((*select)->ColumnText(0).substr(1));
    EXPECT_EQ((*select)->ColumnDouble(2), doubles[index]) << index;
    EXPECT_EQ(std::signbit((*select)->ColumnDouble(2)), std::signbit(doubles[index]));
    EXPECT_EQ((*select)->ColumnInt64(1), index == 0 ? std::numeric_limits<int64_t>::min()
                                                    : std::numeric_limits<int64_t>::max() - static_cast<int64_t>(index));
    EXPECT_EQ((*select)->ColumnInt64(3), static_cast<int64_t>(index % 2));
    EXPECT_TRUE((*select)->ColumnIsNull(4));
  }
  auto done = (*select)->Step();
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*done);
}

TEST_P(PostgresLiveTest, HostileTextIsStoredOrRefusedClearly) {
  auto insert = conn_->Prepare("INSERT INTO pg_driver_t (k, v) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok());
  // Unicode (4-byte UTF-8 included), quotes and SQL, placeholders, and a
  // 16 MiB value.
  const std::vector<std::string> kept = {"héllo wörld ✓ 😀", "'); DROP TABLE pg_driver_t; --", "?$1\\",
                                         std::string(16 << 20, 'x')};
  for (size_t n = 0; n < kept.size(); ++n) {
    ASSERT_TRUE((*insert)->BindText(1, "k" + std::to_string(n)).ok());
    ASSERT_TRUE((*insert)->BindText(2, kept[n]).ok());
    Status s = (*insert)->Run();
    EXPECT_TRUE(s.ok()) << s.ToString();
    (*insert)->Reset();
  }
  auto read = conn_->Prepare("SELECT v FROM pg_driver_t WHERE k = ?");
  ASSERT_TRUE(read.ok());
  for (size_t n = 0; n < kept.size(); ++n) {
    (*read)->Reset();
    ASSERT_TRUE((*read)->BindText(1, "k" + std::to_string(n)).ok());
    auto row = (*read)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*read)->ColumnTextView(0), kept[n]);
  }
  // A key too large for its index is the caller's bad input, not a 500.
  (*insert)->Reset();
  ASSERT_TRUE((*insert)->BindText(1, std::string(1 << 20, 'k')).ok());
  ASSERT_TRUE((*insert)->BindText(2, "v").ok());
  Status huge_key = (*insert)->Run();
  EXPECT_EQ(huge_key.code(), StatusCode::kInvalidArgument) << huge_key.ToString();
  // NUL cannot be stored in PostgreSQL text: refused before it reaches SQL.
  (*insert)->Reset();
  Status nul = (*insert)->BindText(2, std::string("a\0b", 3));
  EXPECT_EQ(nul.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(nul.message(), HasSubstr("NUL"));
  // Invalid UTF-8 is the server's refusal, reported as bad input.
  ASSERT_TRUE((*insert)->BindText(1, "bad").ok());
  ASSERT_TRUE((*insert)->BindText(2, "\xff\xfe").ok());
  Status bad = (*insert)->Run();
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument) << bad.ToString();
}

TEST_P(PostgresLiveTest, ErrorsKeepSqlOutOfTheMessage) {
  ASSERT_TRUE(conn_->Exec("INSERT INTO pg_driver_t (k) VALUES ('dup')").ok());
  Status dup = conn_->Exec("INSERT INTO pg_driver_t (k) VALUES ('dup')");
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), Not(HasSubstr("INSERT")));
  EXPECT_THAT(dup.internal_context(), HasSubstr("23505"));
  Status bad = conn_->Exec("SELECT * FROM no_such_table");
  EXPECT_EQ(bad.code(), StatusCode::kInternal);
  EXPECT_THAT(bad.message(), Not(HasSubstr("no_such_table")));
  EXPECT_THAT(bad.internal_context(), HasSubstr("no_such_table"));
}

TEST_P(PostgresLiveTest, ConflictingWritesAreRetriedAndAllApplied) {
  ASSERT_TRUE(conn_->Exec("INSERT INTO pg_driver_t (k, i) VALUES ('counter', 0)").ok());
  PostgresOptions options;
  options.uri = GetParam();
  auto db = PostgresDatabase::Open(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  // Read-then-write increments conflict under SERIALIZABLE; every one must
  // still land exactly once.
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int n = 0; n < kIncrements; ++n) {
        Status s = (*db)->Write([](sql::Connection& c) -> Status {
          CAIRN_ASSIGN_OR_RETURN(auto read, c.Prepare("SELECT i FROM pg_driver_t WHERE k = 'counter'"));
          CAIRN_ASSIGN_OR_RETURN(bool row, read->Step());
          int64_t value = row ? read->ColumnInt64(0) : 0;
          CAIRN_ASSIGN_OR_RETURN(auto write, c.Prepare("UPDATE pg_driver_t SET i = ? WHERE k = 'counter'"));
          CAIRN_RETURN_IF_ERROR(write->BindInt64(1, value + 1));
          return write->Run();
        });
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto final_value = conn_->PrepareUncached("SELECT i FROM pg_driver_t WHERE k = 'counter'");
  ASSERT_TRUE(final_value.ok());
  auto row = (*final_value)->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ((*final_value)->ColumnInt64(0) + failures.load(), kThreads * kIncrements);
  EXPECT_EQ(failures.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresLiveTest, ::testing::ValuesIn(LiveUris()));
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgresLiveTest);

}  // namespace
}  // namespace cairn::store::postgres
