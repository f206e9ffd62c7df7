// cairn_bench: the four tracking workloads of bench/RESULTS.md, run against a
// live server over HTTP (bench/run.sh starts one). Not a test: it measures.
//
//   (a) log-batch of 1000 metrics into one run: median ms per request
//   (b) single log-metric requests/s from N concurrent keep-alive clients
//   (c) search-runs `metrics.m0 > 0.5` over 10,000 runs (5 params, 5 metrics
//       each) with max_results 100 and 1000: median ms
//   (d) get-history of one key with 100,000 points: median ms
//
// Usage: cairn_bench --url http://127.0.0.1:PORT [--clients 8] [--seconds 5]
//        [--runs 10000] [--points 100000] [--only a,b,c,d]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "base/json_reader.h"
#include "base/json_writer.h"
#include "client/curl_http_client.h"
#include "mlflow_wire/endpoints.h"

namespace {

using cairn::JsonWriter;
using cairn::client::CurlHttpClient;
using Clock = std::chrono::steady_clock;
namespace ep = cairn::mlflow_wire::endpoints;

struct Args {
  std::string url;
  int clients = 8;
  double seconds = 5;
  int runs = 10000;
  int points = 100000;
  std::string only = "a,b,c,d";
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "cairn_bench: %s\n", what.c_str());
  std::exit(1);
}

class Api {
 public:
  explicit Api(std::string base) : base_(std::move(base)) {}

  std::string Post(const cairn::mlflow_wire::Endpoint& endpoint, std::string body) {
    auto response = http_.PostJson(Url(endpoint), std::move(body));
    if (!response) Die(response.error().ToString());
    if (!response->ok()) Die(fmt::format("{} -> {}: {}", endpoint.path, response->status, response->body));
    return std::move(response->body);
  }

  std::string Get(const cairn::mlflow_wire::Endpoint& endpoint, const cairn::client::QueryParams& query) {
    auto response = http_.Get(Url(endpoint), query);
    if (!response) Die(response.error().ToString());
    if (!response->ok()) Die(fmt::format("{} -> {}: {}", endpoint.path, response->status, response->body));
    return std::move(response->body);
  }

  std::string CreateExperiment(const std::string& name) {
    JsonWriter w;
    w.StartObject().Field("name", name).EndObject();
    auto doc = cairn::JsonDocument::ParseObject(Post(ep::kCreateExperiment, w.str()));
    return **doc->root().GetString("experiment_id");
  }

  std::string CreateRun(const std::string& experiment_id) {
    JsonWriter w;
    w.StartObject().Field("experiment_id", experiment_id).EndObject();
    auto doc = cairn::JsonDocument::ParseObject(Post(ep::kCreateRun, w.str()));
    auto run = **doc->root().GetObject("run");
    auto info = **run.GetObject("info");
    return **info.GetString("run_id");
  }

 private:
  std::string Url(const cairn::mlflow_wire::Endpoint& endpoint) {
    return fmt::format("{}{}{}", base_, cairn::mlflow_wire::kApiPrefix, endpoint.path);
  }
  std::string base_;
  CurlHttpClient http_;
};

