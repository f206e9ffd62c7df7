#include "integration/api.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/json_reader.h"
#include "client/curl_http_client.h"

namespace cairn::integration {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Incremental parse of one HTTP/1.1 response held in `data`. Returns true
// once complete (or, with `eof`, when whatever arrived is all there is).
bool ParseResponse(const std::string& data, bool eof, Reply& reply) {
  size_t header_end = data.find("\r\n\r\n");
  if (header_end == std::string::npos) return false;
  // Skip interim 1xx responses (100 Continue).
  std::string_view head(data.data(), header_end);
  if (head.starts_with("HTTP/1.1 1") || head.starts_with("HTTP/1.0 1")) {
    return ParseResponse(data.substr(header_end + 4), eof, reply);
  }
  reply.headers.clear();
  size_t line_end = head.find("\r\n");
  std::string_view status_line = head.substr(0, line_end);
  size_t sp = status_line.find(' ');
  if (sp == std::string_view::npos) return false;
  reply.status = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
  while (line_end != std::string_view::npos) {
    size_t next = head.find("\r\n", line_end + 2);
    std::string_view line =
        head.substr(line_end + 2, next == std::string_view::npos ? std::string_view::npos : next - line_end - 2);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      reply.headers[Lower(Trim(line.substr(0, colon)))] = std::string(Trim(line.substr(colon + 1)));
    }
    line_end = next;
  }
  std::string type = reply.headers.count("content-type") ? reply.headers["content-type"] : "";
  reply.content_type = Lower(Trim(std::string_view(type).substr(0, type.find(';'))));

  std::string_view rest(data.data() + header_end + 4, data.size() - header_end - 4);
  if (auto it = reply.headers.find("content-length"); it != reply.headers.end()) {
    size_t length = std::stoull(it->second);
    if (rest.size() < length) {
      if (eof) reply.body = std::string(rest);
      return eof;
    }
    reply.body = std::string(rest.substr(0, length));
    return true;
  }
  if (auto it = reply.headers.find("transfer-encoding"); it != reply.headers.end() && Lower(it->second) == "chunked") {
    std::string body;
    for (;;) {
      size_t crlf = rest.find("\r\n");
      if (crlf == std::string_view::npos) return eof;
      size_t size = std::stoull(std::string(rest.substr(0, crlf)), nullptr, 16);
      if (size == 0) {
        reply.body = std::move(body);
        return true;
      }
      if (rest.size() < crlf + 2 + size + 2) return eof;
      body.append(rest.substr(crlf + 2, size));
      rest.remove_prefix(crlf + 2 + size + 2);
    }
  }
  reply.body = std::string(rest);
  return eof;  // no length: the body ends at close
}

}  // namespace

std::string Reply::Describe() const {
  if (status == 0) return "no HTTP response: " + transport_error;
  std::string shown =
      body.size() > 2048 ? body.substr(0, 2048) + "...(" + std::to_string(body.size()) + " bytes)" : body;
  return fmt::format("HTTP {} {} {}", status, content_type, shown);
}

Api::Api(std::string base_url) : base_url_(std::move(base_url)) {
  client::HttpClientOptions options;
  options.retry.max_attempts = 1;  // the test must see exactly what the server said
  options.request_timeout = std::chrono::seconds(120);
  http_ = client::CreateHttpClient(options);
}

std::string Api::Url(std::string_view path) const {
  if (!path.empty() && path.front() == '/') return base_url_ + std::string(path);
  return fmt::format("{}{}/{}", base_url_, kApiPrefix, path);
}

Reply Api::Do(const client::HttpRequest& request) {
  Reply reply;
  auto response = http_->Send(request);
  if (!response) {
    reply.transport_error = response.error().ToString();
    return reply;
  }
  reply.status = response->status;
  reply.body = std::move(response->body);
  reply.content_type = response->content_type;
  return reply;
}

Reply Api::Get(std::string_view path, const client::QueryParams& query) {
  client::HttpRequest request;
  request.url = Url(path);
  if (!query.empty())
    request.url += (request.url.find('?') == std::string::npos ? "?" : "&") + client::EncodeQuery(query);
  return Do(request);
}

Reply Api::Post(std::string_view path, std::string json) {
  return Send(client::HttpMethod::kPost, path, std::move(json), {{"Content-Type", "application/json"}});
}

Reply Api::Send(client::HttpMethod method, std::string_view path, std::string body,
                std::vector<std::pair<std::string, std::string>> headers) {
  client::HttpRequest request;
  request.method = method;
  request.url = Url(path);
  request.body = std::move(body);
  request.headers = std::move(headers);
  return Do(request);
}

Reply Api::PutFile(std::string_view path, const std::filesystem::path& file) {
  client::HttpRequest request;
  request.method = client::HttpMethod::kPut;
  request.url = Url(path);
  request.headers.emplace_back("Content-Type", "application/octet-stream");
  request.upload_file = file;
  return Do(request);
}

