// ReaderPool: hands out connections for read-only work.
//
// Two modes: a fixed pool of dedicated read connections (file databases in
// WAL mode, where readers run concurrently with the writer and see the last
// committed state), or one shared connection guarded by a mutex (":memory:"
// databases, where every connection would otherwise be a separate database).
//
// Thread-safety: thread-safe. A Lease gives its holder exclusive use of one
// connection until the Lease is destroyed.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/sqlite_db.h"

namespace cairn::store::sqlite {

class ReaderPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Database& db() const { return *db_; }

   private:
    friend class ReaderPool;
    Lease(ReaderPool* pool, Database* db, std::unique_lock<std::mutex> shared_lock)
        : pool_(pool), db_(db), shared_lock_(std::move(shared_lock)) {}
    ReaderPool* pool_;  // null when moved-from or in shared mode
    Database* db_;
    std::unique_lock<std::mutex> shared_lock_;  // held in shared mode
  };

  // Dedicated mode; `readers` must be non-empty.
  explicit ReaderPool(std::vector<std::unique_ptr<Database>> readers);
  // Shared mode: reads go through `shared` while holding `*shared_mu`.
  ReaderPool(Database* shared, std::mutex* shared_mu);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Blocks until a connection is free.
  Lease Acquire();

 private:
  void Release(Database* db);

  std::vector<std::unique_ptr<Database>> owned_;
  Database* shared_ = nullptr;
  std::mutex* shared_mu_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Database*> free_;  // GUARDED_BY(mu_)
};

}  // namespace cairn::store::sqlite
