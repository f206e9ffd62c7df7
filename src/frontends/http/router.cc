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
  ++exact_paths_[route.path];
  std::string key = Key(route.method, route.path);
  exact_.emplace(std::move(key), std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  if (auto it = exact_.find(Key(method, path)); it != exact_.end()) return {MatchKind::kFound, &it->second};
  bool path_known = exact_paths_.count(std::string(path)) > 0;
  for (const Route& route : prefixes_) {
    if (path.substr(0, route.path.size()) != route.path) continue;
    if (route.method == method) return {MatchKind::kFound, &route};
    path_known = true;
  }
  return {path_known ? MatchKind::kWrongMethod : MatchKind::kNoPath, nullptr};
}

}  // namespace cairn::frontends
