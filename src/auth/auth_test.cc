// Unit tests of the auth module: hashing, token format, credential parsing,
// permission resolution (over the fake store) and the rate limiters
// (simulated time).
#include <gtest/gtest.h>

#include "auth/authenticator.h"
#include "auth/authorizer.h"
#include "auth/credentials.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "auth/shared_limits.h"
#include "auth/secrets.h"
#include "auth/testing/fake_auth_store.h"
#include "base/base64.h"

namespace cairn::auth {
namespace {

// Cheap parameters: the tests check behaviour, not cost.
PasswordHashOptions FastHashing() { return PasswordHashOptions{256, 1, 1}; }

TEST(PasswordTest, HashesWithRandomSaltAndVerifies) {
  auto a = HashPassword("correct horse", FastHashing());
  auto b = HashPassword("correct horse", FastHashing());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->rfind("$argon2id$", 0), 0u);
  EXPECT_NE(*a, *b) << "each hash has its own salt";
  EXPECT_TRUE(VerifyPassword("correct horse", *a));
  EXPECT_FALSE(VerifyPassword("correct horsf", *a));
  EXPECT_FALSE(VerifyPassword("", *a));
  EXPECT_FALSE(VerifyPassword("correct horse", "not a hash"));
  EXPECT_FALSE(VerifyPassword("correct horse", "$argon2i$v=19$m=256,t=1,p=1$AAAA$AAAA"));
}

TEST(PasswordTest, RejectsEmptyHugeAndShortPasswords) {
  EXPECT_EQ(HashPassword("", FastHashing()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashPassword(std::string(2000, 'x'), FastHashing()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ValidateNewPassword("short").ok());
  EXPECT_TRUE(ValidateNewPassword("long enough").ok());
  EXPECT_FALSE(VerifyPassword(std::string(5000, 'x'), "$argon2id$whatever"));
}

TEST(SecretsTest, Sha256AndConstantTimeEquals) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(SecretsTest, RandomTokensDiffer) {
  auto a = RandomToken(32), b = RandomToken(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 43u);
  EXPECT_NE(*a, *b);
}

TEST(TokenFormatTest, GeneratedTokensParse) {
  auto token = GenerateAccessToken("pat");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->hash, Sha256Hex(token->token));
  auto parts = ParseAccessToken(token->token);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->kind, "pat");
  EXPECT_EQ(parts->token_id, token->token_id);
  auto task = GenerateAccessToken("task");
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(ParseAccessToken(task->token)->kind, "task");
}

TEST(TokenFormatTest, RejectsGarbage) {
  auto good = GenerateAccessToken("pat");
  ASSERT_TRUE(good.ok());
  for (std::string bad : {std::string(), std::string("cairn_"), std::string("cairn_pat_"), std::string("garbage"),
                          std::string("cairn_root_0123456789abcdef_") + std::string(43, 'a'),
                          std::string("cairn_pat_0123456789ABCDEF_") + std::string(43, 'a'),
                          std::string("cairn_pat_0123456789abcdef_") + std::string(42, 'a'),
                          std::string("cairn_pat_0123456789abcdef_") + std::string(42, 'a') + "!",
                          good->token + "x", good->token.substr(1)}) {
    EXPECT_EQ(ParseAccessToken(bad).status().code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST(CredentialsTest, ParsesBasicAndBearer) {
  auto none = ParseAuthorization("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->kind, Credentials::Kind::kNone);
  auto basic = ParseAuthorization("Basic " + Base64Encode("alice:pa:ss word"));
  ASSERT_TRUE(basic.ok());
  EXPECT_EQ(basic->kind, Credentials::Kind::kBasic);
  EXPECT_EQ(basic->username, "alice");
  EXPECT_EQ(basic->password, "pa:ss word") << "only the first colon separates";
  auto lower = ParseAuthorization("basic " + Base64Encode("bob:x"));
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->username, "bob");
  auto unicode = ParseAuthorization("Basic " + Base64Encode("j\xc3\xbcrgen:p\xc3\xa4ss"));
  ASSERT_TRUE(unicode.ok());
  EXPECT_EQ(unicode->username, "j\xc3\xbcrgen");
  auto bearer = ParseAuthorization("Bearer abc.def");
  ASSERT_TRUE(bearer.ok());
  EXPECT_EQ(bearer->kind, Credentials::Kind::kBearer);
  EXPECT_EQ(bearer->token, "abc.def");
}

TEST(CredentialsTest, RejectsMalformedHeaders) {
  for (std::string bad : {std::string("Basic"), std::string("Basic "), std::string("Basic !!!notbase64"),
                          "Basic " + Base64Encode("no-colon"), "Basic " + Base64Encode(":nouser"),
                          "Basic " + Base64Encode(std::string("a\nb:c")), std::string("Bearer"),
                          std::string("Bearer t\x01k"), std::string("Bearer caf\xc3\xa9"), std::string("Digest abc"),
                          std::string("Basic ") + std::string(5000, 'A')}) {
    auto parsed = ParseAuthorization(bad);
    EXPECT_EQ(parsed.status().code(), StatusCode::kUnauthenticated) << bad.substr(0, 40);
  }
}

TEST(CredentialsTest, CookieValue) {
  EXPECT_EQ(CookieValue("a=1; cairn_session=xyz; b=2", "cairn_session"), "xyz");
  EXPECT_EQ(CookieValue("cairn_session=", "cairn_session"), "");
  EXPECT_EQ(CookieValue("other=1", "cairn_session"), "");
  EXPECT_EQ(CookieValue("", "cairn_session"), "");
}

TEST(PermissionTest, NamesAndRights) {
  for (Permission p : {Permission::kNoPermissions, Permission::kRead, Permission::kEdit, Permission::kManage}) {
    EXPECT_EQ(ParsePermission(PermissionName(p)), p);
  }
  EXPECT_FALSE(ParsePermission("read").has_value());
  EXPECT_TRUE(Allows(Permission::kRead, Need::kRead));
  EXPECT_FALSE(Allows(Permission::kRead, Need::kUpdate));
  EXPECT_TRUE(Allows(Permission::kEdit, Need::kUpdate));
  EXPECT_FALSE(Allows(Permission::kEdit, Need::kDelete));
  EXPECT_TRUE(Allows(Permission::kManage, Need::kManage));
  EXPECT_FALSE(Allows(Permission::kNoPermissions, Need::kRead));
}

class AuthorizerTest : public ::testing::Test {
 protected:
  Identity Login(const std::string& name, bool admin = false) {
    auto user = store_.GetUser(name);
    if (!user.ok()) user = store_.CreateUser(name, "h", admin, 0);
    Identity id;
    id.via = Identity::Via::kBasic;
    id.user = *user;
    return id;
  }
  Permission Effective(const Identity& id, ResourceKind kind, const std::string& r) {
    auto p = authorizer_.Effective(id, kind, r);
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : Permission::kNoPermissions;
  }
  testing::FakeAuthStore store_;
  Authorizer authorizer_{store_, Permission::kRead};
};

TEST_F(AuthorizerTest, DefaultExplicitAndAdmin) {
  Identity alice = Login("alice"), root = Login("root", true);
  EXPECT_EQ(Effective(Identity{}, ResourceKind::kExperiment, "1"), Permission::kNoPermissions);
  EXPECT_EQ(Effective(alice, ResourceKind::kExperiment, "1"), Permission::kRead);
  ASSERT_TRUE(store_.CreatePermission(ResourceKind::kExperiment, "1", alice.user.id, Permission::kNoPermissions).ok());
  EXPECT_EQ(Effective(alice, ResourceKind::kExperiment, "1"), Permission::kNoPermissions);
  ASSERT_TRUE(store_.CreatePermission(ResourceKind::kRegisteredModel, "m", alice.user.id, Permission::kEdit).ok());
  EXPECT_EQ(Effective(alice, ResourceKind::kRegisteredModel, "m"), Permission::kEdit);
  EXPECT_EQ(Effective(root, ResourceKind::kExperiment, "1"), Permission::kManage);
  Authorizer strict(store_, Permission::kNoPermissions);
  EXPECT_EQ(*strict.Effective(alice, ResourceKind::kExperiment, "2"), Permission::kNoPermissions);
}

TEST_F(AuthorizerTest, WorkspacesIsolateTeams) {
  Identity alice = Login("alice"), bob = Login("bob"), root = Login("root", true);
  ASSERT_TRUE(store_.CreateWorkspace({"red", "", 0}).ok());
  ASSERT_TRUE(store_.CreateWorkspace({"blue", "", 0}).ok());
  ASSERT_TRUE(store_.SetMember("red", alice.user.id, Permission::kEdit).ok());
  ASSERT_TRUE(store_.SetMember("blue", bob.user.id, Permission::kRead).ok());
  ASSERT_TRUE(store_.AssignResource(ResourceKind::kExperiment, "10", "red").ok());
  ASSERT_TRUE(store_.AssignResource(ResourceKind::kExperiment, "20", "blue").ok());
  EXPECT_EQ(Effective(alice, ResourceKind::kExperiment, "10"), Permission::kEdit) << "member role";
  EXPECT_EQ(Effective(alice, ResourceKind::kExperiment, "20"), Permission::kNoPermissions) << "not a member";
  EXPECT_EQ(Effective(bob, ResourceKind::kExperiment, "20"), Permission::kRead);
  // An explicit grant cannot reach into another team's workspace.
  ASSERT_TRUE(store_.CreatePermission(ResourceKind::kExperiment, "20", alice.user.id, Permission::kManage).ok());
  EXPECT_EQ(Effective(alice, ResourceKind::kExperiment, "20"), Permission::kNoPermissions);
  // A token bound to "red" reaches only red, not the shared space.
  Identity red_token = alice;
  red_token.via = Identity::Via::kToken;
  red_token.token = AccessToken{};
  red_token.token->workspace = "red";
  EXPECT_EQ(Effective(red_token, ResourceKind::kExperiment, "10"), Permission::kEdit);
  EXPECT_EQ(Effective(red_token, ResourceKind::kExperiment, "30"), Permission::kNoPermissions);
  // An admin's token bound to red is confined too.
  Identity root_red = root;
  root_red.via = Identity::Via::kToken;
  root_red.token = AccessToken{};
  root_red.token->workspace = "red";
  EXPECT_FALSE(root_red.is_admin());
  EXPECT_EQ(Effective(root_red, ResourceKind::kExperiment, "10"), Permission::kManage);
  EXPECT_EQ(Effective(root_red, ResourceKind::kExperiment, "20"), Permission::kNoPermissions);
  EXPECT_EQ(Effective(root, ResourceKind::kExperiment, "20"), Permission::kManage);
}

TEST_F(AuthorizerTest, WorkspaceForNew) {
  Identity alice = Login("alice"), bob = Login("bob");
  ASSERT_TRUE(store_.CreateWorkspace({"red", "", 0}).ok());
  ASSERT_TRUE(store_.SetMember("red", alice.user.id, Permission::kEdit).ok());
  ASSERT_TRUE(store_.SetMember("red", bob.user.id, Permission::kRead).ok());
  EXPECT_EQ(*authorizer_.WorkspaceForNew(alice, ""), "");
  EXPECT_EQ(*authorizer_.WorkspaceForNew(alice, "red"), "red");
  EXPECT_EQ(authorizer_.WorkspaceForNew(bob, "red").status().code(), StatusCode::kPermissionDenied);
  Identity token = alice;
  token.via = Identity::Via::kToken;
  token.token = AccessToken{};
  token.token->workspace = "red";
  EXPECT_EQ(*authorizer_.WorkspaceForNew(token, ""), "red");
  EXPECT_EQ(authorizer_.WorkspaceForNew(token, "blue").status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AuthorizerTest, TaskTokensReadOnlyTheirExperiment) {
  Identity task = Login("cairn-task");
  task.via = Identity::Via::kToken;
  task.token = AccessToken{};
  task.token->kind = "task";
  task.token->scope_experiment_id = "5";
  task.token->scope_run_id = "r";
  EXPECT_EQ(Effective(task, ResourceKind::kExperiment, "5"), Permission::kRead);
  EXPECT_EQ(Effective(task, ResourceKind::kExperiment, "6"), Permission::kNoPermissions);
  EXPECT_EQ(Effective(task, ResourceKind::kRegisteredModel, "m"), Permission::kNoPermissions);
}

TEST(RateLimiterTest, TokenBucket) {
  FakeClock clock(1000);
  RateLimiter limiter(clock);
  const Rate rate{2.0, 3.0};
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.Acquire("u", rate).has_value()) << i;
  auto wait = limiter.Acquire("u", rate);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 500);
  EXPECT_FALSE(limiter.Acquire("other", rate).has_value()) << "keys are independent";
  clock.Advance(500);
  EXPECT_FALSE(limiter.Acquire("u", rate).has_value());
  EXPECT_TRUE(limiter.Acquire("u", rate).has_value());
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.Acquire("u", Rate{0, 1}).has_value()) << "rate 0 is unlimited";
}

TEST(RateLimiterTest, EachKeyHasItsOwnRate) {
  FakeClock clock(0);
  RateLimiter limiter(clock);
  EXPECT_FALSE(limiter.Acquire("slow", Rate{1, 1}).has_value());
  EXPECT_TRUE(limiter.Acquire("slow", Rate{1, 1}).has_value());
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.Acquire("fast", Rate{10, 10}).has_value()) << i;
  EXPECT_EQ(*limiter.Acquire("fast", Rate{10, 10}), 100);
}

TEST(RateLimiterTest, CountsUsageAndAdoptsTheSharedLevel) {
  FakeClock clock(0);
  RateLimiter limiter(clock);
  const Rate rate{1.0, 4.0};
  for (int i = 0; i < 2; ++i) ASSERT_FALSE(limiter.Acquire("u", rate).has_value());
  auto usage = limiter.TakeUsage(1000);
  ASSERT_EQ(usage.size(), 1u);
  EXPECT_EQ(usage[0].key, "u");
  EXPECT_EQ(usage[0].admitted, 2);
  EXPECT_EQ(usage[0].rate.burst, 4.0);
  usage = limiter.TakeUsage(1000);
  ASSERT_EQ(usage.size(), 1u) << "an active key stays followed";
  EXPECT_EQ(usage[0].admitted, 0);
  // Two tokens left here; the shared level is higher (nothing is spent
  // elsewhere): the local level stays.
  limiter.Adopt("u", 3.5);
  ASSERT_FALSE(limiter.Acquire("u", rate).has_value());
  // Other replicas spent more: the shared level is in debt; the next token
  // here is 4 s away at 1/s.
  limiter.Adopt("u", -3);
  auto wait = limiter.Acquire("u", rate);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 4000);
  limiter.Adopt("unknown", -3);  // not followed here: ignored
  EXPECT_FALSE(limiter.Acquire("unknown", rate).has_value());
  EXPECT_EQ(limiter.TakeUsage(1000).size(), 2u);
  clock.Advance(2000);
  EXPECT_EQ(limiter.TakeUsage(1000).size(), 0u) << "idle keys are no longer reported";
}

