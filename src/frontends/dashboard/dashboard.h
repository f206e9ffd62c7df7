// The web dashboard frontend: serves the UI files embedded in the binary
// (web/, built by CMake) and the one endpoint the UI needs beyond the MLflow
// API, min/max-preserving metric downsampling for charts:
//
//   GET /ajax-api/2.0/cairn/metrics/downsampled   (also under /api/2.0/cairn)
//       ?run_id=&metric_key=&x=step|time&buckets=N&start=&end=
//
// Files are served through the router's fallback route, so they never shadow
// an API route: `/` and `/index.html` give the app (no-cache), `/assets/...`
// the content-hashed bundles (immutable), and any other GET path outside
// /api, /ajax-api, /health, /version, /get-artifact,
// /model-versions/get-artifact and the inference paths (/v1, /v2,
// /invocations, /ping, /metrics) gets the app too (single-page-app fallback,
// with a <base> so its relative URLs resolve to the root whatever prefix a
// proxy mounts the server under). Unknown API paths keep the JSON 404.
#pragma once

#include "frontends/dashboard/static_asset.h"
#include "frontends/http/router.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

struct DashboardDeps {
  tracking::TrackingStore* store = nullptr;  // required (the downsampling endpoint)
  // The UI files; must contain "index.html". Must outlive the router.
  std::span<const StaticAsset> assets;
};

// Adds the downsampling routes and sets the router's GET fallback. The
// dependencies must outlive the router.
void RegisterDashboard(Router& router, const DashboardDeps& deps);

}  // namespace cairn::frontends
