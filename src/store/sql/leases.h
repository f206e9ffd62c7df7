// The lease SQL that pipeline runs and tuning experiments share (see
// pipelines/run_state/run_store.h for the contract): each table has an
// `owner`, a `lease_expires_ms`, a `state` with terminal values, and a flag
// another replica may set for the owner to act on (cancel / stop). The
// statements are built once per table; callers run them inside their own
// Backend::Write transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "store/sql/connection.h"

namespace cairn::store::sql {

// A row `owner` still holds, and its flag column.
struct HeldLease {
  std::string id;
  bool flagged = false;
};

class LeaseSql {
 public:
  // `terminal_states`: the SQL list of finished states, "('A', 'B')".
  LeaseSql(std::string_view table, std::string_view id_column, std::string_view flag_column,
           std::string_view terminal_states);

  // WHERE condition for the rows `owner` may claim; binds (owner, now_ms).
  const std::string& claimable() const { return claimable_; }
  // WHERE condition that fences a write; binds (owner).
  const std::string& fence() const { return fence_; }

  Status Take(Connection& db, const std::string& id, const std::string& owner, int64_t expires_ms) const;
  Result<std::vector<HeldLease>> Renew(Connection& db, const std::string& owner, int64_t expires_ms) const;
  Status Release(Connection& db, const std::string& owner) const;
  // The row's owner; nullopt when there is no such row.
  Result<std::optional<std::string>> OwnerOf(Connection& db, const std::string& id) const;

 private:
  std::string claimable_;
  std::string fence_;
  std::string take_;
  std::string renew_;
  std::string held_;
  std::string release_;
  std::string owner_of_;
};

}  // namespace cairn::store::sql
