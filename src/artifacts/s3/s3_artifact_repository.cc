#include "artifacts/s3/s3_artifact_repository.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "artifacts/artifact_path.h"
#include "artifacts/s3/s3_multipart.h"
#include "artifacts/s3/s3_xml.h"
#include "base/ids.h"
#include "base/logging.h"

namespace cairn::artifacts::s3 {
namespace fs = std::filesystem;

namespace {

bool Is2xx(const S3Response& r) { return r.http_status >= 200 && r.http_status < 300; }

bool IsCredentialError(std::string_view code) {
  return code == "AccessDenied" || code == "SignatureDoesNotMatch" || code == "InvalidAccessKeyId" ||
         code == "InvalidToken" || code == "ExpiredToken" || code == "AuthorizationHeaderMalformed" ||
         code == "InvalidSecurity" || code == "AllAccessDisabled";
}

}  // namespace

S3ArtifactRepository::S3ArtifactRepository(S3Location location, S3Options options)
    : location_(std::move(location)), client_(std::move(options)) {}

Result<std::unique_ptr<S3ArtifactRepository>> S3ArtifactRepository::Create(S3Location location, S3Options options) {
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    return InvalidArgument(fmt::format(
        "The S3 artifact store s3://{} needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
        JoinArtifactPath(location.bucket, location.prefix)));
  }
  if (options.download_dir.empty()) return InvalidArgument("The S3 artifact store needs a local download directory.");
  std::error_code ec;
  fs::create_directories(options.download_dir, ec);
  if (ec) {
    return Internal(fmt::format("Cannot create the S3 download directory '{}'.", options.download_dir), ec.message());
  }
  return std::unique_ptr<S3ArtifactRepository>(new S3ArtifactRepository(std::move(location), std::move(options)));
}

std::string S3ArtifactRepository::uri() const {
  return "s3://" + JoinArtifactPath(location_.bucket, location_.prefix);
}

Status S3ArtifactRepository::ErrorFrom(const S3Response& response, std::string_view action,
                                       std::string_view path) const {
  S3ErrorBody error = ParseS3Error(response.body);
  std::string context = fmt::format("{} {}: HTTP {} {} {}", action, uri(), response.http_status, error.code,
                                    error.message);
  if (error.code == "NoSuchBucket") {
    return Status(StatusCode::kFailedPrecondition,
                  fmt::format("The S3 bucket '{}' of the artifact store does not exist.", location_.bucket), context);
  }
  if (response.http_status == 403 || IsCredentialError(error.code)) {
    return Status(StatusCode::kPermissionDenied,
                  fmt::format("S3 refused to {} in {}: {}. Check the AWS credentials the server runs with.", action,
                              uri(), error.code.empty() ? "access denied" : error.code),
                  context);
  }
  if (response.http_status == 404) {
    return Status(StatusCode::kNotFound, fmt::format("Artifact '{}' not found.", path), context);
  }
  return Status(StatusCode::kInternal,
                fmt::format("S3 failed to {} in {} (HTTP {}{}).", action, uri(), response.http_status,
                            error.code.empty() ? "" : " " + error.code),
                context);
}

Status S3ArtifactRepository::Put(std::string_view path, const std::string& local_file) {
  CAIRN_ASSIGN_OR_RETURN(std::string clean, ValidateArtifactPath(path));
  if (clean.empty()) return InvalidArgument("Invalid path");
  std::error_code ec;
  int64_t size = static_cast<int64_t>(fs::file_size(local_file, ec));
  if (ec) return Internal("Artifact storage failed to read the uploaded file.", ec.message());
  const std::string key = ObjectKey(location_.prefix, clean);
  Status status = NeedsMultipart(size, client_.options().part_size) ? PutMultipart(key, local_file, size)
                                                                     : PutSingle(key, local_file, size);
  if (!status.ok()) return status;
  fs::remove(local_file, ec);  // Put takes the file over; the bytes are in S3 now
  return Status::Ok();
}

