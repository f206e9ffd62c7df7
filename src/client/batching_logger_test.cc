#include "client/batching_logger.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace cairn::client {
namespace {

using tracking::Metric;
using tracking::Param;
using tracking::Tag;

// A TrackingStore that records LogBatch calls; every other method is
// unimplemented. `fail` decides the result of each call (by call index).
class FakeTrackingStore final : public tracking::TrackingStore {
 public:
  struct Call {
    std::string run_id;
    std::vector<Metric> metrics;
    std::vector<Param> params;
    std::vector<Tag> tags;
  };

  std::function<Status(int call)> fail;
  // When set, LogBatch blocks until Release() (to test backpressure).
  bool hold = false;

  Status LogBatch(const std::string& run_id, const std::vector<Metric>& metrics, const std::vector<Param>& params,
                  const std::vector<Tag>& tags) override {
    std::unique_lock lock(mu_);
    if (hold) {
      ++blocked_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !hold; });
      --blocked_;
    }
    int index = int(calls_.size());
    calls_.push_back({run_id, metrics, params, tags});
    cv_.notify_all();
    return fail ? fail(index) : Status::Ok();
  }

  void Release() {
    std::lock_guard lock(mu_);
    hold = false;
    cv_.notify_all();
  }
  void Hold() {
    std::lock_guard lock(mu_);
    hold = true;
  }
  // Waits until a LogBatch call is parked by Hold().
  void WaitUntilBlocked() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return blocked_ > 0; });
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  size_t metric_count() const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& c : calls_) n += c.metrics.size();
    return n;
  }
  // Waits (bounded) until `n` metrics arrived; true if they did.
  bool WaitForMetrics(size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      size_t got = 0;
      for (const auto& c : calls_) got += c.metrics.size();
      return got >= n;
    });
  }

  Result<std::string> CreateExperiment(const tracking::CreateExperimentRequest&) override { return No(); }
  Result<tracking::Experiment> GetExperiment(const std::string&) override { return No(); }
  Result<tracking::Experiment> GetExperimentByName(const std::string&) override { return No(); }
  Result<tracking::Page<tracking::Experiment>> SearchExperiments(const tracking::SearchExperimentsRequest&) override {
    return No();
  }
  Status RenameExperiment(const std::string&, const std::string&) override { return No(); }
  Status DeleteExperiment(const std::string&) override { return No(); }
  Status RestoreExperiment(const std::string&) override { return No(); }
  Status SetExperimentTag(const std::string&, const Tag&) override { return No(); }
  Status DeleteExperimentTag(const std::string&, const std::string&) override { return No(); }
  Result<tracking::Run> CreateRun(const tracking::CreateRunRequest&) override { return No(); }
  Result<tracking::Run> GetRun(const std::string&) override { return No(); }
  Result<tracking::RunInfo> UpdateRun(const tracking::UpdateRunRequest&) override { return No(); }
  Status DeleteRun(const std::string&) override { return No(); }
  Status RestoreRun(const std::string&) override { return No(); }
  Status DeleteTag(const std::string&, const std::string&) override { return No(); }
  Status LogInputs(const std::string&, const std::vector<tracking::DatasetInput>&) override { return No(); }
  Result<tracking::Page<tracking::Run>> SearchRuns(const tracking::SearchRunsRequest&) override { return No(); }
  Result<tracking::Page<Metric>> GetMetricHistory(const tracking::MetricHistoryRequest&) override { return No(); }
  Result<std::vector<Metric>> GetMetricHistoryBulkInterval(const tracking::BulkIntervalRequest&) override {
    return No();
  }
  Result<std::vector<tracking::DatasetSummary>> SearchDatasets(const std::vector<std::string>&) override {
    return No();
  }

 private:
  static Status No() { return Unimplemented("fake"); }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Call> calls_;  // GUARDED_BY(mu_)
  int blocked_ = 0;          // GUARDED_BY(mu_)
};

BatchingLoggerOptions TestOptions() {
  BatchingLoggerOptions options;
  options.flush_interval = std::chrono::hours(1);  // flushes only when asked, unless a test says otherwise
  options.sleep = [](std::chrono::milliseconds) {};
  return options;
}

