// Router: maps (method, path) to a handler. Exact paths are hashed; prefix
// routes (artifact paths) are tried longest-first. Built once at start-up,
// then read concurrently without locks (immutable after Freeze()).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontends/http/http_types.h"

namespace cairn::frontends {

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct Route {
  std::string method;
  std::string path;  // exact path, or the prefix when `prefix` is set
  bool prefix = false;
  // The server spools the body to a file instead of memory (uploads).
  bool streams_request_body = false;
  Handler handler;
};

class Router {
 public:
  void Add(Route route);
  // The route used when no exact or prefix route knows the path (instead of
  // kNoPath), for requests with its method only: paths that other methods
  // know still answer kWrongMethod, and unknown paths with other methods
  // still answer kNoPath. The dashboard uses it for its files and its
  // single-page-app fallback. `path` is ignored.
  void SetFallback(Route route);

  // Replaces every route's handler (exact, prefix and fallback) with
  // wrap(route, is_fallback), which may call route.handler. For layers that
  // apply to all routes (authentication); call after all routes are added.
  void WrapHandlers(const std::function<Handler(const Route&, bool)>& wrap);

  enum class MatchKind { kFound, kNoPath, kWrongMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoPath;
    const Route* route = nullptr;
    // For kWrongMethod: the methods the path does accept ("GET, POST"), for
    // the Allow header.
    std::string allow;
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  static std::string Key(std::string_view method, std::string_view path);
  std::unordered_map<std::string, Route> exact_;
  std::unordered_map<std::string, std::vector<std::string>> exact_methods_;  // path -> methods
  std::vector<Route> prefixes_;                       // sorted longest first
  std::optional<Route> fallback_;
};

}  // namespace cairn::frontends
