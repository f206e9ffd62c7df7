// SqlAuthStore: auth::AuthStore on the tracking database, SQLite or
// PostgreSQL (a sql::Backend; schema
// migration 6: auth_users, auth_tokens, auth_sessions,
// experiment_permissions, registered_model_permissions, auth_workspaces,
// auth_workspace_members, auth_workspace_resources, auth_audit; migration
// 8: per-user limits, auth_rate_buckets, auth_login_failures).
//
// Contract and errors: those of auth/auth_store.h. Writes and reads are
// Backend transactions (store/sql/backend.h). Deleting a user
// deletes their rows explicitly (no reliance on PRAGMA foreign_keys).
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/auth_store.h"
#include "store/sql/backend.h"

namespace cairn::store::sql {

class SqlAuthStore final : public auth::AuthStore {
 public:
  explicit SqlAuthStore(std::shared_ptr<Backend> db) : db_(std::move(db)) {}
  SqlAuthStore(const SqlAuthStore&) = delete;
  SqlAuthStore& operator=(const SqlAuthStore&) = delete;

  Result<auth::User> CreateUser(const std::string& username, const std::string& password_hash, bool is_admin,
                                int64_t now) override;
  Result<auth::User> GetUser(const std::string& username) override;
  Result<auth::User> GetUserById(int64_t id) override;
  Result<std::vector<auth::User>> ListUsers() override;
  Status UpdatePassword(const std::string& username, const std::string& password_hash) override;
  Status UpdateAdmin(const std::string& username, bool is_admin) override;
  Status UpdateLimits(const std::string& username, const auth::UserLimits& limits) override;
  Status DeleteUser(const std::string& username) override;
  Result<bool> HasAdmin() override;

  Status CreateToken(const auth::AccessToken& token) override;
  Result<auth::AccessToken> FindTokenByHash(const std::string& token_hash) override;
  Result<std::vector<auth::AccessToken>> ListTokens(int64_t user_id) override;
  Result<std::vector<auth::AccessToken>> ListLiveTaskTokens(int64_t now, int max) override;
  Status PruneTaskTokens(int64_t before_ms) override;
  Result<auth::AccessToken> GetToken(const std::string& token_id) override;
  Status RevokeToken(const std::string& token_id, int64_t now) override;
  Status TouchToken(const std::string& token_id, int64_t now) override;

  Status CreateSession(const auth::Session& session) override;
  Result<auth::Session> FindSession(const std::string& session_hash) override;
  Status DeleteSession(const std::string& session_hash) override;

  Status CreatePermission(auth::ResourceKind kind, const std::string& resource, int64_t user_id,
                          auth::Permission permission) override;
  Result<auth::Permission> GetPermission(auth::ResourceKind kind, const std::string& resource,
                                         int64_t user_id) override;
  Status UpdatePermission(auth::ResourceKind kind, const std::string& resource, int64_t user_id,
                          auth::Permission permission) override;
  Status DeletePermission(auth::ResourceKind kind, const std::string& resource, int64_t user_id) override;
  Status RenameResource(auth::ResourceKind kind, const std::string& from, const std::string& to) override;
  Status ForgetResource(auth::ResourceKind kind, const std::string& resource) override;

  Status CreateWorkspace(const auth::Workspace& workspace) override;
  Result<std::vector<auth::Workspace>> ListWorkspaces() override;
  Status DeleteWorkspace(const std::string& name) override;
  Status SetMember(const std::string& workspace, int64_t user_id, auth::Permission role) override;
  Status RemoveMember(const std::string& workspace, int64_t user_id) override;
  Result<std::vector<auth::WorkspaceMember>> ListMembers(const std::string& workspace) override;
  Result<std::optional<auth::Permission>> MemberRole(const std::string& workspace, int64_t user_id) override;
  Status AssignResource(auth::ResourceKind kind, const std::string& resource, const std::string& workspace) override;
  Result<std::string> ResourceWorkspace(auth::ResourceKind kind, const std::string& resource) override;

  Status AppendAudit(const auth::AuditEvent& event) override;
  Result<std::vector<auth::AuditEvent>> ListAudit(int64_t after_id, int max) override;

  // Shared limits (auth_limits.cc, migration 8).
  Result<std::vector<auth::RateBucket>> UpdateRateBuckets(const std::vector<std::string>& keys,
                                                          const RateBucketUpdate& update) override;
  Status PruneRateBuckets(int64_t before_ms) override;
  Result<auth::LoginFailures> UpdateLoginFailures(const std::string& key, const LoginFailuresUpdate& update) override;
  Status ClearLoginFailures(const std::string& key) override;
  Result<std::vector<std::pair<std::string, int64_t>>> ListLoginLocks(int64_t now, int max) override;
  Status PruneLoginFailures(int64_t now, int64_t before_ms) override;

 private:
  // Tokens matching `where` (SQL after WHERE, with ORDER BY/LIMIT), its ?
  // bound to `args` in order.
  Result<std::vector<auth::AccessToken>> SelectTokens(const std::string& where, std::vector<int64_t> args);

  const std::shared_ptr<Backend> db_;
};

}  // namespace cairn::store::sql
