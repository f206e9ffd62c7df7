// serving_bench: inference latency and throughput of cairn's model server,
// in one process so the numbers isolate the server: an XGBoost model
// (trained here through the C API, 4 features, 50 trees of depth 6) is
// served by the real HTTP listener (server/http_server) and inference
// frontend over loopback, with and without dynamic batching, beside the cost
// of calling the backend directly (the limit). Clients use raw keep-alive
// sockets so client overhead stays small.
//
//   serving_bench [--seconds 3] [--concurrency 1,8,32] [--rows 1,64]
//
// Prints one table row per (mode, rows per request, concurrency).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xgboost/c_api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/logging.h"
#include "frontends/inference_http/inference_api.h"
#include "serving/backends/builtin_backends.h"
#include "serving/model_repository.h"
#include "server/http_server.h"

namespace fs = std::filesystem;
using namespace cairn;

namespace {

using Clock = std::chrono::steady_clock;

// Serves the one model directory it was given, under any URI.
class LocalDirSource final : public serving::ModelSource {
 public:
  explicit LocalDirSource(fs::path dir) : dir_(std::move(dir)) {}
  Result<serving::ModelOrigin> Resolve(const std::string& uri) override {
    return serving::ModelOrigin{uri, "bench", "1", "", dir_.string()};
  }
  Status Fetch(const serving::ModelOrigin&, const fs::path& dst) override {
    fs::create_directories(dst);
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.is_regular_file()) fs::copy_file(e.path(), dst / e.path().filename());
    }
    return Status::Ok();
  }

 private:
  fs::path dir_;
};

std::vector<float> Features(int rows, uint32_t seed) {
  std::vector<float> x(static_cast<size_t>(rows) * 4);
  for (auto& v : x) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24);
  }
  return x;
}

fs::path TrainModel() {
  fs::path dir = fs::temp_directory_path() / fmt::format("cairn-serving-bench-{}", ::getpid());
  fs::create_directories(dir);
  const int rows = 2000;
  std::vector<float> x = Features(rows, 1), y(rows);
  for (int i = 0; i < rows; ++i) y[i] = x[i * 4] + 2 * x[i * 4 + 1] - x[i * 4 + 3] > 1.0f;
  DMatrixHandle d;
  XGDMatrixCreateFromMat(x.data(), rows, 4, NAN, &d);
  XGDMatrixSetFloatInfo(d, "label", y.data(), rows);
  BoosterHandle b;
  XGBoosterCreate(&d, 1, &b);
  XGBoosterSetParam(b, "objective", "binary:logistic");
  XGBoosterSetParam(b, "max_depth", "6");
  for (int i = 0; i < 50; ++i) XGBoosterUpdateOneIter(b, i, d);
  XGBoosterSaveModel(b, (dir / "model.json").c_str());
  XGBoosterFree(b);
  XGDMatrixFree(d);
  std::ofstream(dir / "MLmodel") << "flavors:\n  xgboost:\n    data: model.json\n";
  return dir;
}

// One keep-alive HTTP/1.1 connection.
class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) std::abort();
  }
  ~Connection() { ::close(fd_); }
  // Sends the request, returns the status.
  int Post(const std::string& request) {
    for (size_t sent = 0; sent < request.size();) {
      ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return 0;
      sent += static_cast<size_t>(n);
    }
    buffer_.clear();
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Read()) return 0;
    }
    size_t cl = buffer_.find("ontent-Length: ");
    size_t length = cl == std::string::npos ? 0 : std::strtoul(buffer_.c_str() + cl + 15, nullptr, 10);
    while (buffer_.size() < header_end + 4 + length) {
      if (!Read()) return 0;
    }
    return std::atoi(buffer_.c_str() + 9);
  }

 private:
  bool Read() {
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string buffer_;
};

struct Stats {
  double throughput_rps = 0, rows_per_s = 0, p50_us = 0, p99_us = 0;
  size_t errors = 0;
};

Stats Summarise(std::vector<double>& latencies_us, double seconds, int rows, size_t errors) {
  Stats s;
  std::sort(latencies_us.begin(), latencies_us.end());
  s.throughput_rps = latencies_us.size() / seconds;
  s.rows_per_s = s.throughput_rps * rows;
  if (!latencies_us.empty()) {
    s.p50_us = latencies_us[latencies_us.size() / 2];
    s.p99_us = latencies_us[std::min(latencies_us.size() - 1, latencies_us.size() * 99 / 100)];
  }
  s.errors = errors;
  return s;
}

