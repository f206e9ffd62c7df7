#include "store/sql/auth_store.h"

#include <fmt/format.h>

#include <utility>

namespace cairn::store::sql {

using auth::AccessToken;
using auth::AuditEvent;
using auth::Permission;
using auth::ResourceKind;
using auth::User;

namespace {

constexpr char kUserColumns[] =
    "id, username, password_hash, is_admin, created_time, max_request_bytes, max_upload_bytes, requests_per_second";
constexpr char kTokenColumns[] =
    "token_id, user_id, token_hash, name, kind, workspace, scope_experiment_id, scope_run_id, created_time, "
    "expires_time, revoked_time, last_used_time";

std::optional<int64_t> OptionalInt(const Statement& s, int column) {
  if (s.ColumnIsNull(column)) return std::nullopt;
  return s.ColumnInt64(column);
}

User ReadUser(const Statement& s) {
  User user{s.ColumnInt64(0), s.ColumnText(1), s.ColumnText(2), s.ColumnInt64(3) != 0, s.ColumnInt64(4), {}};
  user.limits.max_request_bytes = OptionalInt(s, 5);
  user.limits.max_upload_bytes = OptionalInt(s, 6);
  if (!s.ColumnIsNull(7)) user.limits.requests_per_second = s.ColumnDouble(7);
  return user;
}
SqlValue OptionalValue(const std::optional<int64_t>& v) { return v ? SqlValue(*v) : SqlValue(); }
SqlValue TextOrNull(const std::string& v) { return v.empty() ? SqlValue() : SqlValue(v); }

AccessToken ReadToken(const Statement& s) {
  AccessToken t;
  t.token_id = s.ColumnText(0);
  t.user_id = s.ColumnInt64(1);
  t.token_hash = s.ColumnText(2);
  t.name = s.ColumnText(3);
  t.kind = s.ColumnText(4);
  t.workspace = s.ColumnIsNull(5) ? "" : s.ColumnText(5);
  t.scope_experiment_id = s.ColumnIsNull(6) ? "" : s.ColumnText(6);
  t.scope_run_id = s.ColumnIsNull(7) ? "" : s.ColumnText(7);
  t.created_time = s.ColumnInt64(8);
  t.expires_time = OptionalInt(s, 9);
  t.revoked_time = OptionalInt(s, 10);
  t.last_used_time = OptionalInt(s, 11);
  return t;
}

// Table and key column of a permission kind (fixed strings, never input).
std::pair<const char*, const char*> PermissionTable(ResourceKind kind) {
  return kind == ResourceKind::kExperiment ? std::make_pair("experiment_permissions", "experiment_id")
                                           : std::make_pair("registered_model_permissions", "name");
}

std::string ResourceLabel(ResourceKind kind, const std::string& resource) {
  return kind == ResourceKind::kExperiment ? fmt::format("experiment '{}'", resource)
                                           : fmt::format("registered model '{}'", resource);
}

Status UserNotFound(const std::string& username) {
  return NotFound(fmt::format("User with username={} not found", username));
}

// Runs a single-row UPDATE/DELETE; `missing` when no row changed.
Status RunChanging(Connection& db, const std::string& sql, const std::vector<SqlValue>& params, Status missing) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
  CAIRN_RETURN_IF_ERROR(stmt->BindAll(params));
  CAIRN_RETURN_IF_ERROR(stmt->Run());
  if (db.Changes() == 0) return missing;
  return Status::Ok();
}

}  // namespace

// --- users -----------------------------------------------------------------

Result<User> SqlAuthStore::CreateUser(const std::string& username, const std::string& password_hash,
                                         bool is_admin, int64_t now) {
  User user{0, username, password_hash, is_admin, now, {}};
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    // RETURNING id: the id the database numbered the row with (SQLite and
    // PostgreSQL alike; no last-insert-id call).
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO auth_users (username, password_hash, is_admin, "
                                                 "created_time) VALUES (?, ?, ?, ?) RETURNING id"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({username, password_hash, int64_t{is_admin ? 1 : 0}, now}));
    Result<bool> row = stmt->Step();
    if (row.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists(fmt::format("User '{}' already exists.", username));
    }
    CAIRN_RETURN_IF_ERROR(row.status());
    if (!*row) return Internal("Internal database error.", "INSERT ... RETURNING id returned no row");
    user.id = stmt->ColumnInt64(0);
    return Status::Ok();
  }));
  return user;
}

