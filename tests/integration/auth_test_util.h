// Helpers for the auth suites: requests as a given caller (Basic, Bearer,
// session cookie + CSRF token, X-Cairn-Workspace) over raw HTTP, so every
// response header (WWW-Authenticate, Set-Cookie, Retry-After) is visible,
// and the users the suites share.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "base/base64.h"
#include "integration/api.h"
#include "integration/server_process.h"
#include "integration/server_test.h"

namespace cairn::integration {

inline constexpr char kAdminUser[] = "admin";
inline constexpr char kAdminPassword[] = "admin-password-for-tests";

inline std::string UserPassword(const std::string& name) { return "pw-of-" + name + "-123"; }

// A file with the admin password (the server reads it at start).
inline std::string WriteAdminPasswordFile() {
  std::string path = (std::filesystem::temp_directory_path() / fmt::format("cairn-admin-pw-{}-XXXXXX", getpid())).string();
  int fd = mkstemp(path.data());
  if (fd >= 0) close(fd);
  std::ofstream(path) << kAdminPassword << "\n";
  return path;
}

// Who sends a request.
struct As {
  std::string authorization;
  std::string cookie;
  std::string csrf;
  std::string workspace;
  std::string forwarded_for;  // X-Forwarded-For, as a proxy would add it

  static As Bearer(const std::string& token) { return As{"Bearer " + token, "", "", "", ""}; }
  static As Cookie(const std::string& cookie, const std::string& csrf) { return As{"", cookie, csrf, "", ""}; }
  As In(const std::string& ws) const {
    As copy = *this;
    copy.workspace = ws;
    return copy;
  }
  As From(const std::string& client) const {
    As copy = *this;
    copy.forwarded_for = client;
    return copy;
  }
};

class AuthClient {
 public:
  explicit AuthClient(uint16_t port) : port_(port) {}

  As Basic(const std::string& user, const std::string& password) const {
    return As{"Basic " + Base64Encode(user + ":" + password), "", "", "", ""};
  }

  Reply Call(const std::string& method, const std::string& target, const std::string& body, const As& who,
             const std::string& content_type = "application/json") const {
    std::string headers;
    if (!who.authorization.empty()) headers += "Authorization: " + who.authorization + "\r\n";
    if (!who.cookie.empty()) headers += "Cookie: " + who.cookie + "\r\n";
    if (!who.csrf.empty()) headers += "X-CSRF-Token: " + who.csrf + "\r\n";
    if (!who.workspace.empty()) headers += "X-Cairn-Workspace: " + who.workspace + "\r\n";
    if (!who.forwarded_for.empty()) headers += "X-Forwarded-For: " + who.forwarded_for + "\r\n";
    if (!body.empty()) headers += "Content-Type: " + content_type + "\r\n";
    return SendRaw(port_, RawRequest(method, target, body, headers));
  }

  // Creates `name` (password UserPassword(name)) as the admin unless it exists.
  void EnsureUser(const std::string& name) const {
    Reply r = Call("POST", "/api/2.0/mlflow/users/create",
                   fmt::format(R"({{"username":"{}","password":"{}"}})", name, UserPassword(name)),
                   Basic(kAdminUser, kAdminPassword));
    ASSERT_TRUE(r.status == 200 || r.status == 400) << r.Describe();
  }

 private:
  uint16_t port_;
};

// A `cairn server --auth` of its own (for cases whose lockouts, limits or
// flags must not touch other cases), with the admin from
// WriteAdminPasswordFile and `extra` flags.
struct AuthServer {
  std::string password_file = WriteAdminPasswordFile();
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<AuthClient> client;

  explicit AuthServer(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--auth", "--auth-admin-password-file", password_file};
    args.insert(args.end(), extra.begin(), extra.end());
    auto started = ServerProcess::Start(args);
    if (started.ok()) {
      process = std::move(*started);
      client = std::make_unique<AuthClient>(process->port());
    } else {
      ADD_FAILURE() << started.status().ToString();
    }
  }
  ~AuthServer() { std::filesystem::remove(password_file); }
  AuthServer(const AuthServer&) = delete;
  AuthServer& operator=(const AuthServer&) = delete;

  As Admin() const { return client->Basic(kAdminUser, kAdminPassword); }
};

}  // namespace cairn::integration
