#include "auth/caching_auth_store.h"

#include <gtest/gtest.h>

#include "auth/testing/fake_auth_store.h"

namespace cairn::auth {
namespace {

// Two replicas over one database: each has its own cache.
class CachingAuthStoreTest : public ::testing::Test {
 protected:
  FakeClock clock_{1'000'000};
  testing::FakeAuthStore database_;
  CachingAuthStore here_{database_, clock_, 1000};
  CachingAuthStore there_{database_, clock_, 1000};
};

TEST_F(CachingAuthStoreTest, ChangesHereShowAtOnceAndElsewhereWithinTheTtl) {
  auto user = here_.CreateUser("alice", "hash-1", false, clock_.NowMillis());
  ASSERT_TRUE(user.ok());
  ASSERT_EQ(there_.GetUserById(user->id)->password_hash, "hash-1");  // now cached there

  ASSERT_TRUE(here_.UpdatePassword("alice", "hash-2").ok());
  EXPECT_EQ(here_.GetUserById(user->id)->password_hash, "hash-2");
  EXPECT_EQ(there_.GetUserById(user->id)->password_hash, "hash-1");  // within the TTL
  clock_.Advance(1000);
  EXPECT_EQ(there_.GetUserById(user->id)->password_hash, "hash-2");
}

TEST_F(CachingAuthStoreTest, NotFoundIsCachedUntilAGrantHere) {
  auto user = here_.CreateUser("bob", "h", false, clock_.NowMillis());
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(here_.GetPermission(ResourceKind::kExperiment, "7", user->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(there_.GetPermission(ResourceKind::kExperiment, "7", user->id).status().code(), StatusCode::kNotFound);

  ASSERT_TRUE(here_.CreatePermission(ResourceKind::kExperiment, "7", user->id, Permission::kEdit).ok());
  EXPECT_EQ(here_.GetPermission(ResourceKind::kExperiment, "7", user->id).value(), Permission::kEdit);
  EXPECT_EQ(there_.GetPermission(ResourceKind::kExperiment, "7", user->id).status().code(), StatusCode::kNotFound);
  clock_.Advance(1001);
  EXPECT_EQ(there_.GetPermission(ResourceKind::kExperiment, "7", user->id).value(), Permission::kEdit);
}

TEST_F(CachingAuthStoreTest, RevokedTokensAndWorkspaceMovesShowHere) {
  auto user = here_.CreateUser("carol", "h", false, clock_.NowMillis());
  ASSERT_TRUE(user.ok());
  AccessToken token;
  token.token_id = "t1";
  token.token_hash = "hash-of-t1";
  token.user_id = user->id;
  ASSERT_TRUE(here_.CreateToken(token).ok());
  ASSERT_FALSE(here_.FindTokenByHash("hash-of-t1")->revoked_time.has_value());
  ASSERT_TRUE(here_.RevokeToken("t1", clock_.NowMillis()).ok());
  EXPECT_TRUE(here_.FindTokenByHash("hash-of-t1")->revoked_time.has_value());

  ASSERT_TRUE(here_.CreateWorkspace(Workspace{"team-a", "", 0}).ok());
  EXPECT_EQ(here_.ResourceWorkspace(ResourceKind::kExperiment, "9").value(), "");
  EXPECT_EQ(here_.MemberRole("team-a", user->id).value(), std::nullopt);
  ASSERT_TRUE(here_.AssignResource(ResourceKind::kExperiment, "9", "team-a").ok());
  ASSERT_TRUE(here_.SetMember("team-a", user->id, Permission::kRead).ok());
  EXPECT_EQ(here_.ResourceWorkspace(ResourceKind::kExperiment, "9").value(), "team-a");
  EXPECT_EQ(here_.MemberRole("team-a", user->id).value(), Permission::kRead);
}

TEST_F(CachingAuthStoreTest, AuditAndLimitWritesKeepTheCache) {
  auto user = here_.CreateUser("dave", "hash-1", false, clock_.NowMillis());
  ASSERT_TRUE(user.ok());
  ASSERT_EQ(here_.GetUserById(user->id)->password_hash, "hash-1");
  ASSERT_TRUE(there_.UpdatePassword("dave", "hash-2").ok());  // elsewhere
  ASSERT_TRUE(here_.AppendAudit(AuditEvent{}).ok());
  ASSERT_TRUE(here_.ClearLoginFailures("user:dave").ok());
  // Still the cached answer: those writes cannot change it.
  EXPECT_EQ(here_.GetUserById(user->id)->password_hash, "hash-1");
}

TEST_F(CachingAuthStoreTest, ZeroTtlReadsEveryTime) {
  CachingAuthStore uncached(database_, clock_, 0);
  auto user = here_.CreateUser("erin", "hash-1", false, clock_.NowMillis());
  ASSERT_TRUE(user.ok());
  ASSERT_EQ(uncached.GetUserById(user->id)->password_hash, "hash-1");
  ASSERT_TRUE(here_.UpdatePassword("erin", "hash-2").ok());
  EXPECT_EQ(uncached.GetUserById(user->id)->password_hash, "hash-2");
}

}  // namespace
}  // namespace cairn::auth