Result<User> SqlAuthStore::GetUser(const std::string& username) {
  User user;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format("SELECT {} FROM auth_users WHERE username = ?", kUserColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, username));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return UserNotFound(username);
    user = ReadUser(*stmt);
    return Status::Ok();
  }));
  return user;
}

Result<User> SqlAuthStore::GetUserById(int64_t id) {
  User user;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format("SELECT {} FROM auth_users WHERE id = ?", kUserColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, id));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFound(fmt::format("User with id={} not found", id));
    user = ReadUser(*stmt);
    return Status::Ok();
  }));
  return user;
}

Result<std::vector<User>> SqlAuthStore::ListUsers() {
  std::vector<User> users;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format("SELECT {} FROM auth_users ORDER BY username", kUserColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      users.push_back(ReadUser(*stmt));
    }
    return Status::Ok();
  }));
  return users;
}

Status SqlAuthStore::UpdatePassword(const std::string& username, const std::string& password_hash) {
  return db_->Write([&](Connection& db) {
    return RunChanging(db, "UPDATE auth_users SET password_hash = ? WHERE username = ?", {password_hash, username},
                       UserNotFound(username));
  });
}

Status SqlAuthStore::UpdateAdmin(const std::string& username, bool is_admin) {
  return db_->Write([&](Connection& db) {
    return RunChanging(db, "UPDATE auth_users SET is_admin = ? WHERE username = ?",
                       {int64_t{is_admin ? 1 : 0}, username}, UserNotFound(username));
  });
}

Status SqlAuthStore::UpdateLimits(const std::string& username, const auth::UserLimits& limits) {
  const auto& rate = limits.requests_per_second;
  return db_->Write([&](Connection& db) {
    return RunChanging(db,
                       "UPDATE auth_users SET max_request_bytes = ?, max_upload_bytes = ?, requests_per_second = ? "
                       "WHERE username = ?",
                       {OptionalValue(limits.max_request_bytes), OptionalValue(limits.max_upload_bytes),
                        rate ? SqlValue(*rate) : SqlValue(), username},
                       UserNotFound(username));
  });
}

Status SqlAuthStore::DeleteUser(const std::string& username) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto find, db.Prepare("SELECT id FROM auth_users WHERE username = ?"));
    CAIRN_RETURN_IF_ERROR(find->BindText(1, username));
    CAIRN_ASSIGN_OR_RETURN(bool found, find->Step());
    if (!found) return UserNotFound(username);
    const int64_t id = find->ColumnInt64(0);
    for (const char* sql : {"DELETE FROM auth_tokens WHERE user_id = ?", "DELETE FROM auth_sessions WHERE user_id = ?",
                            "DELETE FROM experiment_permissions WHERE user_id = ?",
                            "DELETE FROM registered_model_permissions WHERE user_id = ?",
                            "DELETE FROM auth_workspace_members WHERE user_id = ?",
                            "DELETE FROM auth_users WHERE id = ?"}) {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
      CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, id));
      CAIRN_RETURN_IF_ERROR(stmt->Run());
    }
    return Status::Ok();
  });
}

Result<bool> SqlAuthStore::HasAdmin() {
  bool any = false;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM auth_users WHERE is_admin = 1 LIMIT 1"));
    CAIRN_ASSIGN_OR_RETURN(any, stmt->Step());
    return Status::Ok();
  }));
  return any;
}

// --- tokens ----------------------------------------------------------------

Status SqlAuthStore::CreateToken(const AccessToken& t) {
  return db_->Write([&](Connection& db) -> Status {
    static const std::string sql =
        fmt::format("INSERT INTO auth_tokens ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", kTokenColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({t.token_id, t.user_id, t.token_hash, t.name, t.kind, TextOrNull(t.workspace),
                                         TextOrNull(t.scope_experiment_id), TextOrNull(t.scope_run_id), t.created_time,
                                         OptionalValue(t.expires_time), OptionalValue(t.revoked_time),
                                         OptionalValue(t.last_used_time)}));
    return stmt->Run();
  });
}

Result<AccessToken> SqlAuthStore::FindTokenByHash(const std::string& token_hash) {
  AccessToken token;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format("SELECT {} FROM auth_tokens WHERE token_hash = ?", kTokenColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, token_hash));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFound("Access token not found.");
    token = ReadToken(*stmt);
    return Status::Ok();
  }));
  return token;
}

