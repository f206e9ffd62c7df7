#include "client/batching_logger.h"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::client {
namespace {

bool IsTransient(const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kResourceExhausted:
    case StatusCode::kInternal:
      return true;
    default:
      return false;
  }
}

}  // namespace

BatchingLogger::BatchingLogger(tracking::TrackingStore& store, std::string run_id, BatchingLoggerOptions options)
    : store_(store), run_id_(std::move(run_id)), options_(std::move(options)) {
  if (options_.clock == nullptr) {
    owned_clock_ = CreateSystemClock();
    options_.clock = owned_clock_.get();
  }
  if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  options_.max_attempts = std::max(options_.max_attempts, 1);
  options_.max_queue_entries = std::max<size_t>(options_.max_queue_entries, 1);
  options_.flush_threshold = std::clamp<size_t>(options_.flush_threshold, 1, options_.max_queue_entries);
}

BatchingLogger::~BatchingLogger() { (void)Stop(); }

Status BatchingLogger::Start() {
  std::lock_guard lock(mu_);
  if (running_) return FailedPrecondition("BatchingLogger already started");
  if (!accepting_) return FailedPrecondition("BatchingLogger already stopped");
  running_ = true;
  flusher_ = std::thread([this] { FlusherLoop(); });
  return Status::Ok();
}

Status BatchingLogger::Stop() {
  {
    std::unique_lock lock(mu_);
    if (!accepting_ && !running_ && queue_.empty()) return Status::Ok();
    accepting_ = false;
    stopping_ = true;
    space_cv_.notify_all();  // blocked producers give up (kFailedPrecondition)
    work_cv_.notify_one();
  }
  if (flusher_.joinable()) flusher_.join();  // the flusher drains before it exits
  return Flush();
}

Status BatchingLogger::LogMetric(std::string_view key, double value, int64_t step,
                                 std::optional<int64_t> timestamp_ms) {
  tracking::Metric metric;
  metric.key = std::string(key);
  metric.value = value;
  metric.step = step;
  metric.timestamp = timestamp_ms ? *timestamp_ms : options_.clock->NowMillis();
  return Enqueue(std::move(metric));
}

Status BatchingLogger::LogParam(std::string_view key, std::string_view value) {
  return Enqueue(tracking::Param{std::string(key), std::string(value)});
}

Status BatchingLogger::SetTag(std::string_view key, std::string_view value) {
  return Enqueue(tracking::Tag{std::string(key), std::string(value)});
}

Status BatchingLogger::Enqueue(Entry entry) {
  bool empty_key = std::visit([](const auto& e) { return e.key.empty(); }, entry);
  if (empty_key) return InvalidArgument("Metric, param and tag keys must not be empty");
  std::unique_lock lock(mu_);
  while (accepting_ && queue_.size() >= options_.max_queue_entries) {
    if (options_.overflow == OverflowPolicy::kReject) {
      ++stats_.rejected;
      return ResourceExhausted(fmt::format("BatchingLogger queue is full ({} entries)", queue_.size()));
    }
    if (running_) {
      work_cv_.notify_one();
      space_cv_.wait(lock);
    } else if (!sending_) {
      DrainLocked(lock);  // nobody else will: this caller does the I/O
    } else {
      done_cv_.wait(lock);
    }
  }
  if (!accepting_) return FailedPrecondition("BatchingLogger is stopped");
  queue_.push_back(std::move(entry));
  ++next_seq_;
  ++stats_.enqueued;
  if (queue_.size() >= options_.flush_threshold) work_cv_.notify_one();
  return Status::Ok();
}

Status BatchingLogger::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = next_seq_;
  while (done_seq_ < target) {
    if (running_) {
      flush_target_ = std::max(flush_target_, target);
      work_cv_.notify_one();
      done_cv_.wait(lock);
    } else if (!sending_) {
      DrainLocked(lock);
    } else {
      done_cv_.wait(lock);
    }
  }
  Status out = std::move(unreported_error_);
  unreported_error_ = Status::Ok();
  return out;
}

Status BatchingLogger::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

BatchingLogger::Stats BatchingLogger::stats() const {
  std::lock_guard lock(mu_);
  Stats out = stats_;
  out.queued = queue_.size();
  return out;
}

void BatchingLogger::FlusherLoop() {
  std::unique_lock lock(mu_);
  auto next_flush = std::chrono::steady_clock::now() + options_.flush_interval;
  while (true) {
    work_cv_.wait_until(lock, next_flush, [&] {
      return stopping_ || flush_target_ > done_seq_ || queue_.size() >= options_.flush_threshold;
    });
    if (sending_) {
      // A Flush() that ran before Start() is still draining: let it finish.
      done_cv_.wait(lock);
      continue;
    }
    DrainLocked(lock);
    next_flush = std::chrono::steady_clock::now() + options_.flush_interval;
    if (stopping_ && queue_.empty()) break;
  }
  running_ = false;
  done_cv_.notify_all();
}

LogBatchChunk BatchingLogger::TakeBatchLocked(uint64_t* entries) {
  LogBatchBuilder builder(options_.limits);
  *entries = 0;
  while (!queue_.empty()) {
    bool added = std::visit(
        [&](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, tracking::Metric>) return builder.AddMetric(e);
          if constexpr (std::is_same_v<T, tracking::Param>) return builder.AddParam(e);
          if constexpr (std::is_same_v<T, tracking::Tag>) return builder.AddTag(e);
        },
        queue_.front());
    if (!added) break;
    queue_.pop_front();
    ++*entries;
  }
  return builder.Take();
}

void BatchingLogger::DrainLocked(std::unique_lock<std::mutex>& lock) {
  sending_ = true;
  while (!queue_.empty()) {
    uint64_t entries = 0;
    LogBatchChunk chunk = TakeBatchLocked(&entries);
    space_cv_.notify_all();
    lock.unlock();
    uint64_t requests = 0;
    Status status = SendWithRetry(chunk, &requests);
    if (!status.ok() && options_.on_error) options_.on_error(status);
    lock.lock();
    stats_.requests += requests;
    done_seq_ += entries;
    if (status.ok()) {
      stats_.acknowledged += entries;
    } else {
      stats_.failed += entries;
      last_error_ = status;
      unreported_error_ = std::move(status);
    }
    done_cv_.notify_all();
  }
  sending_ = false;
  done_cv_.notify_all();
}

Status BatchingLogger::SendWithRetry(const LogBatchChunk& chunk, uint64_t* requests) {
  auto backoff = options_.retry_backoff;
  for (int attempt = 1;; ++attempt) {
    ++*requests;
    Status status = store_.LogBatch(run_id_, chunk.metrics, chunk.params, chunk.tags);
    if (status.ok() || !IsTransient(status) || attempt >= options_.max_attempts) return status;
    options_.sleep(backoff);
    backoff = std::min(backoff * 2, options_.max_retry_backoff);
  }
}

}  // namespace cairn::client
