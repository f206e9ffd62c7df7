// FakeAuthStore: an in-memory auth::AuthStore for unit tests of the code
// above the seam (authorizer, authenticator). Same error contract as the
// SQLite store for what those tests touch. Thread-safe (one mutex).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

#include "auth/auth_store.h"

namespace cairn::auth::testing {

class FakeAuthStore final : public AuthStore {
 public:
  Result<User> CreateUser(const std::string& username, const std::string& hash, bool is_admin, int64_t now) override {
    std::lock_guard lock(mu_);
    for (const auto& [id, u] : users_) {
      if (u.username == username) return AlreadyExists(fmt::format("User '{}' already exists.", username));
    }
    User user{next_id_++, username, hash, is_admin, now, {}};
    users_[user.id] = user;
    return user;
  }
  Result<User> GetUser(const std::string& username) override {
    std::lock_guard lock(mu_);
    for (const auto& [id, u] : users_) {
      if (u.username == username) return u;
    }
    return NotFound("no such user");
  }
  Result<User> GetUserById(int64_t id) override {
    std::lock_guard lock(mu_);
    auto it = users_.find(id);
    if (it == users_.end()) return NotFound("no such user");
    return it->second;
  }
  Result<std::vector<User>> ListUsers() override {
    std::lock_guard lock(mu_);
    std::vector<User> out;
    for (const auto& [id, u] : users_) out.push_back(u);
    return out;
  }
  Status UpdatePassword(const std::string& username, const std::string& hash) override {
    return WithUser(username, [&](User& u) { u.password_hash = hash; });
  }
  Status UpdateAdmin(const std::string& username, bool is_admin) override {
    return WithUser(username, [&](User& u) { u.is_admin = is_admin; });
  }
  Status UpdateLimits(const std::string& username, const UserLimits& limits) override {
    return WithUser(username, [&](User& u) { u.limits = limits; });
  }
  Status DeleteUser(const std::string& username) override {
    std::lock_guard lock(mu_);
    for (auto it = users_.begin(); it != users_.end(); ++it) {
      if (it->second.username == username) {
        users_.erase(it);
        return Status::Ok();
      }
    }
    return NotFound("no such user");
  }
  Result<bool> HasAdmin() override {
    std::lock_guard lock(mu_);
    for (const auto& [id, u] : users_) {
      if (u.is_admin) return true;
    }
    return false;
  }

  Status CreateToken(const AccessToken& token) override {
    std::lock_guard lock(mu_);
    tokens_[token.token_id] = token;
    return Status::Ok();
  }
  Result<AccessToken> FindTokenByHash(const std::string& hash) override {
    std::lock_guard lock(mu_);
    for (const auto& [id, t] : tokens_) {
      if (t.token_hash == hash) return t;
    }
    return NotFound("no such token");
  }
  Result<std::vector<AccessToken>> ListTokens(int64_t user_id) override {
    std::lock_guard lock(mu_);
    std::vector<AccessToken> out;
    for (const auto& [id, t] : tokens_) {
      if (t.user_id == user_id && t.kind == "personal") out.push_back(t);
    }
    return out;
  }
  Result<std::vector<AccessToken>> ListLiveTaskTokens(int64_t now, int max) override {
    std::lock_guard lock(mu_);
    std::vector<AccessToken> out;
    for (const auto& [id, t] : tokens_) {
      if (t.kind == "task" && !t.revoked_time && (!t.expires_time || *t.expires_time > now)) out.push_back(t);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_time < b.created_time; });
    if (out.size() > static_cast<size_t>(std::max(max, 0))) out.resize(static_cast<size_t>(std::max(max, 0)));
    return out;
  }
  Status PruneTaskTokens(int64_t before_ms) override {
    std::lock_guard lock(mu_);
    std::erase_if(tokens_, [&](const auto& entry) {
      const AccessToken& t = entry.second;
      return t.kind == "task" && ((t.revoked_time && *t.revoked_time < before_ms) ||
                                  (t.expires_time && *t.expires_time < before_ms));
    });
    return Status();
  }
  Result<AccessToken> GetToken(const std::string& token_id) override {
    std::lock_guard lock(mu_);
    auto it = tokens_.find(token_id);
    if (it == tokens_.end()) return NotFound("no such token");
    return it->second;
  }
  Status RevokeToken(const std::string& token_id, int64_t now) override {
    std::lock_guard lock(mu_);
    auto it = tokens_.find(token_id);
    if (it == tokens_.end()) return NotFound("no such token");
    if (!it->second.revoked_time) it->second.revoked_time = now;
    return Status::Ok();
  }
  Status TouchToken(const std::string& token_id, int64_t now) override {
    std::lock_guard lock(mu_);
    if (auto it = tokens_.find(token_id); it != tokens_.end()) it->second.last_used_time = now;
    return Status::Ok();
  }

