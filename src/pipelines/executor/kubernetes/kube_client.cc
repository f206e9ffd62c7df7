#include "pipelines/executor/kubernetes/kube_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "pipelines/spec/value.h"

namespace cairn::pipelines::kubernetes {
namespace {

void GlobalInit() {
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

// Caps what one answer may hold (a pod log or a big Job list), so a
// misbehaving server cannot exhaust our memory.
constexpr size_t kMaxResponseBytes = 64 << 20;

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (body->size() + n > kMaxResponseBytes) return 0;  // aborts the transfer
  body->append(data, n);
  return n;
}

std::optional<std::string> ReadTrimmed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  std::string s = out.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string QueryEncode(std::string_view value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Result<KubeResponse> KubeClient::Send(std::string_view method, const std::string& path, const std::string& body,
                                      std::string_view content_type) const {
  GlobalInit();
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return Internal("Could not start a Kubernetes API request.", "curl_easy_init failed");
  CURL* h = curl.get();
  const std::string url = config_.server + path;
  const std::string method_str(method);
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method_str.c_str());
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms_));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(timeout_ms_, 10000)));
  // Trust. Blobs need no temporary files for certificate-authority-data.
  curl_blob ca_blob{const_cast<char*>(config_.ca_pem.data()), config_.ca_pem.size(), CURL_BLOB_NOCOPY};
  curl_blob cert_blob{const_cast<char*>(config_.client_cert_pem.data()), config_.client_cert_pem.size(),
                      CURL_BLOB_NOCOPY};
  curl_blob key_blob{const_cast<char*>(config_.client_key_pem.data()), config_.client_key_pem.size(),
                     CURL_BLOB_NOCOPY};
  if (config_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (!config_.ca_pem.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
  } else if (!config_.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, config_.ca_file.c_str());
  }
  // Credentials.
  std::unique_ptr<curl_slist, SlistFree> headers;
  auto add_header = [&](const std::string& line) { headers.reset(curl_slist_append(headers.release(), line.c_str())); };
  std::string token = config_.token;
  if (token.empty() && !config_.token_file.empty()) {
    // Re-read each time: projected service-account tokens are rotated.
    auto from_file = ReadTrimmed(config_.token_file);
    if (!from_file) return Unavailable(fmt::format("cannot read the Kubernetes token file {}", config_.token_file));
    token = std::move(*from_file);
  }
  if (!token.empty()) {
    add_header("Authorization: Bearer " + token);
  } else if (!config_.client_cert_pem.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert_blob);
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key_blob);
  } else if (!config_.client_cert_file.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, config_.client_cert_file.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEY, config_.client_key_file.c_str());
  }
  add_header("Accept: application/json");
  if (!body.empty()) {
    add_header("Content-Type: " + std::string(content_type));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  KubeResponse response;
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    return Status(StatusCode::kUnavailable,
                  fmt::format("cannot reach the Kubernetes API server {} ({}): {}", config_.server, config_.source,
                              curl_easy_strerror(code)),
                  fmt::format("{} {}", method_str, url));
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.http_status);
  return response;
}

Status KubeApiError(const KubeResponse& response, std::string_view what) {
  // The API server answers errors with a Status object {reason, message,
  // details: {causes: [{field, message}]}}.
  std::string message;
  std::string reason;
  if (auto parsed = Value::ParseJson(response.body); parsed.ok() && parsed->is_struct()) {
    if (const Value* m = parsed->Find("message"); m && m->is_string()) message = m->as_string();
    if (const Value* r = parsed->Find("reason"); r && r->is_string()) reason = r->as_string();
  }
  if (message.empty()) message = response.body.substr(0, 300);
  const std::string text = fmt::format("Kubernetes refused to {}: {} (HTTP {}{})", what, message,
                                       response.http_status, reason.empty() ? "" : ", " + reason);
  switch (response.http_status) {
    case 401:
      return Status(StatusCode::kUnauthenticated, text + "; check the kubeconfig's credentials");
    case 403:
      return Status(StatusCode::kPermissionDenied,
                    text + "; the service account needs RBAC rights on jobs (create, get, list, delete) and pods "
                           "(get, list) and pods/log (get) in the namespace (docs/kubernetes.md)");
    case 404:
      return Status(StatusCode::kNotFound, text);
    case 409:
      return Status(reason == "AlreadyExists" ? StatusCode::kAlreadyExists : StatusCode::kConflict, text);
    case 400:
    case 422:
      return Status(StatusCode::kInvalidArgument, text);
    case 429:
      return Status(StatusCode::kResourceExhausted, text);
    default:
      if (response.http_status >= 500) return Status(StatusCode::kUnavailable, text);
      return Status(StatusCode::kInternal, text);
  }
}

}  // namespace cairn::pipelines::kubernetes
