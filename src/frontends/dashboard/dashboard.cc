#include "frontends/dashboard/dashboard.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/check.h"
#include "base/json_writer.h"
#include "frontends/dashboard/downsample.h"
#include "frontends/http/status_mapping.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "mlflow_wire/encode.h"
#include "mlflow_wire/endpoints.h"

namespace cairn::frontends {
namespace {

constexpr std::string_view kDownsampledPath = "/metrics/downsampled";
constexpr int64_t kDefaultBuckets = 1000;
constexpr int64_t kMaxBuckets = 10000;

// Paths that belong to the APIs, served now or planned (the inference
// protocols' /v1, /v2, MLflow scoring's /invocations, /ping, Prometheus'
// /metrics): never answered with the app, so a client that calls a missing
// endpoint gets the JSON 404, not HTML.
bool IsApiPath(std::string_view path) {
  for (std::string_view prefix :
       {"/api/", "/ajax-api/", "/get-artifact", "/model-versions/get-artifact", "/v1/", "/v2/"}) {
    if (path.substr(0, prefix.size()) == prefix) return true;
  }
  for (std::string_view exact :
       {"/api", "/ajax-api", "/health", "/version", "/v1", "/v2", "/invocations", "/ping", "/metrics"}) {
    if (path == exact) return true;
  }
  return false;
}

std::string_view Extension(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}

std::string_view ContentType(std::string_view path) {
  static const std::unordered_map<std::string_view, std::string_view> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"txt", "text/plain; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
  };
  auto it = kTypes.find(Extension(path));
  return it == kTypes.end() ? std::string_view("application/octet-stream") : it->second;
}

// "/a/b/c" -> "../../": from the directory of the requested URL back to the
// app root, so <base href> works below any mount prefix.
std::string RelativeRoot(std::string_view path) {
  size_t depth = size_t(std::count(path.begin(), path.end(), '/'));
  if (depth <= 1) return "./";
  std::string up;
  for (size_t i = 1; i < depth; ++i) up += "../";
  return up;
}

class StaticFiles {
 public:
  explicit StaticFiles(std::span<const StaticAsset> assets) {
    for (const StaticAsset& asset : assets) files_.emplace(asset.path, asset.data);
    auto index = files_.find("index.html");
    CAIRN_CHECK(index != files_.end(), "the embedded web UI has no index.html");
    index_ = index->second;
  }

  HttpResponse Serve(const HttpRequest& request) const {
    const std::string_view path = request.path;
    if (IsApiPath(path)) {
      return ErrorResponse(
          Status(StatusCode::kEndpointNotFound, fmt::format("No API endpoint at '{}'.", path.substr(0, 200))));
    }
    std::string_view name = path.substr(std::min<size_t>(1, path.size()));
    if (name.empty()) name = "index.html";
    if (auto it = files_.find(name); it != files_.end()) return File(name, it->second);
    // A missing file (an old bundle after an upgrade, a typo) is a 404, not
    // HTML that a browser would try to run as a script.
    if (!Extension(name).empty()) {
      HttpResponse missing = HttpResponse::Text("Not found.\n", 404);
      missing.headers.emplace_back("Cache-Control", "no-cache");
      return missing;
    }
    return App(path);
  }

