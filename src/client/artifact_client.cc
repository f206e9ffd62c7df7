#include "client/artifact_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "client/error_mapping.h"
#include "client/rest_tracking_store.h"
#include "mlflow_wire/endpoints.h"

namespace cairn::client {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kScheme = "mlflow-artifacts:";

std::string Join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  return fmt::format("{}/{}", a, b);
}

std::string_view Basename(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Status CheckOk(const Result<HttpResponse>& response, std::string_view what) {
  if (!response.ok()) return response.error();
  if (!response->ok()) return StatusFromErrorResponse(*response, what);
  return Status::Ok();
}

Status EnsureDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Internal(fmt::format("Cannot create directory '{}': {}", dir.string(), ec.message()));
  return Status::Ok();
}

Result<std::vector<FileInfo>> ReadFiles(const HttpResponse& response, std::string_view what) {
  CAIRN_ASSIGN_OR_RETURN(auto doc, ParseJsonResponse(response, what));
  auto files = mlflow_wire::ReadArray<FileInfo>(doc.root(), "files", mlflow_wire::ReadFileInfo);
  if (!files.ok()) return Internal(fmt::format("Unexpected response from {}: {}", what, files.error().message()));
  return files;
}

}  // namespace

Result<std::string> NormalizeArtifactPath(std::string_view path) {
  std::string out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(pos, end - pos);
    pos = end + 1;
    if (segment.empty() || segment == ".") continue;
    if (segment == ".." || segment.find('\\') != std::string_view::npos ||
        segment.find('\0') != std::string_view::npos) {
      return InvalidArgument(fmt::format("Invalid artifact path '{}'", path));
    }
    if (!out.empty()) out.push_back('/');
    out += segment;
  }
  return out;
}

Result<ProxyLocation> ResolveArtifactUri(std::string_view artifact_uri, std::string_view default_base_url) {
  if (!artifact_uri.starts_with(kScheme)) {
    return Unimplemented(fmt::format(
        "Artifact URI '{}' is not served by the mlflow-artifacts proxy; only mlflow-artifacts:/ URIs can be "
        "transferred through the tracking server",
        artifact_uri));
  }
  std::string_view rest = artifact_uri.substr(kScheme.size());
  ProxyLocation location;
  location.base_url = std::string(default_base_url);
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    // "mlflow-artifacts:///p" has an empty authority: the default server.
    if (!authority.empty()) location.base_url = fmt::format("http://{}", authority);
  }
  CAIRN_ASSIGN_OR_RETURN(location.path, NormalizeArtifactPath(rest));
  return location;
}

ArtifactClient::ArtifactClient(std::string base_url, std::unique_ptr<HttpClient> http)
    : base_url_(std::move(base_url)), http_(std::move(http)) {}

Result<std::unique_ptr<ArtifactClient>> ArtifactClient::Create(std::string_view tracking_uri,
                                                                const HttpClientOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string base_url, NormalizeTrackingUri(tracking_uri));
  return std::make_unique<ArtifactClient>(std::move(base_url), CreateHttpClient(options));
}

std::string ArtifactClient::ProxyUrl(const ProxyLocation& location, std::string_view path) const {
  return BuildUrl(location.base_url, fmt::format("{}{}/{}", mlflow_wire::kArtifactsApiPrefix,
                                                 mlflow_wire::kArtifactsPath, UrlEncodePath(path)));
}

Status ArtifactClient::UploadFile(std::string_view artifact_uri, const fs::path& local_file,
                                  std::string_view artifact_path) {
  CAIRN_ASSIGN_OR_RETURN(auto location, ResolveArtifactUri(artifact_uri, base_url_));
  CAIRN_ASSIGN_OR_RETURN(std::string dir, NormalizeArtifactPath(artifact_path));
  std::error_code ec;
  if (!fs::is_regular_file(local_file, ec)) {
    return NotFound(fmt::format("'{}' is not a readable file", local_file.string()));
  }
  std::string path = Join(location.path, Join(dir, local_file.filename().string()));
  return CheckOk(http_->PutFile(ProxyUrl(location, path), local_file), fmt::format("Uploading {}", path));
}

