// Router: maps (method, path) to a handler. Exact paths are hashed; prefix
// routes (artifact paths) are tried longest-first. Built once at start-up,
// then read concurrently without locks (immutable after Freeze()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "frontends/http/http_types.h"

namespace cairn::frontends {

using Handler = std::function<HttpResponse(HttpRequest&)>;

// What a route's admission stage decides before the listener reads the
// request body (the request then holds its headers only): refuse it
// outright, or how large a body to take. The auth layer authenticates here,
// so an unknown client never gets a large body read or spooled.
struct Admission {
  std::optional<HttpResponse> refusal;
  uint64_t max_body_bytes = 0;    // in-memory bodies; 0: the server's limit
  uint64_t max_upload_bytes = 0;  // streamed bodies; 0: unlimited
};
using Admitter = std::function<Admission(HttpRequest&)>;

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
  // Gives every route (exact, prefix and fallback) the admission stage
  // admitter(route, is_fallback), which the listener runs after the
  // headers and before the body (on its handler pool: it may block).
  // Routes without one are admitted with the server's limits. Call after
  // all routes are added.
  void SetAdmitters(const std::function<Admitter(const Route&, bool)>& admitter);

  enum class MatchKind { kFound, kNoPath, kWrongMethod };
  struct Match {
    MatchKind kind = MatchKind::kNoPath;
    const Route* route = nullptr;
    // For kWrongMethod: the methods the path does accept ("GET, POST"), for
    // the Allow header.
    std::string allow;
    // For kFound: the route's admission stage, when it has one.
    const Admitter* admit = nullptr;
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  Match FindRoute(std::string_view method, std::string_view path) const;
  static std::string Key(std::string_view method, std::string_view path);
  std::unordered_map<std::string, Route> exact_;
  std::unordered_map<std::string, std::vector<std::string>> exact_methods_;  // path -> methods
  std::vector<Route> prefixes_;                       // sorted longest first
  std::optional<Route> fallback_;
  // Admission stages by route (SetAdmitters; the routes no longer move).
  std::unordered_map<const Route*, Admitter> admitters_;
};

}  // namespace cairn::frontends