TEST(BatchingLoggerTest, FlushWithoutStartSendsOnCallerThreadWithinLimits) {
  FakeTrackingStore store;
  FakeClock clock(5000);
  auto options = TestOptions();
  options.clock = &clock;
  BatchingLogger logger(store, "run1", options);
  for (int i = 0; i < 2500; ++i) ASSERT_TRUE(logger.LogMetric("loss", i * 0.5, i).ok());
  for (int i = 0; i < 150; ++i) ASSERT_TRUE(logger.LogParam("p" + std::to_string(i), "v").ok());
  ASSERT_TRUE(logger.SetTag("phase", "train").ok());
  EXPECT_TRUE(store.calls().empty());  // nothing sent before a flush

  ASSERT_TRUE(logger.Flush().ok());
  auto calls = store.calls();
  ASSERT_EQ(calls.size(), 4u);
  size_t metrics = 0, params = 0;
  int64_t next_step = 0;
  for (const auto& call : calls) {
    EXPECT_EQ(call.run_id, "run1");
    EXPECT_LE(call.metrics.size(), 1000u);
    EXPECT_LE(call.params.size(), 100u);
    EXPECT_LE(call.metrics.size() + call.params.size() + call.tags.size(), 1000u);
    for (const auto& m : call.metrics) {
      EXPECT_EQ(m.step, next_step++);  // logging order is kept
      EXPECT_EQ(m.timestamp, 5000);
    }
    metrics += call.metrics.size();
    params += call.params.size();
  }
  EXPECT_EQ(metrics, 2500u);
  EXPECT_EQ(params, 150u);
  EXPECT_EQ(calls.back().tags, (std::vector<Tag>{{"phase", "train"}}));
  auto stats = logger.stats();
  EXPECT_EQ(stats.enqueued, 2651u);
  EXPECT_EQ(stats.acknowledged, 2651u);
  EXPECT_EQ(stats.requests, 4u);
  EXPECT_EQ(stats.queued, 0u);
}

TEST(BatchingLoggerTest, ExplicitTimestampAndEmptyKey) {
  FakeTrackingStore store;
  BatchingLogger logger(store, "r", TestOptions());
  ASSERT_TRUE(logger.LogMetric("acc", 0.9, 3, 123).ok());
  EXPECT_EQ(logger.LogMetric("", 1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(logger.LogParam("", "x").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(logger.Flush().ok());
  ASSERT_EQ(store.calls().size(), 1u);
  EXPECT_EQ(store.calls()[0].metrics[0].timestamp, 123);
  EXPECT_EQ(store.calls()[0].metrics[0].step, 3);
}

TEST(BatchingLoggerTest, FlushWithNothingQueuedSendsNothing) {
  FakeTrackingStore store;
  BatchingLogger logger(store, "r", TestOptions());
  EXPECT_TRUE(logger.Flush().ok());
  ASSERT_TRUE(logger.Start().ok());
  EXPECT_TRUE(logger.Flush().ok());
  EXPECT_TRUE(logger.Stop().ok());
  EXPECT_TRUE(store.calls().empty());
}

TEST(BatchingLoggerTest, BackgroundFlushOnThreshold) {
  FakeTrackingStore store;
  auto options = TestOptions();
  options.flush_threshold = 10;
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.Start().ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(logger.LogMetric("m", i, i).ok());
  EXPECT_TRUE(store.WaitForMetrics(10));  // no Flush(): the threshold woke the flusher
  EXPECT_TRUE(logger.Stop().ok());
}

TEST(BatchingLoggerTest, BackgroundFlushOnInterval) {
  FakeTrackingStore store;
  auto options = TestOptions();
  options.flush_interval = std::chrono::milliseconds(5);
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.Start().ok());
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  EXPECT_TRUE(store.WaitForMetrics(1));
  EXPECT_TRUE(logger.Stop().ok());
}

TEST(BatchingLoggerTest, FlushBlocksUntilAcknowledged) {
  FakeTrackingStore store;
  BatchingLogger logger(store, "r", TestOptions());
  ASSERT_TRUE(logger.Start().ok());
  store.Hold();
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  std::atomic<bool> flushed{false};
  std::thread flusher([&] {
    EXPECT_TRUE(logger.Flush().ok());
    flushed = true;
  });
  // The batch is parked inside the store, so it is not acknowledged and
  // Flush cannot have returned.
  store.WaitUntilBlocked();
  EXPECT_FALSE(flushed);
  store.Release();
  flusher.join();
  EXPECT_TRUE(flushed);
  EXPECT_EQ(store.metric_count(), 1u);
  EXPECT_TRUE(logger.Stop().ok());
}

TEST(BatchingLoggerTest, PermanentErrorsDropTheBatchAndAreReportedOnce) {
  FakeTrackingStore store;
  store.fail = [](int call) { return call == 0 ? InvalidArgument("Changing param values is not allowed") : Status(); };
  std::vector<Status> reported;
  auto options = TestOptions();
  options.on_error = [&](const Status& s) { reported.push_back(s); };
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.LogParam("lr", "0.2").ok());
  Status s = logger.Flush();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store.calls().size(), 1u);  // not retried
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].message(), "Changing param values is not allowed");
  EXPECT_EQ(logger.last_error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(logger.stats().failed, 1u);

  // The error was consumed by that Flush; later data flows normally.
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  EXPECT_TRUE(logger.Flush().ok());
  EXPECT_EQ(logger.stats().acknowledged, 1u);
  EXPECT_EQ(logger.last_error().code(), StatusCode::kInvalidArgument);  // still visible
}

