// Hostile input against the real `cairn server --auth`, each case on a
// server of its own (lockouts are per client address, and every test
// client is 127.0.0.1): brute force, malformed Authorization headers, a
// start without an admin, the unchanged auth-off mode, and the scope and
// revocation of the token a pipeline task gets.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "integration/auth_test_util.h"
#include "integration/server_process.h"

namespace cairn::integration {
namespace {

TEST(AuthHostileTest, BruteForceIsRateLimited) {
  AuthServer s({"--auth-max-failed-logins", "3", "--auth-lockout", "60"});
  ASSERT_NE(s.client, nullptr);
  for (int i = 0; i < 3; ++i) {
    Reply r = s.client->Call("POST", "/api/2.0/cairn/auth/login",
                             fmt::format(R"({{"username":"admin","password":"guess-{}"}})", i), As{});
    EXPECT_API_ERROR(r, 401, "UNAUTHENTICATED") << i;
  }
  // Locked: even the right password waits, through every door.
  Reply locked = s.client->Call("POST", "/api/2.0/cairn/auth/login",
                                fmt::format(R"({{"username":"admin","password":"{}"}})", kAdminPassword), As{});
  EXPECT_API_ERROR(locked, 429, "REQUEST_LIMIT_EXCEEDED");
  ASSERT_TRUE(locked.headers.count("retry-after"));
  int retry = std::stoi(locked.headers["retry-after"]);
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 60);
  EXPECT_API_ERROR(s.client->Call("GET", "/api/2.0/mlflow/experiments/search", "", s.Admin()), 429,
                   "REQUEST_LIMIT_EXCEEDED");
  Reply audit_denied = s.client->Call("GET", "/api/2.0/cairn/auth/audit", "", s.Admin());
  EXPECT_EQ(audit_denied.status, 429);
  // The log has the failures (read straight from the database-backed
  // endpoint after the lockout would need waiting; the server log has them).
  EXPECT_NE(s.process->Log().find("failed user='admin'"), std::string::npos);
}

// Behind a proxy every request has the proxy's address. With the proxy
// trusted (--trusted-proxies), lockouts and the audit log follow the client
// its X-Forwarded-For names, so one attacker does not lock everyone out;
// without it, the header counts for nothing (a client cannot pick its
// address).
TEST(AuthHostileTest, ForwardedClientsBehindATrustedProxy) {
  auto attempt = [](AuthServer& s, const std::string& user, const std::string& password, const std::string& client) {
    return s.client->Call("GET", "/api/2.0/mlflow/experiments/search?max_results=1", "",
                          s.client->Basic(user, password).From(client));
  };
  const std::string attacker = "203.0.113.7", colleague = "198.51.100.9";
  {
    AuthServer s({"--auth-max-failed-logins", "3", "--trusted-proxies", "127.0.0.1,10.0.0.0/8"});
    ASSERT_NE(s.client, nullptr);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt(s, "ghost", "guess", attacker).status, 401) << i;
    EXPECT_EQ(attempt(s, kAdminUser, kAdminPassword, attacker).status, 429) << "the attacker's address is locked";
    EXPECT_OK_JSON(attempt(s, kAdminUser, kAdminPassword, colleague)) << "others behind the same proxy are not";
    Reply audit = s.client->Call("GET", "/api/2.0/cairn/auth/audit?max_results=100", "", s.Admin());
    ASSERT_OK_JSON(audit);
    EXPECT_NE(audit.body.find("\"client\":\"" + attacker + "\""), std::string::npos) << audit.body;
  }
  {
    AuthServer s({"--auth-max-failed-logins", "3"});
    ASSERT_NE(s.client, nullptr);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt(s, "ghost", "guess", attacker).status, 401) << i;
    EXPECT_EQ(attempt(s, kAdminUser, kAdminPassword, colleague).status, 429)
        << "an untrusted X-Forwarded-For must not get a client out of its lockout";
  }
  auto bad = ServerProcess::Start({"--trusted-proxies", "10.0.0.0/99"}, std::chrono::seconds(20));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("--trusted-proxies"), std::string::npos) << bad.status().message();
}