Result<AccessToken> SqlAuthStore::GetToken(const std::string& token_id) {
  AccessToken token;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    static const std::string sql = fmt::format("SELECT {} FROM auth_tokens WHERE token_id = ?", kTokenColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, token_id));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFound(fmt::format("Access token '{}' not found.", token_id));
    token = ReadToken(*stmt);
    return Status::Ok();
  }));
  return token;
}

Result<std::vector<AccessToken>> SqlAuthStore::SelectTokens(const std::string& where, std::vector<int64_t> args) {
  std::vector<AccessToken> tokens;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(fmt::format("SELECT {} FROM auth_tokens WHERE {}", kTokenColumns, where)));
    for (size_t i = 0; i < args.size(); ++i) CAIRN_RETURN_IF_ERROR(stmt->BindInt64(static_cast<int>(i) + 1, args[i]));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      tokens.push_back(ReadToken(*stmt));
    }
    return Status::Ok();
  }));
  return tokens;
}

Result<std::vector<AccessToken>> SqlAuthStore::ListTokens(int64_t user_id) {
  return SelectTokens("user_id = ? AND kind = 'personal' ORDER BY created_time", {user_id});
}

Result<std::vector<AccessToken>> SqlAuthStore::ListLiveTaskTokens(int64_t now, int max) {
  return SelectTokens("kind = 'task' AND revoked_time IS NULL AND (expires_time IS NULL OR expires_time > ?) "
                      "ORDER BY created_time LIMIT ?",
                      {now, max});
}

Status SqlAuthStore::PruneTaskTokens(int64_t before_ms) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM auth_tokens WHERE kind = 'task' AND "
                                                 "(revoked_time < ? OR expires_time < ?)"));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, before_ms));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(2, before_ms));
    return stmt->Run();
  });
}

Status SqlAuthStore::RevokeToken(const std::string& token_id, int64_t now) {
  return db_->Write([&](Connection& db) {
    return RunChanging(db, "UPDATE auth_tokens SET revoked_time = COALESCE(revoked_time, ?) WHERE token_id = ?",
                       {now, token_id}, NotFound(fmt::format("Access token '{}' not found.", token_id)));
  });
}

Status SqlAuthStore::TouchToken(const std::string& token_id, int64_t now) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE auth_tokens SET last_used_time = ? WHERE token_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({now, token_id}));
    return stmt->Run();
  });
}

// --- sessions --------------------------------------------------------------

Status SqlAuthStore::CreateSession(const auth::Session& s) {
  return db_->Write([&](Connection& db) -> Status {
    // Expired sessions are swept here, so the table stays small without a
    // background job.
    CAIRN_ASSIGN_OR_RETURN(auto sweep, db.Prepare("DELETE FROM auth_sessions WHERE expires_time <= ?"));
    CAIRN_RETURN_IF_ERROR(sweep->BindInt64(1, s.created_time));
    CAIRN_RETURN_IF_ERROR(sweep->Run());
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO auth_sessions (session_hash, user_id, csrf_token, "
                                                 "created_time, expires_time) VALUES (?, ?, ?, ?, ?)"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({s.session_hash, s.user_id, s.csrf_token, s.created_time, s.expires_time}));
    return stmt->Run();
  });
}

Result<auth::Session> SqlAuthStore::FindSession(const std::string& session_hash) {
  auth::Session session;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT session_hash, user_id, csrf_token, created_time, "
                                                 "expires_time FROM auth_sessions WHERE session_hash = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, session_hash));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFound("Session not found.");
    session = auth::Session{stmt->ColumnText(0), stmt->ColumnInt64(1), stmt->ColumnText(2), stmt->ColumnInt64(3),
                            stmt->ColumnInt64(4)};
    return Status::Ok();
  }));
  return session;
}

Status SqlAuthStore::DeleteSession(const std::string& session_hash) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM auth_sessions WHERE session_hash = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, session_hash));
    return stmt->Run();
  });
}

// --- permissions -----------------------------------------------------------

Status SqlAuthStore::CreatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                                         Permission permission) {
  auto [table, column] = PermissionTable(kind);
  const std::string sql = fmt::format("INSERT INTO {} ({}, user_id, permission) VALUES (?, ?, ?)", table, column);
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({resource, user_id, std::string(auth::PermissionName(permission))}));
    Status s = stmt->Run();
    if (s.code() == StatusCode::kAlreadyExists) {
      return AlreadyExists(fmt::format("A permission for this user on {} already exists.", ResourceLabel(kind, resource)));
    }
    return s;
  });
}

