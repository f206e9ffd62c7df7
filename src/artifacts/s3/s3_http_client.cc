#include "artifacts/s3/s3_http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "artifacts/s3/s3_location.h"
#include "base/logging.h"

namespace cairn::artifacts::s3 {
namespace {

void EnsureCurlInitialized() {
  // curl_global_init is not thread-safe on every libcurl build; once is enough.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlFree {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileClose {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<FILE, FileClose>;

// The request body streamed from a byte range of a file.
struct UploadSource {
  FILE* file = nullptr;
  int64_t remaining = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* source = static_cast<UploadSource*>(user);
  size_t want = std::min<int64_t>(static_cast<int64_t>(size * count), source->remaining);
  if (want == 0) return 0;
  size_t got = std::fread(buffer, 1, want, source->file);
  if (got == 0) return CURL_READFUNC_ABORT;  // the file shrank under us
  source->remaining -= static_cast<int64_t>(got);
  return got;
}

// Response bodies: a 2xx body goes to the download file when there is one;
// anything else (S3's XML errors) to memory. Decided at the first byte, when
// the status line has been read.
struct ResponseSink {
  CURL* curl = nullptr;
  std::string download_path;
  FilePtr file;
  std::string body;
  bool decided = false;
  bool to_file = false;
  bool open_failed = false;
};

size_t WriteResponse(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  size_t bytes = size * count;
  if (!sink->decided) {
    sink->decided = true;
    long status = 0;
    curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300 && !sink->download_path.empty()) {
      sink->file.reset(std::fopen(sink->download_path.c_str(), "wb"));
      if (!sink->file) {
        sink->open_failed = true;
        return 0;
      }
      sink->to_file = true;
    }
  }
  if (sink->to_file) return std::fwrite(data, 1, bytes, sink->file.get());
  if (sink->body.size() < (size_t{1} << 20)) sink->body.append(data, bytes);  // errors are small
  return bytes;
}

size_t ReadHeader(char* data, size_t size, size_t count, void* user) {
  auto* etag = static_cast<std::string*>(user);
  std::string_view line(data, size * count);
  if (line.size() > 5 && (line.substr(0, 5) == "ETag:" || line.substr(0, 5) == "etag:" ||
                          line.substr(0, 5) == "Etag:")) {
    line.remove_prefix(5);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
    *etag = std::string(line);
  }
  return size * count;
}

// Failures of our own side (a local file we cannot read or write, a bad URL)
// are not worth retrying.
bool RetriableTransportError(CURLcode code) {
  return code != CURLE_READ_ERROR && code != CURLE_WRITE_ERROR && code != CURLE_URL_MALFORMAT &&
         code != CURLE_ABORTED_BY_CALLBACK && code != CURLE_UNSUPPORTED_PROTOCOL;
}

}  // namespace

S3HttpClient::S3HttpClient(S3Options options) : options_(std::move(options)) {
  EnsureCurlInitialized();
  while (!options_.endpoint_url.empty() && options_.endpoint_url.back() == '/') options_.endpoint_url.pop_back();
}

std::string S3HttpClient::Url(const S3Request& request) const {
  // curl 7.88 signs the URL's path and query exactly as written: the key must
  // be percent-encoded once (S3 does not double-encode), and the query
  // sorted by name with encoded values and "name=" for valueless ones.
  std::string path = request.key.empty() ? "" : "/" + UriEncode(request.key, true);
  std::string url = options_.endpoint_url.empty()
                        ? fmt::format("https://{}.s3.{}.amazonaws.com{}", request.bucket, options_.region,
                                      path.empty() ? "/" : path)
                        : fmt::format("{}/{}{}", options_.endpoint_url, request.bucket, path);
  std::vector<std::string> params;
  for (const auto& [name, value] : request.query) params.push_back(UriEncode(name, false) + "=" + UriEncode(value, false));
  std::sort(params.begin(), params.end());
  for (size_t i = 0; i < params.size(); ++i) url += (i == 0 ? "?" : "&") + params[i];
  return url;
}

Result<S3Response> S3HttpClient::SendOnce(const S3Request& request, std::string* transport_error) const {
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Internal("Could not start an S3 request.", "curl_easy_init failed");
  CURL* h = curl.get();
  const std::string url = Url(request);
  const std::string sigv4 = fmt::format("aws:amz:{}:s3", options_.region);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_AWS_SIGV4, sigv4.c_str());
  curl_easy_setopt(h, CURLOPT_USERNAME, options_.access_key_id.c_str());
  curl_easy_setopt(h, CURLOPT_PASSWORD, options_.secret_access_key.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count() * 1000));
  // A stalled transfer (under 1 byte/s for 60 s) fails and is retried rather
  // than holding a request thread forever.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);

  curl_slist* raw_headers = nullptr;
  // curl 7.88 does not hash the body itself when it streams one: S3 needs
  // the payload hash header on every request, and accepts UNSIGNED-PAYLOAD
  // (TLS protects the body in transit on AWS).
  raw_headers = curl_slist_append(raw_headers, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
  // No "Expect:" header to skip the 100-continue round trip: curl 7.88 signs
  // the empty header but does not send it, and S3 then rejects the signature.
  std::string token_header;
  if (!options_.session_token.empty()) {
    token_header = "x-amz-security-token: " + options_.session_token;
    raw_headers = curl_slist_append(raw_headers, token_header.c_str());
  }

  FilePtr upload_file;
  UploadSource source;
  if (!request.upload_file.empty()) {
    upload_file.reset(std::fopen(request.upload_file.c_str(), "rb"));
    if (!upload_file || fseeko(upload_file.get(), request.upload_offset, SEEK_SET) != 0) {
      return Internal("Could not read the file to upload.", request.upload_file);
    }
    source.file = upload_file.get();
    source.remaining = request.upload_length;
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(h, CURLOPT_READDATA, &source);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.upload_length));
    if (request.method != "PUT") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  } else if (request.method == "POST") {
    raw_headers = curl_slist_append(raw_headers, "Content-Type: application/xml");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "PUT") {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    source.remaining = 0;
    curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(h, CURLOPT_READDATA, &source);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(0));
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  std::unique_ptr<curl_slist, SlistFree> headers(raw_headers);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  ResponseSink sink;
  sink.curl = h;
  sink.download_path = request.download_file;
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteResponse);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  S3Response response;
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, ReadHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.etag);

  CURLcode code = curl_easy_perform(h);
  if (sink.open_failed) return Internal("Could not write the downloaded artifact.", request.download_file);
  if (code != CURLE_OK) {
    if (!RetriableTransportError(code)) {
      return Internal("S3 transfer failed.", fmt::format("{} {}: {}", request.method, url, curl_easy_strerror(code)));
    }
    *transport_error = curl_easy_strerror(code);
    return Unavailable(*transport_error);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.http_status);
  if (response.http_status >= 200 && response.http_status < 300 && !request.download_file.empty() && !sink.to_file) {
    // An empty object: no body bytes, so the sink never created the file.
    FilePtr empty(std::fopen(request.download_file.c_str(), "wb"));
    if (!empty) return Internal("Could not write the downloaded artifact.", request.download_file);
  }
  if (sink.file && std::fflush(sink.file.get()) != 0) {
    return Internal("Could not write the downloaded artifact.", request.download_file);
  }
  response.body = std::move(sink.body);
  return response;
}

