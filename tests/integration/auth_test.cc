// Authentication and authorization against the real `cairn server --auth`
// over HTTP (docs/auth.md): every role (admin, owner with MANAGE, EDIT,
// READ, NO_PERMISSIONS, anonymous) against every API family (tracking,
// registry, artifacts, pipelines, tuning, serving control); forbidden
// requests get 401/403 with the MLflow error JSON and change nothing (read
// back as admin); tokens, sessions and CSRF; workspaces; the audit log.
// Hostile input and brute force run on servers of their own
// (auth_hostile_test.cc), since failed logins lock out the client address.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/base64.h"
#include "integration/auth_test_util.h"

namespace cairn::integration {
namespace {

class AuthTest : public ServerTest {
 protected:
  static void SetUpTestSuite() {
    password_file_ = WriteAdminPasswordFile();
    // Other suites test lockouts; this one shares 127.0.0.1 among all roles.
    StartSharedServer({"--auth", "--auth-admin-password-file", password_file_, "--auth-max-failed-logins", "1000"});
  }
  static void TearDownTestSuite() {
    ServerTest::TearDownTestSuite();
    std::filesystem::remove(password_file_);
  }

  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    users_ = std::make_unique<AuthClient>(server().port());
    // The roles of the MLflow permission model; created once per server.
    for (const char* name : {"owner", "editor", "reader", "nobody", "outsider"}) users_->EnsureUser(name);
  }

  AuthClient& auth() { return *users_; }
  As Admin() { return auth().Basic(kAdminUser, kAdminPassword); }
  As User(const std::string& name) { return auth().Basic(name, UserPassword(name)); }

  // An experiment owned by "owner" (creator: MANAGE), with editor EDIT,
  // reader READ and nobody NO_PERMISSIONS.
  std::string SharedExperiment() {
    Reply created = auth().Call("POST", "/api/2.0/mlflow/experiments/create",
                                fmt::format(R"({{"name":"{}"}})", UniqueName("exp")), User("owner"));
    EXPECT_OK_JSON(created);
    std::string id = created.json().Str("/experiment_id").value_or("");
    for (auto [user, permission] : {std::pair{"editor", "EDIT"}, {"reader", "READ"}, {"nobody", "NO_PERMISSIONS"}}) {
      Reply granted = auth().Call("POST", "/api/2.0/mlflow/experiments/permissions/create",
                                  fmt::format(R"({{"experiment_id":"{}","username":"{}","permission":"{}"}})", id,
                                              user, permission),
                                  User("owner"));
      EXPECT_OK_JSON(granted);
    }
    return id;
  }

  static inline std::string password_file_;
  std::unique_ptr<AuthClient> users_;
};

TEST_F(AuthTest, AnonymousGets401WithChallengeButHealthAndUiLoad) {
  Reply reply = auth().Call("POST", "/api/2.0/mlflow/experiments/search", "{}", As{});
  EXPECT_API_ERROR(reply, 401, "UNAUTHENTICATED");
  EXPECT_EQ(reply.headers["www-authenticate"], "Basic realm=\"cairn\"");
  for (const char* path : {"/api/2.0/mlflow/runs/get?run_id=abc", "/api/2.0/cairn/pipelines/runs/list",
                           "/api/2.0/cairn/tuning/experiments/list", "/api/2.0/cairn/serving/deployments",
                           "/api/2.0/mlflow-artifacts/artifacts/1/x", "/get-artifact?run_id=a&path=b",
                           "/api/2.0/cairn/auth/audit", "/v2/models"}) {
    EXPECT_API_ERROR(auth().Call("GET", path, "", As{}), 401, "UNAUTHENTICATED") << path;
  }
  EXPECT_EQ(auth().Call("GET", "/health", "", As{}).status, 200);
  EXPECT_EQ(auth().Call("GET", "/", "", As{}).status, 200) << "the UI (and its login page) loads";
  // The UI's own calls get no Basic challenge (no browser dialog).
  Reply me = auth().Call("GET", "/api/2.0/cairn/auth/me", "", As{});
  EXPECT_API_ERROR(me, 401, "UNAUTHENTICATED");
  EXPECT_EQ(me.headers.count("www-authenticate"), 0u);
}

TEST_F(AuthTest, WrongPasswordIs401) {
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/search", "", auth().Basic("owner", "wrong-pw-123")),
                   401, "UNAUTHENTICATED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/search", "", auth().Basic("ghost", "whatever-1")),
                   401, "UNAUTHENTICATED");
}