Result<Permission> SqlAuthStore::GetPermission(ResourceKind kind, const std::string& resource, int64_t user_id) {
  auto [table, column] = PermissionTable(kind);
  const std::string sql = fmt::format("SELECT permission FROM {} WHERE {} = ? AND user_id = ?", table, column);
  Permission permission = Permission::kNoPermissions;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({resource, user_id}));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return NotFound(fmt::format("No permission for this user on {}.", ResourceLabel(kind, resource)));
    permission = auth::ParsePermission(stmt->ColumnTextView(0)).value_or(Permission::kNoPermissions);
    return Status::Ok();
  }));
  return permission;
}

Status SqlAuthStore::UpdatePermission(ResourceKind kind, const std::string& resource, int64_t user_id,
                                         Permission permission) {
  auto [table, column] = PermissionTable(kind);
  const std::string sql = fmt::format("UPDATE {} SET permission = ? WHERE {} = ? AND user_id = ?", table, column);
  return db_->Write([&](Connection& db) {
    return RunChanging(db, sql, {std::string(auth::PermissionName(permission)), resource, user_id},
                       NotFound(fmt::format("No permission for this user on {}.", ResourceLabel(kind, resource))));
  });
}

Status SqlAuthStore::DeletePermission(ResourceKind kind, const std::string& resource, int64_t user_id) {
  auto [table, column] = PermissionTable(kind);
  const std::string sql = fmt::format("DELETE FROM {} WHERE {} = ? AND user_id = ?", table, column);
  return db_->Write([&](Connection& db) {
    return RunChanging(db, sql, {resource, user_id},
                       NotFound(fmt::format("No permission for this user on {}.", ResourceLabel(kind, resource))));
  });
}

Status SqlAuthStore::RenameResource(ResourceKind kind, const std::string& from, const std::string& to) {
  auto [table, column] = PermissionTable(kind);
  const std::string sql = fmt::format("UPDATE {} SET {} = ? WHERE {} = ?", table, column, column);
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({to, from}));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    CAIRN_ASSIGN_OR_RETURN(auto ws, db.Prepare("UPDATE auth_workspace_resources SET resource_id = ? WHERE kind = ? "
                                               "AND resource_id = ?"));
    CAIRN_RETURN_IF_ERROR(ws->BindAll({to, std::string(auth::ResourceKindName(kind)), from}));
    return ws->Run();
  });
}

Status SqlAuthStore::ForgetResource(ResourceKind kind, const std::string& resource) {
  auto [table, column] = PermissionTable(kind);
  const std::string sql = fmt::format("DELETE FROM {} WHERE {} = ?", table, column);
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, resource));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    CAIRN_ASSIGN_OR_RETURN(auto ws, db.Prepare("DELETE FROM auth_workspace_resources WHERE kind = ? AND "
                                               "resource_id = ?"));
    CAIRN_RETURN_IF_ERROR(ws->BindAll({std::string(auth::ResourceKindName(kind)), resource}));
    return ws->Run();
  });
}

// --- workspaces ------------------------------------------------------------

Status SqlAuthStore::CreateWorkspace(const auth::Workspace& w) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO auth_workspaces (name, description, created_time) "
                                                 "VALUES (?, ?, ?)"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({w.name, w.description, w.created_time}));
    Status s = stmt->Run();
    if (s.code() == StatusCode::kAlreadyExists) return AlreadyExists(fmt::format("Workspace '{}' already exists.", w.name));
    return s;
  });
}

Result<std::vector<auth::Workspace>> SqlAuthStore::ListWorkspaces() {
  std::vector<auth::Workspace> out;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT name, description, created_time FROM auth_workspaces "
                                                 "ORDER BY name"));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      out.push_back({stmt->ColumnText(0), stmt->ColumnText(1), stmt->ColumnInt64(2)});
    }
    return Status::Ok();
  }));
  return out;
}

Status SqlAuthStore::DeleteWorkspace(const std::string& name) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(RunChanging(db, "DELETE FROM auth_workspaces WHERE name = ?", {name},
                                      NotFound(fmt::format("Workspace '{}' not found.", name))));
    // Members go; resources stay assigned to the (now missing) workspace,
    // so they remain unreachable to non-admins rather than becoming public.
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM auth_workspace_members WHERE workspace = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
    return stmt->Run();
  });
}

