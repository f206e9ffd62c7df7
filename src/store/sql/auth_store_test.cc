// auth::AuthStore contract, run on the fake (auth/testing), on the SQLite
// store (a file database, so reads go through the reader pool) and, when
// CAIRN_TEST_POSTGRES_URI names a database (the cairn_store_test_postgres
// ctest entry), on the PostgreSQL store (a schema per test).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "auth/testing/fake_auth_store.h"
#include "store/postgres/pg_test_env.h"
#include "store/store_factory.h"

namespace cairn::store {
namespace {

using auth::Permission;
using auth::ResourceKind;

enum class AuthBackend { kFake, kSqlite, kPostgres };

std::vector<AuthBackend> AuthBackends() {
  std::vector<AuthBackend> out = {AuthBackend::kFake, AuthBackend::kSqlite};
  if (testing_support::PostgresTestUri()) out.push_back(AuthBackend::kPostgres);
  return out;
}

class AuthStoreTest : public ::testing::TestWithParam<AuthBackend> {
 protected:
  void SetUp() override {
    if (GetParam() == AuthBackend::kFake) {
      fake_ = std::make_unique<auth::testing::FakeAuthStore>();
      store_ = fake_.get();
      return;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-auth-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    StoreOptions options;
    if (GetParam() == AuthBackend::kPostgres) {
      auto uri = testing_support::PostgresSchemaUri(dir_);
      ASSERT_TRUE(uri.ok()) << uri.status().ToString();
      options.uri = *uri;
    } else {
      options.uri = "sqlite:///" + dir_ + "/cairn.db";
    }
    options.default_artifact_root = "file:///tmp";
    auto stores = OpenStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status().ToString();
    stores_ = std::make_unique<Stores>(std::move(stores).value());
    store_ = stores_->auth.get();
  }
  void TearDown() override {
    stores_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<Stores> stores_;
  std::unique_ptr<auth::testing::FakeAuthStore> fake_;
  auth::AuthStore* store_ = nullptr;
};

TEST_P(AuthStoreTest, Users) {
  auto alice = store_->CreateUser("alice", "hash-a", false, 5);
  ASSERT_TRUE(alice.ok()) << alice.status().ToString();
  EXPECT_EQ(store_->CreateUser("alice", "x", false, 6).status().code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE(*store_->HasAdmin());
  ASSERT_TRUE(store_->CreateUser("root", "hash-r", true, 7).ok());
  EXPECT_TRUE(*store_->HasAdmin());
  auto got = store_->GetUser("alice");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->id, alice->id);
  EXPECT_EQ(got->password_hash, "hash-a");
  EXPECT_EQ(store_->GetUserById(alice->id)->username, "alice");
  ASSERT_TRUE(store_->UpdatePassword("alice", "hash-b").ok());
  ASSERT_TRUE(store_->UpdateAdmin("alice", true).ok());
  got = store_->GetUser("alice");
  EXPECT_EQ(got->password_hash, "hash-b");
  EXPECT_TRUE(got->is_admin);
  EXPECT_EQ(store_->UpdatePassword("ghost", "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListUsers()->size(), 2u);
  ASSERT_TRUE(store_->DeleteUser("alice").ok());
  EXPECT_EQ(store_->GetUser("alice").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteUser("alice").code(), StatusCode::kNotFound);
}

TEST_P(AuthStoreTest, TokensAndSessions) {
  auto user = store_->CreateUser("u", "h", false, 0);
  ASSERT_TRUE(user.ok());
  auth::AccessToken token;
  token.token_id = "0123456789abcdef";
  token.user_id = user->id;
  token.token_hash = "hash";
  token.name = "ci";
  token.workspace = "red";
  token.created_time = 1;
  token.expires_time = 100;
  ASSERT_TRUE(store_->CreateToken(token).ok());
  auto found = store_->FindTokenByHash("hash");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->token_id, token.token_id);
  EXPECT_EQ(found->workspace, "red");
  EXPECT_EQ(found->expires_time, 100);
  EXPECT_FALSE(found->revoked_time.has_value());
  EXPECT_EQ(store_->FindTokenByHash("other").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->RevokeToken(token.token_id, 50).ok());
  EXPECT_EQ(store_->GetToken(token.token_id)->revoked_time, 50);
  EXPECT_EQ(store_->RevokeToken("nope", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListTokens(user->id)->size(), 1u);

  // Task tokens: not among the user's tokens; listed while live.
  auth::AccessToken task = token;
  task.kind = "task";
  for (const char* id : {"task-live", "task-expired", "task-revoked", "task-forever"}) {
    task.token_id = id;
    task.token_hash = std::string("hash-") + id;
    task.created_time = task.created_time + 1;
    task.expires_time = std::string(id) == "task-expired" ? std::optional<int64_t>(40) : std::optional<int64_t>(100);
    if (std::string(id) == "task-forever") task.expires_time.reset();
    ASSERT_TRUE(store_->CreateToken(task).ok()) << id;
  }
  ASSERT_TRUE(store_->RevokeToken("task-revoked", 45).ok());
  EXPECT_EQ(store_->ListTokens(user->id)->size(), 1u);
  auto live = store_->ListLiveTaskTokens(50, 10);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].token_id, "task-live");
  EXPECT_EQ((*live)[1].token_id, "task-forever");
  EXPECT_EQ(store_->ListLiveTaskTokens(50, 1)->size(), 1u);
  // Pruned: the revoked (45) and the expired (40) task tokens; the live
  // ones and the revoked personal token stay.
  ASSERT_TRUE(store_->PruneTaskTokens(46).ok());
  EXPECT_EQ(store_->GetToken("task-revoked").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetToken("task-expired").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetToken("task-live").ok());
  EXPECT_TRUE(store_->GetToken("task-forever").ok());
  EXPECT_TRUE(store_->GetToken(token.token_id).ok());

  ASSERT_TRUE(store_->CreateSession({"sess", user->id, "csrf", 1, 1000}).ok());
  auto session = store_->FindSession("sess");
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->csrf_token, "csrf");
  ASSERT_TRUE(store_->DeleteSession("sess").ok());
  EXPECT_EQ(store_->FindSession("sess").status().code(), StatusCode::kNotFound);
}

TEST_P(AuthStoreTest, PermissionsFollowMlflowSemantics) {
  auto user = store_->CreateUser("u", "h", false, 0);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(store_->GetPermission(ResourceKind::kExperiment, "1", user->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->UpdatePermission(ResourceKind::kExperiment, "1", user->id, Permission::kRead).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->CreatePermission(ResourceKind::kExperiment, "1", user->id, Permission::kEdit).ok());
  EXPECT_EQ(store_->CreatePermission(ResourceKind::kExperiment, "1", user->id, Permission::kRead).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(*store_->GetPermission(ResourceKind::kExperiment, "1", user->id), Permission::kEdit);
  EXPECT_EQ(store_->GetPermission(ResourceKind::kRegisteredModel, "1", user->id).status().code(),
            StatusCode::kNotFound)
      << "models and experiments are separate";
  ASSERT_TRUE(store_->UpdatePermission(ResourceKind::kExperiment, "1", user->id, Permission::kManage).ok());
  EXPECT_EQ(*store_->GetPermission(ResourceKind::kExperiment, "1", user->id), Permission::kManage);
  ASSERT_TRUE(store_->DeletePermission(ResourceKind::kExperiment, "1", user->id).ok());
  EXPECT_EQ(store_->DeletePermission(ResourceKind::kExperiment, "1", user->id).code(), StatusCode::kNotFound);

  ASSERT_TRUE(store_->CreatePermission(ResourceKind::kRegisteredModel, "m", user->id, Permission::kRead).ok());
  ASSERT_TRUE(store_->CreateWorkspace({"red", "", 0}).ok());
  ASSERT_TRUE(store_->AssignResource(ResourceKind::kRegisteredModel, "m", "red").ok());
  ASSERT_TRUE(store_->RenameResource(ResourceKind::kRegisteredModel, "m", "m2").ok());
  EXPECT_EQ(*store_->GetPermission(ResourceKind::kRegisteredModel, "m2", user->id), Permission::kRead);
  EXPECT_EQ(*store_->ResourceWorkspace(ResourceKind::kRegisteredModel, "m2"), "red") << "the workspace follows";
  ASSERT_TRUE(store_->ForgetResource(ResourceKind::kRegisteredModel, "m2").ok());
  EXPECT_EQ(store_->GetPermission(ResourceKind::kRegisteredModel, "m2", user->id).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(*store_->ResourceWorkspace(ResourceKind::kRegisteredModel, "m2"), "");
}

TEST_P(AuthStoreTest, WorkspacesAndAudit) {
  auto user = store_->CreateUser("u", "h", false, 0);
  ASSERT_TRUE(user.ok());
  ASSERT_TRUE(store_->CreateWorkspace({"red", "team red", 1}).ok());
  EXPECT_EQ(store_->CreateWorkspace({"red", "", 2}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->SetMember("blue", user->id, Permission::kRead).code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->SetMember("red", user->id, Permission::kRead).ok());
  ASSERT_TRUE(store_->SetMember("red", user->id, Permission::kEdit).ok()) << "set twice updates the role";
  EXPECT_EQ(**store_->MemberRole("red", user->id), Permission::kEdit);
  auto members = store_->ListMembers("red");
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].username, "u");
  EXPECT_EQ(*store_->ResourceWorkspace(ResourceKind::kExperiment, "7"), "");
  ASSERT_TRUE(store_->AssignResource(ResourceKind::kExperiment, "7", "red").ok());
  EXPECT_EQ(*store_->ResourceWorkspace(ResourceKind::kExperiment, "7"), "red");
  EXPECT_EQ(store_->AssignResource(ResourceKind::kExperiment, "8", "blue").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->RemoveMember("red", user->id).ok());
  EXPECT_FALSE(store_->MemberRole("red", user->id)->has_value());

  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_->AppendAudit({0, i, "u", "127.0.0.1", "login", "u", i == 2 ? "ok" : "failed", ""}).ok());
  }
  auto all = store_->ListAudit(0, 10);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].outcome, "ok");
  auto after = store_->ListAudit((*all)[0].id, 1);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].id, (*all)[1].id);
}

