// What depends on the metadata store behind the real server, run on SQLite
// (cairn_integration_test) and on PostgreSQL (cairn_integration_test_postgres,
// the server on a schema of its own):
//  * text the backends treat differently: NUL bytes (SQLite stores them,
//    PostgreSQL text cannot hold them: a clear 400, nothing written);
//  * text both must keep exactly: 4-byte UTF-8, quotes, SQL, placeholders,
//    values at the size limits, a 1000-metric batch;
//  * a PostgreSQL server that cannot be reached at start: the server exits 1
//    with the reason, and never prints the password.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <array>
#include <optional>
#include <utility>
#include <string>

#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

class StoreBackendTest : public ServerTest {
 protected:
  bool OnPostgres() { return server().store_uri().rfind("postgresql://", 0) == 0; }

  // The value of tag `key` in a runs/get body; nullopt if absent.
  static std::optional<std::string> TagValue(const std::string& run_json, std::string_view key) {
    Json run(run_json);
    for (size_t i = 0; i < run.Size("/run/data/tags").value_or(0); ++i) {
      if (run.Str(fmt::format("/run/data/tags/{}/key", i)) == key) {
        return run.Str(fmt::format("/run/data/tags/{}/value", i));
      }
    }
    return std::nullopt;
  }

  // runs/set-tag with `value` (a JSON string literal's contents).
  Reply SetTag(const std::string& run_id, std::string_view key, std::string_view value_json) {
    return api().Post("runs/set-tag",
                      fmt::format(R"({{"run_id":"{}","key":"{}","value":"{}"}})", run_id, key, value_json));
  }
};

TEST_F(StoreBackendTest, NulInTextIsKeptOnSqliteAndRefusedClearlyOnPostgres) {
  const std::string run_id = CreateRun(CreateExperiment("nul"));
  ASSERT_FALSE(HasFatalFailure());
  const std::string before = GetRunJson(run_id);
  Reply reply = SetTag(run_id, "t", "a\\u0000b");
  if (OnPostgres()) {
    EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE");
    EXPECT_NE(reply.body.find("NUL"), std::string::npos) << reply.body;
    // Nothing of the refused request was written.
    EXPECT_EQ(CanonicalJson(GetRunJson(run_id)), CanonicalJson(before));
  } else {
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(TagValue(GetRunJson(run_id), "t"), std::string("a\0b", 3));
  }
  // The server and the run are fine afterwards.
  EXPECT_EQ(SetTag(run_id, "after", "ok").status, 200);
}

TEST_F(StoreBackendTest, UnicodeQuotesSqlAndLimitSizedTextRoundTrip) {
  const std::string run_id = CreateRun(CreateExperiment("text"));
  ASSERT_FALSE(HasFatalFailure());
  // Each value as sent in JSON, and as it must read back.
  const std::array<std::pair<std::string, std::string>, 4> values = {{
      {"h\u00e9llo \u2713 \U0001F600", "h\u00e9llo \u2713 \U0001F600"},
      {R"(it''s \"q\"'); DROP TABLE runs; --)", R"(it''s "q"'); DROP TABLE runs; --)"},
      {R"(? $1 %s {} \\)", R"(? $1 %s {} \)"},
      {std::string(8000, 'v'), std::string(8000, 'v')},
  }};
  for (size_t i = 0; i < values.size(); ++i) {
    Reply reply = SetTag(run_id, fmt::format("t{}", i), values[i].first);
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  const std::string run = GetRunJson(run_id);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(TagValue(run, fmt::format("t{}", i)), values[i].second) << i;
  // A 1000-metric batch (multi-row INSERTs) lands whole.
  std::string metrics;
  for (int i = 0; i < 1000; ++i) {
    metrics += fmt::format(R"({}{{"key":"m{}","value":{},"timestamp":{},"step":{}}})", i == 0 ? "" : ",", i % 7,
                           i * 0.5, 1000 + i, i);
  }
  Reply batch = api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", run_id, metrics));
  ASSERT_EQ(batch.status, 200) << batch.body;
  Reply history = api().Get("metrics/get-history", {{"run_id", run_id}, {"metric_key", "m3"}});
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(Json(history.body).Size("/metrics"), 143u);  // i % 7 == 3 for i < 1000
}

// Runs `cairn server` on an address where no PostgreSQL listens.
TEST(PostgresStartupTest, UnreachableDatabaseExitsWithTheReasonAndNoPassword) {
  const std::string command = fmt::format(
      "{} server --port 0 --backend-store-uri 'postgresql://cairn:s3cret-pw@127.0.0.1:1/nowhere' "
      "--artifacts-destination '{}' 2>&1",
      CAIRN_BINARY_PATH, ::testing::TempDir() + "cairn-unreachable-pg");
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 4096> buffer;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  EXPECT_NE(output.find("Could not connect to the PostgreSQL database."), std::string::npos) << output;
  EXPECT_NE(output.find("127.0.0.1"), std::string::npos) << output;
  EXPECT_EQ(output.find("s3cret-pw"), std::string::npos) << output;
}

}  // namespace
}  // namespace cairn::integration
