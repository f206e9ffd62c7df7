// GroupCommitter: runs write closures on the single writer connection with
// group commit.
//
// Callers that arrive while a commit is in progress queue up; the caller at
// the head of the queue becomes the leader, takes every queued closure (up to
// max_batch), runs them inside one BEGIN IMMEDIATE ... COMMIT and then wakes
// each waiter with its own Status. The leader repeats this for closures that
// queued meanwhile (a few rounds at most) before handing leadership on. Each closure runs inside its own SAVEPOINT
// so a failing closure is rolled back alone and does not fail the others; a
// closure therefore sees an atomic, all-or-nothing transaction of its own.
// One fsync-free WAL commit then covers many requests, which is what makes
// single-metric writes cheap under concurrency.
//
// Durability: Write returns only after the COMMIT that contains the closure
// succeeded (WAL + synchronous=NORMAL: durable against a process crash).
//
// Thread-safety: thread-safe. The writer connection is only touched by the
// current leader, and only while holding db_mu_ (which the store also takes
// to read through the writer connection when it has no read pool, e.g. for
// ":memory:" databases).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace cairn::store::sqlite {

class GroupCommitter {
 public:
  // A write against the writer connection, inside an open transaction. It
  // must not BEGIN/COMMIT itself. Its changes are kept iff it returns OK.
  using WriteFn = std::function<Status(Database&)>;

  // `db` must outlive this object. `db_mu` guards `db` (see header comment).
  GroupCommitter(Database* db, std::mutex* db_mu, size_t max_batch = 256);
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Runs `fn` in a committed transaction; returns fn's Status, or the
  // transaction's error (kInternal / kUnavailable) if the commit failed.
  Status Write(const WriteFn& fn);

  // Writers queued or being committed; for tests that need a full batch.
  size_t QueueLengthForTest();

 private:
  struct Writer {
    const WriteFn* fn;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  // Runs `batch` in one transaction on db_, setting each writer's status.
  // Caller holds the leader role (is at the head of queue_) and db_mu_.
  void RunBatch(Writer* const* batch, size_t count);

  Database* const db_;     // GUARDED_BY(*db_mu_), used only by the leader
  std::mutex* const db_mu_;
  const size_t max_batch_;

  // Batches a leader runs before handing leadership on (bounds how long one
  // caller works for others).
  static constexpr int kMaxLeaderRounds = 8;

  std::mutex mu_;
  std::deque<Writer*> queue_;    // GUARDED_BY(mu_); writers not yet committed, in arrival order
  bool leader_active_ = false;  // GUARDED_BY(mu_); a leader is running batches
};

}  // namespace cairn::store::sqlite
