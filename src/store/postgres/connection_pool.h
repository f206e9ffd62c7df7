// ConnectionPool: PostgreSQL sessions shared by the stores' transactions.
//
// Connections open lazily up to `max_size`; Acquire blocks while all are in
// use. A connection that comes back broken or inside a transaction is
// closed instead of reused, so a lost server costs one failed request per
// pooled session and the next Acquire connects afresh.
//
// Thread-safety: thread-safe. A Lease gives its holder exclusive use of one
// connection until the Lease is destroyed.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/postgres/pg_connection.h"

namespace cairn::store::postgres {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    PgConnection& conn() const { return *conn_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<PgConnection> conn) : pool_(pool), conn_(std::move(conn)) {}
    ConnectionPool* pool_;
    std::unique_ptr<PgConnection> conn_;
  };

  ConnectionPool(std::string conninfo, int max_size);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Errors: kUnavailable when a new connection cannot be opened.
  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<PgConnection> conn);

  const std::string conninfo_;
  const int max_size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                     // GUARDED_BY(mu_); idle + leased + opening
};

}  // namespace cairn::store::postgres
