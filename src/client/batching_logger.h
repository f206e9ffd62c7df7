// BatchingLogger: metrics, params and tags from a training loop, sent to one
// run in the background in as few runs/log-batch calls as MLflow's limits
// allow (<= 1000 metrics, <= 100 params, <= 100 tags, <= 1000 entities per
// request; see log_batch_builder.h).
//
//   auto store = RestTrackingStore::Create("http://127.0.0.1:5000");
//   BatchingLogger logger(**store, run_id);
//   (void)logger.Start();
//   for (int step = 0; ...; ++step) (void)logger.LogMetric("loss", loss, step);
//   Status s = logger.Stop();  // everything sent, or the error that was not
//
// Log* calls only append to an in-memory queue under a mutex; the owned
// background thread does all I/O. It wakes every flush_interval, or early
// when flush_threshold entries are queued or a Flush() is waiting, and then
// sends everything queued, batch after batch, in the order it was logged.
//
// Backpressure: the queue holds at most max_queue_entries. When it is full,
// OverflowPolicy::kBlock (default) makes Log* wait until the flusher has made
// room: the loop slows down to the server's pace and nothing is lost.
// OverflowPolicy::kReject returns kResourceExhausted at once and the entry is
// dropped (counted in Stats::rejected), for loops that must never stall.
//
// Errors: a failed batch is retried (max_attempts, growing backoff) when the
// error is transient (kUnavailable, kDeadlineExceeded, kResourceExhausted,
// kInternal); other errors (kInvalidArgument for a bad key or a changed
// param, kNotFound for a missing run) drop that batch at once. Every dropped
// batch is reported to on_error (on the flushing thread), kept as
// last_error(), and returned by the next Flush()/Stop(). Log* return
// kInvalidArgument for an empty key and kFailedPrecondition after Stop().
//
// Without Start() nothing runs in the background: Flush() and Stop() send
// the queue on the calling thread (and a full queue under kBlock is sent by
// the Log* call that found it full). Tests use this for determinism.
//
// Thread-safe: any number of threads may log, Flush and query concurrently.
// The store must outlive the logger; the destructor calls Stop().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <variant>

#include "base/clock.h"
#include "base/status.h"
#include "client/log_batch_builder.h"
#include "tracking/tracking_store.h"

namespace cairn::client {

enum class OverflowPolicy { kBlock, kReject };

struct BatchingLoggerOptions {
  // Longest time an entry waits in the queue before being sent.
  std::chrono::milliseconds flush_interval{1000};
  // Queue length that triggers a send before the interval ends; one full
  // batch by default.
  size_t flush_threshold = 1000;
  // Bound on queued entries (each a few dozen bytes plus its strings).
  size_t max_queue_entries = 100000;
  OverflowPolicy overflow = OverflowPolicy::kBlock;
  // Tries per batch for transient errors, on top of the HTTP client's own
  // retries; the backoff doubles from retry_backoff up to max_retry_backoff.
  int max_attempts = 4;
  std::chrono::milliseconds retry_backoff{1000};
  std::chrono::milliseconds max_retry_backoff{8000};
  // Called with each error that dropped a batch, on the thread that sent it
  // (the flusher, or a Flush()/Stop()/Log* caller without Start()), with no
  // lock held. It may read last_error()/stats() but must not Flush(), Stop()
  // or Log*: the flusher would wait for itself.
  std::function<void(const Status&)> on_error;
  // Source of timestamps for LogMetric without one. Null: the system clock.
  // Not owned; must outlive the logger.
  const Clock* clock = nullptr;
  // How to wait between retries; tests pass a recorder. Default: sleep.
  std::function<void(std::chrono::milliseconds)> sleep;
  BatchLimits limits;
};

class BatchingLogger {
 public:
  struct Stats {
    uint64_t enqueued = 0;      // accepted by Log*
    uint64_t acknowledged = 0;  // acknowledged by the store
    uint64_t failed = 0;        // dropped with their batch after an error
    uint64_t rejected = 0;      // refused by Log* (kReject policy, full queue)
    uint64_t requests = 0;      // LogBatch calls made, retries included
    size_t queued = 0;          // waiting to be sent now
  };

  // `store` is not owned and must outlive the logger.
  BatchingLogger(tracking::TrackingStore& store, std::string run_id, BatchingLoggerOptions options = {});
  ~BatchingLogger();
  BatchingLogger(const BatchingLogger&) = delete;
  BatchingLogger& operator=(const BatchingLogger&) = delete;

  // Starts the background flusher. kFailedPrecondition if already started
  // or stopped.
  Status Start();
  // Sends everything still queued, stops the flusher and refuses further
  // entries. Returns what Flush() would. Idempotent (later calls return OK).
  Status Stop();

  // Enqueue one entry (see the header comment for errors and blocking).
  // timestamp_ms: nullopt means now.
  Status LogMetric(std::string_view key, double value, int64_t step = 0,
                   std::optional<int64_t> timestamp_ms = std::nullopt);
  Status LogParam(std::string_view key, std::string_view value);
  Status SetTag(std::string_view key, std::string_view value);

  // Blocks until every entry logged before the call has been acknowledged or
  // dropped. Returns the most recent error since the previous Flush()/Stop()
  // (then clears it), OK if there was none.
  Status Flush();

  // The most recent error that dropped a batch (not cleared by Flush).
  Status last_error() const;
  Stats stats() const;

 private:
  using Entry = std::variant<tracking::Metric, tracking::Param, tracking::Tag>;

  Status Enqueue(Entry entry);
  void FlusherLoop();
  // Sends batches until the queue is empty. Requires mu_ held via `lock`
  // and sending_ false; releases the lock around each send.
  void DrainLocked(std::unique_lock<std::mutex>& lock);
  // Pops a prefix of the queue that fits one request.
  LogBatchChunk TakeBatchLocked(uint64_t* entries);
  Status SendWithRetry(const LogBatchChunk& chunk, uint64_t* requests);

  tracking::TrackingStore& store_;
  const std::string run_id_;
  BatchingLoggerOptions options_;
  std::unique_ptr<Clock> owned_clock_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;   // flusher: something to do
  std::condition_variable space_cv_;  // producers: the queue shrank
  std::condition_variable done_cv_;   // Flush waiters: done_seq_ moved
  std::deque<Entry> queue_;           // GUARDED_BY(mu_)
  uint64_t next_seq_ = 0;             // GUARDED_BY(mu_): entries accepted so far
  uint64_t done_seq_ = 0;             // GUARDED_BY(mu_): entries acknowledged or dropped
  uint64_t flush_target_ = 0;         // GUARDED_BY(mu_): highest seq a Flush waits for
  bool sending_ = false;              // GUARDED_BY(mu_): one drainer at a time
  bool running_ = false;              // GUARDED_BY(mu_): flusher thread alive
  bool stopping_ = false;             // GUARDED_BY(mu_): flusher should exit once drained
  bool accepting_ = true;             // GUARDED_BY(mu_): false after Stop()
  Status last_error_;                 // GUARDED_BY(mu_)
  Status unreported_error_;           // GUARDED_BY(mu_)
  Stats stats_;                       // GUARDED_BY(mu_), except `queued`
  std::thread flusher_;
};

}  // namespace cairn::client
