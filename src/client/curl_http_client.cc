#include "client/curl_http_client.h"

#include <strings.h>

#include <curl/curl.h>
#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include <unistd.h>

#include "base/json_reader.h"

namespace cairn::client {
namespace {

void EnsureCurlInitialized() {
  // curl_global_init is not thread-safe on every libcurl build; once is enough.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

// State one transfer shares with the libcurl callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const HttpRequest* request = nullptr;
  HttpResponse* response = nullptr;
  size_t max_body_bytes = 0;
  bool body_routed = false;  // the first body byte decided between memory and file
  FilePtr upload;
  FilePtr download;
  std::filesystem::path temp_path;
  Status local_error;  // why a callback aborted the transfer
};

// The body goes to download_file only once we know the status is 2xx, so an
// error body never overwrites (or creates) the destination.
Status OpenDownload(Transfer& t) {
  static std::atomic<uint64_t> counter{0};
  const std::filesystem::path& dst = t.request->download_file;
  t.temp_path = dst;
  t.temp_path += fmt::format(".part-{}-{}", ::getpid(), counter.fetch_add(1));
  t.download.reset(std::fopen(t.temp_path.c_str(), "wb"));
  if (!t.download) {
    return Internal(fmt::format("Cannot write '{}': {}", dst.string(), std::strerror(errno)));
  }
  return Status::Ok();
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t len = size * count;
  if (!t.body_routed) {
    t.body_routed = true;
    long code = 0;
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &code);
    if (!t.request->download_file.empty() && code >= 200 && code < 300) {
      t.local_error = OpenDownload(t);
      if (!t.local_error.ok()) return 0;  // aborts with CURLE_WRITE_ERROR
    }
  }
  if (t.download) {
    if (std::fwrite(data, 1, len, t.download.get()) != len) {
      t.local_error = Internal(
          fmt::format("Cannot write '{}': {}", t.request->download_file.string(), std::strerror(errno)));
      return 0;
    }
    return len;
  }
  std::string& body = t.response->body;
  // Past the cap the rest is dropped, not failed: an oversized error page
  // still yields a usable status code.
  if (body.size() < t.max_body_bytes) body.append(data, std::min(len, t.max_body_bytes - body.size()));
  return len;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t len = size * count;
  std::string_view line = Trim(std::string_view(data, len));
  if (line.starts_with("HTTP/")) {
    // A new status line (after 100 Continue or a redirect): forget the
    // previous response's headers.
    t.response->content_type.clear();
    t.response->retry_after_seconds.reset();
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name = Lower(Trim(line.substr(0, colon)));
  std::string_view value = Trim(line.substr(colon + 1));
  if (name == "content-type") {
    t.response->content_type = Lower(Trim(value.substr(0, value.find(';'))));
  } else if (name == "retry-after") {
    // Only the delta-seconds form; an HTTP-date falls back to backoff.
    if (auto seconds = ParseInt64(value); seconds && *seconds >= 0 && *seconds < 86400) {
      t.response->retry_after_seconds = int(*seconds);
    }
  }
  return len;
}

size_t OnUploadRead(char* buffer, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  size_t n = std::fread(buffer, 1, size * count, t.upload.get());
  if (n == 0 && std::ferror(t.upload.get())) {
    t.local_error = Internal(
        fmt::format("Cannot read '{}': {}", t.request->upload_file.string(), std::strerror(errno)));
    return CURL_READFUNC_ABORT;
  }
  return n;
}

Status StatusFromCurl(CURLcode code, const HttpRequest& request, const char* detail) {
  std::string message = fmt::format("HTTP {} {} failed: {}", HttpMethodName(request.method), request.url,
                                    detail[0] ? detail : curl_easy_strerror(code));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status(StatusCode::kDeadlineExceeded, std::move(message));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return Unavailable(std::move(message));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument(std::move(message));
    // Retrying cannot help an untrusted certificate; say what would.
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return FailedPrecondition(fmt::format(
          "{} (trust the server's certificate with --ca-cert or CAIRN_CA_CERT, "
          "or MLFLOW_TRACKING_INSECURE_TLS=true for a test server)",
          message));
    default:
      return Internal(std::move(message));
  }
}

// Applies everything about `request` to a freshly reset handle.
Status Configure(CURL* curl, const HttpRequest& request, const HttpClientOptions& options, Transfer& t,
                 curl_slist** headers, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required for multi-threaded use
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(options.connect_timeout.count()));
  if (!options.ca_cert_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_cert_file.c_str());
  if (options.insecure_tls) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const bool streamed = !request.upload_file.empty() || !request.download_file.empty();
  if (streamed) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(options.stall_timeout.count()));
  } else if (options.request_timeout.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(options.request_timeout.count()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);

  for (const auto& [name, value] : request.headers) {
    *headers = curl_slist_append(*headers, fmt::format("{}: {}", name, value).c_str());
  }
  if (!options.authorization.empty()) {
    bool has_own = false;
    for (const auto& [name, value] : request.headers) has_own = has_own || strcasecmp(name.c_str(), "Authorization") == 0;
    if (!has_own) *headers = curl_slist_append(*headers, ("Authorization: " + options.authorization).c_str());
  }
  // curl would send "Expect: 100-continue" for large bodies and then stall a
  // second waiting for an interim response many servers never send.
  *headers = curl_slist_append(*headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, *headers);

  const bool has_body = !request.body.empty() || request.method == HttpMethod::kPost;
  switch (request.method) {
    case HttpMethod::kGet:
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
      return Status::Ok();
    case HttpMethod::kPut:
      if (!request.upload_file.empty()) {
        t.upload.reset(std::fopen(request.upload_file.c_str(), "rb"));
        std::error_code ec;
        auto size = std::filesystem::file_size(request.upload_file, ec);
        if (!t.upload || ec) {
          return NotFound(fmt::format("Cannot read file '{}': {}", request.upload_file.string(),
                                      ec ? ec.message() : std::strerror(errno)));
        }
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnUploadRead);
        curl_easy_setopt(curl, CURLOPT_READDATA, &t);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(size));
        return Status::Ok();
      }
      break;
    case HttpMethod::kPost:
    case HttpMethod::kPatch:
    case HttpMethod::kDelete:
      break;
  }
  if (request.method != HttpMethod::kPost) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, HttpMethodName(request.method).data());
  }
  if (has_body || request.method == HttpMethod::kPut) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  return Status::Ok();
}

}  // namespace

