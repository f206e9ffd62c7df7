#include "store/sql/leases.h"

#include <fmt/format.h>

namespace cairn::store::sql {

LeaseSql::LeaseSql(std::string_view table, std::string_view id_column, std::string_view flag_column,
                   std::string_view terminal_states)
    : claimable_(fmt::format("state NOT IN {} AND (owner = '' OR owner = ? OR lease_expires_ms < ?)",
                             terminal_states)),
      // A finished row may be taken by anyone (to run it again).
      fence_(fmt::format("(owner = '' OR owner = ? OR state IN {})", terminal_states)),
      take_(fmt::format("UPDATE {} SET owner = ?, lease_expires_ms = ? WHERE {} = ?", table, id_column)),
      renew_(fmt::format("UPDATE {} SET lease_expires_ms = ? WHERE owner = ? AND state NOT IN {}", table,
                         terminal_states)),
      held_(fmt::format("SELECT {}, {} FROM {} WHERE owner = ? AND state NOT IN {}", id_column, flag_column, table,
                        terminal_states)),
      release_(fmt::format("UPDATE {} SET lease_expires_ms = 0 WHERE owner = ?", table)),
      owner_of_(fmt::format("SELECT owner FROM {} WHERE {} = ?", table, id_column)) {}

Status LeaseSql::Take(Connection& db, const std::string& id, const std::string& owner, int64_t expires_ms) const {
  CAIRN_ASSIGN_OR_RETURN(auto update, db.Prepare(take_));
  CAIRN_RETURN_IF_ERROR(update->BindAll({owner, expires_ms, id}));
  return update->Run();
}

Result<std::vector<HeldLease>> LeaseSql::Renew(Connection& db, const std::string& owner, int64_t expires_ms) const {
  {
    CAIRN_ASSIGN_OR_RETURN(auto renew, db.Prepare(renew_));
    CAIRN_RETURN_IF_ERROR(renew->BindAll({expires_ms, owner}));
    CAIRN_RETURN_IF_ERROR(renew->Run());
  }
  CAIRN_ASSIGN_OR_RETURN(auto list, db.Prepare(held_));
  CAIRN_RETURN_IF_ERROR(list->BindText(1, owner));
  std::vector<HeldLease> held;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, list->Step());
    if (!row) break;
    held.push_back({list->ColumnText(0), list->ColumnInt64(1) != 0});
  }
  return held;
}

Status LeaseSql::Release(Connection& db, const std::string& owner) const {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(release_));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, owner));
  return stmt->Run();
}

Result<std::optional<std::string>> LeaseSql::OwnerOf(Connection& db, const std::string& id) const {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(owner_of_));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, id));
  CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(stmt->ColumnText(0));
}

}  // namespace cairn::store::sql
