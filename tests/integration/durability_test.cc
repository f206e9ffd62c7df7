// Durability and shutdown of the real server process:
//  * SIGKILL while four clients stream log-batch: after a restart on the same
//    data directory every acknowledged (HTTP 200) point is there, and each
//    batch is all-or-nothing.
//  * SIGTERM while requests are in flight: the server stops accepting, lets
//    in-flight requests finish with 200, exits 0, and its database reopens
//    with everything it acknowledged.
// Each test owns its server (it kills it).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_process.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

using namespace std::chrono_literals;

constexpr int kStreams = 4;
constexpr int64_t kBatchSize = 50;

// Polls `condition` every 5 ms until it holds or `timeout` passes.
template <typename Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

double ValueAt(int stream, int64_t step) { return double(step) * 0.5 + stream; }

// One client streaming log-batch calls for its own metric key, recording
// what the server acknowledged.
struct Stream {
  int index = 0;
  std::string key;
  std::vector<int64_t> acked_batches;    // 200 OK
  std::vector<int64_t> unacked_batches;  // sent, answer lost (server died/stopped)
  std::vector<std::string> bad_answers;  // any HTTP answer other than 200
  std::vector<std::string> transport_errors;

  static std::string Body(const std::string& run_id, const std::string& key, int stream, int64_t batch) {
    std::string metrics;
    for (int64_t step = batch * kBatchSize; step < (batch + 1) * kBatchSize; ++step) {
      metrics += fmt::format(R"({}{{"key":"{}","value":{},"timestamp":{},"step":{}}})", metrics.empty() ? "" : ",", key,
                             ValueAt(stream, step), 1000 + step, step);
    }
    return fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", run_id, metrics);
  }

  // Streams until the server stops answering or `stop` is set.
  void Run(const std::string& url, const std::string& run_id, std::atomic<bool>& stop, std::atomic<int>& total_acked) {
    Api api(url);
    for (int64_t batch = 0; !stop.load(); ++batch) {
      Reply reply = api.Post("runs/log-batch", Body(run_id, key, index, batch));
      if (reply.status == 200) {
        acked_batches.push_back(batch);
        total_acked.fetch_add(1);
      } else if (reply.status == 0) {
        unacked_batches.push_back(batch);
        transport_errors.push_back(reply.transport_error);
        return;
      } else {
        bad_answers.push_back(reply.Describe());
        return;
      }
    }
  }
};

class DurabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ServerProcess::Start();
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    server_ = std::move(*started);
    Api api(server_->url());
    Reply experiment = api.Post("experiments/create", R"({"name":"durability"})");
    ASSERT_OK_JSON(experiment);
    Reply run = api.Post("runs/create", fmt::format(R"({{"experiment_id":"{}","run_name":"stream"}})",
                                                    *experiment.json().Str("/experiment_id")));
    ASSERT_OK_JSON(run);
    run_id_ = *run.json().Str("/run/info/run_id");
    for (int i = 0; i < kStreams; ++i) {
      streams_[i].index = i;
      streams_[i].key = fmt::format("stream{}", i);
    }
  }

  void TearDown() override {
    if (server_ && HasFailure()) PrintServerLog(*server_, 0, "test failed");
  }

  void StartStreams() {
    for (int i = 0; i < kStreams; ++i) {
      threads_.emplace_back([this, i] { streams_[i].Run(server_->url(), run_id_, stop_, total_acked_); });
    }
  }

  void JoinStreams() {
    stop_.store(true);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  // step -> value of `key`'s whole history, read from the (restarted) server.
  std::map<int64_t, double> History(const std::string& key) {
    Reply reply = Api(server_->url()).Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", key}});
    EXPECT_OK_JSON(reply);
    Json page = reply.json();
    std::map<int64_t, double> out;
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      out[page.Int(fmt::format("/metrics/{}/step", i)).value_or(-1)] =
          page.Num(fmt::format("/metrics/{}/value", i)).value_or(-1);
    }
    return out;
  }

  // Every acknowledged batch is fully present with its values; a batch whose
  // answer was lost is entirely present or entirely absent.
  void ExpectAcknowledgedPointsPersisted() {
    int64_t total_points = 0;
    for (const Stream& s : streams_) {
      SCOPED_TRACE(s.key);
      std::map<int64_t, double> history = History(s.key);
      for (int64_t batch : s.acked_batches) {
        for (int64_t step = batch * kBatchSize; step < (batch + 1) * kBatchSize; ++step) {
          auto it = history.find(step);
          ASSERT_NE(it, history.end()) << "acknowledged step " << step << " (batch " << batch << ") was lost";
          EXPECT_EQ(it->second, ValueAt(s.index, step)) << "step " << step;
          ++total_points;
        }
      }
      for (int64_t batch : s.unacked_batches) {
        int64_t present = 0;
        for (int64_t step = batch * kBatchSize; step < (batch + 1) * kBatchSize; ++step) present += history.count(step);
        EXPECT_TRUE(present == 0 || present == kBatchSize)
            << "unacknowledged batch " << batch << " is partially stored (" << present << " points)";
      }
      int64_t attempted = int64_t(s.acked_batches.size() + s.unacked_batches.size()) * kBatchSize;
      EXPECT_LE(int64_t(history.size()), attempted) << "points appeared that were never sent";
    }
    EXPECT_GT(total_points, 0);
  }

  std::unique_ptr<ServerProcess> server_;
  std::string run_id_;
  Stream streams_[kStreams];
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int> total_acked_{0};
};

