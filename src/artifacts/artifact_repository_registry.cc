#include "artifacts/artifact_repository_registry.h"

#include <fmt/format.h>

#include "artifacts/local/local_artifact_repository.h"

namespace cairn::artifacts {

void ArtifactRepositoryRegistry::Register(std::string scheme, Resolver resolver) {
  resolvers_[std::move(scheme)] = std::move(resolver);
}

Result<ResolvedLocation> ArtifactRepositoryRegistry::Resolve(std::string_view uri) const {
  std::string_view scheme = "file";
  std::string_view rest = uri;
  size_t colon = uri.find(':');
  size_t slash = uri.find('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
    scheme = uri.substr(0, colon);
    rest = uri.substr(colon + 1);
  }
  auto it = resolvers_.find(scheme);
  if (it == resolvers_.end()) {
    std::string known;
    for (const auto& [name, unused] : resolvers_) known += (known.empty() ? "" : ", ") + name;
    return InvalidArgument(fmt::format(
        "Could not find an artifact repository for '{}'. Supported schemes: [{}]", uri.substr(0, 200), known));
  }
  return it->second(rest);
}

ArtifactRepositoryRegistry::Resolver MakeLocalFileResolver() {
  struct Cache {
    std::mutex mu;
    std::map<std::string, std::unique_ptr<LocalArtifactRepository>> by_root;  // GUARDED_BY(mu)
  };
  auto cache = std::make_shared<Cache>();
  return [cache](std::string_view rest) -> Result<ResolvedLocation> {
    // file:///abs/dir -> "///abs/dir" -> "/abs/dir"; file:/abs -> "/abs".
    std::string_view path = rest;
    if (path.substr(0, 2) == "//") path.remove_prefix(2);
    std::string root(path);
    if (root.empty()) return InvalidArgument("Empty local artifact location.");
    std::lock_guard<std::mutex> lock(cache->mu);
    auto it = cache->by_root.find(root);
    if (it == cache->by_root.end()) {
      CAIRN_ASSIGN_OR_RETURN(auto repo, LocalArtifactRepository::Create(root));
      it = cache->by_root.emplace(root, std::move(repo)).first;
    }
    return ResolvedLocation{it->second.get(), ""};
  };
}

}  // namespace cairn::artifacts
