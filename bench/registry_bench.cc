// registry_bench: model-registry searches against SqliteRegistryStore in
// process, without HTTP: 10 000 registered models (2 tags each, an alias)
// with 100 000 versions (10 per model, some in Staging/Production), then
// search latencies for filtered and unfiltered pages. Measures; asserts
// nothing (bench/RESULTS.md).
//
// Usage: registry_bench [dir [reuse]]
//   dir:   where the database goes (default: a fresh temp dir, removed
//          afterwards); it is wiped first unless "reuse" follows, which
//          searches the database a previous run left there.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "registry/registry_store.h"
#include "store/sqlite_store_factory.h"

namespace {

using cairn::registry::Actor;
using cairn::registry::RegistryStore;
using cairn::registry::SearchRequest;
using Clock = std::chrono::steady_clock;

constexpr int kModels = 10000;
constexpr int kVersionsPerModel = 10;
constexpr int kRepetitions = 15;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void Check(const cairn::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "registry_bench: %s\n", status.ToString().c_str());
    std::exit(1);
  }
}

std::string ModelName(int i) { return "model-" + std::to_string(i); }

// Runs fn(i) for i in [0, count) on `threads` threads (writes share group
// commits, as concurrent API requests would).
void ParallelFor(int count, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < count; i = next++) fn(i);
    });
  }
  for (auto& worker : workers) worker.join();
}

void Populate(RegistryStore& store) {
  const Actor actor{"bench"};
  auto start = Clock::now();
  ParallelFor(kModels, 8, [&](int i) {
    Check(store.CreateRegisteredModel(actor, ModelName(i), {{"team", "team-" + std::to_string(i % 7)}, {"tier", "gold"}},
                                      "benchmark model")
              .status());
  });
  double models_ms = MillisSince(start);
  start = Clock::now();
  ParallelFor(kModels, 8, [&](int i) {
    for (int v = 0; v < kVersionsPerModel; ++v) {
      cairn::registry::CreateModelVersionRequest request;
      request.name = ModelName(i);
      request.source = "s3://bench/models/" + std::to_string(i) + "/" + std::to_string(v);
      request.run_id = std::to_string(i * kVersionsPerModel + v);
      request.tags = {{"v", std::to_string(v)}};
      Check(store.CreateModelVersion(actor, request).status());
    }
    Check(store.TransitionStage(actor, ModelName(i), kVersionsPerModel - 1, cairn::registry::Stage::kProduction, true)
              .status());
    Check(store.TransitionStage(actor, ModelName(i), kVersionsPerModel, cairn::registry::Stage::kStaging, false)
              .status());
    Check(store.SetAlias(actor, ModelName(i), "champion", kVersionsPerModel - 1));
  });
  double versions_ms = MillisSince(start);
  std::printf("| setup: %d CreateRegisteredModel (8 threads) | %.0f ms (%.0f/s) |\n", kModels, models_ms,
              kModels * 1000.0 / models_ms);
  const int version_writes = kModels * (kVersionsPerModel + 3);
  std::printf("| setup: %d CreateModelVersion + 2 TransitionStage + SetAlias per model (8 threads) | %.0f ms "
              "(%.0f writes/s) |\n",
              kModels * kVersionsPerModel, versions_ms, version_writes * 1000.0 / versions_ms);
}

struct Timing {
  double median;
  double p90;
  double best;
  size_t items;
  bool has_next;
};

template <typename Search>
Timing Measure(Search&& search) {
  std::vector<double> samples;
  size_t items = 0;
  bool has_next = false;
  for (int r = 0; r < kRepetitions; ++r) {
    auto start = Clock::now();
    auto page = search();
    samples.push_back(MillisSince(start));
    Check(page.status());
    items = page->items.size();
    has_next = !page->next_page_token.empty();
  }
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples[samples.size() * 9 / 10], samples.front(), items, has_next};
}

void Print(const std::string& what, const Timing& t) {
  std::printf("| %s | median %.2f ms, p90 %.2f ms, best %.2f ms (%zu items%s) |\n", what.c_str(), t.median, t.p90,
              t.best, t.items, t.has_next ? ", next page" : "");
}

void SearchModels(RegistryStore& store) {
  for (const char* filter : {"", "name LIKE 'model-1%'", "tags.team = 'team-3'"}) {
    for (int64_t max_results : {100, 1000}) {
      SearchRequest request;
      request.filter = filter;
      request.max_results = max_results;
      Timing t = Measure([&] { return store.SearchRegisteredModels(request); });
      Print(std::string("search registered models `") + (*filter ? filter : "(no filter)") + "`, max_results " +
                std::to_string(max_results),
            t);
    }
  }
  SearchRequest ordered;
  ordered.order_by = {"last_updated_timestamp DESC"};
  ordered.max_results = 1000;
  Print("search registered models order_by last_updated_timestamp DESC, max_results 1000",
        Measure([&] { return store.SearchRegisteredModels(ordered); }));
  // A deep page: offset 9000.
  SearchRequest deep;
  deep.max_results = 1000;
  auto first = store.SearchRegisteredModels(deep);
  Check(first.status());
  for (int page = 1; page < 9; ++page) {
    deep.page_token = first->next_page_token;
    first = store.SearchRegisteredModels(deep);
    Check(first.status());
  }
  deep.page_token = first->next_page_token;
  Print("search registered models, page 10 of 10 (offset 9000), max_results 1000",
        Measure([&] { return store.SearchRegisteredModels(deep); }));
  Print("get registered model (10 versions, 3 latest, tags, alias)",
        Measure([&]() -> cairn::Result<cairn::registry::Page<cairn::registry::RegisteredModel>> {
          auto model = store.GetRegisteredModel("model-4242");
          if (!model.ok()) return model.status();
          cairn::registry::Page<cairn::registry::RegisteredModel> page;
          page.items.push_back(std::move(*model));
          return page;
        }));
}

void SearchVersions(RegistryStore& store) {
  struct Case {
    const char* filter;
    int64_t max_results;
  } cases[] = {{"", 1000},
               {"name = 'model-4242'", 100},
               {"run_id = '42420'", 100},
               {"name LIKE 'model-1%'", 1000},
               {"tags.v = '3'", 1000}};
  for (const Case& c : cases) {
    SearchRequest request;
    request.filter = c.filter;
    request.max_results = c.max_results;
    Timing t = Measure([&] { return store.SearchModelVersions(request); });
    Print(std::string("search model versions `") + (*c.filter ? c.filter : "(no filter)") + "`, max_results " +
              std::to_string(c.max_results),
          t);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool temp = argc < 2;
  bool reuse = argc >= 3 && std::string(argv[2]) == "reuse";
  std::string dir = temp ? (std::filesystem::temp_directory_path() / "cairn-registry-bench").string() : argv[1];
  if (!reuse) std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  cairn::store::SqliteStoreOptions options;
  options.path = dir + "/bench.db";
  options.default_artifact_root = "mlflow-artifacts:";
  auto stores = cairn::store::OpenSqliteStores(options);
  Check(stores.status());
  RegistryStore& store = *stores->registry;
  std::printf("| registry workload (in process, no HTTP; %d models, %d versions) | result |\n|---|---|\n", kModels,
              kModels * kVersionsPerModel);
  if (!reuse) Populate(store);
  SearchModels(store);
  SearchVersions(store);
  stores->registry.reset();
  stores->tracking.reset();
  if (temp) std::filesystem::remove_all(dir);
  return 0;
}
