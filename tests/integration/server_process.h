// ServerProcess: runs the real `cairn server` binary (CAIRN_BINARY_PATH) as a
// child process for end-to-end tests, in a fresh temporary directory:
//
//   <dir>/cairn.db      --backend-store-uri sqlite:///<dir>/cairn.db, or a
//                       PostgreSQL schema of its own when CAIRN_TEST_POSTGRES_URI
//                       names a database (tests/lib/postgres_test_env.h)
//   <dir>/artifacts/    --artifacts-destination
//   <dir>/server.log    the server's stdout and stderr (appended across restarts)
//
// It binds port 0 and learns the port from the "listening on http://..." line
// the server prints once ready (polled, with a deadline). The destructor
// SIGKILLs a still-running server and removes the directory. The child gets
// PR_SET_PDEATHSIG so a crashed test runner does not leak servers, and a
// scrubbed environment (no CAIRN_* variables) so a developer's settings
// cannot leak into the test.
//
// Not thread-safe: drive it from the test's main thread (other threads may
// read url(), which only changes in Restart()).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace cairn::integration {

class ServerProcess {
 public:
  // Starts a server in a new temp dir; `extra_args` follow the standard
  // flags. kUnavailable (with the log in the message) if it exits or does
  // not report its port within `start_timeout`.
  static Result<std::unique_ptr<ServerProcess>> Start(
      std::vector<std::string> extra_args = {}, std::chrono::milliseconds start_timeout = std::chrono::seconds(30));

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // "http://127.0.0.1:PORT", without a trailing slash.
  const std::string& url() const { return url_; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path artifacts_dir() const { return dir_ / "artifacts"; }
  std::filesystem::path db_path() const { return dir_ / "cairn.db"; }
  // The --backend-store-uri the server runs with.
  const std::string& store_uri() const { return store_uri_; }
  std::filesystem::path log_path() const { return dir_ / "server.log"; }

  // The server log from byte `offset` on (see LogSize()).
  std::string Log(size_t offset = 0) const;
  size_t LogSize() const;

  // True while the child has not exited (reaps it if it has).
  bool Running();
  // kill(pid, signal); no-op once the child was reaped.
  void Signal(int signal);
  // Waits for the child to exit; returns the raw waitpid status (use
  // WIFEXITED / WEXITSTATUS / WIFSIGNALED), nullopt on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Kills the server if it still runs (SIGKILL), then starts it again with
  // the same arguments on the same directory. The port changes.
  Status Restart(std::chrono::milliseconds start_timeout = std::chrono::seconds(30));

  // Peak resident set size (VmHWM from /proc/<pid>/status), in bytes.
  std::optional<int64_t> PeakRssBytes() const;

 private:
  ServerProcess(std::filesystem::path dir, std::vector<std::string> extra_args);
  Status Launch(std::chrono::milliseconds start_timeout);

  const std::filesystem::path dir_;
  const std::vector<std::string> extra_args_;
  std::string store_uri_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string url_;
  uint16_t port_ = 0;
};

}  // namespace cairn::integration
