// Transport-neutral HTTP request/response types. The server (Boost.Beast)
// fills HttpRequest and writes HttpResponse; frontends translate between these
// and domain calls without knowing the listener. Plain values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::auth {
struct Identity;
}  // namespace cairn::auth

namespace cairn::frontends {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... (upper case)
  std::string path;    // still percent-encoded, without the query
  std::string query;   // raw query string, without '?'
  std::string content_type;
  std::string authorization;
  // For the auth layer (frontends/auth): the Cookie and X-CSRF-Token
  // headers, the client's address, and X-Cairn-Workspace (the workspace a
  // new experiment or model goes to).
  std::string cookie;
  std::string csrf_token;
  std::string peer;
  std::string workspace;
  // The body, for routes that take it in memory.
  std::string body;
  // For routes declared with streams_request_body: the body spooled to this
  // file (owned by the server, removed after the response unless the handler
  // moved it away).
  std::string body_file;
  // Who sent it, once the auth layer's admission stage has authenticated
  // the request (frontends/auth/auth_layer.h); null before that, and when
  // auth is off.
  std::shared_ptr<const auth::Identity> identity;
  // Path prefix of the matched route, for prefix routes.
  std::string_view route_prefix;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // When set, the response body is streamed from this file instead of `body`.
  std::string file_path;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(std::string json, int status = 200) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(json);
    return r;
  }
  static HttpResponse Text(std::string text, int status = 200) {
    HttpResponse r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(text);
    return r;
  }
};

}  // namespace cairn::frontends
