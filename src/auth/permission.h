// MLflow's permission levels (mlflow/server/auth/permissions.py), ordered so
// that a higher level includes every right of the lower ones:
//   NO_PERMISSIONS < READ (read) < EDIT (+update) < MANAGE (+delete, +manage
//   permissions). Pure values; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace cairn::auth {

enum class Permission { kNoPermissions = 0, kRead = 1, kEdit = 2, kManage = 3 };

// "NO_PERMISSIONS", "READ", "EDIT", "MANAGE".
std::string_view PermissionName(Permission permission);
// Exact MLflow spelling; nullopt otherwise.
std::optional<Permission> ParsePermission(std::string_view name);

// What an operation needs, as MLflow's can_read / can_update / can_delete /
// can_manage.
enum class Need { kRead, kUpdate, kDelete, kManage };
std::string_view NeedName(Need need);
bool Allows(Permission granted, Need need);

}  // namespace cairn::auth
