// AuthStore: persistence of users, access tokens, UI sessions, MLflow-style
// permissions, workspaces and the audit log (schema migration 6 in
// store/sqlite). Secrets are stored only as hashes (see secrets.h,
// password.h). Implementations: store/sqlite/sqlite_auth_store (the server),
// auth/testing/fake_auth_store.h (unit tests).
//
// Errors: kNotFound / kAlreadyExists with messages users can act on;
// kInternal / kUnavailable from the database. Thread-safety: implementations
// are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/permission.h"
#include "base/result.h"

namespace cairn::auth {

// A user's own request limits (docs/auth.md "Limits"); unset: the server's
// defaults.
struct UserLimits {
  std::optional<int64_t> max_request_bytes;   // bodies read into memory
  std::optional<int64_t> max_upload_bytes;    // streamed uploads (artifacts)
  std::optional<double> requests_per_second;  // 0: unlimited

  bool operator==(const UserLimits&) const = default;
};

struct User {
  int64_t id = 0;
  std::string username;
  std::string password_hash;  // argon2id encoded
  bool is_admin = false;
  int64_t created_time = 0;
  UserLimits limits;
};

// A token bucket of one rate key, shared by server replicas.
struct RateBucket {
  double tokens = 0;
  int64_t updated_ms = 0;
};

// Failed-login state of one key ("user:<name>" or "addr:<ip>"), shared by
// server replicas (auth/rate_limiter.h FailedLoginGuard).
struct LoginFailures {
  int64_t failures = 0;  // in the current window
  int64_t first_failure_ms = 0;
  int64_t locked_until_ms = 0;  // 0: never locked
  int64_t lockouts = 0;         // lockouts so far (each one doubles the next)
  int64_t last_ms = 0;
};

struct AccessToken {
  std::string token_id;  // public id (secrets.h)
  int64_t user_id = 0;
  std::string token_hash;  // SHA-256 hex of the token
  std::string name;
  std::string kind = "personal";  // "personal" or "task"
  // Non-empty: the token reaches only resources of this workspace.
  std::string workspace;
  // Task tokens: the experiment they may read and the run (and its nested
  // runs) they may write.
  std::string scope_experiment_id;
  std::string scope_run_id;
  int64_t created_time = 0;
  std::optional<int64_t> expires_time;  // ms since epoch; none: never
  std::optional<int64_t> revoked_time;
  std::optional<int64_t> last_used_time;
};

struct Session {
  std::string session_hash;  // SHA-256 hex of the cookie value
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_time = 0;
  int64_t expires_time = 0;
};

enum class ResourceKind { kExperiment, kRegisteredModel };
std::string_view ResourceKindName(ResourceKind kind);  // "experiment", "registered_model"

struct Workspace {
  std::string name;
  std::string description;
  int64_t created_time = 0;
};

struct WorkspaceMember {
  std::string workspace;
  int64_t user_id = 0;
  std::string username;
  Permission role = Permission::kRead;
};

struct AuditEvent {
  int64_t id = 0;  // assigned by the store, increasing
  int64_t time = 0;
  std::string username;
  std::string client;
  std::string action;
  std::string target;
  std::string outcome;  // "ok", "denied", "failed"
  std::string detail;
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // Users. CreateUser: kAlreadyExists for a taken name.
  virtual Result<User> CreateUser(const std::string& username, const std::string& password_hash, bool is_admin,
                                  int64_t now) = 0;
  virtual Result<User> GetUser(const std::string& username) = 0;
  virtual Result<User> GetUserById(int64_t id) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Status UpdatePassword(const std::string& username, const std::string& password_hash) = 0;
  virtual Status UpdateAdmin(const std::string& username, bool is_admin) = 0;
  virtual Status UpdateLimits(const std::string& username, const UserLimits& limits) = 0;
  // Removes the user with their tokens, sessions, permissions, memberships.
  virtual Status DeleteUser(const std::string& username) = 0;
  virtual Result<bool> HasAdmin() = 0;