TEST(AuthHostileTest, MalformedAuthorizationHeaders) {
  AuthServer s({"--auth-max-failed-logins", "1000"});
  ASSERT_NE(s.client, nullptr);
  const std::string unicode_user = Base64Encode("j\xc3\xbcrgen\xe2\x82\xac:pw");
  for (const std::string& header :
       {std::string("Basic !!!not-base64!!!"), "Basic " + Base64Encode("no-colon-here"), "Basic " + Base64Encode(":x"),
        "Basic " + unicode_user, std::string("Basic ") + std::string(6000, 'A'), std::string("Bearer garbage"),
        std::string("Bearer cairn_pat_0123456789abcdef_") + std::string(43, 'x'), std::string("Bearer"),
        std::string("Bearer \xff\xfe"), std::string("Negotiate abc"), std::string("Basic"),
        "Basic " + Base64Encode("admin:" + std::string(3000, 'p'))}) {
    Reply r = s.client->Call("GET", "/api/2.0/mlflow/experiments/search", "", As{header, "", "", "", ""});
    EXPECT_API_ERROR(r, 401, "UNAUTHENTICATED") << header.substr(0, 60);
  }
  // A header past the listener's 64 KiB limit closes the connection, but
  // the server keeps serving.
  Reply huge = s.client->Call("GET", "/api/2.0/mlflow/experiments/search", "",
                              As{"Basic " + std::string(70000, 'A'), "", "", "", ""});
  EXPECT_NE(huge.status, 200);
  EXPECT_TRUE(s.process->Running());
  EXPECT_OK_JSON(s.client->Call("GET", "/api/2.0/mlflow/experiments/search", "", s.Admin()));
  // A forged cookie is no session.
  EXPECT_API_ERROR(s.client->Call("GET", "/api/2.0/mlflow/experiments/search", "",
                                  As::Cookie("cairn_session=forged-session-value", "x")),
                   401, "UNAUTHENTICATED");
}

TEST(AuthHostileTest, RefusesToStartWithoutAnAdmin) {
  auto started = ServerProcess::Start({"--auth"}, std::chrono::seconds(20));
  ASSERT_FALSE(started.ok()) << "cairn server --auth started without an admin password";
  EXPECT_NE(started.status().message().find("--auth-admin-password-file"), std::string::npos)
      << started.status().message();
}

TEST(AuthHostileTest, AuthOffIsUnchanged) {
  auto started = ServerProcess::Start({});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  AuthClient client((*started)->port());
  Reply me = client.Call("GET", "/api/2.0/cairn/auth/me", "", As{});
  ASSERT_OK_JSON(me);
  EXPECT_EQ(me.json().Bool("/auth_enabled"), false);
  EXPECT_TRUE(me.json().Has("/user"));
  EXPECT_FALSE(me.json().Str("/user/username").has_value());
  EXPECT_OK_JSON(client.Call("POST", "/api/2.0/mlflow/experiments/search", "{}", As{}));
}

// A pipeline task gets a token for its own run: it writes its run, and
// cannot write another run, create experiments, or see a password. The
// token is revoked when the task ends.
TEST(AuthHostileTest, TaskTokensAreScopedToTheirRun) {
  AuthServer s({"--auth-max-failed-logins", "1000"});
  ASSERT_NE(s.client, nullptr);
  s.client->EnsureUser("editor");
  As editor = s.client->Basic("editor", UserPassword("editor"));
  Reply exp = s.client->Call("POST", "/api/2.0/mlflow/experiments/create", R"({"name":"task-scope"})", editor);
  ASSERT_OK_JSON(exp);
  const std::string exp_id = exp.json().Str("/experiment_id").value_or("");
  Reply victim_exp = s.client->Call("POST", "/api/2.0/mlflow/experiments/create", R"({"name":"victim"})", editor);
  ASSERT_OK_JSON(victim_exp);
  Reply victim = s.client->Call(
      "POST", "/api/2.0/mlflow/runs/create",
      fmt::format(R"({{"experiment_id":"{}"}})", victim_exp.json().Str("/experiment_id").value_or("")), editor);
  ASSERT_OK_JSON(victim);
  const std::string victim_run = victim.json().Str("/run/info/run_id").value_or("");

  const std::string spec = R"(name: token-probe
params:
  victim: {type: string, default: none}
  tokenfile: {type: string, default: none}
steps:
  probe:
    run: |
      printf '%s' "$MLFLOW_TRACKING_TOKEN" > ${{ params.tokenfile }}
      api="$MLFLOW_TRACKING_URI/api/2.0/mlflow"
      h="Authorization: Bearer $MLFLOW_TRACKING_TOKEN"
      j="Content-Type: application/json"
      own=$(curl -s -o /dev/null -w '%{http_code}' -H "$h" -H "$j" -d "{\"run_id\":\"$MLFLOW_RUN_ID\",\"key\":\"own\",\"value\":\"written\"}" "$api/runs/set-tag")
      other=$(curl -s -o /dev/null -w '%{http_code}' -H "$h" -H "$j" -d "{\"run_id\":\"${{ params.victim }}\",\"key\":\"pwned\",\"value\":\"1\"}" "$api/runs/set-tag")
      create=$(curl -s -o /dev/null -w '%{http_code}' -H "$h" -H "$j" -d '{"name":"made-by-task"}' "$api/experiments/create")
      secrets=$(env | grep -c -E 'PASSWORD|MLFLOW_TRACKING_USERNAME' || true)
      curl -s -o /dev/null -H "$h" -H "$j" -d "{\"run_id\":\"$MLFLOW_RUN_ID\",\"tags\":[{\"key\":\"own_code\",\"value\":\"$own\"},{\"key\":\"other_code\",\"value\":\"$other\"},{\"key\":\"create_code\",\"value\":\"$create\"},{\"key\":\"secrets\",\"value\":\"$secrets\"}]}" "$api/runs/log-batch"
    timeout: 60s
)";
  const std::string token_file =
      (std::filesystem::temp_directory_path() / fmt::format("cairn-task-token-{}", getpid())).string();
  Reply submitted = s.client->Call(
      "POST",
      fmt::format("/api/2.0/cairn/pipelines/runs/submit?experiment_id={}&param=victim={}&param=tokenfile={}", exp_id,
                  victim_run, token_file),
      spec, editor, "application/yaml");
  ASSERT_OK_JSON(submitted);
  const std::string run_id = submitted.json().Str("/run/run_id").value_or("");
  std::string state;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
       std::chrono::steady_clock::now() < deadline;) {
    Reply get = s.client->Call("GET", "/api/2.0/cairn/pipelines/runs/get?run_id=" + run_id, "", editor);
    state = get.json().Str("/run/state").value_or("");
    if (state == "SUCCEEDED" || state == "FAILED" || state == "CANCELLED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_EQ(state, "SUCCEEDED") << s.process->Log();
  // The task wrote its own run; the other write and the experiment
  // creation were refused; no password reached its environment.
  Reply runs = s.client->Call(
      "POST", "/api/2.0/mlflow/runs/search",
      fmt::format(R"({{"experiment_ids":["{}"],"filter":"tags.own = 'written' and tags.own_code = '200' and )"
                  R"(tags.other_code = '403' and tags.create_code = '403' and tags.secrets = '0'"}})",
                  exp_id),
      s.Admin());
  ASSERT_OK_JSON(runs);
  ASSERT_EQ(runs.json().Size("/runs"), 1u) << runs.body;
  Reply victim_after = s.client->Call("GET", "/api/2.0/mlflow/runs/get?run_id=" + victim_run, "", s.Admin());
  EXPECT_EQ(victim_after.body.find("pwned"), std::string::npos);
  // The task has ended: its token no longer works, not even on its own run.
  std::ifstream in(token_file);
  std::string task_token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(token_file);
  ASSERT_EQ(task_token.rfind("cairn_task_", 0), 0u) << task_token;
  Reply after_end = s.client->Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + exp_id, "",
                                   As::Bearer(task_token));
  EXPECT_API_ERROR(after_end, 401, "UNAUTHENTICATED");
  EXPECT_NE(after_end.body.find("revoked"), std::string::npos) << after_end.body;
}

