#include "serving/model_source.h"

#include <fmt/format.h>

#include "registry/model_uri.h"

namespace cairn::serving {
namespace fs = std::filesystem;

Result<ModelOrigin> ResolveRegistryModel(
    registry::RegistryStore& registry, const std::string& uri,
    const std::function<Result<std::string>(const registry::ModelVersion&)>& download_uri) {
  CAIRN_ASSIGN_OR_RETURN(registry::ModelUri parsed, registry::ParseModelUri(uri));
  if (parsed.kind == registry::ModelUri::Kind::kRun || parsed.kind == registry::ModelUri::Kind::kLoggedModel) {
    return InvalidArgument(
        fmt::format("'{}': serve a registered model (models:/<name>/<version> or models:/<name>@<alias>)", uri));
  }
  CAIRN_ASSIGN_OR_RETURN(registry::ModelVersion version, registry::ResolveModelVersion(registry, parsed));
  ModelOrigin origin;
  origin.model_uri = uri;
  origin.registered_name = version.name;
  origin.version = std::to_string(version.version);
  origin.run_id = version.run_id;
  if (download_uri) {
    CAIRN_ASSIGN_OR_RETURN(origin.artifact_uri, download_uri(version));
  } else {
    origin.artifact_uri = registry::VersionArtifactUri(version);
  }
  return origin;
}

Result<ModelOrigin> RegistryModelSource::Resolve(const std::string& uri) { return ResolveRegistryModel(registry_, uri); }

namespace {

// Copies `dir` of `repo` (recursively) to `dst`.
Status CopyTree(artifacts::ArtifactRepository& repo, const std::string& dir, const fs::path& dst, int depth) {
  if (depth > 32) return InvalidArgument("the model's directory tree is too deep");
  std::error_code ec;
  fs::create_directories(dst, ec);
  if (ec) return Internal("cannot create the model cache directory", ec.message());
  CAIRN_ASSIGN_OR_RETURN(auto entries, repo.List(dir));
  for (const auto& entry : entries) {
    std::string name = fs::path(entry.path).filename().string();
    if (name.empty() || name == "." || name == "..") continue;
    if (entry.is_dir) {
      CAIRN_RETURN_IF_ERROR(CopyTree(repo, entry.path, dst / name, depth + 1));
      continue;
    }
    CAIRN_ASSIGN_OR_RETURN(auto file, repo.Open(entry.path));
    fs::copy_file(file.local_path, dst / name, fs::copy_options::overwrite_existing, ec);
    if (ec) return Internal(fmt::format("cannot copy model file {}", name), ec.message());
  }
  return Status::Ok();
}

}  // namespace

Status RegistryModelSource::Fetch(const ModelOrigin& origin, const fs::path& dst) {
  CAIRN_ASSIGN_OR_RETURN(auto location, artifacts_.Resolve(origin.artifact_uri));
  CAIRN_RETURN_IF_ERROR(CopyTree(*location.repository, location.path, dst, 0));
  if (!fs::exists(dst / "MLmodel")) {
    return InvalidArgument(fmt::format("{} version {} has no MLmodel file at {}", origin.registered_name,
                                       origin.version, origin.artifact_uri));
  }
  return Status::Ok();
}

}  // namespace cairn::serving
