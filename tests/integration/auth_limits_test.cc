// Request size and rate limits per user against the real `cairn server
// --auth`: the listener asks the auth layer who is calling before it reads
// a body, so a caller without valid credentials never gets a large body
// read or spooled, and each user's own limits (users/update-limits) apply
// to their bodies, uploads and request rate. Each case on a server of its
// own (limits are per user and per client address).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

#include "integration/auth_test_util.h"

namespace cairn::integration {
namespace {

constexpr char kLimitsPath[] = "/api/2.0/cairn/auth/users/update-limits";

// A server of its own; failed logins never lock anyone out here.
struct LimitsServer : AuthServer {
  explicit LimitsServer(std::vector<std::string> extra) : AuthServer(WithLenientLockout(std::move(extra))) {}
  static std::vector<std::string> WithLenientLockout(std::vector<std::string> extra) {
    extra.insert(extra.end(), {"--auth-max-failed-logins", "1000"});
    return extra;
  }
  As User(const std::string& name) const {
    client->EnsureUser(name);
    return client->Basic(name, UserPassword(name));
  }
  // A run of `who`'s own: {experiment id, run id}.
  std::pair<std::string, std::string> NewRun(const As& who, const std::string& experiment) const {
    Reply exp = client->Call("POST", "/api/2.0/mlflow/experiments/create",
                             fmt::format(R"({{"name":"{}"}})", experiment), who);
    EXPECT_TRUE(IsOkJson(exp)) << exp.Describe();
    std::string exp_id = exp.json().Str("/experiment_id").value_or("");
    Reply run = client->Call("POST", "/api/2.0/mlflow/runs/create",
                             fmt::format(R"({{"experiment_id":"{}"}})", exp_id), who);
    EXPECT_TRUE(IsOkJson(run)) << run.Describe();
    return {exp_id, run.json().Str("/run/info/run_id").value_or("")};
  }
};

// A log-batch body of about `bytes` bytes for `run_id`.
std::string LogBatchOfSize(const std::string& run_id, size_t bytes) {
  return fmt::format(R"({{"run_id":"{}","tags":[{{"key":"pad","value":"{}"}}]}})", run_id,
                     std::string(bytes, 'x'));
}

// The headers of a request whose body is never sent: the answer must come
// from the headers alone.
std::string HeadersOnly(const std::string& method, const std::string& target, uint64_t content_length,
                        const std::string& authorization) {
  std::string auth = authorization.empty() ? "" : "Authorization: " + authorization + "\r\n";
  return fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n{}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                     method, target, auth, content_length);
}

TEST(AuthLimitsTest, BodiesWithoutValidCredentialsAreRefusedBeforeTheyAreRead) {
  LimitsServer s({});
  ASSERT_NE(s.client, nullptr);
  const uint16_t port = s.process->port();
  const std::string artifact = "/api/2.0/mlflow-artifacts/artifacts/0/r/artifacts/huge.bin";
  struct Case {
    std::string what, method, target, authorization;
  } cases[] = {
      {"anonymous log-batch", "POST", "/api/2.0/mlflow/runs/log-batch", ""},
      {"anonymous upload", "PUT", artifact, ""},
      {"wrong password upload", "PUT", artifact, s.client->Basic(kAdminUser, "not-the-password").authorization},
      {"unknown token", "POST", "/api/2.0/mlflow/runs/log-batch", "Bearer cairn_pat_0123456789abcdef_nope"},
  };
  for (const Case& c : cases) {
    // 1 GiB declared, nothing sent: the 401 comes at once, the connection
    // closes (the unread body must not be taken for the next request).
    auto conn = RawConnection::Open(port);
    ASSERT_NE(conn, nullptr);
    ASSERT_TRUE(conn->Send(HeadersOnly(c.method, c.target, uint64_t{1} << 30, c.authorization)));
    Reply r = conn->ReadResponse(std::chrono::seconds(10));
    EXPECT_API_ERROR(r, 401, "UNAUTHENTICATED") << c.what;
  }
  // Anonymous callers get small bodies only, on the routes they may use.
  Reply big_login = s.client->Call("POST", "/api/2.0/cairn/auth/login",
                                   fmt::format(R"({{"username":"admin","password":"{}"}})", std::string(70000, 'p')),
                                   As{});
  EXPECT_API_ERROR(big_login, 413, "REQUEST_LIMIT_EXCEEDED");
  // A refused request with a small body keeps its connection usable.
  auto conn = RawConnection::Open(port);
  ASSERT_NE(conn, nullptr);
  const std::string body = R"({"experiment_ids":["0"]})";
  ASSERT_TRUE(conn->Send(fmt::format("POST /api/2.0/mlflow/runs/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
                                     body.size(), body)));
  EXPECT_API_ERROR(conn->ReadResponse(std::chrono::seconds(10)), 401, "UNAUTHENTICATED");
  ASSERT_TRUE(conn->Send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  EXPECT_EQ(conn->ReadResponse(std::chrono::seconds(10)).status, 200);
  // The server is fine and nothing was spooled.
  EXPECT_TRUE(s.process->Running());
  EXPECT_OK_JSON(s.client->Call("GET", "/api/2.0/mlflow/experiments/search?max_results=1", "", s.Admin()));
}

TEST(AuthLimitsTest, EachUserHasTheirOwnBodyAndUploadLimits) {
  LimitsServer s({"--max-body-bytes", "1000000", "--auth-max-upload-bytes", "50000"});
  ASSERT_NE(s.client, nullptr);
  As alice = s.User("alice");
  As bob = s.User("bob");
  Reply set = s.client->Call("PATCH", kLimitsPath,
                             R"({"username":"alice","max_request_bytes":4096,"max_upload_bytes":10000})", s.Admin());
  ASSERT_OK_JSON(set);
  EXPECT_EQ(set.json().Int("/user/limits/max_request_bytes"), 4096);
  EXPECT_EQ(set.json().Int("/user/limits/max_upload_bytes"), 10000);
  EXPECT_FALSE(set.json().Has("/user/limits/requests_per_second")) << "left out: the server's default";
  // Alice sees her own limits.
  Reply mine = s.client->Call("GET", "/api/2.0/mlflow/users/get?username=alice", "", alice);
  ASSERT_OK_JSON(mine);
  EXPECT_EQ(mine.json().Int("/user/limits/max_request_bytes"), 4096);

  auto [alice_exp, alice_run] = s.NewRun(alice, "alice-limits");
  auto [bob_exp, bob_run] = s.NewRun(bob, "bob-limits");
  // Bodies: alice's 8 KB is over her limit, bob's is within the server's.
  EXPECT_API_ERROR(s.client->Call("POST", "/api/2.0/mlflow/runs/log-batch", LogBatchOfSize(alice_run, 8000), alice),
                   413, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_OK_JSON(s.client->Call("POST", "/api/2.0/mlflow/runs/log-batch", LogBatchOfSize(bob_run, 8000), bob));
  EXPECT_OK_JSON(s.client->Call("POST", "/api/2.0/mlflow/runs/log-batch", LogBatchOfSize(alice_run, 1000), alice));
  Reply alice_tags = s.client->Call("GET", "/api/2.0/mlflow/runs/get?run_id=" + alice_run, "", alice);
  ASSERT_OK_JSON(alice_tags);
  EXPECT_EQ(alice_tags.body.find(std::string(8000, 'x')), std::string::npos) << "the refused batch wrote nothing";

  // Uploads (streamed): alice's limit is 10 000 bytes, bob has the server's 50 000.
  auto upload = [&](const std::string& exp, const std::string& run, const std::string& name) {
    return fmt::format("/api/2.0/mlflow-artifacts/artifacts/{}/{}/artifacts/{}", exp, run, name);
  };
  EXPECT_API_ERROR(s.client->Call("PUT", upload(alice_exp, alice_run, "big.bin"), std::string(20000, 'a'), alice,
                                  "application/octet-stream"),
                   413, "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(s.client->Call("PUT", upload(alice_exp, alice_run, "small.bin"), std::string(5000, 'a'), alice,
                           "application/octet-stream")
                .status,
            200);
  EXPECT_EQ(s.client->Call("PUT", upload(bob_exp, bob_run, "big.bin"), std::string(20000, 'b'), bob,
                           "application/octet-stream")
                .status,
            200);
  EXPECT_API_ERROR(s.client->Call("PUT", upload(bob_exp, bob_run, "huge.bin"), std::string(60000, 'b'), bob,
                                  "application/octet-stream"),
                   413, "REQUEST_LIMIT_EXCEEDED");
  Reply listed = s.client->Call(
      "GET", fmt::format("/api/2.0/mlflow-artifacts/artifacts?path={}/{}/artifacts", alice_exp, alice_run), "", alice);
  ASSERT_OK_JSON(listed);
  EXPECT_NE(listed.body.find("small.bin"), std::string::npos) << listed.body;
  EXPECT_EQ(listed.body.find("big.bin"), std::string::npos) << "a refused upload leaves no file: " << listed.body;

  // Only admins set limits; values are checked.
  EXPECT_API_ERROR(s.client->Call("PATCH", kLimitsPath, R"({"username":"alice","max_request_bytes":100000000})", alice),
                   403, "PERMISSION_DENIED");
  for (const char* bad : {R"({"username":"alice","max_request_bytes":0})",
                          R"({"username":"alice","max_request_bytes":-5})",
                          R"({"username":"alice","max_request_bytes":2147483648})",
                          R"({"username":"alice","max_upload_bytes":"lots"})",
                          R"({"username":"alice","requests_per_second":-1})",
                          R"({"username":"alice","requests_per_second":"nan"})"}) {
    EXPECT_API_ERROR(s.client->Call("PATCH", kLimitsPath, bad, s.Admin()), 400, "INVALID_PARAMETER_VALUE") << bad;
  }
  EXPECT_API_ERROR(s.client->Call("PATCH", kLimitsPath, R"({"username":"ghost"})", s.Admin()), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(s.client->Call("GET", "/api/2.0/mlflow/users/get?username=alice", "", alice).json().Int(
                "/user/limits/max_request_bytes"),
            4096)
      << "a refused change changed nothing";
  // Back to the server's defaults: alice's 8 KB batch now passes.
  ASSERT_OK_JSON(s.client->Call("PATCH", kLimitsPath, R"({"username":"alice"})", s.Admin()));
  EXPECT_OK_JSON(s.client->Call("POST", "/api/2.0/mlflow/runs/log-batch", LogBatchOfSize(alice_run, 8000), alice));
  // Every change is in the audit log.
  Reply audit = s.client->Call("GET", "/api/2.0/cairn/auth/audit?max_results=500", "", s.Admin());
  ASSERT_OK_JSON(audit);
  EXPECT_NE(audit.body.find("update limits"), std::string::npos);
}

TEST(AuthLimitsTest, EachUserHasTheirOwnRequestRate) {
  LimitsServer s({"--auth-rate-limit", "0"});  // no server-wide limit
  ASSERT_NE(s.client, nullptr);
  As alice = s.User("alice");
  As bob = s.User("bob");
  // 0.01 per second: a burst of 10, then one request per 100 s.
  ASSERT_OK_JSON(s.client->Call("PATCH", kLimitsPath, R"({"username":"alice","requests_per_second":0.01})", s.Admin()));
  const std::string search = "/api/2.0/mlflow/experiments/search?max_results=1";
  for (int i = 0; i < 10; ++i) EXPECT_OK_JSON(s.client->Call("GET", search, "", alice)) << i;
  Reply limited = s.client->Call("GET", search, "", alice);
  EXPECT_API_ERROR(limited, 429, "REQUEST_LIMIT_EXCEEDED");
  ASSERT_TRUE(limited.headers.count("retry-after"));
  EXPECT_GE(std::stoi(limited.headers["retry-after"]), 90);
  for (int i = 0; i < 30; ++i) EXPECT_OK_JSON(s.client->Call("GET", search, "", bob)) << "bob is not limited " << i;
  // Lifting alice's limit (0 = unlimited) takes effect at once.
  ASSERT_OK_JSON(s.client->Call("PATCH", kLimitsPath, R"({"username":"alice","requests_per_second":0})", s.Admin()));
  EXPECT_OK_JSON(s.client->Call("GET", search, "", alice));
}

}  // namespace
}  // namespace cairn::integration