// Tracking: each role against experiments and runs.
TEST_F(AuthTest, TrackingRoles) {
  const std::string exp = SharedExperiment();
  ASSERT_FALSE(exp.empty());
  // EDIT may create runs and log; READ may read; NO_PERMISSIONS nothing.
  Reply run = auth().Call("POST", "/api/2.0/mlflow/runs/create", fmt::format(R"({{"experiment_id":"{}"}})", exp),
                          User("editor"));
  ASSERT_OK_JSON(run);
  const std::string run_id = run.json().Str("/run/info/run_id").value_or("");
  EXPECT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/runs/log-metric",
                             fmt::format(R"({{"run_id":"{}","key":"m","value":1,"timestamp":1,"step":0}})", run_id),
                             User("editor")));
  const std::string before = auth().Call("GET", "/api/2.0/mlflow/runs/get?run_id=" + run_id, "", Admin()).body;
  EXPECT_OK_JSON(auth().Call("GET", "/api/2.0/mlflow/runs/get?run_id=" + run_id, "", User("reader")));
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/runs/log-metric",
                               fmt::format(R"({{"run_id":"{}","key":"m","value":9,"timestamp":2,"step":1}})", run_id),
                               User("reader")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/runs/create", fmt::format(R"({{"experiment_id":"{}"}})", exp),
                               User("reader")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/runs/get?run_id=" + run_id, "", User("nobody")), 403,
                   "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + exp, "", User("nobody")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/metrics/get-history?run_id=" + run_id + "&metric_key=m", "",
                               User("nobody")),
                   403, "PERMISSION_DENIED");
  // Deleting needs MANAGE: EDIT is not enough, the owner may.
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/runs/delete", fmt::format(R"({{"run_id":"{}"}})", run_id),
                               User("editor")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/experiments/delete",
                               fmt::format(R"({{"experiment_id":"{}"}})", exp), User("editor")),
                   403, "PERMISSION_DENIED");
  // Nothing the refused requests asked for happened.
  EXPECT_EQ(auth().Call("GET", "/api/2.0/mlflow/runs/get?run_id=" + run_id, "", Admin()).body, before);
  // Search returns only what the caller may read.
  Reply seen = auth().Call("POST", "/api/2.0/mlflow/experiments/search", R"({"max_results":1000})", User("nobody"));
  ASSERT_OK_JSON(seen);
  EXPECT_EQ(seen.body.find(fmt::format(R"("experiment_id":"{}")", exp)), std::string::npos);
  Reply seen_by_reader =
      auth().Call("POST", "/api/2.0/mlflow/experiments/search", R"({"max_results":1000})", User("reader"));
  EXPECT_NE(seen_by_reader.body.find(fmt::format(R"("experiment_id":"{}")", exp)), std::string::npos);
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/runs/search",
                               fmt::format(R"({{"experiment_ids":["{}"]}})", exp), User("nobody")),
                   403, "PERMISSION_DENIED");
  // The owner manages permissions; others may not.
  EXPECT_API_ERROR(auth().Call("PATCH", "/api/2.0/mlflow/experiments/permissions/update",
                               fmt::format(R"({{"experiment_id":"{}","username":"nobody","permission":"MANAGE"}})", exp),
                               User("editor")),
                   403, "PERMISSION_DENIED");
  Reply got = auth().Call("GET",
                          fmt::format("/api/2.0/mlflow/experiments/permissions/get?experiment_id={}&username=nobody", exp),
                          "", User("owner"));
  ASSERT_OK_JSON(got);
  EXPECT_EQ(got.json().Str("/experiment_permission/permission"), "NO_PERMISSIONS");
  EXPECT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/experiments/delete",
                             fmt::format(R"({{"experiment_id":"{}"}})", exp), User("owner")));
  // Users without a grant get the default, READ.
  EXPECT_OK_JSON(auth().Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + exp, "", User("outsider")));
}