TEST_F(DurabilityTest, AcknowledgedPointsSurviveSigkill) {
  StartStreams();
  // Let a good number of batches through, then pull the plug mid-stream.
  bool streamed = WaitFor([&] { return total_acked_.load() >= 200; }, 120s);
  server_->Signal(SIGKILL);
  auto status = server_->WaitExit(30s);
  JoinStreams();
  ASSERT_TRUE(streamed) << "the streams did not get 200 batches acknowledged";
  ASSERT_TRUE(status.has_value()) << "the server did not die on SIGKILL";
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL);
  for (const Stream& s : streams_) EXPECT_TRUE(s.bad_answers.empty()) << s.key << ": " << s.bad_answers.front();

  Status restarted = server_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  ExpectAcknowledgedPointsPersisted();
  // The run itself reads back whole, with each stream's latest point.
  Reply run = Api(server_->url()).Get("runs/get", {{"run_id", run_id_}});
  ASSERT_OK_JSON(run);
  EXPECT_EQ(run.json().Str("/run/info/run_name"), "stream");
  // And the store still takes writes.
  EXPECT_OK_JSON(Api(server_->url()).Post("runs/log-batch", Stream::Body(run_id_, "after-restart", 0, 0)));
}

// Writes share group-committed transactions; one request's failure (a
// refused param change) must not undo the others committed with it.
TEST_F(DurabilityTest, FailingWritesDoNotUndoConcurrentOnes) {
  Api setup(server_->url());
  ASSERT_OK_JSON(
      setup.Post("runs/log-parameter", fmt::format(R"({{"run_id":"{}","key":"fixed","value":"1"}})", run_id_)));
  std::atomic<int> refused{0};
  std::thread saboteur([&] {
    Api api(server_->url());
    while (!stop_.load()) {
      Reply reply = api.Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","params":[{{"key":"fixed","value":"2"}}],
                                                              "metrics":[{{"key":"sabotage","value":1,"timestamp":1}}]}})",
                                                           run_id_));
      if (reply.status == 0) return;
      EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE");
      refused.fetch_add(1);
    }
  });
  StartStreams();
  bool streamed = WaitFor([&] { return total_acked_.load() >= 200 && refused.load() >= 50; }, 120s);
  JoinStreams();
  saboteur.join();
  ASSERT_TRUE(streamed) << "acked " << total_acked_.load() << ", refused " << refused.load();
  for (const Stream& s : streams_) EXPECT_TRUE(s.bad_answers.empty()) << s.key << ": " << s.bad_answers.front();
  // Restarting proves the acknowledged writes were committed, not just cached.
  Status restarted = server_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  ExpectAcknowledgedPointsPersisted();
  EXPECT_TRUE(History("sabotage").empty()) << "a refused batch left its metric behind";
}

TEST_F(DurabilityTest, SigtermDrainsInFlightRequestsAndExitsCleanly) {
  // A request the server has started on (its 100 Continue proves it read
  // the headers) but whose body has not arrived yet.
  std::string body = Stream::Body(run_id_, "in-flight", 0, 0);
  auto slow = RawConnection::Open(server_->port());
  ASSERT_NE(slow, nullptr);
  ASSERT_TRUE(
      slow->Send(fmt::format("POST {}/runs/log-batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\nContent-Length: {}\r\n"
                             "Expect: 100-continue\r\n\r\n",
                             kApiPrefix, body.size())));
  ASSERT_TRUE(slow->ReadUntil("100 Continue", 10s)) << "the server did not start on the request";

  StartStreams();
  bool streamed = WaitFor([&] { return total_acked_.load() >= 20; }, 60s);
  server_->Signal(SIGTERM);
  // Draining: new connections are refused...
  bool refusing = WaitFor([&] { return !CanConnect(server_->port()); }, 10s);
  // ...while the request in flight still completes.
  ASSERT_TRUE(slow->Send(body));
  Reply in_flight = slow->ReadResponse(10s);
  JoinStreams();
  auto status = server_->WaitExit(30s);

  ASSERT_TRUE(streamed) << "the streams did not get 20 batches acknowledged";
  EXPECT_TRUE(refusing) << "the server kept accepting connections after SIGTERM";
  EXPECT_OK_JSON(in_flight);
  EXPECT_EQ(CanonicalJson(in_flight.body), "{}");
  ASSERT_TRUE(status.has_value()) << "the server did not exit within 30 s of SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;
  // Streaming clients only ever see 200s. A request racing the close of an
  // idle keep-alive connection may fail at the transport level (HTTP/1.1
  // cannot avoid that race); it is then unacknowledged and checked below to
  // be all-or-nothing.
  for (const Stream& s : streams_) EXPECT_TRUE(s.bad_answers.empty()) << s.key << ": " << s.bad_answers.front();
  EXPECT_NE(server_->Log().find("draining"), std::string::npos);

  // The database reopens cleanly with everything acknowledged.
  Status restarted = server_->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted.ToString();
  ExpectAcknowledgedPointsPersisted();
  std::map<int64_t, double> drained = History("in-flight");
  EXPECT_EQ(int64_t(drained.size()), kBatchSize) << "the drained request's points are missing";
}

}  // namespace
}  // namespace cairn::integration