TEST(RateLimiterTest, SharedBucketRefillsAndSpends) {
  RateUsage usage{"u", 3, Rate{2.0, 10.0}};
  RateBucket fresh = SpendShared(std::nullopt, usage, 1000);
  EXPECT_EQ(fresh.tokens, 7.0) << "a new bucket starts full";
  EXPECT_EQ(fresh.updated_ms, 1000);
  RateBucket later = SpendShared(fresh, RateUsage{"u", 0, Rate{2.0, 10.0}}, 2000);
  EXPECT_EQ(later.tokens, 9.0) << "refilled at 2/s";
  RateBucket debt = SpendShared(later, RateUsage{"u", 50, Rate{2.0, 10.0}}, 2000);
  EXPECT_EQ(debt.tokens, -10.0) << "debt stops at -burst";
  EXPECT_EQ(RateFor(0.01).burst, 10.0);
  EXPECT_EQ(RateFor(200).burst, 400.0);
}

TEST(SharedLimitsTest, ReplicasDrawOnOneBudget) {
  testing::FakeAuthStore store;
  FakeClock clock(0);
  RateLimiter a(clock), b(clock);
  FailedLoginGuard guard_a(clock), guard_b(clock);
  SharedLimits sync_a(store, clock, &a, guard_a), sync_b(store, clock, &b, guard_b);
  const Rate rate = RateFor(0.001);  // 10 at once, refill negligible here
  ASSERT_FALSE(a.Acquire("user:x", rate).has_value());
  ASSERT_FALSE(b.Acquire("user:x", rate).has_value());
  ASSERT_TRUE(sync_a.Sync().ok());
  ASSERT_TRUE(sync_b.Sync().ok());
  ASSERT_TRUE(sync_a.Sync().ok());
  // 8 left of the 10 the two replicas share: A admits 8 more, then refuses.
  for (int i = 0; i < 8; ++i) EXPECT_FALSE(a.Acquire("user:x", rate).has_value()) << i;
  EXPECT_TRUE(a.Acquire("user:x", rate).has_value());
  ASSERT_TRUE(sync_a.Sync().ok());
  ASSERT_TRUE(sync_b.Sync().ok());
  EXPECT_TRUE(b.Acquire("user:x", rate).has_value()) << "B learned that A spent the budget";
  // Without the store, B alone would still have had 9.
  EXPECT_FALSE(b.Acquire("user:y", rate).has_value()) << "other keys are untouched";
}

