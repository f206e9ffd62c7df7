#include "frontends/auth/auth_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <utility>

#include "base/json_writer.h"
#include "frontends/http/request_params.h"
#include "frontends/http/status_mapping.h"

namespace cairn::frontends {
namespace {

using auth::Identity;
using auth::Permission;
using auth::ResourceKind;
using auth::User;

Status Denied(std::string message) { return Status(StatusCode::kPermissionDenied, std::move(message)); }

// Names users can type, log and put in URLs; no control characters or
// separators that would make audit rows ambiguous.
Status ValidateName(std::string_view what, const std::string& name) {
  if (name.empty() || name.size() > 128) return InvalidArgument(fmt::format("The {} must have 1 to 128 characters.", what));
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ':' || c == '/' || c == '\\') {
      return InvalidArgument(fmt::format("The {} must not contain control characters, ':', '/' or '\\'.", what));
    }
  }
  return Status::Ok();
}

void WriteUser(JsonWriter& w, const User& user) {
  w.StartObject().Field("id", user.id).Field("username", user.username).Field("is_admin", user.is_admin);
  // Only the limits set for this user; the others are the server's.
  const auth::UserLimits& limits = user.limits;
  w.Key("limits").StartObject();
  if (limits.max_request_bytes) w.Field("max_request_bytes", *limits.max_request_bytes);
  if (limits.max_upload_bytes) w.Field("max_upload_bytes", *limits.max_upload_bytes);
  if (limits.requests_per_second) w.DoubleField("requests_per_second", *limits.requests_per_second);
  w.EndObject().EndObject();
}

// The bounds of per-user limits: a body held in memory stays under 1 GiB.
constexpr int64_t kMaxRequestBytesLimit = int64_t{1} << 30;
constexpr int64_t kMaxUploadBytesLimit = int64_t{1} << 50;
constexpr double kMaxRequestsPerSecond = 1e6;

Result<std::optional<int64_t>> ByteLimitParam(const RequestParams& p, std::string_view key, int64_t most) {
  CAIRN_ASSIGN_OR_RETURN(auto value, p.GetInt64(key));
  if (value && (*value < 1 || *value > most)) {
    return InvalidArgument(fmt::format("'{}' must be between 1 and {} bytes, or left out for the server's default "
                                       "(got {}).", key, most, *value));
  }
  return value;
}

std::string UserJson(const User& user) {
  JsonWriter w;
  w.StartObject().Key("user");
  WriteUser(w, user);
  w.EndObject();
  return w.str();
}

void WriteToken(JsonWriter& w, const auth::AccessToken& t) {
  w.StartObject().Field("token_id", t.token_id).Field("name", t.name).Field("created_time", t.created_time);
  if (t.expires_time) w.Field("expires_time", *t.expires_time);
  if (t.revoked_time) w.Field("revoked_time", *t.revoked_time);
  if (t.last_used_time) w.Field("last_used_time", *t.last_used_time);
  w.FieldIfNotEmpty("workspace", t.workspace);
  w.EndObject();
}

// The contract with the web UI: {"user":{"username","is_admin"},"csrf_token","auth_enabled":true}.
std::string SessionJson(const User& user, const std::string& csrf) {
  JsonWriter w;
  w.StartObject().Key("user").StartObject().Field("username", user.username).Field("is_admin", user.is_admin).EndObject();
  w.Field("csrf_token", csrf).Field("auth_enabled", true).EndObject();
  return w.str();
}

class AuthApi {
 public:
  explicit AuthApi(AuthApiDeps deps) : d_(std::move(deps)) {}