  Status CreateSession(const Session& session) override {
    std::lock_guard lock(mu_);
    sessions_[session.session_hash] = session;
    return Status::Ok();
  }
  Result<Session> FindSession(const std::string& hash) override {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(hash);
    if (it == sessions_.end()) return NotFound("no such session");
    return it->second;
  }
  Status DeleteSession(const std::string& hash) override {
    std::lock_guard lock(mu_);
    sessions_.erase(hash);
    return Status::Ok();
  }

  Status CreatePermission(ResourceKind kind, const std::string& resource, int64_t user_id, Permission p) override {
    std::lock_guard lock(mu_);
    auto key = std::make_tuple(static_cast<int>(kind), resource, user_id);
    if (permissions_.count(key)) return AlreadyExists("permission exists");
    permissions_[key] = p;
    return Status::Ok();
  }
  Result<Permission> GetPermission(ResourceKind kind, const std::string& resource, int64_t user_id) override {
    std::lock_guard lock(mu_);
    auto it = permissions_.find(std::make_tuple(static_cast<int>(kind), resource, user_id));
    if (it == permissions_.end()) return NotFound("no permission");
    return it->second;
  }
  Status UpdatePermission(ResourceKind kind, const std::string& resource, int64_t user_id, Permission p) override {
    std::lock_guard lock(mu_);
    auto it = permissions_.find(std::make_tuple(static_cast<int>(kind), resource, user_id));
    if (it == permissions_.end()) return NotFound("no permission");
    it->second = p;
    return Status::Ok();
  }
  Status DeletePermission(ResourceKind kind, const std::string& resource, int64_t user_id) override {
    std::lock_guard lock(mu_);
    if (permissions_.erase(std::make_tuple(static_cast<int>(kind), resource, user_id)) == 0) return NotFound("no permission");
    return Status::Ok();
  }
  Status RenameResource(ResourceKind kind, const std::string& from, const std::string& to) override {
    std::lock_guard lock(mu_);
    std::map<std::tuple<int, std::string, int64_t>, Permission> next;
    for (auto& [key, p] : permissions_) {
      auto k = key;
      if (std::get<0>(k) == static_cast<int>(kind) && std::get<1>(k) == from) std::get<1>(k) = to;
      next[k] = p;
    }
    permissions_ = std::move(next);
    if (auto it = resources_.find({static_cast<int>(kind), from}); it != resources_.end()) {
      std::string workspace = it->second;
      resources_.erase(it);
      resources_[{static_cast<int>(kind), to}] = workspace;
    }
    return Status::Ok();
  }

  Status ForgetResource(ResourceKind kind, const std::string& resource) override {
    std::lock_guard lock(mu_);
    for (auto it = permissions_.begin(); it != permissions_.end();) {
      bool match = std::get<0>(it->first) == static_cast<int>(kind) && std::get<1>(it->first) == resource;
      it = match ? permissions_.erase(it) : std::next(it);
    }
    resources_.erase({static_cast<int>(kind), resource});
    return Status::Ok();
  }

  Status CreateWorkspace(const Workspace& w) override {
    std::lock_guard lock(mu_);
    if (workspaces_.count(w.name)) return AlreadyExists("workspace exists");
    workspaces_[w.name] = w;
    return Status::Ok();
  }
  Result<std::vector<Workspace>> ListWorkspaces() override {
    std::lock_guard lock(mu_);
    std::vector<Workspace> out;
    for (const auto& [n, w] : workspaces_) out.push_back(w);
    return out;
  }
  Status DeleteWorkspace(const std::string& name) override {
    std::lock_guard lock(mu_);
    if (workspaces_.erase(name) == 0) return NotFound("no workspace");
    return Status::Ok();
  }
  Status SetMember(const std::string& workspace, int64_t user_id, Permission role) override {
    std::lock_guard lock(mu_);
    if (!workspaces_.count(workspace)) return NotFound("no workspace");
    members_[{workspace, user_id}] = role;
    return Status::Ok();
  }
  Status RemoveMember(const std::string& workspace, int64_t user_id) override {
    std::lock_guard lock(mu_);
    if (members_.erase({workspace, user_id}) == 0) return NotFound("not a member");
    return Status::Ok();
  }
  Result<std::vector<WorkspaceMember>> ListMembers(const std::string& workspace) override {
    std::lock_guard lock(mu_);
    std::vector<WorkspaceMember> out;
    for (const auto& [key, role] : members_) {
      if (key.first == workspace) out.push_back({workspace, key.second, users_[key.second].username, role});
    }
    return out;
  }
  Result<std::optional<Permission>> MemberRole(const std::string& workspace, int64_t user_id) override {
    std::lock_guard lock(mu_);
    auto it = members_.find({workspace, user_id});
    if (it == members_.end()) return std::optional<Permission>();
    return std::optional<Permission>(it->second);
  }
  Status AssignResource(ResourceKind kind, const std::string& resource, const std::string& workspace) override {
    std::lock_guard lock(mu_);
    if (workspace.empty()) {
      resources_.erase({static_cast<int>(kind), resource});
      return Status::Ok();
    }
    if (!workspaces_.count(workspace)) return NotFound("no workspace");
    resources_[{static_cast<int>(kind), resource}] = workspace;
    return Status::Ok();
  }
  Result<std::string> ResourceWorkspace(ResourceKind kind, const std::string& resource) override {
    std::lock_guard lock(mu_);
    auto it = resources_.find({static_cast<int>(kind), resource});
    return it == resources_.end() ? std::string() : it->second;
  }