Result<S3Response> S3HttpClient::Send(const S3Request& request) const {
  std::string last_problem;
  const int attempts = 1 + std::max(0, options_.max_retries);
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      auto delay = options_.retry_base_delay * (1 << std::min(attempt - 1, 10));
      CAIRN_LOG(kWarn, "s3", "{} s3://{}/{} failed ({}); retry {} of {} in {} ms", request.method, request.bucket,
                request.key, last_problem, attempt, attempts - 1, delay.count());
      std::this_thread::sleep_for(delay);
    }
    std::string transport_error;
    auto response = SendOnce(request, &transport_error);
    if (!response.ok()) {
      if (transport_error.empty()) return response.error();  // our side failed: retrying will not help
      last_problem = transport_error;
      continue;
    }
    if (response->http_status >= 500 || response->http_status == 429) {
      last_problem = fmt::format("HTTP {}", response->http_status);
      continue;
    }
    return response;
  }
  std::string endpoint = options_.endpoint_url.empty() ? "AWS S3" : options_.endpoint_url;
  return Status(StatusCode::kUnavailable,
                fmt::format("The S3 artifact store at {} is unavailable ({} after {} attempts).", endpoint,
                            last_problem, attempts),
                fmt::format("{} {}", request.method, Url(request)));
}

}  // namespace cairn::artifacts::s3