TEST_F(AuthTest, RegistryRoles) {
  const std::string model = UniqueName("model");
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/create",
                             fmt::format(R"({{"name":"{}"}})", model), User("owner")));
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/permissions/create",
                             fmt::format(R"({{"name":"{}","username":"nobody","permission":"NO_PERMISSIONS"}})", model),
                             User("owner")));
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/permissions/create",
                             fmt::format(R"({{"name":"{}","username":"editor","permission":"EDIT"}})", model),
                             User("owner")));
  EXPECT_OK_JSON(auth().Call("GET", "/api/2.0/mlflow/registered-models/get?name=" + model, "", User("reader")));
  EXPECT_API_ERROR(auth().Call("PATCH", "/api/2.0/mlflow/registered-models/update",
                               fmt::format(R"({{"name":"{}","description":"hacked"}})", model), User("reader")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/registered-models/get?name=" + model, "", User("nobody")), 403,
                   "PERMISSION_DENIED");
  EXPECT_OK_JSON(auth().Call("PATCH", "/api/2.0/mlflow/registered-models/update",
                             fmt::format(R"({{"name":"{}","description":"by editor"}})", model), User("editor")));
  EXPECT_API_ERROR(auth().Call("DELETE", "/api/2.0/mlflow/registered-models/delete",
                               fmt::format(R"({{"name":"{}"}})", model), User("editor")),
                   403, "PERMISSION_DENIED");
  Reply admin_view = auth().Call("GET", "/api/2.0/mlflow/registered-models/get?name=" + model, "", Admin());
  EXPECT_EQ(admin_view.json().Str("/registered_model/description"), "by editor");
  Reply search = auth().Call("GET", "/api/2.0/mlflow/registered-models/search?max_results=1000", "", User("nobody"));
  ASSERT_OK_JSON(search);
  EXPECT_EQ(search.body.find(model), std::string::npos);
  // Renamed, the model keeps its permissions.
  const std::string renamed = model + "-renamed";
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/rename",
                             fmt::format(R"({{"name":"{}","new_name":"{}"}})", model, renamed), User("owner")));
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/registered-models/get?name=" + renamed, "", User("nobody")),
                   403, "PERMISSION_DENIED");
  EXPECT_OK_JSON(auth().Call("DELETE", "/api/2.0/mlflow/registered-models/delete",
                             fmt::format(R"({{"name":"{}"}})", renamed), User("owner")));
  // A new model of the same name inherits none of the old grants.
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/create",
                             fmt::format(R"({{"name":"{}"}})", renamed), User("editor")));
  EXPECT_OK_JSON(auth().Call("GET", "/api/2.0/mlflow/registered-models/get?name=" + renamed, "", User("nobody")));
  EXPECT_API_ERROR(auth().Call("DELETE", "/api/2.0/mlflow/registered-models/delete",
                               fmt::format(R"({{"name":"{}"}})", renamed), User("owner")),
                   403, "PERMISSION_DENIED");
}

TEST_F(AuthTest, ArtifactsRolesAndPaths) {
  const std::string exp = SharedExperiment();
  Reply run = auth().Call("POST", "/api/2.0/mlflow/runs/create", fmt::format(R"({{"experiment_id":"{}"}})", exp),
                          User("editor"));
  ASSERT_OK_JSON(run);
  const std::string run_id = run.json().Str("/run/info/run_id").value_or("");
  const std::string file = fmt::format("/api/2.0/mlflow-artifacts/artifacts/{}/{}/artifacts/model.txt", exp, run_id);
  EXPECT_EQ(auth().Call("PUT", file, "v1", User("editor")).status, 200);
  Reply read = auth().Call("GET", file, "", User("reader"));
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, "v1");
  EXPECT_API_ERROR(auth().Call("PUT", file, "evil", User("reader")), 403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", file, "", User("nobody")), 403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("DELETE", file, "", User("editor")), 403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow-artifacts/artifacts?path=" + exp, "", User("nobody")), 403,
                   "PERMISSION_DENIED");
  EXPECT_EQ(auth().Call("GET", file, "", Admin()).body, "v1") << "the refused writes changed nothing";
  // Paths cannot escape: ".." is refused before any permission lookup.
  for (const std::string& escape :
       {fmt::format("/api/2.0/mlflow-artifacts/artifacts/{}/{}/../../0/x", exp, run_id),
        fmt::format("/api/2.0/mlflow-artifacts/artifacts/{}/%2e%2e/%2e%2e/etc/passwd", exp),
        std::string("/api/2.0/mlflow-artifacts/artifacts/..%2F..%2Fetc/passwd")}) {
    Reply r = auth().Call("GET", escape, "", User("editor"));
    EXPECT_TRUE(r.status == 400 || r.status == 403 || r.status == 404) << escape << " " << r.Describe();
    EXPECT_EQ(r.body.find("root:"), std::string::npos);
  }
  // Outside any experiment or model: admins only.
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow-artifacts/artifacts/other/file", "", User("owner")), 403,
                   "PERMISSION_DENIED");
  // The UI download route follows the run's experiment.
  EXPECT_EQ(auth().Call("GET", "/get-artifact?run_id=" + run_id + "&path=model.txt", "", User("reader")).status, 200);
  EXPECT_API_ERROR(auth().Call("GET", "/get-artifact?run_id=" + run_id + "&path=model.txt", "", User("nobody")), 403,
                   "PERMISSION_DENIED");
}

