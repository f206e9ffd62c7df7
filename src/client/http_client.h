// HttpClient: the seam through which the client library speaks HTTP/1.1.
// A narrow virtual core (Send) with convenience methods on top, so tests can
// substitute a fake (client/testing/fake_http_client.h) and decorators such
// as RetryingHttpClient can wrap any implementation.
//
// Errors: Send returns a Status only when no HTTP response was obtained:
//   kUnavailable       could not connect, or the connection broke mid-request
//   kDeadlineExceeded  the connect/request/stall timeout fired
//   kInvalidArgument   malformed URL or unsupported scheme
//   kNotFound          `upload_file` cannot be opened
//   kInternal          local I/O failure writing `download_file`, other curl errors
// Any HTTP status (including 4xx/5xx) is a successful Result; mapping it to a
// Status is the caller's job (see client/error_mapping.h).
//
// Thread-safety: implementations are thread-safe; any number of threads may
// call Send concurrently.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "client/url.h"
#include "mlflow_wire/endpoints.h"

namespace cairn::client {

using mlflow_wire::HttpMethod;

using mlflow_wire::HttpMethodName;  // "GET", ...

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string url;  // absolute, query string included (see BuildUrl)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as is; ignored when upload_file is set
  // When set, the request body is streamed from this file (never held in
  // memory), with Content-Length set to its size.
  std::filesystem::path upload_file;
  // When set, a 2xx response body is streamed to this file (written to a
  // temporary sibling and renamed on success); non-2xx bodies still land in
  // HttpResponse::body so errors can be decoded.
  std::filesystem::path download_file;
  // Whether resending is safe. Unset: derived from the method (GET, PUT and
  // DELETE are idempotent). Read-only or de-duplicated POSTs may set true.
  std::optional<bool> idempotent;

  bool IsIdempotent() const;
};

struct HttpResponse {
  int status = 0;
  std::string body;           // empty when streamed to download_file
  std::string content_type;   // without parameters, lower case ("application/json")
  std::optional<int> retry_after_seconds;  // from a numeric Retry-After header
  int attempts = 1;           // filled in by RetryingHttpClient

  bool ok() const { return status >= 200 && status < 300; }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;

  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;

  // --- convenience, non-virtual, all through Send ---
  // GET `url` with `query` appended (URL-encoded).
  Result<HttpResponse> Get(std::string_view url, const QueryParams& query = {});
  // POST/PATCH/DELETE (or any method) with a JSON body and
  // Content-Type: application/json.
  Result<HttpResponse> SendJson(HttpMethod method, std::string_view url, std::string json_body,
                                std::optional<bool> idempotent = std::nullopt);
  Result<HttpResponse> PostJson(std::string_view url, std::string json_body,
                                std::optional<bool> idempotent = std::nullopt) {
    return SendJson(HttpMethod::kPost, url, std::move(json_body), idempotent);
  }
  Result<HttpResponse> PatchJson(std::string_view url, std::string json_body) {
    return SendJson(HttpMethod::kPatch, url, std::move(json_body));
  }
  Result<HttpResponse> DeleteJson(std::string_view url, std::string json_body) {
    return SendJson(HttpMethod::kDelete, url, std::move(json_body));
  }
  // PUT the contents of `file`, streamed from disk.
  Result<HttpResponse> PutFile(std::string_view url, const std::filesystem::path& file);
  // GET `url`, streaming a 2xx body into `file` (replaced atomically).
  Result<HttpResponse> GetToFile(std::string_view url, const std::filesystem::path& file);
};

}  // namespace cairn::client
