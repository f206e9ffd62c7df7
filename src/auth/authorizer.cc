#include "auth/authorizer.h"

#include <fmt/format.h>

namespace cairn::auth {

Result<Permission> Authorizer::Effective(const Identity& identity, ResourceKind kind, const std::string& resource) {
  if (!identity.authenticated()) return Permission::kNoPermissions;
  if (identity.is_admin()) return Permission::kManage;
  CAIRN_ASSIGN_OR_RETURN(std::string workspace, store_.ResourceWorkspace(kind, resource));
  const std::string bound = identity.workspace();
  if (!bound.empty() && bound != workspace) return Permission::kNoPermissions;
  std::optional<Permission> role;
  if (!workspace.empty()) {
    if (identity.user.is_admin) {
      role = Permission::kManage;  // an admin's token bound to this workspace
    } else {
      CAIRN_ASSIGN_OR_RETURN(role, store_.MemberRole(workspace, identity.user.id));
      if (!role) return Permission::kNoPermissions;
    }
  }
  if (identity.is_task()) {
    if (kind == ResourceKind::kExperiment) {
      return resource == identity.token->scope_experiment_id ? Permission::kRead : Permission::kNoPermissions;
    }
    return Permission::kNoPermissions;
  }
  auto explicit_permission = store_.GetPermission(kind, resource, identity.user.id);
  if (explicit_permission.ok()) return *explicit_permission;
  if (explicit_permission.status().code() != StatusCode::kNotFound) return explicit_permission.status();
  if (role) return *role;
  return default_;
}

Result<std::string> Authorizer::WorkspaceForNew(const Identity& identity, const std::string& requested) {
  const std::string bound = identity.workspace();
  if (!bound.empty()) {
    if (!requested.empty() && requested != bound) {
      return Status(StatusCode::kPermissionDenied,
                    fmt::format("This token is bound to workspace '{}' and cannot create in '{}'.", bound, requested));
    }
    return bound;
  }
  if (requested.empty()) return std::string();
  if (identity.is_admin()) return requested;
  CAIRN_ASSIGN_OR_RETURN(auto role, store_.MemberRole(requested, identity.user.id));
  if (!role || *role < Permission::kEdit) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("Permission denied: creating in workspace '{}' needs the EDIT role there.", requested));
  }
  return requested;
}

}  // namespace cairn::auth