  // Tokens.
  virtual Status CreateToken(const AccessToken& token) = 0;
  virtual Result<AccessToken> FindTokenByHash(const std::string& token_hash) = 0;
  // A user's personal tokens (task tokens are not listed).
  virtual Result<std::vector<AccessToken>> ListTokens(int64_t user_id) = 0;
  // Task tokens neither revoked nor expired at `now`, oldest first, at most
  // `max` (server/task_token_sweeper.h).
  virtual Result<std::vector<AccessToken>> ListLiveTaskTokens(int64_t now, int max) = 0;
  // Forgets task tokens revoked or expired before `before_ms` (one row per
  // task ever run would pile up otherwise).
  virtual Status PruneTaskTokens(int64_t before_ms) = 0;
  virtual Result<AccessToken> GetToken(const std::string& token_id) = 0;
  virtual Status RevokeToken(const std::string& token_id, int64_t now) = 0;
  virtual Status TouchToken(const std::string& token_id, int64_t now) = 0;

  // Sessions.
  virtual Status CreateSession(const Session& session) = 0;
  virtual Result<Session> FindSession(const std::string& session_hash) = 0;
  virtual Status DeleteSession(const std::string& session_hash) = 0;

  // Permissions (MLflow semantics: create fails if present, the others if
  // absent).
  virtual Status CreatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                                  Permission permission) = 0;
  virtual Result<Permission> GetPermission(ResourceKind kind, const std::string& resource, int64_t user_id) = 0;
  virtual Status UpdatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                                  Permission permission) = 0;
  virtual Status DeletePermission(ResourceKind kind, const std::string& resource, int64_t user_id) = 0;
  // Registered model renamed: its permissions and workspace follow it.
  virtual Status RenameResource(ResourceKind kind, const std::string& from, const std::string& to) = 0;
  // The resource is gone: its permission rows and workspace assignment go
  // too, so a new resource of the same name inherits nothing (as MLflow
  // deletes a registered model's permissions with it).
  virtual Status ForgetResource(ResourceKind kind, const std::string& resource) = 0;

  // Workspaces.
  virtual Status CreateWorkspace(const Workspace& workspace) = 0;
  virtual Result<std::vector<Workspace>> ListWorkspaces() = 0;
  virtual Status DeleteWorkspace(const std::string& name) = 0;
  virtual Status SetMember(const std::string& workspace, int64_t user_id, Permission role) = 0;
  virtual Status RemoveMember(const std::string& workspace, int64_t user_id) = 0;
  virtual Result<std::vector<WorkspaceMember>> ListMembers(const std::string& workspace) = 0;
  // nullopt: not a member.
  virtual Result<std::optional<Permission>> MemberRole(const std::string& workspace, int64_t user_id) = 0;
  virtual Status AssignResource(ResourceKind kind, const std::string& resource, const std::string& workspace) = 0;
  // "" when the resource is in no workspace.
  virtual Result<std::string> ResourceWorkspace(ResourceKind kind, const std::string& resource) = 0;

  // Audit log: append-only.
  virtual Status AppendAudit(const AuditEvent& event) = 0;
  // Events with id > after_id, oldest first, at most `max`.
  virtual Result<std::vector<AuditEvent>> ListAudit(int64_t after_id, int max) = 0;

  // Rate-limit token buckets shared by replicas (auth/shared_limits.h).
  // UpdateRateBuckets replaces, in one transaction, the bucket of each of
  // `keys` with update(i, current) (nullopt: none yet) and returns the new
  // buckets in order; `update` may run more than once (transaction retries)
  // and must be pure.
  using RateBucketUpdate = std::function<RateBucket(size_t, const std::optional<RateBucket>&)>;
  virtual Result<std::vector<RateBucket>> UpdateRateBuckets(const std::vector<std::string>& keys,
                                                            const RateBucketUpdate& update) = 0;
  // Forgets buckets not updated since `before_ms`.
  virtual Status PruneRateBuckets(int64_t before_ms) = 0;

  // Failed-login state. UpdateLoginFailures replaces a key's state with
  // update(current) atomically (nullopt: no state yet) and returns it;
  // `update` may run more than once (transaction retries) and must be pure.
  using LoginFailuresUpdate = std::function<LoginFailures(const std::optional<LoginFailures>&)>;
  virtual Result<LoginFailures> UpdateLoginFailures(const std::string& key, const LoginFailuresUpdate& update) = 0;
  virtual Status ClearLoginFailures(const std::string& key) = 0;
  // Keys locked after `now`, with their locked_until_ms; at most `max`.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> ListLoginLocks(int64_t now, int max) = 0;
  // Forgets keys neither locked after `now` nor failed since `before_ms`.
  virtual Status PruneLoginFailures(int64_t now, int64_t before_ms) = 0;
};

}  // namespace cairn::auth