TEST_P(AuthStoreTest, UserLimits) {
  ASSERT_TRUE(store_->CreateUser("alice", "h", false, 0).ok());
  EXPECT_EQ(store_->GetUser("alice")->limits, auth::UserLimits{}) << "no limits of her own yet";
  auth::UserLimits limits{int64_t{2000}, int64_t{1} << 40, 0.5};
  ASSERT_TRUE(store_->UpdateLimits("alice", limits).ok());
  EXPECT_EQ(store_->GetUser("alice")->limits, limits);
  EXPECT_EQ((*store_->ListUsers())[0].limits, limits);
  limits.max_upload_bytes.reset();
  limits.requests_per_second = 0;  // unlimited, unlike unset
  ASSERT_TRUE(store_->UpdateLimits("alice", limits).ok());
  EXPECT_EQ(store_->GetUser("alice")->limits, limits);
  EXPECT_EQ(store_->UpdateLimits("ghost", limits).code(), StatusCode::kNotFound);
}

TEST_P(AuthStoreTest, RateBuckets) {
  auto spend = [](double amount, int64_t now) {
    return [amount, now](size_t, const std::optional<auth::RateBucket>& current) {
      auth::RateBucket b = current.value_or(auth::RateBucket{10, 0});
      return auth::RateBucket{b.tokens - amount, now};
    };
  };
  auto first = store_->UpdateRateBuckets({"user:b", "user:a"}, spend(1.5, 100));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].tokens, 8.5);
  EXPECT_EQ((*first)[1].updated_ms, 100);
  // The update sees the stored bucket, per key, with results in key order.
  std::vector<double> seen(2, -1);
  auto second = store_->UpdateRateBuckets({"user:a", "user:new"}, [&](size_t i, const auto& current) {
    seen[i] = current ? current->tokens : -1;
    return auth::RateBucket{current ? current->tokens - 1 : 3.25, 200};
  });
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(seen, (std::vector<double>{8.5, -1}));
  EXPECT_EQ((*second)[0].tokens, 7.5);
  EXPECT_EQ((*second)[1].tokens, 3.25);
  ASSERT_TRUE(store_->PruneRateBuckets(150).ok());  // user:b was last updated at 100
  auto after = store_->UpdateRateBuckets({"user:b", "user:a"}, [](size_t, const auto& current) {
    return current.value_or(auth::RateBucket{-99, 300});
  });
  EXPECT_EQ((*after)[0].tokens, -99) << "pruned";
  EXPECT_EQ((*after)[1].tokens, 7.5);
}

