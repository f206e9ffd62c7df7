#include "store/sqlite/reader_pool.h"

#include <utility>

namespace cairn::store::sqlite {

ReaderPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(other.db_), shared_lock_(std::move(other.shared_lock_)) {
  other.pool_ = nullptr;
  other.db_ = nullptr;
}

ReaderPool::Lease::~Lease() {
  if (pool_ != nullptr && db_ != nullptr) pool_->Release(db_);
}

ReaderPool::ReaderPool(std::vector<std::unique_ptr<Database>> readers) : owned_(std::move(readers)) {
  for (auto& db : owned_) free_.push_back(db.get());
}

ReaderPool::ReaderPool(Database* shared, std::mutex* shared_mu) : shared_(shared), shared_mu_(shared_mu) {}

ReaderPool::Lease ReaderPool::Acquire() {
  if (shared_ != nullptr) return Lease(nullptr, shared_, std::unique_lock<std::mutex>(*shared_mu_));
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  Database* db = free_.back();
  free_.pop_back();
  return Lease(this, db, {});
}

void ReaderPool::Release(Database* db) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(db);
  }
  cv_.notify_one();
}

}  // namespace cairn::store::sqlite