 private:
  static HttpResponse File(std::string_view name, std::string_view data) {
    HttpResponse response;
    response.content_type = std::string(ContentType(name));
    response.body.assign(data);
    // Vite names bundles after their content hash: they never change.
    bool hashed = name.substr(0, 7) == "assets/";
    response.headers.emplace_back("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return response;
  }

  // index.html for a client-side route, with a <base> back to the root.
  HttpResponse App(std::string_view path) const {
    HttpResponse response = File("index.html", index_);
    std::string base = fmt::format("<base href=\"{}\">", RelativeRoot(path));
    size_t head = response.body.find("<head>");
    response.body.insert(head == std::string::npos ? 0 : head + 6, base);
    return response;
  }

  std::unordered_map<std::string_view, std::string_view> files_;
  std::string_view index_;
};

Result<std::string> Downsampled(tracking::TrackingStore& store, const RequestParams& params) {
  tracking::MetricHistoryRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(request.metric_key, params.RequireString("metric_key"));
  CAIRN_ASSIGN_OR_RETURN(auto x, params.GetString("x"));
  const std::string axis = x.value_or("step");
  if (axis != "step" && axis != "time") {
    return InvalidArgument(
        fmt::format("Invalid value '{}' for parameter 'x': expected 'step' or 'time'.", axis.substr(0, 100)));
  }
  CAIRN_ASSIGN_OR_RETURN(auto buckets, params.GetInt64("buckets"));
  dashboard::DownsampleOptions options;
  options.buckets = buckets.value_or(kDefaultBuckets);
  if (options.buckets < 1 || options.buckets > kMaxBuckets) {
    return InvalidArgument(fmt::format("Invalid value {} for parameter 'buckets': must be between 1 and {}.",
                                       options.buckets, kMaxBuckets));
  }
  CAIRN_ASSIGN_OR_RETURN(options.start, params.GetDouble("start"));
  CAIRN_ASSIGN_OR_RETURN(options.end, params.GetDouble("end"));
  if (options.start && options.end && *options.start > *options.end) {
    return InvalidArgument("Parameter 'start' must not be greater than 'end'.");
  }

  CAIRN_ASSIGN_OR_RETURN(auto page, store.GetMetricHistory(request));
  std::vector<tracking::Metric>& points = page.items;
  // The store orders by (timestamp, step); a step axis needs step order.
  if (axis == "step") {
    std::stable_sort(points.begin(), points.end(),
                     [](const tracking::Metric& a, const tracking::Metric& b) { return a.step < b.step; });
  }
  std::vector<double> xs(points.size());
  std::vector<double> ys(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    xs[i] = double(axis == "step" ? points[i].step : points[i].timestamp);
    ys[i] = points[i].value;
  }
  std::vector<size_t> kept = dashboard::DownsampleMinMax(xs, ys, options);

  JsonWriter w;
  w.StartObject();
  w.Field("metric_key", request.metric_key);
  w.Field("x", axis);
  w.Field("total_points", int64_t(points.size()));
  if (!points.empty()) {
    w.DoubleField("x_min", xs.front());
    w.DoubleField("x_max", xs.back());
  }
  w.Field("buckets", options.buckets);
  // Points in the requested range; above 4 * buckets they were bucketed.
  auto lo = options.start ? std::lower_bound(xs.begin(), xs.end(), *options.start) : xs.begin();
  auto hi = options.end ? std::upper_bound(xs.begin(), xs.end(), *options.end) : xs.end();
  const int64_t in_range = hi > lo ? int64_t(hi - lo) : 0;
  w.Field("points_in_range", in_range);
  w.Field("downsampled", in_range > 4 * options.buckets);
  w.Key("metrics").StartArray();
  for (size_t i : kept) mlflow_wire::WriteMetric(w, points[i]);
  w.EndArray();
  w.EndObject();
  return w.str();
}

}  // namespace

void RegisterDashboard(Router& router, const DashboardDeps& deps) {
  CAIRN_CHECK(deps.store != nullptr, "DashboardDeps.store is required");
  tracking::TrackingStore& store = *deps.store;
  Handler downsampled =
      WrapJson([&store](const RequestParams& params, const HttpRequest&) { return Downsampled(store, params); });
  for (std::string_view prefix : {mlflow_wire::kCairnApiPrefix, mlflow_wire::kCairnAjaxApiPrefix}) {
    router.Add(Route{"GET", fmt::format("{}{}", prefix, kDownsampledPath), false, false, downsampled});
  }
  auto files = std::make_shared<const StaticFiles>(deps.assets);
  router.SetFallback(
      Route{"GET", "", false, false, WrapRaw([files](HttpRequest& request) { return files->Serve(request); })});
}

}  // namespace cairn::frontends