  Status AppendAudit(const AuditEvent& event) override {
    std::lock_guard lock(mu_);
    audit_.push_back(event);
    audit_.back().id = static_cast<int64_t>(audit_.size());
    return Status::Ok();
  }
  Result<std::vector<AuditEvent>> ListAudit(int64_t after_id, int max) override {
    std::lock_guard lock(mu_);
    std::vector<AuditEvent> out;
    for (const auto& e : audit_) {
      if (e.id > after_id && static_cast<int>(out.size()) < max) out.push_back(e);
    }
    return out;
  }

  Result<std::vector<RateBucket>> UpdateRateBuckets(const std::vector<std::string>& keys,
                                                    const RateBucketUpdate& update) override {
    std::lock_guard lock(mu_);
    std::vector<RateBucket> out;
    for (size_t i = 0; i < keys.size(); ++i) {
      auto it = rate_buckets_.find(keys[i]);
      RateBucket next = update(i, it == rate_buckets_.end() ? std::nullopt : std::optional<RateBucket>(it->second));
      rate_buckets_[keys[i]] = next;
      out.push_back(next);
    }
    return out;
  }
  Status PruneRateBuckets(int64_t before_ms) override {
    std::lock_guard lock(mu_);
    std::erase_if(rate_buckets_, [&](const auto& kv) { return kv.second.updated_ms < before_ms; });
    return Status::Ok();
  }
  Result<LoginFailures> UpdateLoginFailures(const std::string& key, const LoginFailuresUpdate& update) override {
    std::lock_guard lock(mu_);
    auto it = failures_.find(key);
    LoginFailures next = update(it == failures_.end() ? std::nullopt : std::optional<LoginFailures>(it->second));
    failures_[key] = next;
    return next;
  }
  Status ClearLoginFailures(const std::string& key) override {
    std::lock_guard lock(mu_);
    failures_.erase(key);
    return Status::Ok();
  }
  Result<std::vector<std::pair<std::string, int64_t>>> ListLoginLocks(int64_t now, int max) override {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& [key, f] : failures_) {
      if (f.locked_until_ms > now && static_cast<int>(out.size()) < max) out.emplace_back(key, f.locked_until_ms);
    }
    return out;
  }
  Status PruneLoginFailures(int64_t now, int64_t before_ms) override {
    std::lock_guard lock(mu_);
    std::erase_if(failures_, [&](const auto& kv) { return kv.second.locked_until_ms <= now && kv.second.last_ms < before_ms; });
    return Status::Ok();
  }

 private:
  template <typename F>
  Status WithUser(const std::string& username, F f) {
    std::lock_guard lock(mu_);
    for (auto& [id, u] : users_) {
      if (u.username == username) {
        f(u);
        return Status::Ok();
      }
    }
    return NotFound("no such user");
  }

  std::mutex mu_;
  int64_t next_id_ = 1;
  std::map<int64_t, User> users_;
  std::map<std::string, AccessToken> tokens_;
  std::map<std::string, Session> sessions_;
  std::map<std::tuple<int, std::string, int64_t>, Permission> permissions_;
  std::map<std::string, Workspace> workspaces_;
  std::map<std::pair<std::string, int64_t>, Permission> members_;
  std::map<std::pair<int, std::string>, std::string> resources_;
  std::vector<AuditEvent> audit_;
  std::map<std::string, RateBucket> rate_buckets_;
  std::map<std::string, LoginFailures> failures_;
};

}  // namespace cairn::auth::testing
