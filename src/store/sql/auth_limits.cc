// SqlAuthStore's shared limit state (migration 8): the token bucket per
// rate key and the failed-login state per lockout key, read and written by
// every server replica on the database (auth/shared_limits.h).
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "store/sql/auth_store.h"

namespace cairn::store::sql {
namespace {

constexpr char kFailureColumns[] = "failures, first_failure_ms, locked_until_ms, lockouts, last_ms";

auth::LoginFailures ReadFailures(const Statement& s) {
  return auth::LoginFailures{s.ColumnInt64(0), s.ColumnInt64(1), s.ColumnInt64(2), s.ColumnInt64(3),
                             s.ColumnInt64(4)};
}

}  // namespace

Result<std::vector<auth::RateBucket>> SqlAuthStore::UpdateRateBuckets(const std::vector<std::string>& keys,
                                                                       const RateBucketUpdate& update) {
  // Keys in one order in every replica, so concurrent batches on PostgreSQL
  // take their row locks in the same order and cannot deadlock.
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  std::vector<auth::RateBucket> buckets(keys.size());
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto select,
                           db.Prepare("SELECT tokens, updated_ms FROM auth_rate_buckets WHERE rate_key = ?"));
    CAIRN_ASSIGN_OR_RETURN(auto upsert, db.Prepare("INSERT INTO auth_rate_buckets (rate_key, tokens, updated_ms) "
                                                   "VALUES (?, ?, ?) ON CONFLICT (rate_key) DO UPDATE SET "
                                                   "tokens = excluded.tokens, updated_ms = excluded.updated_ms"));
    for (size_t i : order) {
      select->Reset();
      CAIRN_RETURN_IF_ERROR(select->BindText(1, keys[i]));
      CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
      std::optional<auth::RateBucket> current;
      if (found) current = auth::RateBucket{select->ColumnDouble(0), select->ColumnInt64(1)};
      buckets[i] = update(i, current);
      upsert->Reset();
      CAIRN_RETURN_IF_ERROR(upsert->BindAll({keys[i], buckets[i].tokens, buckets[i].updated_ms}));
      CAIRN_RETURN_IF_ERROR(upsert->Run());
    }
    return Status::Ok();
  }));
  return buckets;
}

Status SqlAuthStore::PruneRateBuckets(int64_t before_ms) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM auth_rate_buckets WHERE updated_ms < ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, before_ms));
    return stmt->Run();
  });
}

Result<auth::LoginFailures> SqlAuthStore::UpdateLoginFailures(const std::string& key,
                                                              const LoginFailuresUpdate& update) {
  auth::LoginFailures next;
  CAIRN_RETURN_IF_ERROR(db_->Write([&](Connection& db) -> Status {
    static const std::string select =
        fmt::format("SELECT {} FROM auth_login_failures WHERE failure_key = ?", kFailureColumns);
    std::optional<auth::LoginFailures> current;
    {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(select));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, key));
      CAIRN_ASSIGN_OR_RETURN(bool found, stmt->Step());
      if (found) current = ReadFailures(*stmt);
    }
    next = update(current);
    static const std::string upsert = fmt::format(
        "INSERT INTO auth_login_failures (failure_key, {}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (failure_key) "
        "DO UPDATE SET failures = excluded.failures, first_failure_ms = excluded.first_failure_ms, "
        "locked_until_ms = excluded.locked_until_ms, lockouts = excluded.lockouts, last_ms = excluded.last_ms",
        kFailureColumns);
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(upsert));
    CAIRN_RETURN_IF_ERROR(
        stmt->BindAll({key, next.failures, next.first_failure_ms, next.locked_until_ms, next.lockouts, next.last_ms}));
    return stmt->Run();
  }));
  return next;
}

Status SqlAuthStore::ClearLoginFailures(const std::string& key) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM auth_login_failures WHERE failure_key = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, key));
    return stmt->Run();
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> SqlAuthStore::ListLoginLocks(int64_t now, int max) {
  std::vector<std::pair<std::string, int64_t>> locks;
  CAIRN_RETURN_IF_ERROR(db_->Read([&](Connection& db) -> Status {
    locks.clear();
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT failure_key, locked_until_ms FROM auth_login_failures "
                                                 "WHERE locked_until_ms > ? ORDER BY locked_until_ms DESC LIMIT ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({now, int64_t{max}}));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      locks.emplace_back(stmt->ColumnText(0), stmt->ColumnInt64(1));
    }
    return Status::Ok();
  }));
  return locks;
}

Status SqlAuthStore::PruneLoginFailures(int64_t now, int64_t before_ms) {
  return db_->Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(auto stmt,
                           db.Prepare("DELETE FROM auth_login_failures WHERE locked_until_ms <= ? AND last_ms < ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindAll({now, before_ms}));
    return stmt->Run();
  });
}

}  // namespace cairn::store::sql