// EDIT on a model must not become a way to read other files: a new
// version's source must be readable by its creator; experiment artifact
// locations are chosen by admins only.
TEST_F(AuthTest, SourcesAndLocationsCannotReachOthersFiles) {
  const std::string exp = SharedExperiment();
  Reply run = auth().Call("POST", "/api/2.0/mlflow/runs/create", fmt::format(R"({{"experiment_id":"{}"}})", exp),
                          User("editor"));
  ASSERT_OK_JSON(run);
  const std::string run_id = run.json().Str("/run/info/run_id").value_or("");
  ASSERT_EQ(auth().Call("PUT", fmt::format("/api/2.0/mlflow-artifacts/artifacts/{}/{}/artifacts/model/MLmodel", exp, run_id),
                        "flavors: {}", User("editor"))
                .status,
            200);
  const std::string model = UniqueName("versions");
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/create",
                             fmt::format(R"({{"name":"{}"}})", model), User("owner")));
  for (const char* user : {"editor", "nobody"}) {
    ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/permissions/create",
                               fmt::format(R"({{"name":"{}","username":"{}","permission":"EDIT"}})", model, user),
                               User("owner")));
  }
  auto create_version = [&](const std::string& source, const std::string& extra, const std::string& user) {
    return auth().Call("POST", "/api/2.0/mlflow/model-versions/create",
                       fmt::format(R"({{"name":"{}","source":"{}"{}}})", model, source, extra), User(user));
  };
  // nobody may not read the run's experiment.
  EXPECT_API_ERROR(create_version("runs:/" + run_id + "/model", "", "nobody"), 403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(create_version(fmt::format("mlflow-artifacts:/{}/{}/artifacts/model", exp, run_id), "", "nobody"),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(create_version("s3://bucket/x", fmt::format(R"(,"run_id":"{}")", run_id), "nobody"), 403,
                   "PERMISSION_DENIED");
  for (const char* source : {"file:///etc", "/etc", "s3://other-bucket/secret"}) {
    EXPECT_API_ERROR(create_version(source, "", "editor"), 403, "PERMISSION_DENIED") << source;
  }
  Reply none = auth().Call("GET", "/api/2.0/mlflow/model-versions/search?filter=" + std::string("name%3D%27") + model +
                                      "%27",
                           "", Admin());
  ASSERT_OK_JSON(none);
  EXPECT_FALSE(none.json().Size("/model_versions").value_or(0) > 0) << none.body;
  EXPECT_OK_JSON(create_version("runs:/" + run_id + "/model", "", "editor"));
  // Artifact locations: admins only.
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/experiments/create",
                               fmt::format(R"({{"name":"{}","artifact_location":"file:///etc"}})", UniqueName("loc")),
                               User("owner")),
                   403, "PERMISSION_DENIED");
  EXPECT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/experiments/create",
                             fmt::format(R"({{"name":"{}","artifact_location":"file:///tmp/cairn-admin-loc"}})",
                                         UniqueName("loc")),
                             Admin()));
}