TEST(SharedLimitsTest, ReturnsUsageTheDatabaseDidNotTake) {
  testing::FakeAuthStore store;
  FakeClock clock(0);
  RateLimiter limiter(clock);
  FailedLoginGuard guard(clock);
  ASSERT_FALSE(limiter.Acquire("user:x", RateFor(1)).has_value());
  auto usage = limiter.TakeUsage(1000);
  ASSERT_EQ(usage.size(), 1u);
  limiter.ReturnUsage("user:x", usage[0].admitted);
  SharedLimits sync(store, clock, &limiter, guard);
  ASSERT_TRUE(sync.Sync().ok());
  auto bucket = store.UpdateRateBuckets({"user:x"}, [](size_t, const std::optional<RateBucket>& b) { return *b; });
  ASSERT_TRUE(bucket.ok());
  EXPECT_EQ((*bucket)[0].tokens, 9.0) << "the returned request was spent at the next Sync";
}

TEST(SharedLimitsTest, LockoutsCountAcrossReplicas) {
  testing::FakeAuthStore store;
  FakeClock clock(0);
  const FailedLoginOptions options{4, 60000, 5000, 60000, 100};
  FailedLoginGuard a(clock, options), b(clock, options);
  a.Share(&store);
  b.Share(&store);
  SharedLimits sync_a(store, clock, nullptr, a);
  a.RecordFailure("user:v");
  b.RecordFailure("user:v");
  a.RecordFailure("user:v");
  EXPECT_FALSE(a.LockedFor("user:v").has_value());
  b.RecordFailure("user:v");  // the fourth, counted in the database
  ASSERT_TRUE(b.LockedFor("user:v").has_value()) << "B made the lock";
  EXPECT_FALSE(a.LockedFor("user:v").has_value()) << "A has not synced yet";
  ASSERT_TRUE(sync_a.Sync().ok());
  ASSERT_TRUE(a.LockedFor("user:v").has_value());
  EXPECT_EQ(*a.LockedFor("user:v"), 5000);
  // The lockout ends everywhere, and a success clears the shared count.
  clock.Advance(5000);
  EXPECT_FALSE(a.LockedFor("user:v").has_value());
  a.RecordFailure("user:v");
  b.RecordSuccess("user:v");
  for (int i = 0; i < 3; ++i) a.RecordFailure("user:v");
  EXPECT_FALSE(a.LockedFor("user:v").has_value()) << "the count restarted after the success";
}

