// ModelSource: turns a model URI into a model version and its files on local
// disk. Two implementations share the resolution (registry/model_uri.h) and
// differ in how files arrive: in-process from the server's artifact
// repositories (RegistryModelSource, here), or over REST from a tracking
// server (server/remote_model_source.*, for `cairn serve`).
//
// Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "artifacts/artifact_repository_registry.h"
#include "base/result.h"
#include "registry/registry_store.h"
#include "serving/served_model.h"

namespace cairn::serving {

class ModelSource {
 public:
  virtual ~ModelSource() = default;
  // Resolves `uri` (models:/name/3, models:/name@alias, models:/name/Stage,
  // models:/name/latest). kInvalidArgument for malformed URIs, kNotFound
  // for unknown models, versions or aliases.
  virtual Result<ModelOrigin> Resolve(const std::string& uri) = 0;
  // Copies the version's files into `dst` (created).
  virtual Status Fetch(const ModelOrigin& origin, const std::filesystem::path& dst) = 0;
};

// Resolves a models: URI against `registry` into an origin whose
// artifact_uri is the version's storage location (or source), via
// `download_uri` when the store cannot tell (REST stores).
Result<ModelOrigin> ResolveRegistryModel(
    registry::RegistryStore& registry, const std::string& uri,
    const std::function<Result<std::string>(const registry::ModelVersion&)>& download_uri = nullptr);

// The server's own registry and artifact repositories.
class RegistryModelSource final : public ModelSource {
 public:
  // Both must outlive the source.
  RegistryModelSource(registry::RegistryStore& registry, const artifacts::ArtifactRepositoryRegistry& artifacts)
      : registry_(registry), artifacts_(artifacts) {}
  Result<ModelOrigin> Resolve(const std::string& uri) override;
  Status Fetch(const ModelOrigin& origin, const std::filesystem::path& dst) override;

 private:
  registry::RegistryStore& registry_;
  const artifacts::ArtifactRepositoryRegistry& artifacts_;
};

}  // namespace cairn::serving