TEST_F(AuthTest, PipelinesTuningAndServingControl) {
  const std::string exp = SharedExperiment();
  const std::string spec = "name: auth-probe\nsteps:\n  hello:\n    run: echo hello\n";
  auto submit = [&](const As& who) {
    return auth().Call("POST", fmt::format("/api/2.0/cairn/pipelines/runs/submit?experiment_id={}", exp), spec, who,
                       "application/yaml");
  };
  EXPECT_API_ERROR(submit(User("reader")), 403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(submit(User("nobody")), 403, "PERMISSION_DENIED");
  Reply submitted = submit(User("editor"));
  ASSERT_OK_JSON(submitted);
  const std::string run_id = submitted.json().Str("/run/run_id").value_or("");
  EXPECT_OK_JSON(auth().Call("GET", "/api/2.0/cairn/pipelines/runs/get?run_id=" + run_id, "", User("reader")));
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/cairn/pipelines/runs/get?run_id=" + run_id, "", User("nobody")), 403,
                   "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/pipelines/runs/cancel",
                               fmt::format(R"({{"run_id":"{}"}})", run_id), User("reader")),
                   403, "PERMISSION_DENIED");
  Reply listed = auth().Call("GET", "/api/2.0/cairn/pipelines/runs/list?max_results=1000", "", User("nobody"));
  ASSERT_OK_JSON(listed);
  EXPECT_EQ(listed.body.find(run_id), std::string::npos);
  // Pipeline submits to the default experiment need EDIT there (default READ).
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/pipelines/runs/submit", spec, User("reader"), "application/yaml"),
                   403, "PERMISSION_DENIED");

  // Tuning: the tracking experiment must be named, and writable.
  const std::string katib = R"({"spec":"name: t\nobjective: {metric: loss, goal: minimize}\nparameters:\n  x: {type: double, min: 0, max: 1}\ntrial: {run: echo loss=1}\nmax_trials: 1\n")";
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/tuning/experiments/submit", katib + "}", User("editor")), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/tuning/experiments/submit",
                               katib + fmt::format(R"(,"experiment_id":"{}"}})", exp), User("reader")),
                   403, "PERMISSION_DENIED");
  Reply tuned = auth().Call("GET", "/api/2.0/cairn/tuning/experiments/list", "", User("nobody"));
  EXPECT_OK_JSON(tuned);

  // Serving control: deploying a model needs EDIT on it.
  const std::string model = UniqueName("served");
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/registered-models/create",
                             fmt::format(R"({{"name":"{}"}})", model), User("owner")));
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/serving/deployments",
                               fmt::format(R"({{"model_uri":"models:/{}/1","name":"d1"}})", model), User("reader")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/serving/deployments",
                               R"({"model_uri":"file:///etc","name":"d2"})", User("owner")),
                   403, "PERMISSION_DENIED");
  Reply deployments = auth().Call("GET", "/api/2.0/cairn/serving/deployments", "", User("nobody"));
  EXPECT_OK_JSON(deployments);
}

TEST_F(AuthTest, PersonalTokensExpireAndRevoke) {
  Reply created = auth().Call("POST", "/api/2.0/cairn/auth/tokens/create", R"({"name":"ci"})", User("owner"));
  ASSERT_OK_JSON(created);
  const std::string token = created.json().Str("/token").value_or("");
  const std::string token_id = created.json().Str("/token_info/token_id").value_or("");
  As bearer = As::Bearer(token);
  EXPECT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/experiments/search", "{}", bearer));
  // A token cannot mint tokens.
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/auth/tokens/create", "{}", bearer), 403, "PERMISSION_DENIED");
  Reply list = auth().Call("GET", "/api/2.0/cairn/auth/tokens/list", "", User("owner"));
  EXPECT_NE(list.body.find(token_id), std::string::npos);
  EXPECT_EQ(list.body.find(token), std::string::npos) << "the secret is shown once, never listed";
  // Others cannot revoke it.
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/auth/tokens/revoke",
                               fmt::format(R"({{"token_id":"{}"}})", token_id), User("editor")),
                   404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_OK_JSON(auth().Call("POST", "/api/2.0/cairn/auth/tokens/revoke", fmt::format(R"({{"token_id":"{}"}})", token_id),
                             User("owner")));
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/experiments/search", "{}", bearer), 401, "UNAUTHENTICATED");
  // An expired token.
  Reply short_lived = auth().Call("POST", "/api/2.0/cairn/auth/tokens/create",
                                  R"({"name":"short","expires_in_seconds":1})", User("owner"));
  ASSERT_OK_JSON(short_lived);
  As expiring = As::Bearer(short_lived.json().Str("/token").value_or(""));
  EXPECT_OK_JSON(auth().Call("POST", "/api/2.0/mlflow/experiments/search", "{}", expiring));
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  Reply expired = auth().Call("POST", "/api/2.0/mlflow/experiments/search", "{}", expiring);
  EXPECT_API_ERROR(expired, 401, "UNAUTHENTICATED");
  EXPECT_NE(expired.body.find("expired"), std::string::npos);
}