Status S3ArtifactRepository::PutSingle(const std::string& key, const std::string& local_file, int64_t size) {
  S3Request request;
  request.method = "PUT";
  request.bucket = location_.bucket;
  request.key = key;
  request.upload_file = local_file;
  request.upload_length = size;
  CAIRN_ASSIGN_OR_RETURN(S3Response response, client_.Send(request));
  if (!Is2xx(response)) return ErrorFrom(response, "upload", key);
  return Status::Ok();
}

Status S3ArtifactRepository::PutMultipart(const std::string& key, const std::string& local_file, int64_t size) {
  S3Request initiate;
  initiate.method = "POST";
  initiate.bucket = location_.bucket;
  initiate.key = key;
  initiate.query = {{"uploads", ""}};
  CAIRN_ASSIGN_OR_RETURN(S3Response started, client_.Send(initiate));
  if (!Is2xx(started)) return ErrorFrom(started, "start a multipart upload", key);
  auto upload_id = ParseUploadId(started.body);
  if (!upload_id) return Internal("S3 did not return an upload id for a multipart upload.", started.body);

  // From here on a failure aborts the upload, so S3 does not keep (and bill)
  // the parts that made it.
  auto abort = [&](Status failure) {
    S3Request request;
    request.method = "DELETE";
    request.bucket = location_.bucket;
    request.key = key;
    request.query = {{"uploadId", *upload_id}};
    auto aborted = client_.Send(request);
    if (!aborted.ok() || !Is2xx(*aborted)) {
      CAIRN_LOG(kWarn, "s3", "could not abort multipart upload {} of {}", *upload_id, key);
    }
    return failure;
  };
  std::vector<std::string> etags;
  for (const PartRange& part : PlanParts(size, client_.options().part_size)) {
    S3Request request;
    request.method = "PUT";
    request.bucket = location_.bucket;
    request.key = key;
    request.query = {{"partNumber", std::to_string(part.part_number)}, {"uploadId", *upload_id}};
    request.upload_file = local_file;
    request.upload_offset = part.offset;
    request.upload_length = part.length;
    auto response = client_.Send(request);
    if (!response.ok()) return abort(response.error());
    if (!Is2xx(*response)) return abort(ErrorFrom(*response, "upload a part", key));
    if (response->etag.empty()) return abort(Internal("S3 returned no ETag for an uploaded part.", key));
    etags.push_back(response->etag);
  }
  S3Request complete;
  complete.method = "POST";
  complete.bucket = location_.bucket;
  complete.key = key;
  complete.query = {{"uploadId", *upload_id}};
  complete.body = CompleteMultipartUploadXml(etags);
  auto done = client_.Send(complete);
  if (!done.ok()) return abort(done.error());
  // S3 may answer 200 and still report an error in the body.
  if (!Is2xx(*done) || !ParseS3Error(done->body).code.empty()) {
    return abort(ErrorFrom(*done, "complete a multipart upload", key));
  }
  CAIRN_LOG(kInfo, "s3", "stored s3://{}/{} ({} bytes) as a multipart upload of {} parts", location_.bucket, key, size,
            etags.size());
  return Status::Ok();
}

std::string S3ArtifactRepository::NewDownloadPath() {
  return (fs::path(client_.options().download_dir) / fmt::format("s3-{}", NewUuidHex())).string();
}

