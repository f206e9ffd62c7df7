// store_bench: the tracking workloads against the tracking store in process,
// without HTTP — separates store cost from server cost when profiling
// (bench/RESULTS.md). Measures; asserts nothing.
//
// Usage: store_bench [dir]     SQLite (default: a fresh temp dir, removed
//                              afterwards)
//        store_bench postgresql://user@host:port/db
//                              PostgreSQL (use an empty database)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_store_factory.h"
#include "store/store_factory.h"
#include "tracking/tracking_store.h"

namespace {

using cairn::tracking::Metric;
using cairn::tracking::TrackingStore;
using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

Metric M(std::string key, double value, int64_t timestamp, int64_t step) {
  Metric m;
  m.key = std::move(key);
  m.value = value;
  m.timestamp = timestamp;
  m.step = step;
  return m;
}

void Check(const cairn::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", status.ToString().c_str());
    std::exit(1);
  }
}

std::string NewRun(TrackingStore& store, const std::string& experiment_id = "0") {
  cairn::tracking::CreateRunRequest request;
  request.experiment_id = experiment_id;
  auto run = store.CreateRun(request);
  Check(run.status());
  return run->info.run_id;
}

void SingleLogMetric(TrackingStore& store) {
  for (int threads : {1, 8, 64}) {
    std::vector<std::string> runs;
    for (int i = 0; i < threads; ++i) runs.push_back(NewRun(store));
    const int per_thread = std::max(40000 / threads, 200);
    auto start = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) Check(store.LogMetric(runs[t], M("loss", i * 0.1, 1000 + i, i)));
      });
    }
    for (auto& w : workers) w.join();
    double ms = MillisSince(start);
    std::printf("| store log-metric, %d threads | %.0f writes/s (%.1f us each) |\n", threads,
                threads * per_thread / (ms / 1000.0), ms * 1000 / (threads * per_thread));
  }
}

void LogBatch1000(TrackingStore& store) {
  std::string run = NewRun(store);
  std::vector<double> times;
  for (int round = 0; round < 20; ++round) {
    std::vector<Metric> metrics;
    for (int i = 0; i < 1000; ++i) metrics.push_back(M("m" + std::to_string(i % 50), i, 1000 + round, round * 1000 + i));
    auto start = Clock::now();
    Check(store.LogBatch(run, metrics, {}, {}));
    times.push_back(MillisSince(start));
  }
  std::sort(times.begin(), times.end());
  std::printf("| store log-batch, 1000 metrics | median %.2f ms |\n", times[times.size() / 2]);
}

void History100k(TrackingStore& store) {
  std::string run = NewRun(store);
  for (int batch = 0; batch < 100; ++batch) {
    std::vector<Metric> metrics;
    for (int i = 0; i < 1000; ++i) {
      int step = batch * 1000 + i;
      metrics.push_back(M("loss", 1.0 / (step + 1), 1'700'000'000'000 + step, step));
    }
    Check(store.LogBatch(run, metrics, {}, {}));
  }
  cairn::tracking::MetricHistoryRequest request;
  request.run_id = run;
  request.metric_key = "loss";
  double best = 1e9;
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    auto history = store.GetMetricHistory(request);
    Check(history.status());
    best = std::min(best, MillisSince(start));
  }
  std::printf("| store get-history, 100k points | best %.1f ms |\n", best);
}

void Search10k(TrackingStore& store) {
  cairn::tracking::CreateExperimentRequest create;
  create.name = "big";
  auto exp = store.CreateExperiment(create);
  Check(exp.status());
  for (int r = 0; r < 10000; ++r) {
    std::string run = NewRun(store, *exp);
    std::vector<Metric> metrics;
    std::vector<cairn::tracking::Param> params;
    for (int k = 0; k < 5; ++k) {
      metrics.push_back(M("m" + std::to_string(k), ((r * 7919 + k * 104729) % 1000) / 1000.0, 1000, 0));
      params.push_back({"p" + std::to_string(k), "value-" + std::to_string(r % 17)});
    }
    Check(store.LogBatch(run, metrics, params, {}));
  }
  cairn::tracking::SearchRunsRequest request;
  request.experiment_ids = {*exp};
  request.filter = "metrics.m0 > 0.5";
  for (const char* order : {"", "metrics.m1 DESC"}) {
    request.order_by.clear();
    if (*order) request.order_by.push_back(order);
    for (int max_results : {100, 1000}) {
      request.max_results = max_results;
      double best = 1e9;
      for (int i = 0; i < 5; ++i) {
        auto start = Clock::now();
        auto page = store.SearchRuns(request);
        Check(page.status());
        best = std::min(best, MillisSince(start));
      }
      std::printf("| store search `metrics.m0 > 0.5` %s, 10k runs, max_results %d | best %.1f ms |\n",
                  *order ? "order by metrics.m1 DESC" : "", max_results, best);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && cairn::store::IsPostgresUri(argv[1])) {
    cairn::store::StoreOptions options;
    options.uri = argv[1];
    options.default_artifact_root = "mlflow-artifacts:";
    auto stores = cairn::store::OpenStores(options);
    Check(stores.status());
    std::printf("| workload (in process, no HTTP, PostgreSQL) | result |\n|---|---|\n");
    SingleLogMetric(*stores->tracking);
    LogBatch1000(*stores->tracking);
    History100k(*stores->tracking);
    Search10k(*stores->tracking);
    return 0;
  }
  bool temp = argc < 2;
  std::string dir = temp ? (std::filesystem::temp_directory_path() / "cairn-store-bench").string() : argv[1];
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  cairn::store::SqliteStoreOptions options;
  options.path = dir + "/bench.db";
  options.default_artifact_root = "mlflow-artifacts:";
  auto store = cairn::store::OpenSqliteTrackingStore(options);
  Check(store.status());
  std::printf("| workload (in process, no HTTP) | result |\n|---|---|\n");
  SingleLogMetric(**store);
  LogBatch1000(**store);
  History100k(**store);
  Search10k(**store);
  store->reset();
  if (temp) std::filesystem::remove_all(dir);
  return 0;
}
