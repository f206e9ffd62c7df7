// TestHttpServer: a tiny blocking HTTP/1.1 server on 127.0.0.1:<ephemeral>
// for unit tests of the HTTP client. Handles keep-alive and Content-Length
// bodies (what libcurl sends), one thread per connection, canned responses
// from a handler. Test-only; not for production use. Thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cairn::client::testing {

struct TestRequest {
  std::string method;
  std::string target;  // path + query, as sent
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  int connection = 0;  // ordinal of the TCP connection it came on
};

struct TestResponse {
  TestResponse() = default;
  TestResponse(int status_code, std::string response_body, std::string type = "application/json")
      : status(status_code), body(std::move(response_body)), content_type(std::move(type)) {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

class TestHttpServer {
 public:
  using Handler = std::function<TestResponse(const TestRequest&)>;

  explicit TestHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(listen_fd_, 64) != 0) {
      std::abort();
    }
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }

  ~TestHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    accept_thread_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : client_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : connection_threads_) t.join();
  }

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }
  std::vector<TestRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      int ordinal = ++connections_;
      std::lock_guard lock(mu_);
      client_fds_.push_back(fd);
      connection_threads_.emplace_back([this, fd, ordinal] { Serve(fd, ordinal); });
    }
  }

  static bool ReadMore(int fd, std::string& buffer) {
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer.append(chunk, size_t(n));
    return true;
  }

  void Serve(int fd, int ordinal) {
    std::string buffer;
    while (true) {
      size_t header_end;
      while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!ReadMore(fd, buffer)) return Close(fd);
      }
      TestRequest request;
      request.connection = ordinal;
      std::string head = buffer.substr(0, header_end);
      buffer.erase(0, header_end + 4);
      size_t line_end = head.find("\r\n");
      std::string request_line = head.substr(0, line_end);
      size_t sp1 = request_line.find(' ');
      size_t sp2 = request_line.rfind(' ');
      request.method = request_line.substr(0, sp1);
      request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
      size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
      while (pos < head.size()) {
        size_t end = head.find("\r\n", pos);
        if (end == std::string::npos) end = head.size();
        std::string line = head.substr(pos, end - pos);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
          size_t v = colon + 1;
          while (v < line.size() && line[v] == ' ') ++v;
          request.headers[name] = line.substr(v);
        }
        pos = end + 2;
      }
      size_t length = 0;
      if (auto it = request.headers.find("content-length"); it != request.headers.end()) {
        length = std::stoul(it->second);
      }
      while (buffer.size() < length) {
        if (!ReadMore(fd, buffer)) return Close(fd);
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      TestResponse response = handler_(request);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(request));
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " X\r\n";
      out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
      if (!response.content_type.empty()) out += "Content-Type: " + response.content_type + "\r\n";
      for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
      out += "\r\n" + response.body;
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return Close(fd);
        sent += size_t(n);
      }
    }
  }

  void Close(int fd) {
    std::lock_guard lock(mu_);
    std::erase(client_fds_, fd);
    ::close(fd);
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::vector<int> client_fds_;                 // GUARDED_BY(mu_)
  std::vector<std::thread> connection_threads_;  // GUARDED_BY(mu_) for writes; joined after accept stops
  std::vector<TestRequest> requests_;          // GUARDED_BY(mu_)
};

}  // namespace cairn::client::testing
