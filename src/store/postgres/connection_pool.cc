#include "store/postgres/connection_pool.h"

#include <utility>

namespace cairn::store::postgres {

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(std::move(conn_));
}

ConnectionPool::ConnectionPool(std::string conninfo, int max_size)
    : conninfo_(std::move(conninfo)), max_size_(max_size < 1 ? 1 : max_size) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < max_size_; });
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve a slot; connect outside the lock
  }
  Result<std::unique_ptr<PgConnection>> opened = PgConnection::Open(conninfo_);
  if (!opened.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    cv_.notify_one();
    return opened.status();
  }
  return Lease(this, std::move(opened).value());
}

void ConnectionPool::Release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn != nullptr && conn->Healthy() && conn->Idle()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
    conn.reset();
  }
  cv_.notify_one();
}

}  // namespace cairn::store::postgres
