#include "auth/caching_auth_store.h"

#include <fmt/format.h>

namespace cairn::auth {
namespace {

// Past this many entries a table is emptied rather than grown: the working
// set of one replica within a TTL is far smaller.
constexpr size_t kMaxEntriesPerTable = 50'000;

bool Cacheable(const Status& status) { return status.ok() || status.code() == StatusCode::kNotFound; }

std::string ResourceKey(ResourceKind kind, const std::string& resource) {
  return fmt::format("{}\n{}", static_cast<int>(kind), resource);
}

}  // namespace

void CachingAuthStore::Clear() {
  std::lock_guard lock(mu_);
  ++generation_;
  users_.clear();
  tokens_.clear();
  sessions_.clear();
  permissions_.clear();
  roles_.clear();
  workspaces_.clear();
}

template <typename T, typename Load>
Result<T> CachingAuthStore::Read(Table<T>& table, const std::string& key, Load load) {
  if (ttl_ms_ <= 0) return load();
  const int64_t now = clock_.NowMillis();
  uint64_t generation;
  {
    std::lock_guard lock(mu_);
    if (auto it = table.find(key); it != table.end()) {
      if (it->second.expires_ms > now) return it->second.value;
      table.erase(it);
    }
    generation = generation_;
  }
  Result<T> value = load();
  if (!Cacheable(value.status())) return value;
  std::lock_guard lock(mu_);
  // A write cleared the cache while this read ran: its answer may predate
  // the write, so it is not kept.
  if (generation != generation_) return value;
  if (table.size() >= kMaxEntriesPerTable) table.clear();
  table.insert_or_assign(key, Entry<T>{value, now + ttl_ms_});
  return value;
}

Status CachingAuthStore::Changed(Status status) {
  // Cleared even when the write failed: it may have half-happened (a lost
  // connection after COMMIT).
  Clear();
  return status;
}

Result<User> CachingAuthStore::GetUserById(int64_t id) {
  return Read(users_, std::to_string(id), [&] { return inner_.GetUserById(id); });
}

Result<AccessToken> CachingAuthStore::FindTokenByHash(const std::string& token_hash) {
  return Read(tokens_, token_hash, [&] { return inner_.FindTokenByHash(token_hash); });
}

Result<Session> CachingAuthStore::FindSession(const std::string& session_hash) {
  return Read(sessions_, session_hash, [&] { return inner_.FindSession(session_hash); });
}

Result<Permission> CachingAuthStore::GetPermission(ResourceKind kind, const std::string& resource, int64_t user_id) {
  return Read(permissions_, fmt::format("{}\n{}", user_id, ResourceKey(kind, resource)),
              [&] { return inner_.GetPermission(kind, resource, user_id); });
}

Result<std::optional<Permission>> CachingAuthStore::MemberRole(const std::string& workspace, int64_t user_id) {
  return Read(roles_, fmt::format("{}\n{}", user_id, workspace), [&] { return inner_.MemberRole(workspace, user_id); });
}

Result<std::string> CachingAuthStore::ResourceWorkspace(ResourceKind kind, const std::string& resource) {
  return Read(workspaces_, ResourceKey(kind, resource), [&] { return inner_.ResourceWorkspace(kind, resource); });
}

// --- writes: each clears the cache -------------------------------------------

Result<User> CachingAuthStore::CreateUser(const std::string& username, const std::string& password_hash,
                                          bool is_admin, int64_t now) {
  auto user = inner_.CreateUser(username, password_hash, is_admin, now);
  Clear();
  return user;
}

Status CachingAuthStore::UpdatePassword(const std::string& username, const std::string& password_hash) {
  return Changed(inner_.UpdatePassword(username, password_hash));
}
Status CachingAuthStore::UpdateAdmin(const std::string& username, bool is_admin) {
  return Changed(inner_.UpdateAdmin(username, is_admin));
}
Status CachingAuthStore::UpdateLimits(const std::string& username, const UserLimits& limits) {
  return Changed(inner_.UpdateLimits(username, limits));
}
Status CachingAuthStore::DeleteUser(const std::string& username) { return Changed(inner_.DeleteUser(username)); }
Status CachingAuthStore::CreateToken(const AccessToken& token) { return Changed(inner_.CreateToken(token)); }
Status CachingAuthStore::RevokeToken(const std::string& token_id, int64_t now) {
  return Changed(inner_.RevokeToken(token_id, now));
}
// last_used_time is in the cached token: without clearing, every request
// within the TTL would see the old time and touch the token again.
Status CachingAuthStore::TouchToken(const std::string& token_id, int64_t now) {
  return Changed(inner_.TouchToken(token_id, now));
}
Status CachingAuthStore::PruneTaskTokens(int64_t before_ms) {
  return Changed(inner_.PruneTaskTokens(before_ms));
}
Status CachingAuthStore::CreateSession(const Session& session) { return Changed(inner_.CreateSession(session)); }
Status CachingAuthStore::DeleteSession(const std::string& session_hash) {
  return Changed(inner_.DeleteSession(session_hash));
}
Status CachingAuthStore::CreatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                                          Permission permission) {
  return Changed(inner_.CreatePermission(kind, resource, user_id, permission));
}
Status CachingAuthStore::UpdatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                                          Permission permission) {
  return Changed(inner_.UpdatePermission(kind, resource, user_id, permission));
}
Status CachingAuthStore::DeletePermission(ResourceKind kind, const std::string& resource, int64_t user_id) {
  return Changed(inner_.DeletePermission(kind, resource, user_id));
}
Status CachingAuthStore::RenameResource(ResourceKind kind, const std::string& from, const std::string& to) {
  return Changed(inner_.RenameResource(kind, from, to));
}
Status CachingAuthStore::ForgetResource(ResourceKind kind, const std::string& resource) {
  return Changed(inner_.ForgetResource(kind, resource));
}
Status CachingAuthStore::CreateWorkspace(const Workspace& workspace) {
  return Changed(inner_.CreateWorkspace(workspace));
}
Status CachingAuthStore::DeleteWorkspace(const std::string& name) { return Changed(inner_.DeleteWorkspace(name)); }
Status CachingAuthStore::SetMember(const std::string& workspace, int64_t user_id, Permission role) {
  return Changed(inner_.SetMember(workspace, user_id, role));
}
Status CachingAuthStore::RemoveMember(const std::string& workspace, int64_t user_id) {
  return Changed(inner_.RemoveMember(workspace, user_id));
}
Status CachingAuthStore::AssignResource(ResourceKind kind, const std::string& resource, const std::string& workspace) {
  return Changed(inner_.AssignResource(kind, resource, workspace));
}

}  // namespace cairn::auth