TEST_F(AuthTest, SessionsAndCsrf) {
  Reply bad = auth().Call("POST", "/api/2.0/cairn/auth/login", R"({"username":"owner","password":"nope-nope"})", As{});
  EXPECT_API_ERROR(bad, 401, "UNAUTHENTICATED");
  Reply login = auth().Call("POST", "/api/2.0/cairn/auth/login",
                            fmt::format(R"({{"username":"owner","password":"{}"}})", UserPassword("owner")), As{});
  ASSERT_OK_JSON(login);
  EXPECT_EQ(login.json().Str("/user/username"), "owner");
  EXPECT_EQ(login.json().Bool("/user/is_admin"), false);
  EXPECT_EQ(login.json().Bool("/auth_enabled"), true);
  const std::string csrf = login.json().Str("/csrf_token").value_or("");
  const std::string set_cookie = login.headers["set-cookie"];
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "no TLS here";
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  As session = As::Cookie(cookie, "");
  Reply me = auth().Call("GET", "/api/2.0/cairn/auth/me", "", session);
  ASSERT_OK_JSON(me);
  EXPECT_EQ(me.json().Str("/csrf_token"), csrf);
  // Reads need no CSRF token; writes do.
  EXPECT_OK_JSON(auth().Call("GET", "/ajax-api/2.0/mlflow/experiments/search?max_results=5", "", session));
  const std::string name = UniqueName("csrf");
  Reply no_csrf = auth().Call("POST", "/ajax-api/2.0/mlflow/experiments/create",
                              fmt::format(R"({{"name":"{}"}})", name), session);
  EXPECT_API_ERROR(no_csrf, 403, "PERMISSION_DENIED");
  EXPECT_NE(no_csrf.body.find("CSRF token missing or invalid"), std::string::npos);
  EXPECT_API_ERROR(auth().Call("POST", "/ajax-api/2.0/mlflow/experiments/create", fmt::format(R"({{"name":"{}"}})", name),
                               As::Cookie(cookie, "forged")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + name, "", Admin()),
                   404, "RESOURCE_DOES_NOT_EXIST")
      << "the refused creates changed nothing";
  EXPECT_OK_JSON(auth().Call("POST", "/ajax-api/2.0/mlflow/experiments/create", fmt::format(R"({{"name":"{}"}})", name),
                             As::Cookie(cookie, csrf)));
  // Logout ends the session (with the CSRF token, as every cookie POST).
  Reply logout = auth().Call("POST", "/api/2.0/cairn/auth/logout", "", As::Cookie(cookie, csrf));
  EXPECT_OK_JSON(logout);
  EXPECT_NE(logout.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/cairn/auth/me", "", session), 401, "UNAUTHENTICATED");
}

TEST_F(AuthTest, UserManagementIsForAdmins) {
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/users/create",
                               R"({"username":"mallory","password":"password-123"})", User("owner")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("PATCH", "/api/2.0/mlflow/users/update-admin", R"({"username":"owner","is_admin":true})",
                               User("owner")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("PATCH", "/api/2.0/mlflow/users/update-password",
                               R"({"username":"editor","password":"taken-over-1"})", User("owner")),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/users/get?username=mallory", "", Admin()), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  Reply self = auth().Call("GET", "/api/2.0/mlflow/users/get?username=owner", "", User("owner"));
  ASSERT_OK_JSON(self);
  EXPECT_EQ(self.json().Bool("/user/is_admin"), false);
  EXPECT_EQ(self.body.find("password"), std::string::npos);
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/users/create", R"({"username":"owner","password":"password-123"})",
                               Admin()),
                   400, "RESOURCE_ALREADY_EXISTS");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/users/create", R"({"username":"shorty","password":"x"})", Admin()),
                   400, "INVALID_PARAMETER_VALUE");
  // Audit: admins only, and it saw the refusals.
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/cairn/auth/audit", "", User("owner")), 403, "PERMISSION_DENIED");
  Reply audit = auth().Call("GET", "/api/2.0/cairn/auth/audit?max_results=10000", "", Admin());
  ASSERT_OK_JSON(audit);
  EXPECT_NE(audit.body.find(R"("action":"create user")"), std::string::npos);
  EXPECT_NE(audit.body.find(R"("outcome":"denied")"), std::string::npos);
}