TEST_P(AuthStoreTest, LoginFailures) {
  auto fail = [](int64_t now, int64_t lock_until) {
    return [now, lock_until](const std::optional<auth::LoginFailures>& current) {
      auth::LoginFailures f = current.value_or(auth::LoginFailures{});
      ++f.failures;
      f.last_ms = now;
      if (lock_until > 0) f.locked_until_ms = lock_until;
      return f;
    };
  };
  ASSERT_TRUE(store_->UpdateLoginFailures("user:a", fail(10, 0)).ok());
  auto second = store_->UpdateLoginFailures("user:a", fail(20, 1000));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->failures, 2);
  ASSERT_TRUE(store_->UpdateLoginFailures("addr:10.0.0.1", fail(30, 5000)).ok());
  ASSERT_TRUE(store_->UpdateLoginFailures("user:b", fail(40, 0)).ok());
  auto locks = store_->ListLoginLocks(500, 10);
  ASSERT_TRUE(locks.ok());
  ASSERT_EQ(locks->size(), 2u);
  EXPECT_EQ((*locks)[0], std::make_pair(std::string("addr:10.0.0.1"), int64_t{5000}));  // longest first
  EXPECT_EQ(store_->ListLoginLocks(2000, 10)->size(), 1u);
  EXPECT_EQ(store_->ListLoginLocks(500, 1)->size(), 1u);
  ASSERT_TRUE(store_->ClearLoginFailures("user:a").ok());
  EXPECT_EQ(store_->UpdateLoginFailures("user:a", fail(50, 0))->failures, 1) << "cleared";
  // Pruned: neither locked at 6000 nor failed since 45.
  ASSERT_TRUE(store_->PruneLoginFailures(6000, 45).ok());
  EXPECT_EQ(store_->UpdateLoginFailures("user:b", fail(60, 0))->failures, 1);
  EXPECT_EQ(store_->UpdateLoginFailures("user:a", fail(70, 0))->failures, 2) << "failed at 50: kept";
  EXPECT_EQ(store_->UpdateLoginFailures("addr:10.0.0.1", fail(80, 0))->failures, 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, AuthStoreTest, ::testing::ValuesIn(AuthBackends()), [](const auto& info) {
  return info.param == AuthBackend::kFake ? "fake" : info.param == AuthBackend::kSqlite ? "sqlite" : "Postgres";
});

}  // namespace
}  // namespace cairn::store