std::string MetricBatch(const std::string& run_id, const std::string& key, int first_step, int count) {
  JsonWriter w;
  w.StartObject().Field("run_id", run_id).Key("metrics").StartArray();
  for (int i = 0; i < count; ++i) {
    w.StartObject()
        .Field("key", key)
        .DoubleField("value", 0.001 * (first_step + i))
        .Field("timestamp", int64_t(1700000000000) + first_step + i)
        .Field("step", int64_t(first_step + i))
        .EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

void WorkloadA(Api& api, const std::string& experiment_id) {
  std::string run_id = api.CreateRun(experiment_id);
  std::vector<double> ms;
  for (int i = 0; i < 60; ++i) {
    std::string body = MetricBatch(run_id, "loss", i * 1000, 1000);
    auto start = Clock::now();
    api.Post(ep::kLogBatch, std::move(body));
    if (i >= 10) ms.push_back(Ms(Clock::now() - start));  // first 10 warm up
  }
  std::printf("| (a) log-batch, 1000 metrics | median %.2f ms, p95 %.2f ms (%zu requests) |\n", Median(ms),
              Percentile(ms, 0.95), ms.size());
}

void WorkloadB(const Args& args, Api& api, const std::string& experiment_id) {
  std::vector<std::string> runs;
  for (int c = 0; c < args.clients; ++c) runs.push_back(api.CreateRun(experiment_id));
  std::atomic<bool> go{false};
  std::atomic<int64_t> total{0};
  auto deadline = std::chrono::duration<double>(args.seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < args.clients; ++c) {
    threads.emplace_back([&, c] {
      Api client(args.url);
      while (!go.load()) std::this_thread::yield();
      auto start = Clock::now();
      int64_t n = 0;
      while (Clock::now() - start < deadline) {
        JsonWriter w;
        w.StartObject()
            .Field("run_id", runs[c])
            .Field("key", "m")
            .DoubleField("value", 0.5)
            .Field("timestamp", int64_t(1700000000000) + n)
            .Field("step", n)
            .EndObject();
        client.Post(ep::kLogMetric, w.str());
        ++n;
      }
      total.fetch_add(n);
    });
  }
  auto start = Clock::now();
  go.store(true);
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("| (b) log-metric, %d keep-alive clients | %.0f req/s (%lld requests in %.1f s) |\n", args.clients,
              double(total.load()) / secs, static_cast<long long>(total.load()), secs);
}

void WorkloadC(const Args& args, Api& api) {
  std::string experiment_id = api.CreateExperiment(fmt::format("bench-search-{}", std::time(nullptr)));
  auto load_start = Clock::now();
  // Load with a few threads; this part is setup, not measured.
  std::atomic<int> next{0};
  std::vector<std::thread> loaders;
  for (int t = 0; t < 4; ++t) {
    loaders.emplace_back([&, t] {
      Api client(args.url);
      for (int i = next++; i < args.runs; i = next++) {
        std::string run_id = client.CreateRun(experiment_id);
        JsonWriter w;
        w.StartObject().Field("run_id", run_id).Key("metrics").StartArray();
        for (int m = 0; m < 5; ++m) {
          double value = double((i * 7919 + m * 104729) % 1000) / 1000.0;
          w.StartObject().Field("key", fmt::format("m{}", m)).DoubleField("value", value);
          w.Field("timestamp", int64_t(1700000000000) + i).Field("step", int64_t(0)).EndObject();
        }
        w.EndArray().Key("params").StartArray();
        for (int p = 0; p < 5; ++p) {
          w.StartObject().Field("key", fmt::format("p{}", p)).Field("value", fmt::format("v{}", (i + p) % 10)).EndObject();
        }
        w.EndArray().EndObject();
        client.Post(ep::kLogBatch, w.str());
      }
    });
  }
  for (auto& t : loaders) t.join();
  std::fprintf(stderr, "loaded %d runs in %.1f s\n", args.runs, Ms(Clock::now() - load_start) / 1000);
  for (int max_results : {100, 1000}) {
    std::vector<double> ms;
    size_t returned = 0;
    for (int i = 0; i < 25; ++i) {
      JsonWriter w;
      w.StartObject().Key("experiment_ids").StartArray().String(experiment_id).EndArray();
      w.Field("filter", "metrics.m0 > 0.5").Field("max_results", int64_t(max_results)).EndObject();
      auto start = Clock::now();
      std::string body = api.Post(ep::kSearchRuns, w.str());
      if (i >= 5) ms.push_back(Ms(Clock::now() - start));
      returned = body.size();
    }
    std::printf("| (c) search-runs `metrics.m0 > 0.5`, %d runs, max_results %d | median %.2f ms, p95 %.2f ms (%zu-byte response) |\n",
                args.runs, max_results, Median(ms), Percentile(ms, 0.95), returned);
  }
}

void WorkloadD(const Args& args, Api& api, const std::string& experiment_id) {
  std::string run_id = api.CreateRun(experiment_id);
  for (int first = 0; first < args.points; first += 1000) {
    api.Post(ep::kLogBatch, MetricBatch(run_id, "curve", first, std::min(1000, args.points - first)));
  }
  std::vector<double> ms;
  size_t bytes = 0;
  for (int i = 0; i < 12; ++i) {
    auto start = Clock::now();
    std::string body = api.Get(ep::kGetMetricHistory, {{"run_id", run_id}, {"metric_key", "curve"}});
    if (i >= 2) ms.push_back(Ms(Clock::now() - start));
    bytes = body.size();
  }
  std::printf("| (d) get-history, %d points | median %.2f ms, p95 %.2f ms (%zu-byte response) |\n", args.points,
              Median(ms), Percentile(ms, 0.95), bytes);
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--url") args.url = value;
    else if (flag == "--clients") args.clients = std::stoi(value);
    else if (flag == "--seconds") args.seconds = std::stod(value);
    else if (flag == "--runs") args.runs = std::stoi(value);
    else if (flag == "--points") args.points = std::stoi(value);
    else if (flag == "--only") args.only = value;
    else Die("unknown flag " + flag);
  }
  if (args.url.empty()) Die("--url is required");
  Api api(args.url);
  std::string experiment_id = api.CreateExperiment(fmt::format("bench-{}", std::time(nullptr)));
  std::printf("| workload | result |\n|---|---|\n");
  std::fflush(stdout);
  auto want = [&](char w) { return args.only.find(w) != std::string::npos; };
  if (want('a')) WorkloadA(api, experiment_id);
  std::fflush(stdout);
  if (want('b')) WorkloadB(args, api, experiment_id);
  std::fflush(stdout);
  if (want('c')) WorkloadC(args, api);
  std::fflush(stdout);
  if (want('d')) WorkloadD(args, api, experiment_id);
  return 0;
}