Reply Api::GetToFile(std::string_view path, const std::filesystem::path& file) {
  client::HttpRequest request;
  request.url = Url(path);
  request.download_file = file;
  return Do(request);
}

std::string RawRequest(std::string_view method, std::string_view target, std::string_view body,
                       std::string_view extra_headers) {
  std::string out = fmt::format("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, target);
  out += extra_headers;
  if (!body.empty() || method != "GET") out += fmt::format("Content-Length: {}\r\n", body.size());
  out += "Connection: close\r\n\r\n";
  out += body;
  return out;
}

Reply SendRaw(uint16_t port, std::string_view request, std::chrono::milliseconds timeout,
              std::chrono::milliseconds close_wait) {
  Reply reply;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    reply.transport_error = std::strerror(errno);
    return reply;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    reply.transport_error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return reply;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data;
  size_t sent = 0;
  bool can_send = true;
  bool eof = false;
  bool complete = false;
  char buffer[64 * 1024];
  while (!complete) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      reply.transport_error = "timed out waiting for the response";
      break;
    }
    pollfd p{fd, short(POLLIN | (can_send && sent < request.size() ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, int(std::min<int64_t>(left.count(), 1000))) < 0) break;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      if (n > 0) {
        data.append(buffer, size_t(n));
      } else {
        eof = true;
        if (n < 0) reply.transport_error = std::string("recv: ") + std::strerror(errno);
      }
      complete = ParseResponse(data, eof, reply);
      if (eof) break;
    }
    if (!complete && (p.revents & POLLOUT)) {
      ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += size_t(n);
        if (sent == request.size()) ::shutdown(fd, SHUT_WR);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        can_send = false;  // the server stopped reading; its answer may still be buffered
      }
    }
  }
  if (complete && !reply.transport_error.empty() && reply.status != 0) reply.transport_error.clear();
  if (!eof && complete && close_wait.count() > 0) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, int(close_wait.count())) > 0) {
      ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
      eof = n <= 0;
    }
  }
  reply.connection_closed = eof;
  if (reply.status == 0 && reply.transport_error.empty())
    reply.transport_error = "connection closed without a response";
  ::close(fd);
  return reply;
}

namespace {
int ConnectLoopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}
}  // namespace

bool CanConnect(uint16_t port) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

std::unique_ptr<RawConnection> RawConnection::Open(uint16_t port) {
  int fd = ConnectLoopback(port);
  if (fd < 0) return nullptr;
  return std::unique_ptr<RawConnection>(new RawConnection(fd));
}

RawConnection::~RawConnection() { ::close(fd_); }

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(size_t(n));
  }
  return true;
}

bool RawConnection::ReadSome(std::chrono::milliseconds timeout) {
  if (eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, int(std::max<int64_t>(timeout.count(), 0))) <= 0) return false;
  char buffer[64 * 1024];
  ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  received_.append(buffer, size_t(n));
  return true;
}

bool RawConnection::ReadUntil(std::string_view marker, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received_.find(marker) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadSome(left)) return received_.find(marker) != std::string::npos;
  }
  return true;
}

Reply RawConnection::ReadResponse(std::chrono::milliseconds timeout) {
  Reply reply;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!ParseResponse(received_, eof_, reply)) {
    if (eof_) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      reply.transport_error = "timed out waiting for the response";
      return reply;
    }
    ReadSome(std::min(left, std::chrono::milliseconds(1000)));
  }
  if (reply.status == 0) reply.transport_error = "connection closed without a response";
  // One request at a time: what was read is this response, and the next
  // call reads the next one.
  received_.clear();
  return reply;
}

::testing::AssertionResult IsOkJson(const Reply& reply) {
  if (reply.status != 200) return ::testing::AssertionFailure() << "expected HTTP 200, got " << reply.Describe();
  if (reply.content_type != "application/json") {
    return ::testing::AssertionFailure() << "expected application/json, got " << reply.Describe();
  }
  auto doc = JsonDocument::ParseObject(reply.body);
  if (!doc) return ::testing::AssertionFailure() << "body is not a JSON object: " << reply.Describe();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsApiError(const Reply& reply, int status, std::string_view error_code) {
  auto fail = [&](std::string_view why) {
    return ::testing::AssertionFailure() << why << "; expected HTTP " << status << " " << error_code << ", got "
                                         << reply.Describe();
  };
  if (reply.status != status) return fail("wrong HTTP status");
  if (reply.content_type != "application/json") return fail("error body is not application/json");
  auto doc = JsonDocument::ParseObject(reply.body);
  if (!doc) return fail("error body is not a JSON object");
  auto code = doc->root().GetString("error_code");
  if (!code || !code->has_value() || **code != error_code) return fail("wrong error_code");
  auto message = doc->root().GetString("message");
  if (!message || !message->has_value() || (*message)->empty()) return fail("missing or empty message");
  return ::testing::AssertionSuccess();
}

}  // namespace cairn::integration