CurlHttpClient::CurlHttpClient(HttpClientOptions options) : options_(std::move(options)) {
  EnsureCurlInitialized();
}

CurlHttpClient::~CurlHttpClient() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* CurlHttpClient::AcquireHandle() {
  {
    std::lock_guard lock(mu_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void CurlHttpClient::ReleaseHandle(void* handle) {
  {
    std::lock_guard lock(mu_);
    if (idle_handles_.size() < options_.max_idle_handles) {
      idle_handles_.push_back(handle);
      return;
    }
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) return Internal("curl_easy_init failed");
  // Reset clears options but keeps the handle's connection cache: that is
  // what makes pooled handles keep-alive.
  curl_easy_reset(curl);

  HttpResponse response;
  Transfer t;
  t.curl = curl;
  t.request = &request;
  t.response = &response;
  t.max_body_bytes = options_.max_body_bytes;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_slist* raw_headers = nullptr;
  Status configured = Configure(curl, request, options_, t, &raw_headers, error_buffer);
  std::unique_ptr<curl_slist, SlistFree> headers(raw_headers);

  CURLcode code = CURLE_OK;
  if (configured.ok()) code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  // The handle keeps pointers into this frame (error buffer, headers); drop
  // them before another thread can pick the handle up.
  curl_easy_reset(curl);
  ReleaseHandle(curl);
  t.upload.reset();

  Status failure = configured;
  if (failure.ok() && code != CURLE_OK) {
    failure = !t.local_error.ok() ? t.local_error : StatusFromCurl(code, request, error_buffer);
  }
  response.status = int(status);
  if (failure.ok() && !request.download_file.empty() && response.ok()) {
    // An empty 2xx body never reached OnBody: the file is still created.
    if (!t.body_routed) failure = OpenDownload(t);
    if (failure.ok() && std::fflush(t.download.get()) != 0) {
      failure = Internal(fmt::format("Cannot write '{}': {}", request.download_file.string(), std::strerror(errno)));
    }
    t.download.reset();
    if (failure.ok()) {
      std::error_code ec;
      std::filesystem::rename(t.temp_path, request.download_file, ec);
      if (ec) failure = Internal(fmt::format("Cannot write '{}': {}", request.download_file.string(), ec.message()));
    }
  }
  t.download.reset();
  if (!t.temp_path.empty()) {
    std::error_code ignored;
    std::filesystem::remove(t.temp_path, ignored);  // no-op after a successful rename
  }
  if (!failure.ok()) return failure;
  return response;
}

std::unique_ptr<HttpClient> CreateHttpClient(const HttpClientOptions& options) {
  return std::make_unique<RetryingHttpClient>(std::make_unique<CurlHttpClient>(options), options.retry);
}

}  // namespace cairn::client
