// HTTP access to a running cairn server for the integration suites.
//
// Api goes through the project's client (cairn::client::CreateHttpClient)
// with retries switched off, so every test sees exactly one request and the
// server's exact answer. SendRaw writes bytes to a socket as given, for what
// libcurl would normalise away: "../" in paths, absent Content-Type,
// malformed requests.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "client/http_client.h"
#include "integration/json_testing.h"

namespace cairn::integration {

inline constexpr std::string_view kApiPrefix = "/api/2.0/mlflow";
inline constexpr std::string_view kAjaxPrefix = "/ajax-api/2.0/mlflow";
inline constexpr std::string_view kArtifactsPrefix = "/api/2.0/mlflow-artifacts/artifacts";

// One HTTP exchange as seen by the client.
struct Reply {
  int status = 0;  // 0: no HTTP response; see transport_error
  std::string body;
  std::string content_type;                    // media type only, lower case
  std::map<std::string, std::string> headers;  // lower-case names (SendRaw only)
  bool connection_closed = false;              // SendRaw only
  std::string transport_error;

  Json json() const { return Json(body); }
  // For failure messages: "HTTP 400 application/json {...}" (body cut at 2 KB).
  std::string Describe() const;
};

class Api {
 public:
  explicit Api(std::string base_url);

  // `path` starting with '/' is used as is; otherwise it is below
  // /api/2.0/mlflow ("runs/create" -> /api/2.0/mlflow/runs/create).
  Reply Get(std::string_view path, const client::QueryParams& query = {});
  // JSON body with Content-Type: application/json.
  Reply Post(std::string_view path, std::string json);
  Reply Send(client::HttpMethod method, std::string_view path, std::string body,
             std::vector<std::pair<std::string, std::string>> headers = {});
  Reply PutFile(std::string_view path, const std::filesystem::path& file);
  Reply GetToFile(std::string_view path, const std::filesystem::path& file);

  std::string Url(std::string_view path) const;
  const std::string& base_url() const { return base_url_; }

 private:
  Reply Do(const client::HttpRequest& request);

  std::string base_url_;
  std::unique_ptr<client::HttpClient> http_;
};

// Sends `request` (complete HTTP/1.1 bytes) to 127.0.0.1:port and reads one
// response (Content-Length, chunked, or until close). Reading and writing
// interleave, so a server that answers before the body is fully sent (413
// style) is still heard. Once everything is sent the write side is shut
// down, so a server waiting for more body sees EOF instead of idling until
// its read timeout. Then waits up to `close_wait` for the server to close
// the connection and records whether it did.
Reply SendRaw(uint16_t port, std::string_view request, std::chrono::milliseconds timeout = std::chrono::seconds(30),
              std::chrono::milliseconds close_wait = std::chrono::milliseconds(0));

// One TCP connection driven step by step, for tests that need a request to
// be half-sent at a chosen moment (e.g. in flight while the server stops).
class RawConnection {
 public:
  // nullptr if the connection is refused.
  static std::unique_ptr<RawConnection> Open(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Send(std::string_view bytes);
  // Reads until `marker` is among the bytes received so far; false on
  // timeout or EOF.
  bool ReadUntil(std::string_view marker, std::chrono::milliseconds timeout);
  // Reads until one final (non-1xx) response is complete, or EOF/timeout;
  // the next call reads the next response (no pipelining).
  Reply ReadResponse(std::chrono::milliseconds timeout);

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  // One recv with a timeout; false on EOF, error or timeout.
  bool ReadSome(std::chrono::milliseconds timeout);

  int fd_;
  std::string received_;
  bool eof_ = false;
};

// Whether a TCP connect to 127.0.0.1:port succeeds now.
bool CanConnect(uint16_t port);

// The request bytes for SendRaw: request line, Host, Content-Length (when
// `body` is non-empty or the method is not GET), `extra_headers` ("Name:
// value\r\n" lines), Connection: close.
std::string RawRequest(std::string_view method, std::string_view target, std::string_view body = {},
                       std::string_view extra_headers = {});

// 200 with a JSON object body.
::testing::AssertionResult IsOkJson(const Reply& reply);
// `status` with {"error_code": code, "message": <non-empty string>}.
::testing::AssertionResult IsApiError(const Reply& reply, int status, std::string_view error_code);

#define EXPECT_OK_JSON(reply) EXPECT_TRUE(::cairn::integration::IsOkJson(reply))
#define ASSERT_OK_JSON(reply) ASSERT_TRUE(::cairn::integration::IsOkJson(reply))
#define EXPECT_API_ERROR(reply, status, code) EXPECT_TRUE(::cairn::integration::IsApiError(reply, status, code))
#define ASSERT_API_ERROR(reply, status, code) ASSERT_TRUE(::cairn::integration::IsApiError(reply, status, code))

}  // namespace cairn::integration
