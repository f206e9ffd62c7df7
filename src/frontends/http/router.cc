#include "frontends/http/router.h"

#include <algorithm>

namespace cairn::frontends {

std::string Router::Key(std::string_view method, std::string_view path) {
  std::string key(method);
  key += ' ';
  key += path;
  return key;
}

void Router::Add(Route route) {
  if (route.prefix) {
    prefixes_.push_back(std::move(route));
    std::stable_sort(prefixes_.begin(), prefixes_.end(),
                     [](const Route& a, const Route& b) { return a.path.size() > b.path.size(); });
    return;
  }
  exact_methods_[route.path].push_back(route.method);
  std::string key = Key(route.method, route.path);
  exact_.emplace(std::move(key), std::move(route));
}

void Router::SetFallback(Route route) { fallback_ = std::move(route); }

void Router::WrapHandlers(const std::function<Handler(const Route&, bool)>& wrap) {
  for (auto& [key, route] : exact_) route.handler = wrap(route, false);
  for (Route& route : prefixes_) route.handler = wrap(route, false);
  if (fallback_) fallback_->handler = wrap(*fallback_, true);
}

void Router::SetAdmitters(const std::function<Admitter(const Route&, bool)>& admitter) {
  admitters_.clear();
  auto set = [&](const Route& route, bool fallback) {
    if (Admitter admit = admitter(route, fallback)) admitters_.emplace(&route, std::move(admit));
  };
  for (const auto& [key, route] : exact_) set(route, false);
  for (const Route& route : prefixes_) set(route, false);
  if (fallback_) set(*fallback_, true);
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match = FindRoute(method, path);
  if (match.route != nullptr && !admitters_.empty()) {
    if (auto it = admitters_.find(match.route); it != admitters_.end()) match.admit = &it->second;
  }
  return match;
}

Router::Match Router::FindRoute(std::string_view method, std::string_view path) const {
  if (auto it = exact_.find(Key(method, path)); it != exact_.end()) return {MatchKind::kFound, &it->second, {}, nullptr};
  std::vector<std::string> allowed;
  if (auto it = exact_methods_.find(std::string(path)); it != exact_methods_.end()) allowed = it->second;
  for (const Route& route : prefixes_) {
    if (path.substr(0, route.path.size()) != route.path) continue;
    if (route.method == method) return {MatchKind::kFound, &route, {}, nullptr};
    allowed.push_back(route.method);
  }
  if (allowed.empty()) {
    if (fallback_ && fallback_->method == method) return {MatchKind::kFound, &*fallback_, {}, nullptr};
    return {MatchKind::kNoPath, nullptr, {}, nullptr};
  }
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  return {MatchKind::kWrongMethod, nullptr, std::move(allow), nullptr};
}

}  // namespace cairn::frontends