TEST_F(AuthTest, WorkspacesKeepTeamsApart) {
  const std::string red = UniqueName("red"), blue = UniqueName("blue");
  for (const std::string& ws : {red, blue}) {
    ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/cairn/auth/workspaces/create", fmt::format(R"({{"name":"{}"}})", ws),
                               Admin()));
  }
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/cairn/auth/workspaces/members/set",
                             fmt::format(R"({{"workspace":"{}","username":"owner","role":"EDIT"}})", red), Admin()));
  ASSERT_OK_JSON(auth().Call("POST", "/api/2.0/cairn/auth/workspaces/members/set",
                             fmt::format(R"({{"workspace":"{}","username":"outsider","role":"MANAGE"}})", blue), Admin()));
  // Non-members may not create in a workspace.
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/mlflow/experiments/create",
                               fmt::format(R"({{"name":"{}"}})", UniqueName("x")), User("outsider").In(red)),
                   403, "PERMISSION_DENIED");
  Reply created = auth().Call("POST", "/api/2.0/mlflow/experiments/create",
                              fmt::format(R"({{"name":"{}"}})", UniqueName("red-exp")), User("owner").In(red));
  ASSERT_OK_JSON(created);
  const std::string red_exp = created.json().Str("/experiment_id").value_or("");
  // Outsiders (even with the default READ) cannot see red's experiment.
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + red_exp, "", User("outsider")),
                   403, "PERMISSION_DENIED");
  // A token for blue cannot read red's; a token for red can, but nothing
  // outside red.
  Reply blue_token = auth().Call("POST", "/api/2.0/cairn/auth/tokens/create",
                                 fmt::format(R"({{"name":"b","workspace":"{}"}})", blue), User("outsider"));
  ASSERT_OK_JSON(blue_token);
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + red_exp, "",
                               As::Bearer(blue_token.json().Str("/token").value_or(""))),
                   403, "PERMISSION_DENIED");
  EXPECT_API_ERROR(auth().Call("POST", "/api/2.0/cairn/auth/tokens/create",
                               fmt::format(R"({{"name":"r","workspace":"{}"}})", red), User("outsider")),
                   403, "PERMISSION_DENIED");
  Reply red_token = auth().Call("POST", "/api/2.0/cairn/auth/tokens/create",
                                fmt::format(R"({{"name":"r","workspace":"{}"}})", red), User("owner"));
  ASSERT_OK_JSON(red_token);
  As red_bearer = As::Bearer(red_token.json().Str("/token").value_or(""));
  EXPECT_OK_JSON(auth().Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=" + red_exp, "", red_bearer));
  EXPECT_API_ERROR(auth().Call("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", "", red_bearer), 403,
                   "PERMISSION_DENIED");
  Reply search = auth().Call("POST", "/api/2.0/mlflow/experiments/search", R"({"max_results":1000})", red_bearer);
  ASSERT_OK_JSON(search);
  EXPECT_EQ(search.json().Size("/experiments"), 1u) << search.body;
  // Members see their workspaces only.
  Reply mine = auth().Call("GET", "/api/2.0/cairn/auth/workspaces/list", "", User("owner"));
  EXPECT_NE(mine.body.find(red), std::string::npos);
  EXPECT_EQ(mine.body.find(blue), std::string::npos);
}

}  // namespace
}  // namespace cairn::integration
