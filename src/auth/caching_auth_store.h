// CachingAuthStore: the AuthStore every --auth request reads through. The
// reads made on each request (the user behind a password, token or
// session; their permission, workspace role and the resource's workspace)
// are answered from memory for up to `ttl_ms`, so an authenticated request
// costs no database round trip once its caller is warm.
//
// Staleness is bounded two ways:
//  * a change made through this store (this replica: the auth API, grants
//    on create, token revocation) clears the cache at once; a read that was
//    in flight across the change is not stored;
//  * a change made through another replica, or straight in the database,
//    shows here within `ttl_ms` (docs/auth.md "Replicas").
// Only found and NotFound answers are kept; other errors (a database that
// is away) are passed on and asked again. Writes that cannot change a
// cached answer (audit, rate buckets, login failures) do not clear it.
// ttl_ms <= 0 forwards everything.
// Thread-safety: thread-safe if `inner` is.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/auth_store.h"
#include "base/clock.h"

namespace cairn::auth {

class CachingAuthStore final : public AuthStore {
 public:
  CachingAuthStore(AuthStore& inner, const Clock& clock, int64_t ttl_ms) : inner_(inner), clock_(clock), ttl_ms_(ttl_ms) {}

  // Drops every cached answer.
  void Clear();

  Result<User> CreateUser(const std::string& username, const std::string& password_hash, bool is_admin,
                          int64_t now) override;
  Result<User> GetUser(const std::string& username) override { return inner_.GetUser(username); }
  Result<User> GetUserById(int64_t id) override;
  Result<std::vector<User>> ListUsers() override { return inner_.ListUsers(); }
  Status UpdatePassword(const std::string& username, const std::string& password_hash) override;
  Status UpdateAdmin(const std::string& username, bool is_admin) override;
  Status UpdateLimits(const std::string& username, const UserLimits& limits) override;
  Status DeleteUser(const std::string& username) override;
  Result<bool> HasAdmin() override { return inner_.HasAdmin(); }

  Status CreateToken(const AccessToken& token) override;
  Result<AccessToken> FindTokenByHash(const std::string& token_hash) override;
  Result<std::vector<AccessToken>> ListTokens(int64_t user_id) override { return inner_.ListTokens(user_id); }
  Result<std::vector<AccessToken>> ListLiveTaskTokens(int64_t now, int max) override {
    return inner_.ListLiveTaskTokens(now, max);
  }
  Status PruneTaskTokens(int64_t before_ms) override;
  Result<AccessToken> GetToken(const std::string& token_id) override { return inner_.GetToken(token_id); }
  Status RevokeToken(const std::string& token_id, int64_t now) override;
  Status TouchToken(const std::string& token_id, int64_t now) override;

  Status CreateSession(const Session& session) override;
  Result<Session> FindSession(const std::string& session_hash) override;
  Status DeleteSession(const std::string& session_hash) override;

  Status CreatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                          Permission permission) override;
  Result<Permission> GetPermission(ResourceKind kind, const std::string& resource, int64_t user_id) override;
  Status UpdatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                          Permission permission) override;
  Status DeletePermission(ResourceKind kind, const std::string& resource, int64_t user_id) override;
  Status RenameResource(ResourceKind kind, const std::string& from, const std::string& to) override;
  Status ForgetResource(ResourceKind kind, const std::string& resource) override;

  Status CreateWorkspace(const Workspace& workspace) override;
  Result<std::vector<Workspace>> ListWorkspaces() override { return inner_.ListWorkspaces(); }
  Status DeleteWorkspace(const std::string& name) override;
  Status SetMember(const std::string& workspace, int64_t user_id, Permission role) override;
  Status RemoveMember(const std::string& workspace, int64_t user_id) override;
  Result<std::vector<WorkspaceMember>> ListMembers(const std::string& workspace) override {
    return inner_.ListMembers(workspace);
  }
  Result<std::optional<Permission>> MemberRole(const std::string& workspace, int64_t user_id) override;
  Status AssignResource(ResourceKind kind, const std::string& resource, const std::string& workspace) override;
  Result<std::string> ResourceWorkspace(ResourceKind kind, const std::string& resource) override;

  // Neither of these changes a cached answer.
  Status AppendAudit(const AuditEvent& event) override { return inner_.AppendAudit(event); }
  Result<std::vector<AuditEvent>> ListAudit(int64_t after_id, int max) override {
    return inner_.ListAudit(after_id, max);
  }
  Result<std::vector<RateBucket>> UpdateRateBuckets(const std::vector<std::string>& keys,
                                                    const RateBucketUpdate& update) override {
    return inner_.UpdateRateBuckets(keys, update);
  }
  Status PruneRateBuckets(int64_t before_ms) override { return inner_.PruneRateBuckets(before_ms); }
  Result<LoginFailures> UpdateLoginFailures(const std::string& key, const LoginFailuresUpdate& update) override {
    return inner_.UpdateLoginFailures(key, update);
  }
  Status ClearLoginFailures(const std::string& key) override { return inner_.ClearLoginFailures(key); }
  Result<std::vector<std::pair<std::string, int64_t>>> ListLoginLocks(int64_t now, int max) override {
    return inner_.ListLoginLocks(now, max);
  }
  Status PruneLoginFailures(int64_t now, int64_t before_ms) override {
    return inner_.PruneLoginFailures(now, before_ms);
  }

 private:
  template <typename T>
  struct Entry {
    Result<T> value;
    int64_t expires_ms;
  };
  template <typename T>
  using Table = std::unordered_map<std::string, Entry<T>>;

  // The cached answer for `key`, else load() (kept when found or NotFound).
  template <typename T, typename Load>
  Result<T> Read(Table<T>& table, const std::string& key, Load load);
  // Runs a write, then drops every cached answer.
  Status Changed(Status status);

  AuthStore& inner_;
  const Clock& clock_;
  const int64_t ttl_ms_;

  std::mutex mu_;
  uint64_t generation_ = 0;  // GUARDED_BY(mu_); bumped by Clear
  Table<User> users_;                           // GUARDED_BY(mu_)
  Table<AccessToken> tokens_;                   // GUARDED_BY(mu_)
  Table<Session> sessions_;                     // GUARDED_BY(mu_)
  Table<Permission> permissions_;               // GUARDED_BY(mu_)
  Table<std::optional<Permission>> roles_;      // GUARDED_BY(mu_)
  Table<std::string> workspaces_;               // GUARDED_BY(mu_)
};

}  // namespace cairn::auth