Status ArtifactClient::UploadDirectory(std::string_view artifact_uri, const fs::path& local_dir,
                                       std::string_view artifact_path) {
  CAIRN_ASSIGN_OR_RETURN(auto location, ResolveArtifactUri(artifact_uri, base_url_));
  CAIRN_ASSIGN_OR_RETURN(std::string dir, NormalizeArtifactPath(artifact_path));
  std::error_code ec;
  if (!fs::is_directory(local_dir, ec)) return NotFound(fmt::format("'{}' is not a directory", local_dir.string()));
  // Collected first so that an iteration error is reported before anything
  // is uploaded.
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(local_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  if (ec) return Internal(fmt::format("Cannot read directory '{}': {}", local_dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::string relative = file.lexically_relative(local_dir).generic_string();
    std::string path = Join(location.path, Join(dir, relative));
    CAIRN_RETURN_IF_ERROR(CheckOk(http_->PutFile(ProxyUrl(location, path), file), fmt::format("Uploading {}", path)));
  }
  return Status::Ok();
}

Status ArtifactClient::DownloadFile(std::string_view artifact_uri, std::string_view artifact_path,
                                    const fs::path& local_file) {
  CAIRN_ASSIGN_OR_RETURN(auto location, ResolveArtifactUri(artifact_uri, base_url_));
  CAIRN_ASSIGN_OR_RETURN(std::string rel, NormalizeArtifactPath(artifact_path));
  if (local_file.has_parent_path()) CAIRN_RETURN_IF_ERROR(EnsureDirectory(local_file.parent_path()));
  std::string path = Join(location.path, rel);
  return CheckOk(http_->GetToFile(ProxyUrl(location, path), local_file), fmt::format("Downloading {}", path));
}

Result<std::vector<FileInfo>> ArtifactClient::ListLevel(const ProxyLocation& root, std::string_view dir) {
  std::string full = Join(root.path, dir);
  std::string what = fmt::format("Listing {}", full);
  std::string url = BuildUrl(root.base_url,
                             fmt::format("{}{}", mlflow_wire::kArtifactsApiPrefix, mlflow_wire::kArtifactsPath),
                             {{"path", full}});
  auto response = http_->Get(url);
  CAIRN_RETURN_IF_ERROR(CheckOk(response, what));
  CAIRN_ASSIGN_OR_RETURN(auto files, ReadFiles(*response, what));
  for (auto& f : files) {
    // The proxy answers basenames; anything that is not one safe segment
    // would let a server make us write outside the download directory.
    std::string name(Basename(f.path));
    if (name.empty() || name == "." || name == ".." || name.find('\\') != std::string::npos) {
      return Internal(fmt::format("{}: server returned an unsafe file name '{}'", what, f.path));
    }
    f.path = std::move(name);
  }
  return files;
}

Result<std::vector<FileInfo>> ArtifactClient::List(std::string_view artifact_uri, std::string_view path) {
  CAIRN_ASSIGN_OR_RETURN(auto location, ResolveArtifactUri(artifact_uri, base_url_));
  CAIRN_ASSIGN_OR_RETURN(std::string rel, NormalizeArtifactPath(path));
  CAIRN_ASSIGN_OR_RETURN(auto files, ListLevel(location, rel));
  for (auto& f : files) f.path = Join(rel, f.path);
  return files;
}

Result<std::vector<FileInfo>> ArtifactClient::ListRunArtifacts(std::string_view run_id, std::string_view path) {
  CAIRN_ASSIGN_OR_RETURN(std::string rel, NormalizeArtifactPath(path));
  const auto& endpoint = mlflow_wire::endpoints::kListArtifacts;
  std::string what = fmt::format("GET {}{}", mlflow_wire::kApiPrefix, endpoint.path);
  QueryParams query = {{"run_id", std::string(run_id)}};
  if (!rel.empty()) query.emplace_back("path", rel);
  auto response = http_->Get(BuildUrl(base_url_, fmt::format("{}{}", mlflow_wire::kApiPrefix, endpoint.path)), query);
  CAIRN_RETURN_IF_ERROR(CheckOk(response, what));
  return ReadFiles(*response, what);
}

Status ArtifactClient::DownloadTree(const ProxyLocation& root, const std::string& dir, const fs::path& local_dir) {
  CAIRN_RETURN_IF_ERROR(EnsureDirectory(local_dir));
  CAIRN_ASSIGN_OR_RETURN(auto files, ListLevel(root, dir));
  for (const auto& f : files) {
    std::string child = Join(dir, f.path);
    if (f.is_dir) {
      CAIRN_RETURN_IF_ERROR(DownloadTree(root, child, local_dir / f.path));
      continue;
    }
    std::string path = Join(root.path, child);
    CAIRN_RETURN_IF_ERROR(
        CheckOk(http_->GetToFile(ProxyUrl(root, path), local_dir / f.path), fmt::format("Downloading {}", path)));
  }
  return Status::Ok();
}

Result<fs::path> ArtifactClient::Download(std::string_view artifact_uri, std::string_view artifact_path,
                                          const fs::path& dst_dir) {
  CAIRN_ASSIGN_OR_RETURN(auto location, ResolveArtifactUri(artifact_uri, base_url_));
  CAIRN_ASSIGN_OR_RETURN(std::string rel, NormalizeArtifactPath(artifact_path));
  fs::path local = rel.empty() ? dst_dir : dst_dir / fs::path(rel);
  if (rel.empty()) {
    CAIRN_RETURN_IF_ERROR(DownloadTree(location, "", local));
    return local;
  }
  // MLflow's rule: a path whose listing is non-empty is a directory.
  CAIRN_ASSIGN_OR_RETURN(auto listing, List(artifact_uri, rel));
  if (!listing.empty()) {
    CAIRN_RETURN_IF_ERROR(DownloadTree(location, rel, local));
    return local;
  }
  Status file = DownloadFile(artifact_uri, rel, local);
  if (file.code() == StatusCode::kNotFound || file.code() == StatusCode::kEndpointNotFound) {
    return NotFound(fmt::format("No artifact at '{}' under {}", rel, artifact_uri));
  }
  CAIRN_RETURN_IF_ERROR(file);
  return local;
}

Status ArtifactClient::Delete(std::string_view artifact_uri, std::string_view artifact_path) {
  CAIRN_ASSIGN_OR_RETURN(auto location, ResolveArtifactUri(artifact_uri, base_url_));
  CAIRN_ASSIGN_OR_RETURN(std::string rel, NormalizeArtifactPath(artifact_path));
  std::string path = Join(location.path, rel);
  if (path.empty()) return InvalidArgument("Refusing to delete the artifact proxy root");
  HttpRequest request;
  request.method = HttpMethod::kDelete;
  request.url = ProxyUrl(location, path);
  return CheckOk(http_->Send(request), fmt::format("Deleting {}", path));
}

}  // namespace cairn::client
