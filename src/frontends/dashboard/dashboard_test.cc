// Unit tests of the dashboard frontend: static files, cache headers, the SPA
// fallback and the downsampling endpoint, through the Router with a real
// in-memory SQLite tracking store. The real binary is driven by tests/e2e/.
#include "frontends/dashboard/dashboard.h"

#include <gtest/gtest.h>

#include <array>

#include "base/json_reader.h"
#include "store/sqlite_store_factory.h"

namespace cairn::frontends {
namespace {

constexpr std::array<StaticAsset, 3> kAssets = {{
    {"index.html", "<!doctype html><html><head><title>cairn</title></head><body></body></html>"},
    {"assets/index-abc123.js", "console.log(1)"},
    {"favicon.svg", "<svg/>"},
}};

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteStoreOptions options;
    options.path = ":memory:";
    options.default_artifact_root = "file:///tmp/unused";
    auto store = store::OpenSqliteTrackingStore(options);
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
    RegisterDashboard(router_, DashboardDeps{store_.get(), kAssets});
    router_.Add(Route{"GET", "/health", false, false, [](HttpRequest&) { return HttpResponse::Text("OK"); }});
  }

  HttpResponse Get(const std::string& target, const std::string& method = "GET") {
    HttpRequest request;
    request.method = method;
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    auto match = router_.Find(request.method, request.path);
    if (match.kind != Router::MatchKind::kFound) {
      HttpResponse none;
      none.status = match.kind == Router::MatchKind::kWrongMethod ? 405 : 404;
      none.body = "router";
      return none;
    }
    return match.route->handler(request);
  }

  static std::string Header(const HttpResponse& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  std::string MakeRunWithHistory(const std::vector<tracking::Metric>& points) {
    auto run = store_->CreateRun(tracking::CreateRunRequest{"0", "u", "r", 1000, {}});
    EXPECT_TRUE(run.ok());
    EXPECT_TRUE(store_->LogBatch(run->info.run_id, points, {}, {}).ok());
    return run->info.run_id;
  }

  std::unique_ptr<tracking::TrackingStore> store_;
  Router router_;
};

TEST_F(DashboardTest, ServesIndexAndHashedAssetsWithCacheHeaders) {
  for (std::string path : {"/", "/index.html"}) {
    auto index = Get(path);
    EXPECT_EQ(index.status, 200) << path;
    EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
    EXPECT_EQ(index.body, kAssets[0].data) << "no <base> for the root";
  }
  auto js = Get("/assets/index-abc123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Header(js, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(js.body, "console.log(1)");
  auto svg = Get("/favicon.svg");
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_EQ(Header(svg, "Cache-Control"), "no-cache");
}

TEST_F(DashboardTest, SpaFallbackCarriesABaseBackToTheRoot) {
  auto one = Get("/experiments");
  EXPECT_EQ(one.status, 200);
  EXPECT_NE(one.body.find("<head><base href=\"./\"><title>"), std::string::npos) << one.body;
  auto deep = Get("/experiments/1/runs");
  EXPECT_NE(deep.body.find("<base href=\"../../\">"), std::string::npos) << deep.body;
  EXPECT_EQ(Header(deep, "Cache-Control"), "no-cache");
  // A missing file is a 404, never the app.
  auto missing = Get("/assets/index-old.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "text/plain; charset=utf-8");
}

TEST_F(DashboardTest, NeverShadowsApiPaths) {
  for (std::string path : {"/api/2.0/mlflow/nope", "/ajax-api/2.0/mlflow/runs/creat", "/api", "/version",
                           "/get-artifact", "/model-versions/get-artifact", "/api/2.0/mlflow/../../health",
                           "/v2/models/m/infer", "/v1/models/m:predict", "/invocations", "/metrics"}) {
    auto response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_NE(response.body.find("ENDPOINT_NOT_FOUND"), std::string::npos) << path << ": " << response.body;
  }
  EXPECT_EQ(Get("/health").body, "OK");
  // Other methods on unknown paths stay the server's 404, known paths 405.
  EXPECT_EQ(Get("/anything", "POST").status, 404);
  EXPECT_EQ(Get("/health", "POST").status, 405);
}

TEST_F(DashboardTest, DownsampledKeepsExtremesAndReportsTheSeries) {
  std::vector<tracking::Metric> points;
  for (int64_t step = 0; step < 1000; ++step) {
    points.push_back({"loss", step == 500 ? 99.0 : 1.0, 2000 + step, step, ""});
  }
  std::string run_id = MakeRunWithHistory(points);
  auto response = Get("/ajax-api/2.0/cairn/metrics/downsampled?run_id=" + run_id + "&metric_key=loss&buckets=10");
  ASSERT_EQ(response.status, 200) << response.body;
  auto doc = JsonDocument::ParseObject(response.body);
  ASSERT_TRUE(doc.ok());
  auto root = doc->root();
  EXPECT_EQ(**root.GetInt64("total_points"), 1000);
  EXPECT_EQ(**root.GetInt64("points_in_range"), 1000);
  EXPECT_TRUE(**root.GetBool("downsampled"));
  EXPECT_EQ(**root.GetDouble("x_max"), 999);
  auto metrics = (*root.GetArray("metrics"))->Objects("metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_LE(metrics->size(), 40u);
  bool has_peak = false;
  for (const auto& m : *metrics) has_peak |= **m.GetDouble("value") == 99.0 && **m.GetInt64("step") == 500;
  EXPECT_TRUE(has_peak) << response.body;

  // A zoomed window below 4 * buckets points comes back whole, plus neighbours.
  auto zoom = Get("/api/2.0/cairn/metrics/downsampled?run_id=" + run_id +
                  "&metric_key=loss&buckets=10&start=100&end=119&x=step");
  auto zdoc = JsonDocument::ParseObject(zoom.body);
  ASSERT_TRUE(zdoc.ok()) << zoom.body;
  EXPECT_FALSE(**zdoc->root().GetBool("downsampled"));
  EXPECT_EQ((*zdoc->root().GetArray("metrics"))->size(), 22u);

  auto by_time = Get("/api/2.0/cairn/metrics/downsampled?run_id=" + run_id + "&metric_key=loss&x=time");
  auto tdoc = JsonDocument::ParseObject(by_time.body);
  ASSERT_TRUE(tdoc.ok());
  EXPECT_EQ(**tdoc->root().GetDouble("x_min"), 2000);
}

TEST_F(DashboardTest, DownsampledRejectsBadInput) {
  std::string run_id = MakeRunWithHistory({{"m", 1, 1, 1, ""}});
  std::string base = "/api/2.0/cairn/metrics/downsampled?run_id=" + run_id;
  EXPECT_EQ(Get(base).status, 400);  // no metric_key
  EXPECT_EQ(Get(base + "&metric_key=m&x=epoch").status, 400);
  EXPECT_EQ(Get(base + "&metric_key=m&buckets=0").status, 400);
  EXPECT_EQ(Get(base + "&metric_key=m&buckets=10001").status, 400);
  EXPECT_EQ(Get(base + "&metric_key=m&start=5&end=1").status, 400);
  EXPECT_EQ(Get(base + "&metric_key=m&start=abc").status, 400);
  EXPECT_EQ(Get("/api/2.0/cairn/metrics/downsampled?run_id=nope&metric_key=m").status, 404);
  auto empty = Get(base + "&metric_key=other");
  EXPECT_EQ(empty.status, 200);
  EXPECT_NE(empty.body.find("\"total_points\":0"), std::string::npos) << empty.body;
}

}  // namespace
}  // namespace cairn::frontends