// The server that minted a task's token is killed while the task runs. The
// restarted server never knew that token, yet once the task's run has ended
// the token is revoked (server/task_token_sweeper.h) instead of living for
// its 24 hours.
TEST(AuthHostileTest, TaskTokensAreRevokedAfterARestartToo) {
  AuthServer s({"--auth-max-failed-logins", "1000"});
  ASSERT_NE(s.client, nullptr);
  const std::string token_file =
      (std::filesystem::temp_directory_path() / fmt::format("cairn-restart-token-{}", getpid())).string();
  std::filesystem::remove(token_file);
  const std::string spec = R"(name: outlives-its-server
params:
  tokenfile: {type: string, default: none}
steps:
  hold:
    run: |
      printf '%s' "$MLFLOW_TRACKING_TOKEN" > ${{ params.tokenfile }}.part
      mv ${{ params.tokenfile }}.part ${{ params.tokenfile }}
      sleep 3
    timeout: 60s
)";
  Reply submitted = s.client->Call(
      "POST", fmt::format("/api/2.0/cairn/pipelines/runs/submit?experiment_id=0&param=tokenfile={}", token_file), spec,
      s.Admin(), "application/yaml");
  ASSERT_OK_JSON(submitted);
  const std::string run_id = submitted.json().Str("/run/run_id").value_or("");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(token_file) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(std::filesystem::exists(token_file)) << s.process->Log();
  std::ifstream in(token_file);
  const std::string task_token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(token_file);
  ASSERT_EQ(task_token.rfind("cairn_task_", 0), 0u) << task_token;

  ASSERT_TRUE(s.process->Restart().ok()) << s.process->Log();  // SIGKILL, then the same server again
  s.client = std::make_unique<AuthClient>(s.process->port());
  const std::string probe = "/api/2.0/mlflow/experiments/get?experiment_id=0";
  EXPECT_EQ(s.client->Call("GET", probe, "", As::Bearer(task_token)).status, 200)
      << "the token is stored, so it outlives the process that minted it";

  std::string state;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    state = s.client->Call("GET", "/api/2.0/cairn/pipelines/runs/get?run_id=" + run_id, "", s.Admin())
                .json()
                .Str("/run/state")
                .value_or("");
    if (state == "SUCCEEDED" || state == "FAILED" || state == "CANCELLED") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(state == "SUCCEEDED" || state == "FAILED") << state << s.process->Log();
  // The sweep runs every 10 s.
  Reply after;
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    after = s.client->Call("GET", probe, "", As::Bearer(task_token));
    if (after.status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  EXPECT_API_ERROR(after, 401, "UNAUTHENTICATED");
  EXPECT_NE(after.body.find("revoked"), std::string::npos) << after.body;
}

}  // namespace
}  // namespace cairn::integration
