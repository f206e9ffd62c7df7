#include "store/sqlite/group_commit.h"

#include <exception>
#include <vector>

namespace cairn::store::sqlite {
namespace {

Status RunGuarded(const GroupCommitter::WriteFn& fn, Database& db) {
  try {
    return fn(db);
  } catch (const std::exception& e) {
    return Internal("Internal error while writing.", e.what());
  } catch (...) {
    return Internal("Internal error while writing.");
  }
}

}  // namespace

GroupCommitter::GroupCommitter(Database* db, std::mutex* db_mu, size_t max_batch)
    : db_(db), db_mu_(db_mu), max_batch_(max_batch == 0 ? 1 : max_batch) {}

Status GroupCommitter::Write(const WriteFn& fn) {
  Writer self;
  self.fn = &fn;

  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&self);
  while (!self.done && (leader_active_ || queue_.front() != &self)) self.cv.wait(lock);
  if (self.done) return std::move(self.status);

  // Leader. It keeps draining the queue for a few rounds: handing leadership
  // to a sleeping thread would put a wake-up on the critical path of every
  // commit, which on a small machine costs more than the commit itself.
  leader_active_ = true;
  std::vector<Writer*> batch;
  for (int round = 0; round < kMaxLeaderRounds && !queue_.empty(); ++round) {
    batch.clear();
    for (auto it = queue_.begin(); it != queue_.end() && batch.size() < max_batch_; ++it) batch.push_back(*it);
    lock.unlock();
    {
      std::lock_guard<std::mutex> db_lock(*db_mu_);
      RunBatch(batch.data(), batch.size());
    }
    lock.lock();
    for (Writer* writer : batch) {
      queue_.pop_front();  // a batch is always the queue's prefix
      writer->done = true;
      if (writer != &self) writer->cv.notify_one();
    }
  }
  leader_active_ = false;
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
  return std::move(self.status);
}

size_t GroupCommitter::QueueLengthForTest() {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void GroupCommitter::RunBatch(Writer* const* batch, size_t count) {
  Database& db = *db_;
  size_t begin = 0;
  while (begin < count) {
    Status status = db.Run("BEGIN IMMEDIATE");
    if (!status.ok()) {
      for (size_t i = begin; i < count; ++i) batch[i]->status = status;
      return;
    }
    // A lone writer needs no savepoint: ROLLBACK undoes it.
    if (count - begin == 1) {
      Writer* w = batch[begin];
      w->status = RunGuarded(*w->fn, db);
      if (w->status.ok()) {
        Status commit = db.Run("COMMIT");
        if (!commit.ok()) {
          w->status = std::move(commit);
          if (!db.InAutocommit()) (void)db.Run("ROLLBACK");
        }
      } else if (!db.InAutocommit()) {
        (void)db.Run("ROLLBACK");
      }
      return;
    }

    size_t i = begin;
    bool restart = false;
    for (; i < count; ++i) {
      Writer* w = batch[i];
      Status sp = db.Run("SAVEPOINT w");
      if (sp.ok()) {
        w->status = RunGuarded(*w->fn, db);
      } else {
        w->status = std::move(sp);
      }
      if (db.InAutocommit()) {
        // sqlite rolled the whole transaction back (e.g. disk full / I/O
        // error): the earlier writers of this round lost their changes too.
        for (size_t j = begin; j < i; ++j) {
          if (batch[j]->status.ok()) {
            batch[j]->status = Internal("The write was rolled back by the database.", w->status.internal_context());
          }
        }
        if (w->status.ok()) w->status = Internal("The write was rolled back by the database.");
        begin = i + 1;
        restart = true;
        break;
      }
      if (w->status.ok()) {
        (void)db.Run("RELEASE w");
      } else {
        (void)db.Run("ROLLBACK TO w");
        (void)db.Run("RELEASE w");
      }
    }
    if (restart) continue;

    Status commit = db.Run("COMMIT");
    if (!commit.ok()) {
      if (!db.InAutocommit()) (void)db.Run("ROLLBACK");
      for (size_t j = begin; j < count; ++j) {
        if (batch[j]->status.ok()) batch[j]->status = commit;
      }
    }
    return;
  }
}

}  // namespace cairn::store::sqlite
