// ArtifactRepositoryRegistry: resolves artifact URIs ("mlflow-artifacts:/1/x",
// "file:///data/mlruns/1/x", ...) to a repository and a path inside it, by
// scheme. Owned by the composition root, which registers the schemes it
// supports explicitly (no static self-registration). Thread-safe after
// registration is complete.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "artifacts/artifact_repository.h"
#include "base/result.h"

namespace cairn::artifacts {

struct ResolvedLocation {
  ArtifactRepository* repository = nullptr;  // owned by the registry's resolvers
  std::string path;                          // inside the repository
};

class ArtifactRepositoryRegistry {
 public:
  // Maps the part of a URI after "<scheme>:" to a location.
  using Resolver = std::function<Result<ResolvedLocation>(std::string_view rest)>;

  void Register(std::string scheme, Resolver resolver);
  // Unknown scheme -> kInvalidArgument listing the registered ones. A URI
  // without a scheme is treated as a local path ("file").
  Result<ResolvedLocation> Resolve(std::string_view uri) const;

 private:
  std::map<std::string, Resolver, std::less<>> resolvers_;
};

// A "file" resolver that opens (and caches) one LocalArtifactRepository per
// root directory named by the URI.
ArtifactRepositoryRegistry::Resolver MakeLocalFileResolver();

}  // namespace cairn::artifacts