void S3ArtifactRepository::SweepDownloads() {
  using std::chrono::system_clock;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count();
  int64_t last = last_sweep_seconds_.load();
  if (now - last < 60 || !last_sweep_seconds_.compare_exchange_strong(last, now)) return;
  // A download is streamed right after Open returns; ten minutes leaves slow
  // clients room (an open file also survives its removal on POSIX).
  std::error_code ec;
  auto cutoff = fs::file_time_type::clock::now() - std::chrono::minutes(10);
  for (auto it = fs::directory_iterator(client_.options().download_dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::error_code ignored;
    if (it->path().filename().string().rfind("s3-", 0) == 0 && it->last_write_time(ignored) < cutoff) {
      fs::remove(it->path(), ignored);
    }
  }
}

Result<ReadableFile> S3ArtifactRepository::Open(std::string_view path) {
  CAIRN_ASSIGN_OR_RETURN(std::string clean, ValidateArtifactPath(path));
  if (clean.empty()) return NotFound(fmt::format("Artifact '{}' not found.", path));
  SweepDownloads();
  S3Request request;
  request.bucket = location_.bucket;
  request.key = ObjectKey(location_.prefix, clean);
  request.download_file = NewDownloadPath();
  auto response = client_.Send(request);
  std::error_code ec;
  if (!response.ok() || !Is2xx(*response)) {
    fs::remove(request.download_file, ec);
    if (!response.ok()) return response.error();
    return ErrorFrom(*response, "download", clean);
  }
  ReadableFile file;
  file.local_path = request.download_file;
  file.size = static_cast<int64_t>(fs::file_size(file.local_path, ec));
  return file;
}

Result<std::vector<FileInfo>> S3ArtifactRepository::List(std::string_view dir) {
  CAIRN_ASSIGN_OR_RETURN(std::string clean, ValidateArtifactPath(dir));
  const std::string base = ObjectKey(location_.prefix, clean);
  const std::string list_prefix = base.empty() ? "" : base + "/";
  std::vector<FileInfo> files;
  std::string token;
  do {
    S3Request request;
    request.bucket = location_.bucket;
    request.query = {{"list-type", "2"}, {"delimiter", "/"}, {"prefix", list_prefix}};
    if (!token.empty()) request.query.emplace_back("continuation-token", token);
    CAIRN_ASSIGN_OR_RETURN(S3Response response, client_.Send(request));
    if (!Is2xx(response)) return ErrorFrom(response, "list artifacts", clean);
    auto page = ParseListObjectsV2(response.body);
    if (!page) return Internal("S3 returned an unreadable listing.", response.body.substr(0, 500));
    for (const auto& object : page->objects) {
      if (object.key.size() <= list_prefix.size()) continue;  // a "dir/" marker object
      files.push_back(FileInfo{JoinArtifactPath(clean, object.key.substr(list_prefix.size())), false, object.size});
    }
    for (const auto& common : page->common_prefixes) {
      std::string name = common.substr(std::min(list_prefix.size(), common.size()));
      while (!name.empty() && name.back() == '/') name.pop_back();
      if (!name.empty()) files.push_back(FileInfo{JoinArtifactPath(clean, name), true, 0});
    }
    token = page->truncated ? page->next_continuation_token : "";
  } while (!token.empty());
  std::sort(files.begin(), files.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return files;
}

Result<std::vector<ListedObject>> S3ArtifactRepository::ListRecursive(const std::string& prefix) {
  std::vector<ListedObject> objects;
  std::string token;
  do {
    S3Request request;
    request.bucket = location_.bucket;
    request.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty()) request.query.emplace_back("continuation-token", token);
    CAIRN_ASSIGN_OR_RETURN(S3Response response, client_.Send(request));
    if (!Is2xx(response)) return ErrorFrom(response, "list artifacts", prefix);
    auto page = ParseListObjectsV2(response.body);
    if (!page) return Internal("S3 returned an unreadable listing.", response.body.substr(0, 500));
    for (auto& object : page->objects) objects.push_back(std::move(object));
    token = page->truncated ? page->next_continuation_token : "";
  } while (!token.empty());
  return objects;
}

Status S3ArtifactRepository::Delete(std::string_view path) {
  CAIRN_ASSIGN_OR_RETURN(std::string clean, ValidateArtifactPath(path));
  const std::string base = ObjectKey(location_.prefix, clean);
  // The object itself and everything below it, but not siblings that merely
  // share the prefix ("a/b" must not take "a/bc" with it).
  CAIRN_ASSIGN_OR_RETURN(auto objects, ListRecursive(base));
  std::vector<std::string> keys;
  for (const auto& object : objects) {
    if (base.empty() || object.key == base || object.key.rfind(base + "/", 0) == 0) keys.push_back(object.key);
  }
  if (keys.empty()) return NotFound(fmt::format("Artifact '{}' not found.", path));
  for (const auto& key : keys) {
    S3Request request;
    request.method = "DELETE";
    request.bucket = location_.bucket;
    request.key = key;
    CAIRN_ASSIGN_OR_RETURN(S3Response response, client_.Send(request));
    if (!Is2xx(response) && response.http_status != 404) return ErrorFrom(response, "delete", clean);
  }
  return Status::Ok();
}

}  // namespace cairn::artifacts::s3
