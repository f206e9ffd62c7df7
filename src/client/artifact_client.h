// ArtifactClient: moves artifact files between local disk and a tracking
// server's mlflow-artifacts proxy (PUT/GET /api/2.0/mlflow-artifacts/
// artifacts/<path>), and lists a run's artifacts through the tracking API
// (/api/2.0/mlflow/artifacts/list). Files stream from and to disk, so
// artifacts of any size never sit in memory.
//
// Artifact URIs: a run's artifact_uri "mlflow-artifacts:/1/<run>/artifacts"
// names proxy path "1/<run>/artifacts"; "mlflow-artifacts://host:port/<p>"
// names path <p> on that other server. Other schemes (s3://, file://) are
// not served by the proxy: kUnimplemented.
//
// Errors: kInvalidArgument for unsafe artifact paths ("..", absolute) and
// for unsafe names in a server listing; kNotFound for missing local files
// and missing artifacts; the server's codes otherwise (error_mapping.h);
// kInternal for local I/O errors. Multi-file operations stop at the first
// error (files already transferred stay).
//
// Thread-safe: methods may be called concurrently (the HttpClient is
// thread-safe, nothing else is mutable).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/curl_http_client.h"
#include "client/http_client.h"
#include "mlflow_wire/decode.h"

namespace cairn::client {

using mlflow_wire::FileInfo;

// Where an artifact URI lives on an artifacts proxy.
struct ProxyLocation {
  std::string base_url;  // server to talk to
  std::string path;      // normalised, relative; "" is the proxy root
};

// Resolves `artifact_uri` against `default_base_url` (the tracking server).
Result<ProxyLocation> ResolveArtifactUri(std::string_view artifact_uri, std::string_view default_base_url);

// Normalises a relative artifact path: drops empty and "." segments and
// leading/trailing '/'. kInvalidArgument for ".." segments, backslashes and
// NUL, which could escape the artifact root.
Result<std::string> NormalizeArtifactPath(std::string_view path);

class ArtifactClient {
 public:
  // `base_url` is the tracking server, as from NormalizeTrackingUri.
  ArtifactClient(std::string base_url, std::unique_ptr<HttpClient> http);
  ArtifactClient(const ArtifactClient&) = delete;
  ArtifactClient& operator=(const ArtifactClient&) = delete;

  static Result<std::unique_ptr<ArtifactClient>> Create(std::string_view tracking_uri,
                                                        const HttpClientOptions& options = {});

  // Uploads `local_file` to <artifact_uri>/<artifact_path>/<file name>
  // (MLflow's log_artifact).
  Status UploadFile(std::string_view artifact_uri, const std::filesystem::path& local_file,
                    std::string_view artifact_path = "");
  // Uploads every file below `local_dir` to
  // <artifact_uri>/<artifact_path>/<path relative to local_dir>
  // (MLflow's log_artifacts). Empty directories are not represented.
  Status UploadDirectory(std::string_view artifact_uri, const std::filesystem::path& local_dir,
                         std::string_view artifact_path = "");

  // Downloads the file or directory <artifact_uri>/<artifact_path> to
  // dst_dir/<artifact_path> (the whole root into dst_dir when empty), like
  // MLflow's download_artifacts, and returns that local path.
  Result<std::filesystem::path> Download(std::string_view artifact_uri, std::string_view artifact_path,
                                         const std::filesystem::path& dst_dir);
  // Downloads one file to `local_file`, replacing it atomically.
  Status DownloadFile(std::string_view artifact_uri, std::string_view artifact_path,
                      const std::filesystem::path& local_file);

  // One directory level of <artifact_uri>/<path> through the proxy. Paths in
  // the result are relative to `artifact_uri` (the proxy itself answers
  // basenames), matching ListRunArtifacts.
  Result<std::vector<FileInfo>> List(std::string_view artifact_uri, std::string_view path = "");
  // One directory level of a run's artifacts through the tracking API; works
  // for any artifact store the server can read. Paths relative to the run's
  // artifact root.
  Result<std::vector<FileInfo>> ListRunArtifacts(std::string_view run_id, std::string_view path = "");

  // Deletes a file or directory through the proxy.
  Status Delete(std::string_view artifact_uri, std::string_view artifact_path);

 private:
  std::string ProxyUrl(const ProxyLocation& location, std::string_view path) const;
  // One level of <root.path>/<dir>; FileInfo::path holds checked basenames.
  Result<std::vector<FileInfo>> ListLevel(const ProxyLocation& root, std::string_view dir);
  Status DownloadTree(const ProxyLocation& root, const std::string& dir, const std::filesystem::path& local_dir);

  const std::string base_url_;
  const std::unique_ptr<HttpClient> http_;
};

}  // namespace cairn::client