std::string InferBody(int rows, uint32_t seed) {
  return fmt::format(R"({{"inputs":[{{"name":"input-0","shape":[{},4],"datatype":"FP32","data":[{}]}}]}})", rows,
                     fmt::join(Features(rows, seed), ","));
}

Stats RunHttp(uint16_t port, const std::string& model, int rows, int concurrency, double seconds) {
  std::string body = InferBody(rows, 42);
  // model "" measures the transport alone: GET /v2/health/live.
  std::string request =
      model.empty() ? std::string("GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    : fmt::format("POST /v2/models/{}/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                  "application/json\r\nContent-Length: {}\r\n\r\n{}",
                                  model, body.size(), body);
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> per_thread(concurrency);
  std::atomic<size_t> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      Connection c(port);
      while (!stop.load(std::memory_order_relaxed)) {
        auto start = Clock::now();
        int status = c.Post(request);
        double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
        if (status != 200) {
          errors++;
          if (status == 0) return;
        } else {
          per_thread[t].push_back(us);
        }
      }
    });
  }
  auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  return Summarise(all, elapsed, rows, errors);
}

Stats RunDirect(serving::ServedModel& model, int rows, double seconds) {
  serving::Tensor input = serving::Tensor::Fp32("input-0", {rows, 4}, Features(rows, 42));
  std::vector<double> latencies;
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  auto start_all = Clock::now();
  while (Clock::now() < end) {
    serving::InferenceRequest request;
    request.inputs.push_back(input);
    auto start = Clock::now();
    auto out = model.Infer(std::move(request));
    latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!out.ok()) std::abort();
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start_all).count();
  return Summarise(latencies, elapsed, rows, 0);
}

std::vector<int> ParseList(const char* text) {
  std::vector<int> out;
  for (const char* p = text; *p;) {
    out.push_back(std::atoi(p));
    while (*p && *p != ',') ++p;
    if (*p == ',') ++p;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  std::vector<int> concurrency = {1, 8, 32};
  std::vector<int> rows_list = {1, 64};
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::atof(argv[i + 1]);
    if (flag == "--concurrency") concurrency = ParseList(argv[i + 1]);
    if (flag == "--rows") rows_list = ParseList(argv[i + 1]);
  }
  SetLogLevel(LogLevel::kWarn);
  fs::path model_dir = TrainModel();
  LocalDirSource source(model_dir);
  serving::BackendRegistry backends;
  serving::RegisterBuiltinBackends(backends);
  fs::path cache = model_dir / "cache";
  serving::ModelRepository repository(source, backends, cache);
  serving::DeploymentSpec off{"nobatch", "local:bench", {}};
  serving::DeploymentSpec on{"batch", "local:bench", {/*max_batch_size=*/256, /*max_queue_delay_us=*/500, 4096}};
  if (!repository.Create(off).ok() || !repository.Create(on).ok()) {
    std::fprintf(stderr, "cannot load the model\n");
    return 1;
  }
  frontends::Router router;
  frontends::InferenceApiDeps deps;
  deps.repository = &repository;
  frontends::RegisterInferenceApi(router, deps);
  server::HttpServerOptions options;
  options.port = 0;
  options.io_threads = 2;
  options.handler_threads = 64;
  options.spool_dir = (model_dir / "spool").string();
  server::HttpServer http(options, router);
  if (!http.Start().ok()) return 1;

  std::printf("| mode | rows/request | concurrency | requests/s | rows/s | p50 us | p99 us | errors |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  auto print = [](const std::string& mode, int rows, int c, const Stats& s) {
    std::printf("| %s | %d | %d | %.0f | %.0f | %.0f | %.0f | %zu |\n", mode.c_str(), rows, c, s.throughput_rps,
                s.rows_per_s, s.p50_us, s.p99_us, s.errors);
    std::fflush(stdout);
  };
  auto direct = repository.Route("nobatch");
  for (int rows : rows_list) print("direct (in-process ServedModel::Infer)", rows, 1, RunDirect(**direct, rows, seconds));
  print("HTTP, GET /v2/health/live (transport alone)", 0, 1, RunHttp(http.port(), "", 0, 1, seconds));
  for (int rows : rows_list) {
    for (int c : concurrency) {
      print("HTTP, batching off", rows, c, RunHttp(http.port(), "nobatch", rows, c, seconds));
      print("HTTP, batching on (max 256 rows, 500 us)", rows, c, RunHttp(http.port(), "batch", rows, c, seconds));
    }
  }
  http.Stop();
  std::error_code ignored;
  fs::remove_all(model_dir, ignored);
  return 0;
}