TEST(RateLimiterTest, BoundsItsMemory) {
  FakeClock clock(0);
  RateLimiter limiter(clock, 100);
  for (int i = 0; i < 1000; ++i) (void)limiter.Acquire("k" + std::to_string(i), Rate{1, 1});
  EXPECT_TRUE(limiter.Acquire("k999", Rate{1, 1}).has_value()) << "recent keys are kept";
}

TEST(FailedLoginGuardTest, LocksOutAndDoubles) {
  FakeClock clock(0);
  FailedLoginGuard guard(clock, FailedLoginOptions{3, 60000, 1000, 8000, 100});
  for (int i = 0; i < 2; ++i) guard.RecordFailure("user:a");
  EXPECT_FALSE(guard.LockedFor("user:a").has_value());
  guard.RecordFailure("user:a");
  ASSERT_TRUE(guard.LockedFor("user:a").has_value());
  EXPECT_EQ(*guard.LockedFor("user:a"), 1000);
  clock.Advance(1000);
  EXPECT_FALSE(guard.LockedFor("user:a").has_value());
  for (int i = 0; i < 3; ++i) guard.RecordFailure("user:a");
  EXPECT_EQ(*guard.LockedFor("user:a"), 2000) << "the second lockout doubles";
  guard.RecordSuccess("user:a");
  EXPECT_FALSE(guard.LockedFor("user:a").has_value());
}