Status SqlAuthStore::SetMember(const std::string& workspace, int64_t user_id, Permission role) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto exists, db.Prepare("SELECT 1 FROM auth_workspaces WHERE name = ?"));
    CAIRN_RETURN_IF_ERROR(exists->BindText(1, workspace));
    CAIRN_ASSIGN_OR_RETURN(bool found, exists->Step());
    if (!found) return NotFound(fmt::format("Workspace '{}' not found.", workspace));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO auth_workspace_members (workspace, user_id, role) "
                                                 "VALUES (?, ?, ?) ON CONFLICT (workspace, user_id) DO UPDATE SET "
                                                 "role = excluded.role"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({workspace, user_id, std::string(auth::PermissionName(role))}));
    return stmt->Run();
  });
}

Status SqlAuthStore::RemoveMember(const std::string& workspace, int64_t user_id) {
  return db_->Write([&](Connection& db) {
    return RunChanging(db, "DELETE FROM auth_workspace_members WHERE workspace = ? AND user_id = ?",
                       {workspace, user_id}, NotFound("This user is not a member of the workspace."));
  });
}

Result<std::vector<auth::WorkspaceMember>> SqlAuthStore::ListMembers(const std::string& workspace) {
  std::vector<auth::WorkspaceMember> out;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT m.workspace, m.user_id, u.username, m.role FROM "
                                                 "auth_workspace_members m JOIN auth_users u ON u.id = m.user_id "
                                                 "WHERE m.workspace = ? ORDER BY u.username"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, workspace));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      out.push_back({stmt->ColumnText(0), stmt->ColumnInt64(1), stmt->ColumnText(2),
                     auth::ParsePermission(stmt->ColumnTextView(3)).value_or(Permission::kRead)});
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<Permission>> SqlAuthStore::MemberRole(const std::string& workspace, int64_t user_id) {
  std::optional<Permission> role;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT role FROM auth_workspace_members WHERE workspace = ? AND "
                                                 "user_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({workspace, user_id}));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (found) role = auth::ParsePermission(stmt->ColumnTextView(0)).value_or(Permission::kRead);
    return Status::Ok();
  }));
  return role;
}

Status SqlAuthStore::AssignResource(ResourceKind kind, const std::string& resource, const std::string& workspace) {
  return db_->Write([&](Connection& db) -> Status {
    if (workspace.empty()) {
      CAIRN_ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM auth_workspace_resources WHERE kind = ? AND "
                                                  "resource_id = ?"));
      CAIRN_RETURN_IF_ERROR(del->BindAll({std::string(auth::ResourceKindName(kind)), resource}));
      return del->Run();
    }
    CAIRN_ASSIGN_OR_RETURN(auto exists, db.Prepare("SELECT 1 FROM auth_workspaces WHERE name = ?"));
    CAIRN_RETURN_IF_ERROR(exists->BindText(1, workspace));
    CAIRN_ASSIGN_OR_RETURN(bool found, exists->Step());
    if (!found) return NotFound(fmt::format("Workspace '{}' not found.", workspace));
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO auth_workspace_resources (kind, resource_id, workspace) "
                                                 "VALUES (?, ?, ?) ON CONFLICT (kind, resource_id) DO UPDATE SET "
                                                 "workspace = excluded.workspace"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({std::string(auth::ResourceKindName(kind)), resource, workspace}));
    return stmt->Run();
  });
}

Result<std::string> SqlAuthStore::ResourceWorkspace(ResourceKind kind, const std::string& resource) {
  std::string workspace;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT workspace FROM auth_workspace_resources WHERE kind = ? AND "
                                                 "resource_id = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({std::string(auth::ResourceKindName(kind)), resource}));
    CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (found) workspace = stmt->ColumnText(0);
    return Status::Ok();
  }));
  return workspace;
}

// --- audit -----------------------------------------------------------------

Status SqlAuthStore::AppendAudit(const AuditEvent& e) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO auth_audit (time, username, client, action, target, "
                                                 "outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({e.time, e.username, e.client, e.action, e.target, e.outcome, e.detail}));
    return stmt->Run();
  });
}

Result<std::vector<AuditEvent>> SqlAuthStore::ListAudit(int64_t after_id, int max) {
  std::vector<AuditEvent> out;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT id, time, username, client, action, target, outcome, detail "
                                                 "FROM auth_audit WHERE id > ? ORDER BY id LIMIT ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({after_id, int64_t{max}}));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      out.push_back({stmt->ColumnInt64(0), stmt->ColumnInt64(1), stmt->ColumnText(2), stmt->ColumnText(3),
                     stmt->ColumnText(4), stmt->ColumnText(5), stmt->ColumnText(6), stmt->ColumnText(7)});
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace cairn::store::sql
