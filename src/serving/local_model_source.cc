#include "serving/local_model_source.h"

#include <fmt/format.h>

#include <cctype>

#include "serving/mlmodel.h"

namespace cairn::serving {
namespace fs = std::filesystem;

fs::path LocalModelPath(const std::string& uri) {
  std::string_view path = uri;
  if (path.substr(0, 7) == "file://") {
    path.remove_prefix(7);
  } else if (path.substr(0, 5) == "file:") {
    path.remove_prefix(5);
  }
  return fs::path(std::string(path)).lexically_normal();
}

Result<ModelOrigin> LocalModelSource::Resolve(const std::string& uri) {
  fs::path dir = LocalModelPath(uri);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return NotFound(fmt::format("'{}' is not a model directory", uri));
  if (auto described = DescribeModelDir(dir); !described.ok()) {
    return InvalidArgument(fmt::format("'{}': {}", uri, described.error().message()));
  }
  ModelOrigin origin;
  origin.model_uri = uri;
  origin.artifact_uri = fs::absolute(dir, ec).string();
  fs::path name = dir.filename().empty() ? dir.parent_path().filename() : dir.filename();
  std::string last = name.string();
  bool numeric = !last.empty() && std::all_of(last.begin(), last.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  origin.version = numeric ? last : "1";
  origin.registered_name = numeric ? dir.parent_path().filename().string() : last;
  if (auto model = ReadMlModel(dir); model.ok()) origin.run_id = model->run_id;
  return origin;
}

Status LocalModelSource::Fetch(const ModelOrigin& origin, const fs::path& dst) {
  std::error_code ec;
  fs::create_directories(dst, ec);
  fs::copy(origin.artifact_uri, dst, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) return Internal(fmt::format("cannot copy the model from {}", origin.artifact_uri), ec.message());
  return Status::Ok();
}

}  // namespace cairn::serving