TEST(AuthenticatorTest, BasicTokensSessionsAndLockout) {
  testing::FakeAuthStore store;
  FakeClock clock(1000);
  FailedLoginGuard guard(clock, FailedLoginOptions{3, 60000, 5000, 60000, 100});
  AuthenticatorOptions options;
  options.hashing = FastHashing();
  Authenticator authn(store, clock, guard, options);
  auto user = store.CreateUser("alice", *HashPassword("secret-pw", FastHashing()), false, 0);
  ASSERT_TRUE(user.ok());

  Credentials good{Credentials::Kind::kBasic, "alice", "secret-pw", ""};
  auto id = authn.Authenticate(good, "", "10.0.0.1", nullptr);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->user.username, "alice");
  auto cached = authn.Authenticate(good, "", "10.0.0.1", nullptr);
  ASSERT_TRUE(cached.ok());

  // A personal token works until it expires or is revoked.
  auto token = authn.CreatePersonalToken(*user, "ci", 10000, "");
  ASSERT_TRUE(token.ok());
  Credentials bearer{Credentials::Kind::kBearer, "", "", token->first.token};
  ASSERT_TRUE(authn.Authenticate(bearer, "", "", nullptr).ok());
  clock.Advance(10000);
  EXPECT_EQ(authn.Authenticate(bearer, "", "", nullptr).status().code(), StatusCode::kUnauthenticated);
  auto token2 = authn.CreatePersonalToken(*user, "ci2", 0, "");
  ASSERT_TRUE(token2.ok());
  ASSERT_TRUE(store.RevokeToken(token2->second.token_id, clock.NowMillis()).ok());
  Credentials revoked{Credentials::Kind::kBearer, "", "", token2->first.token};
  EXPECT_EQ(authn.Authenticate(revoked, "", "", nullptr).status().code(), StatusCode::kUnauthenticated);

  // Sessions.
  auto session = authn.CreateSession(*user);
  ASSERT_TRUE(session.ok());
  auto by_cookie = authn.Authenticate(Credentials{}, session->cookie_value, "", nullptr);
  ASSERT_TRUE(by_cookie.ok());
  EXPECT_EQ(by_cookie->via, Identity::Via::kSession);
  EXPECT_EQ(by_cookie->csrf_token, session->csrf_token);
  EXPECT_FALSE(authn.Authenticate(Credentials{}, "forged", "", nullptr).ok());

  // Three wrong passwords lock the user out, even with the right one.
  Credentials bad{Credentials::Kind::kBasic, "alice", "wrong", ""};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(authn.Authenticate(bad, "", "10.0.0.2", nullptr).status().code(), StatusCode::kUnauthenticated);
  }
  authn.InvalidateCache();
  AuthFailure failure;
  auto locked = authn.Authenticate(good, "", "10.0.0.3", &failure);
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(failure.retry_after_ms, 5000);
  clock.Advance(5000);
  EXPECT_TRUE(authn.Authenticate(good, "", "10.0.0.3", nullptr).ok());
  // Unknown users fail the same way as wrong passwords.
  Credentials ghost{Credentials::Kind::kBasic, "ghost", "x", ""};
  EXPECT_EQ(authn.Authenticate(ghost, "", "", nullptr).status().message(), "Invalid username or password.");
}

