// S3ArtifactRepository: artifacts as objects under s3://bucket/prefix, on AWS
// or any S3-compatible server (MinIO, Ceph RGW, s3rver...).
//
//   Put    one streamed PUT, or a multipart upload (parts streamed from the
//          file, aborted on failure) above options.part_size
//   Open   streams the object into a local download file (the interface
//          serves local files); such files are swept after ten minutes
//   List   ListObjectsV2 with delimiter '/', following continuation tokens
//   Delete every object at or below the path, one DELETE each
//
// Directories are implicit (key prefixes), as in MLflow's S3 store.
// Errors: kNotFound (no such object), kPermissionDenied (S3 refused the
// credentials or the signature), kFailedPrecondition (the bucket does not
// exist), kUnavailable (unreachable or 5xx after retries), kInternal.
// Thread-safe: requests share nothing but the immutable options.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "artifacts/artifact_repository.h"
#include "artifacts/s3/s3_http_client.h"
#include "artifacts/s3/s3_location.h"
#include "artifacts/s3/s3_options.h"
#include "artifacts/s3/s3_xml.h"

namespace cairn::artifacts::s3 {

class S3ArtifactRepository final : public ArtifactRepository {
 public:
  // kInvalidArgument without credentials or download_dir; creates the
  // download directory. Does not contact S3 (the server may start while S3
  // is briefly away; requests fail clearly instead).
  static Result<std::unique_ptr<S3ArtifactRepository>> Create(S3Location location, S3Options options);

  Status Put(std::string_view path, const std::string& local_file) override;
  Result<ReadableFile> Open(std::string_view path) override;
  Result<std::vector<FileInfo>> List(std::string_view dir) override;
  Status Delete(std::string_view path) override;

  // "s3://bucket/prefix".
  std::string uri() const;

 private:
  S3ArtifactRepository(S3Location location, S3Options options);

  Status PutSingle(const std::string& key, const std::string& local_file, int64_t size);
  Status PutMultipart(const std::string& key, const std::string& local_file, int64_t size);
  // Every key starting with `prefix` (no delimiter), all pages.
  Result<std::vector<ListedObject>> ListRecursive(const std::string& prefix);
  // Maps a non-2xx response to a Status; `path` names the artifact for
  // kNotFound messages.
  Status ErrorFrom(const S3Response& response, std::string_view action, std::string_view path) const;
  std::string NewDownloadPath();
  // Removes download files older than ten minutes, at most once a minute.
  void SweepDownloads();

  const S3Location location_;
  const S3HttpClient client_;
  std::atomic<int64_t> last_sweep_seconds_{0};
};

}  // namespace cairn::artifacts::s3
