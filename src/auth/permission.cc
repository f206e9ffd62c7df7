#include "auth/permission.h"

namespace cairn::auth {

std::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kNoPermissions: return "NO_PERMISSIONS";
    case Permission::kRead: return "READ";
    case Permission::kEdit: return "EDIT";
    case Permission::kManage: return "MANAGE";
  }
  return "NO_PERMISSIONS";
}

std::optional<Permission> ParsePermission(std::string_view name) {
  if (name == "NO_PERMISSIONS") return Permission::kNoPermissions;
  if (name == "READ") return Permission::kRead;
  if (name == "EDIT") return Permission::kEdit;
  if (name == "MANAGE") return Permission::kManage;
  return std::nullopt;
}

std::string_view NeedName(Need need) {
  switch (need) {
    case Need::kRead: return "read";
    case Need::kUpdate: return "update";
    case Need::kDelete: return "delete";
    case Need::kManage: return "manage";
  }
  return "manage";
}

bool Allows(Permission granted, Need need) {
  switch (need) {
    case Need::kRead: return granted >= Permission::kRead;
    case Need::kUpdate: return granted >= Permission::kEdit;
    case Need::kDelete:
    case Need::kManage: return granted >= Permission::kManage;
  }
  return false;
}

}  // namespace cairn::auth