// Another replica changes the password in the database: this one must not
// go on accepting the old password from its Basic cache.
TEST(AuthenticatorTest, CachedBasicDoesNotOutliveAPasswordChangeElsewhere) {
  testing::FakeAuthStore store;
  FakeClock clock(1000);
  FailedLoginGuard guard(clock, FailedLoginOptions{100, 60000, 5000, 60000, 100});
  AuthenticatorOptions options;
  options.hashing = FastHashing();
  Authenticator authn(store, clock, guard, options);
  ASSERT_TRUE(store.CreateUser("carol", *HashPassword("old-password", FastHashing()), false, 0).ok());
  Credentials old_pw{Credentials::Kind::kBasic, "carol", "old-password", ""};
  ASSERT_TRUE(authn.Authenticate(old_pw, "", "", nullptr).ok());  // now cached
  ASSERT_TRUE(store.UpdatePassword("carol", *HashPassword("new-password", FastHashing())).ok());
  EXPECT_EQ(authn.Authenticate(old_pw, "", "", nullptr).status().code(), StatusCode::kUnauthenticated);
  Credentials new_pw{Credentials::Kind::kBasic, "carol", "new-password", ""};
  EXPECT_TRUE(authn.Authenticate(new_pw, "", "", nullptr).ok());
}

}  // namespace
}  // namespace cairn::auth