TEST(BatchingLoggerTest, TransientErrorsAreRetriedWithBackoff) {
  FakeTrackingStore store;
  store.fail = [](int call) { return call < 2 ? Unavailable("server restarting") : Status(); };
  std::vector<std::chrono::milliseconds> sleeps;
  auto options = TestOptions();
  options.retry_backoff = std::chrono::milliseconds(100);
  options.sleep = [&](std::chrono::milliseconds d) { sleeps.push_back(d); };
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  EXPECT_TRUE(logger.Flush().ok());
  EXPECT_EQ(store.calls().size(), 3u);
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100),
                                                            std::chrono::milliseconds(200)}));
  EXPECT_EQ(logger.stats().acknowledged, 1u);
  EXPECT_EQ(logger.stats().requests, 3u);
}

TEST(BatchingLoggerTest, TransientErrorsGiveUpAfterMaxAttempts) {
  FakeTrackingStore store;
  store.fail = [](int) { return Unavailable("down"); };
  auto options = TestOptions();
  options.max_attempts = 3;
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  EXPECT_EQ(logger.Flush().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.calls().size(), 3u);
  EXPECT_EQ(logger.stats().failed, 1u);
}

TEST(BatchingLoggerTest, RejectPolicyRefusesWhenFull) {
  FakeTrackingStore store;
  auto options = TestOptions();
  options.max_queue_entries = 5;
  options.overflow = OverflowPolicy::kReject;
  BatchingLogger logger(store, "r", options);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(logger.LogMetric("m", i).ok());
  EXPECT_EQ(logger.LogMetric("m", 6).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(logger.stats().rejected, 1u);
  EXPECT_TRUE(logger.Flush().ok());
  EXPECT_EQ(store.metric_count(), 5u);
  EXPECT_TRUE(logger.LogMetric("m", 7).ok());  // room again
}

TEST(BatchingLoggerTest, BlockPolicyWithoutThreadSendsInline) {
  FakeTrackingStore store;
  auto options = TestOptions();
  options.max_queue_entries = 5;
  BatchingLogger logger(store, "r", options);
  for (int i = 0; i < 12; ++i) ASSERT_TRUE(logger.LogMetric("m", i, i).ok());
  EXPECT_EQ(store.metric_count(), 10u);  // two full queues were sent by the Log* that found them full
  EXPECT_TRUE(logger.Flush().ok());
  EXPECT_EQ(store.metric_count(), 12u);
}

TEST(BatchingLoggerTest, BlockPolicyAppliesBackpressure) {
  FakeTrackingStore store;
  auto options = TestOptions();
  options.max_queue_entries = 4;
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.Start().ok());
  store.Hold();
  std::atomic<int> logged{0};
  std::thread producer([&] {
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(logger.LogMetric("m", i, i).ok());
      ++logged;
    }
  });
  // While the store is stuck, at most one batch in flight plus a full queue
  // can be accepted.
  while (logger.stats().queued < 4) std::this_thread::yield();
  EXPECT_LE(logged.load(), 8);
  store.Release();
  producer.join();
  EXPECT_TRUE(logger.Stop().ok());
  EXPECT_EQ(store.metric_count(), 20u);
}

