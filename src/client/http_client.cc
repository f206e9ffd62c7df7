#include "client/http_client.h"

namespace cairn::client {

bool HttpRequest::IsIdempotent() const {
  if (idempotent) return *idempotent;
  return method == HttpMethod::kGet || method == HttpMethod::kPut || method == HttpMethod::kDelete;
}

Result<HttpResponse> HttpClient::Get(std::string_view url, const QueryParams& query) {
  HttpRequest request;
  request.url = std::string(url);
  if (!query.empty()) {
    request.url += request.url.find('?') == std::string::npos ? '?' : '&';
    request.url += EncodeQuery(query);
  }
  return Send(request);
}

Result<HttpResponse> HttpClient::SendJson(HttpMethod method, std::string_view url, std::string json_body,
                                          std::optional<bool> idempotent) {
  HttpRequest request;
  request.method = method;
  request.url = std::string(url);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(json_body);
  request.idempotent = idempotent;
  return Send(request);
}

Result<HttpResponse> HttpClient::PutFile(std::string_view url, const std::filesystem::path& file) {
  HttpRequest request;
  request.method = HttpMethod::kPut;
  request.url = std::string(url);
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  request.upload_file = file;
  return Send(request);
}

Result<HttpResponse> HttpClient::GetToFile(std::string_view url, const std::filesystem::path& file) {
  HttpRequest request;
  request.url = std::string(url);
  request.download_file = file;
  return Send(request);
}

}  // namespace cairn::client