  static void Register(Router& router, const std::shared_ptr<AuthApi>& self) {
    auto add = [&](std::string_view method, std::string_view path,
                   Result<HttpResponse> (AuthApi::*fn)(const RequestParams&, const HttpRequest&)) {
      for (std::string_view prefix : {"/api/2.0", "/ajax-api/2.0"}) {
        router.Add(Route{std::string(method), fmt::format("{}{}", prefix, path), false, false,
                         [self, fn](HttpRequest& request) -> HttpResponse {
                           // A POST without a body (logout) has nothing to parse:
                           // read it like a GET (query string only).
                           HttpRequest query_only;
                           const bool empty = request.body.empty();
                           if (empty) {
                             query_only.method = "GET";
                             query_only.query = request.query;
                           }
                           auto params = RequestParams::FromRequest(empty ? query_only : request);
                           if (!params.ok()) return ErrorResponse(params.status());
                           try {
                             auto response = ((*self).*fn)(*params, request);
                             if (!response.ok()) {
                               if (response.status().code() == StatusCode::kPermissionDenied) {
                                 return PermissionDeniedResponse(response.status().message());
                               }
                               return ErrorResponse(response.status());
                             }
                             return std::move(*response);
                           } catch (const std::exception& e) {
                             return ErrorResponse(Internal("internal error", e.what()));
                           }
                         }});
      }
    };
    add("POST", "/mlflow/users/create", &AuthApi::CreateUser);
    add("GET", "/mlflow/users/get", &AuthApi::GetUser);
    add("PATCH", "/mlflow/users/update-password", &AuthApi::UpdatePassword);
    add("PATCH", "/mlflow/users/update-admin", &AuthApi::UpdateAdmin);
    add("DELETE", "/mlflow/users/delete", &AuthApi::DeleteUser);
    add("PATCH", "/cairn/auth/users/update-limits", &AuthApi::UpdateLimits);
    add("POST", "/mlflow/experiments/permissions/create", &AuthApi::CreateExperimentPermission);
    add("GET", "/mlflow/experiments/permissions/get", &AuthApi::GetExperimentPermission);
    add("PATCH", "/mlflow/experiments/permissions/update", &AuthApi::UpdateExperimentPermission);
    add("DELETE", "/mlflow/experiments/permissions/delete", &AuthApi::DeleteExperimentPermission);
    add("POST", "/mlflow/registered-models/permissions/create", &AuthApi::CreateModelPermission);
    add("GET", "/mlflow/registered-models/permissions/get", &AuthApi::GetModelPermission);
    add("PATCH", "/mlflow/registered-models/permissions/update", &AuthApi::UpdateModelPermission);
    add("DELETE", "/mlflow/registered-models/permissions/delete", &AuthApi::DeleteModelPermission);
    add("POST", "/cairn/auth/login", &AuthApi::Login);
    add("POST", "/cairn/auth/logout", &AuthApi::Logout);
    add("GET", "/cairn/auth/me", &AuthApi::MeEndpoint);
    add("GET", "/cairn/auth/users/list", &AuthApi::ListUsers);
    add("POST", "/cairn/auth/tokens/create", &AuthApi::CreateToken);
    add("GET", "/cairn/auth/tokens/list", &AuthApi::ListTokens);
    add("POST", "/cairn/auth/tokens/revoke", &AuthApi::RevokeToken);
    add("POST", "/cairn/auth/workspaces/create", &AuthApi::CreateWorkspace);
    add("GET", "/cairn/auth/workspaces/list", &AuthApi::ListWorkspaces);
    add("POST", "/cairn/auth/workspaces/delete", &AuthApi::DeleteWorkspace);
    add("POST", "/cairn/auth/workspaces/members/set", &AuthApi::SetMember);
    add("POST", "/cairn/auth/workspaces/members/remove", &AuthApi::RemoveMember);
    add("GET", "/cairn/auth/workspaces/members/list", &AuthApi::ListMembers);
    add("POST", "/cairn/auth/workspaces/assign", &AuthApi::AssignToWorkspace);
    add("GET", "/cairn/auth/audit", &AuthApi::ListAuditEvents);
  }

 private:
  const Identity& Me() const { return CurrentIdentity(); }