TEST(BatchingLoggerTest, ConcurrentProducersLoseNothingAndKeepPerThreadOrder) {
  FakeTrackingStore store;
  auto options = TestOptions();
  options.flush_threshold = 300;
  options.max_queue_entries = 2000;
  BatchingLogger logger(store, "r", options);
  ASSERT_TRUE(logger.Start().ok());
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) ASSERT_TRUE(logger.LogMetric("t" + std::to_string(t), i, i).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(logger.Flush().ok());
  EXPECT_EQ(store.metric_count(), size_t(kThreads * kPerThread));
  std::map<std::string, int64_t> next;
  for (const auto& call : store.calls()) {
    EXPECT_LE(call.metrics.size(), 1000u);
    for (const auto& m : call.metrics) EXPECT_EQ(m.step, next[m.key]++);
  }
  EXPECT_TRUE(logger.Stop().ok());
}

TEST(BatchingLoggerTest, StopFlushesAndRefusesMore) {
  FakeTrackingStore store;
  BatchingLogger logger(store, "r", TestOptions());
  ASSERT_TRUE(logger.Start().ok());
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  EXPECT_TRUE(logger.Stop().ok());
  EXPECT_EQ(store.metric_count(), 1u);
  EXPECT_EQ(logger.LogMetric("m", 2).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(logger.Start().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(logger.Stop().ok());
}

TEST(BatchingLoggerTest, StopReturnsUnreportedError) {
  FakeTrackingStore store;
  store.fail = [](int) { return NotFound("Run 'r' not found"); };
  BatchingLogger logger(store, "r", TestOptions());
  ASSERT_TRUE(logger.Start().ok());
  ASSERT_TRUE(logger.LogMetric("m", 1).ok());
  EXPECT_EQ(logger.Stop().code(), StatusCode::kNotFound);
}

TEST(BatchingLoggerTest, DestructorFlushes) {
  FakeTrackingStore store;
  {
    BatchingLogger logger(store, "r", TestOptions());
    ASSERT_TRUE(logger.Start().ok());
    ASSERT_TRUE(logger.LogMetric("m", 1).ok());
    ASSERT_TRUE(logger.SetTag("t", "v").ok());
  }
  EXPECT_EQ(store.metric_count(), 1u);
  {
    BatchingLogger never_started(store, "r", TestOptions());
    ASSERT_TRUE(never_started.LogMetric("m", 2).ok());
  }
  EXPECT_EQ(store.metric_count(), 2u);
}

TEST(BatchingLoggerTest, DuplicateParamsInOneWindowDoNotBreakTheBatch) {
  FakeTrackingStore store;
  BatchingLogger logger(store, "r", TestOptions());
  ASSERT_TRUE(logger.LogParam("lr", "0.1").ok());
  ASSERT_TRUE(logger.LogParam("lr", "0.1").ok());
  ASSERT_TRUE(logger.SetTag("state", "a").ok());
  ASSERT_TRUE(logger.SetTag("state", "b").ok());
  ASSERT_TRUE(logger.Flush().ok());
  ASSERT_EQ(store.calls().size(), 1u);
  EXPECT_EQ(store.calls()[0].params.size(), 1u);
  EXPECT_EQ(store.calls()[0].tags, (std::vector<Tag>{{"state", "b"}}));
}

}  // namespace
}  // namespace cairn::client