  Status RequireLogin() const {
    if (!Me().authenticated()) return Status(StatusCode::kUnauthenticated, "Authentication required.");
    return Status::Ok();
  }
  Status RequireAdmin() const {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    if (!Me().is_admin()) return Denied("Permission denied: only admins may do this.");
    return Status::Ok();
  }
  // Admins, or the user themself (with unrestricted credentials).
  Status RequireAdminOrSelf(const std::string& username) const {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    if (Me().is_admin()) return Status::Ok();
    if (Me().user.username == username && !Me().is_task() && Me().workspace().empty()) return Status::Ok();
    return Denied("Permission denied: only admins may do this for another user.");
  }
  void Audit(const HttpRequest& request, const std::string& action, const std::string& target,
             const Status& outcome) const {
    d_.layer.audit->Record(Me().user.username, request.peer, action, target,
                           outcome.ok() ? "ok" : outcome.code() == StatusCode::kPermissionDenied ? "denied" : "failed",
                           outcome.ok() ? "" : outcome.message());
  }

  // --- users ---------------------------------------------------------------

  Result<HttpResponse> CreateUser(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    Status s = [&]() -> Status {
      CAIRN_RETURN_IF_ERROR(RequireAdmin());
      CAIRN_RETURN_IF_ERROR(ValidateName("username", username));
      return Status::Ok();
    }();
    if (!s.ok()) {
      Audit(request, "create user", username, s);
      return s;
    }
    CAIRN_ASSIGN_OR_RETURN(std::string password, p.RequireString("password"));
    CAIRN_RETURN_IF_ERROR(auth::ValidateNewPassword(password));
    CAIRN_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password, d_.layer.authenticator->options().hashing));
    auto user = d_.layer.store->CreateUser(username, hash, false, NowMillis());
    Audit(request, "create user", username, user.status());
    if (!user.ok()) return user.status();
    return HttpResponse::Json(UserJson(*user));
  }

  Result<HttpResponse> GetUser(const RequestParams& p, const HttpRequest&) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    CAIRN_RETURN_IF_ERROR(RequireAdminOrSelf(username));
    CAIRN_ASSIGN_OR_RETURN(User user, d_.layer.store->GetUser(username));
    return HttpResponse::Json(UserJson(user));
  }

  Result<HttpResponse> UpdatePassword(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    Status allowed = RequireAdminOrSelf(username);
    if (!allowed.ok()) {
      Audit(request, "update password", username, allowed);
      return allowed;
    }
    CAIRN_ASSIGN_OR_RETURN(std::string password, p.RequireString("password"));
    CAIRN_RETURN_IF_ERROR(auth::ValidateNewPassword(password));
    CAIRN_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(password, d_.layer.authenticator->options().hashing));
    Status s = d_.layer.store->UpdatePassword(username, hash);
    d_.layer.authenticator->InvalidateCache();
    Audit(request, "update password", username, s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> UpdateAdmin(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    CAIRN_ASSIGN_OR_RETURN(auto is_admin, p.GetBool("is_admin"));
    Status s = RequireAdmin();
    if (s.ok() && !is_admin) s = RequestParams::Missing("is_admin");
    if (s.ok() && !*is_admin && username == Me().user.username) {
      s = InvalidArgument("Admins cannot remove their own admin status (another admin can).");
    }
    if (s.ok()) s = d_.layer.store->UpdateAdmin(username, *is_admin);
    Audit(request, fmt::format("update admin={}", is_admin && *is_admin), username, s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  // Replaces the user's own limits; a limit left out is the server's default.
  Result<HttpResponse> UpdateLimits(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    auto limits = [&]() -> Result<auth::UserLimits> {
      CAIRN_RETURN_IF_ERROR(RequireAdmin());
      auth::UserLimits out;
      CAIRN_ASSIGN_OR_RETURN(out.max_request_bytes, ByteLimitParam(p, "max_request_bytes", kMaxRequestBytesLimit));
      CAIRN_ASSIGN_OR_RETURN(out.max_upload_bytes, ByteLimitParam(p, "max_upload_bytes", kMaxUploadBytesLimit));
      CAIRN_ASSIGN_OR_RETURN(out.requests_per_second, p.GetDouble("requests_per_second"));
      if (const auto& rate = out.requests_per_second; rate && !(*rate >= 0 && *rate <= kMaxRequestsPerSecond)) {
        return InvalidArgument(fmt::format("'requests_per_second' must be between 0 (unlimited) and {:g}, or left "
                                           "out for the server's default.", kMaxRequestsPerSecond));
      }
      return out;
    }();
    Status s = limits.status();
    if (s.ok()) s = d_.layer.store->UpdateLimits(username, *limits);
    Audit(request, "update limits", username, s);
    CAIRN_RETURN_IF_ERROR(s);
    CAIRN_ASSIGN_OR_RETURN(User user, d_.layer.store->GetUser(username));
    return HttpResponse::Json(UserJson(user));
  }

  Result<HttpResponse> DeleteUser(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    Status s = RequireAdmin();
    if (s.ok() && username == Me().user.username) s = InvalidArgument("Admins cannot delete themselves.");
    if (s.ok()) s = d_.layer.store->DeleteUser(username);
    d_.layer.authenticator->InvalidateCache();
    Audit(request, "delete user", username, s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> ListUsers(const RequestParams&, const HttpRequest&) {
    CAIRN_RETURN_IF_ERROR(RequireAdmin());
    CAIRN_ASSIGN_OR_RETURN(auto users, d_.layer.store->ListUsers());
    JsonWriter w;
    w.StartObject().Key("users").StartArray();
    for (const User& u : users) WriteUser(w, u);
    w.EndArray().EndObject();
    return HttpResponse::Json(w.str());
  }

  // --- permissions (MLflow: managing them needs MANAGE on the resource) ---

  Result<std::pair<std::string, User>> PermissionTarget(ResourceKind kind, const RequestParams& p) {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    CAIRN_ASSIGN_OR_RETURN(std::string resource,
                           p.RequireString(kind == ResourceKind::kExperiment ? "experiment_id" : "name"));
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    CAIRN_ASSIGN_OR_RETURN(Permission mine, d_.layer.authorizer->Effective(Me(), kind, resource));
    if (!auth::Allows(mine, auth::Need::kManage)) {
      return Denied(fmt::format("Permission denied: managing permissions on {} '{}' needs MANAGE.",
                                kind == ResourceKind::kExperiment ? "experiment" : "registered model", resource));
    }
    CAIRN_ASSIGN_OR_RETURN(User user, d_.layer.store->GetUser(username));
    return std::make_pair(std::move(resource), std::move(user));
  }

  static Result<Permission> PermissionParam(const RequestParams& p) {
    CAIRN_ASSIGN_OR_RETURN(std::string name, p.RequireString("permission"));
    auto permission = auth::ParsePermission(name);
    if (!permission) {
      return InvalidArgument(fmt::format("Invalid permission '{}'; use READ, EDIT, MANAGE or NO_PERMISSIONS.", name));
    }
    return *permission;
  }

  static std::string PermissionJson(ResourceKind kind, const std::string& resource, const User& user,
                                    Permission permission) {
    JsonWriter w;
    w.StartObject().Key(kind == ResourceKind::kExperiment ? "experiment_permission" : "registered_model_permission");
    w.StartObject().Field(kind == ResourceKind::kExperiment ? "experiment_id" : "name", resource);
    w.Field("user_id", user.id).Field("permission", auth::PermissionName(permission)).EndObject().EndObject();
    return w.str();
  }

  Result<HttpResponse> ChangePermission(ResourceKind kind, const RequestParams& p, const HttpRequest& request,
                                        std::string_view verb) {
    auto target = PermissionTarget(kind, p);
    std::string label = fmt::format("{} permission", auth::ResourceKindName(kind));
    if (!target.ok()) {
      Audit(request, fmt::format("{} {}", verb, label), "", target.status());
      return target.status();
    }
    auto& [resource, user] = *target;
    const std::string what = fmt::format("{} {} for {}", auth::ResourceKindName(kind), resource, user.username);
    Status s;
    std::optional<Permission> permission;
    if (verb != "delete") {
      CAIRN_ASSIGN_OR_RETURN(permission, PermissionParam(p));
      s = verb == "create" ? d_.layer.store->CreatePermission(kind, resource, user.id, *permission)
                           : d_.layer.store->UpdatePermission(kind, resource, user.id, *permission);
    } else {
      s = d_.layer.store->DeletePermission(kind, resource, user.id);
    }
    Audit(request, fmt::format("{} {}{}", verb, label, permission ? " " + std::string(auth::PermissionName(*permission)) : ""),
          what, s);
    CAIRN_RETURN_IF_ERROR(s);
    if (verb == "create") return HttpResponse::Json(PermissionJson(kind, resource, user, *permission));
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> GetPermission(ResourceKind kind, const RequestParams& p) {
    CAIRN_ASSIGN_OR_RETURN(auto target, PermissionTarget(kind, p));
    CAIRN_ASSIGN_OR_RETURN(Permission permission, d_.layer.store->GetPermission(kind, target.first, target.second.id));
    return HttpResponse::Json(PermissionJson(kind, target.first, target.second, permission));
  }

  Result<HttpResponse> CreateExperimentPermission(const RequestParams& p, const HttpRequest& r) {
    return ChangePermission(ResourceKind::kExperiment, p, r, "create");
  }
  Result<HttpResponse> GetExperimentPermission(const RequestParams& p, const HttpRequest&) {
    return GetPermission(ResourceKind::kExperiment, p);
  }
  Result<HttpResponse> UpdateExperimentPermission(const RequestParams& p, const HttpRequest& r) {
    return ChangePermission(ResourceKind::kExperiment, p, r, "update");
  }
  Result<HttpResponse> DeleteExperimentPermission(const RequestParams& p, const HttpRequest& r) {
    return ChangePermission(ResourceKind::kExperiment, p, r, "delete");
  }
  Result<HttpResponse> CreateModelPermission(const RequestParams& p, const HttpRequest& r) {
    return ChangePermission(ResourceKind::kRegisteredModel, p, r, "create");
  }
  Result<HttpResponse> GetModelPermission(const RequestParams& p, const HttpRequest&) {
    return GetPermission(ResourceKind::kRegisteredModel, p);
  }
  Result<HttpResponse> UpdateModelPermission(const RequestParams& p, const HttpRequest& r) {
    return ChangePermission(ResourceKind::kRegisteredModel, p, r, "update");
  }
  Result<HttpResponse> DeleteModelPermission(const RequestParams& p, const HttpRequest& r) {
    return ChangePermission(ResourceKind::kRegisteredModel, p, r, "delete");
  }

  // --- sessions (the web UI) -----------------------------------------------

  std::string Cookie(const std::string& value, bool clear) const {
    std::string cookie = fmt::format("{}={}; HttpOnly; SameSite=Strict; Path=/", auth::kSessionCookie, value);
    if (clear) cookie += "; Max-Age=0";
    if (d_.secure_cookie) cookie += "; Secure";
    return cookie;
  }

  Result<HttpResponse> Login(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    CAIRN_ASSIGN_OR_RETURN(auto password, p.GetString("password"));
    auth::AuthFailure failure;
    auto user = d_.layer.authenticator->CheckPassword(username, password.value_or(""), request.peer, &failure);
    if (!user.ok()) {
      d_.layer.audit->Record(username, request.peer, "login", username,
                             user.status().code() == StatusCode::kResourceExhausted ? "denied" : "failed",
                             user.status().message());
      if (user.status().code() == StatusCode::kResourceExhausted) {
        return TooManyRequestsResponse(user.status().message(), failure.retry_after_ms);
      }
      if (user.status().code() == StatusCode::kUnauthenticated) {
        return UnauthenticatedResponse(user.status().message(), false);
      }
      return user.status();
    }
    CAIRN_ASSIGN_OR_RETURN(auto session, d_.layer.authenticator->CreateSession(*user));
    d_.layer.audit->Record(username, request.peer, "login", username, "ok");
    HttpResponse response = HttpResponse::Json(SessionJson(*user, session.csrf_token));
    response.headers.emplace_back("Set-Cookie", Cookie(session.cookie_value, false));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }

  Result<HttpResponse> Logout(const RequestParams&, const HttpRequest& request) {
    if (!Me().session_hash.empty()) {
      CAIRN_RETURN_IF_ERROR(d_.layer.authenticator->EndSession(Me().session_hash));
      d_.layer.audit->Record(Me().user.username, request.peer, "logout", Me().user.username, "ok");
    }
    HttpResponse response = HttpResponse::Json("{}");
    response.headers.emplace_back("Set-Cookie", Cookie("", true));
    return response;
  }

  Result<HttpResponse> MeEndpoint(const RequestParams&, const HttpRequest&) {
    if (!Me().authenticated()) {
      return UnauthenticatedResponse("Not logged in.", false);
    }
    HttpResponse response = HttpResponse::Json(SessionJson(Me().user, Me().csrf_token));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }

  // --- personal access tokens ----------------------------------------------

  Result<HttpResponse> CreateToken(const RequestParams& p, const HttpRequest& request) {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    if (Me().via == Identity::Via::kToken) {
      // A leaked token must not mint longer-lived ones.
      return Denied("Permission denied: create tokens with your password or a UI session, not with a token.");
    }
    CAIRN_ASSIGN_OR_RETURN(auto name, p.GetString("name"));
    CAIRN_ASSIGN_OR_RETURN(auto ttl_s, p.GetInt64("expires_in_seconds"));
    CAIRN_ASSIGN_OR_RETURN(auto workspace, p.GetString("workspace"));
    if (ttl_s && *ttl_s <= 0) return InvalidArgument("expires_in_seconds must be > 0.");
    std::string ws = workspace.value_or("");
    if (!ws.empty() && !Me().is_admin()) {
      CAIRN_ASSIGN_OR_RETURN(auto role, d_.layer.store->MemberRole(ws, Me().user.id));
      if (!role) return Denied(fmt::format("Permission denied: you are not a member of workspace '{}'.", ws));
    }
    int64_t ttl_ms = ttl_s ? (*ttl_s > INT64_MAX / 1000 ? INT64_MAX : *ttl_s * 1000) : 0;
    auto created = d_.layer.authenticator->CreatePersonalToken(Me().user, name.value_or("").substr(0, 200), ttl_ms, ws);
    Audit(request, "create token", created.ok() ? created->second.token_id : "", created.status());
    if (!created.ok()) return created.status();
    JsonWriter w;
    w.StartObject().Field("token", created->first.token).Key("token_info");
    WriteToken(w, created->second);
    w.EndObject();
    HttpResponse response = HttpResponse::Json(w.str());
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }

  Result<HttpResponse> ListTokens(const RequestParams& p, const HttpRequest&) {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    CAIRN_ASSIGN_OR_RETURN(auto username, p.GetString("username"));
    User user = Me().user;
    if (username && *username != user.username) {
      CAIRN_RETURN_IF_ERROR(RequireAdmin());
      CAIRN_ASSIGN_OR_RETURN(user, d_.layer.store->GetUser(*username));
    }
    CAIRN_ASSIGN_OR_RETURN(auto tokens, d_.layer.store->ListTokens(user.id));
    JsonWriter w;
    w.StartObject().Key("tokens").StartArray();
    for (const auto& t : tokens) WriteToken(w, t);
    w.EndArray().EndObject();
    return HttpResponse::Json(w.str());
  }

  Result<HttpResponse> RevokeToken(const RequestParams& p, const HttpRequest& request) {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    CAIRN_ASSIGN_OR_RETURN(std::string token_id, p.RequireString("token_id"));
    Status s = [&]() -> Status {
      CAIRN_ASSIGN_OR_RETURN(auto token, d_.layer.store->GetToken(token_id));
      if (token.user_id != Me().user.id && !Me().is_admin()) {
        // Same answer as a missing token: ids of others' tokens are not revealed.
        return NotFound(fmt::format("Access token '{}' not found.", token_id));
      }
      return d_.layer.store->RevokeToken(token_id, NowMillis());
    }();
    Audit(request, "revoke token", token_id, s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  // --- workspaces ----------------------------------------------------------

  Status RequireWorkspaceManager(const std::string& workspace) const {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    if (Me().is_admin()) return Status::Ok();
    CAIRN_ASSIGN_OR_RETURN(auto role, d_.layer.store->MemberRole(workspace, Me().user.id));
    if (role && *role == Permission::kManage && (Me().workspace().empty() || Me().workspace() == workspace)) {
      return Status::Ok();
    }
    return Denied(fmt::format("Permission denied: managing workspace '{}' needs its MANAGE role.", workspace));
  }

  Result<HttpResponse> CreateWorkspace(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string name, p.RequireString("name"));
    CAIRN_ASSIGN_OR_RETURN(auto description, p.GetString("description"));
    Status s = RequireAdmin();
    if (s.ok()) s = ValidateName("workspace name", name);
    if (s.ok()) s = d_.layer.store->CreateWorkspace({name, description.value_or(""), NowMillis()});
    Audit(request, "create workspace", name, s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> ListWorkspaces(const RequestParams&, const HttpRequest&) {
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    CAIRN_ASSIGN_OR_RETURN(auto all, d_.layer.store->ListWorkspaces());
    JsonWriter w;
    w.StartObject().Key("workspaces").StartArray();
    for (const auto& ws : all) {
      std::optional<Permission> role;
      if (!Me().is_admin()) {
        if (!Me().workspace().empty() && Me().workspace() != ws.name) continue;
        CAIRN_ASSIGN_OR_RETURN(role, d_.layer.store->MemberRole(ws.name, Me().user.id));
        if (!role) continue;
      }
      w.StartObject().Field("name", ws.name).Field("description", ws.description).Field("created_time", ws.created_time);
      if (role) w.Field("role", auth::PermissionName(*role));
      w.EndObject();
    }
    w.EndArray().EndObject();
    return HttpResponse::Json(w.str());
  }

  Result<HttpResponse> DeleteWorkspace(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string name, p.RequireString("name"));
    Status s = RequireAdmin();
    if (s.ok()) s = d_.layer.store->DeleteWorkspace(name);
    Audit(request, "delete workspace", name, s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> SetMember(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string workspace, p.RequireString("workspace"));
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    CAIRN_ASSIGN_OR_RETURN(std::string role_name, p.RequireString("role"));
    auto role = auth::ParsePermission(role_name);
    Status s = RequireWorkspaceManager(workspace);
    if (s.ok() && (!role || *role == Permission::kNoPermissions)) {
      s = InvalidArgument(fmt::format("Invalid role '{}'; use READ, EDIT or MANAGE.", role_name));
    }
    if (s.ok()) {
      auto user = d_.layer.store->GetUser(username);
      s = user.ok() ? d_.layer.store->SetMember(workspace, user->id, *role) : user.status();
    }
    Audit(request, fmt::format("set workspace member {}", role_name), fmt::format("{} in {}", username, workspace), s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> RemoveMember(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(std::string workspace, p.RequireString("workspace"));
    CAIRN_ASSIGN_OR_RETURN(std::string username, p.RequireString("username"));
    Status s = RequireWorkspaceManager(workspace);
    if (s.ok()) {
      auto user = d_.layer.store->GetUser(username);
      s = user.ok() ? d_.layer.store->RemoveMember(workspace, user->id) : user.status();
    }
    Audit(request, "remove workspace member", fmt::format("{} in {}", username, workspace), s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  Result<HttpResponse> ListMembers(const RequestParams& p, const HttpRequest&) {
    CAIRN_ASSIGN_OR_RETURN(std::string workspace, p.RequireString("workspace"));
    CAIRN_RETURN_IF_ERROR(RequireLogin());
    if (!Me().is_admin()) {
      CAIRN_ASSIGN_OR_RETURN(auto role, d_.layer.store->MemberRole(workspace, Me().user.id));
      if (!role) return Denied(fmt::format("Permission denied: you are not a member of workspace '{}'.", workspace));
    }
    CAIRN_ASSIGN_OR_RETURN(auto members, d_.layer.store->ListMembers(workspace));
    JsonWriter w;
    w.StartObject().Key("members").StartArray();
    for (const auto& m : members) {
      w.StartObject().Field("username", m.username).Field("role", auth::PermissionName(m.role)).EndObject();
    }
    w.EndArray().EndObject();
    return HttpResponse::Json(w.str());
  }

  // Moves an experiment or a registered model into a workspace ("" takes it
  // out). Needs MANAGE on the resource and the MANAGE role in the target
  // workspace (admins: always).
  Result<HttpResponse> AssignToWorkspace(const RequestParams& p, const HttpRequest& request) {
    CAIRN_ASSIGN_OR_RETURN(auto workspace, p.GetString("workspace"));
    CAIRN_ASSIGN_OR_RETURN(auto experiment_id, p.GetString("experiment_id"));
    CAIRN_ASSIGN_OR_RETURN(auto model, p.GetString("registered_model_name"));
    if (!experiment_id == !model) return InvalidArgument("Give exactly one of experiment_id or registered_model_name.");
    ResourceKind kind = experiment_id ? ResourceKind::kExperiment : ResourceKind::kRegisteredModel;
    std::string resource = experiment_id ? *experiment_id : *model;
    std::string ws = workspace.value_or("");
    Status s = [&]() -> Status {
      CAIRN_RETURN_IF_ERROR(RequireLogin());
      if (Me().is_admin()) return Status::Ok();
      CAIRN_ASSIGN_OR_RETURN(Permission mine, d_.layer.authorizer->Effective(Me(), kind, resource));
      if (mine != Permission::kManage) return Denied("Permission denied: moving a resource needs MANAGE on it.");
      if (ws.empty()) return Denied("Permission denied: only admins may take a resource out of its workspace.");
      return RequireWorkspaceManager(ws);
    }();
    if (s.ok()) s = d_.layer.store->AssignResource(kind, resource, ws);
    Audit(request, "assign to workspace " + ws, fmt::format("{} {}", auth::ResourceKindName(kind), resource), s);
    CAIRN_RETURN_IF_ERROR(s);
    return HttpResponse::Json("{}");
  }

  // --- audit ---------------------------------------------------------------

  Result<HttpResponse> ListAuditEvents(const RequestParams& p, const HttpRequest&) {
    CAIRN_RETURN_IF_ERROR(RequireAdmin());
    CAIRN_ASSIGN_OR_RETURN(auto after, p.GetInt64("after_id"));
    CAIRN_ASSIGN_OR_RETURN(auto max, p.GetInt64("max_results"));
    int limit = static_cast<int>(std::clamp<int64_t>(max.value_or(1000), 1, 10000));
    CAIRN_ASSIGN_OR_RETURN(auto events, d_.layer.store->ListAudit(after.value_or(0), limit));
    JsonWriter w;
    w.StartObject().Key("events").StartArray();
    for (const auto& e : events) {
      w.StartObject().Field("id", e.id).Field("time", e.time).Field("username", e.username).Field("client", e.client);
      w.Field("action", e.action).Field("target", e.target).Field("outcome", e.outcome).Field("detail", e.detail);
      w.EndObject();
    }
    w.EndArray().EndObject();
    return HttpResponse::Json(w.str());
  }

  int64_t NowMillis() const { return d_.clock->NowMillis(); }

  AuthApiDeps d_;
};

}  // namespace

void RegisterAuthApi(Router& router, const AuthApiDeps& deps) {
  // Shared by the handlers, so it lives as long as the router.
  AuthApi::Register(router, std::make_shared<AuthApi>(deps));
}

void RegisterAuthDisabledApi(Router& router) {
  for (std::string_view prefix : {"/api/2.0", "/ajax-api/2.0"}) {
    router.Add(Route{"GET", fmt::format("{}/cairn/auth/me", prefix), false, false, [](HttpRequest&) {
                       return HttpResponse::Json(R"({"user":null,"auth_enabled":false})");
                     }});
  }
}

}  // namespace cairn::frontends
