// ServeProcess: runs `cairn serve <args>` (the real binary) as a child for
// the serving suites, learns its port from the "listening on http://" line,
// and SIGKILLs it in the destructor. The child dies with the test runner
// (PR_SET_PDEATHSIG). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace cairn::integration {

class ServeProcess {
 public:
  // `args` follow "cairn serve"; the log goes to <a temp dir>/serve.log.
  static Result<std::unique_ptr<ServeProcess>> Start(std::vector<std::string> args,
                                                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  const std::string& url() const { return url_; }
  uint16_t port() const { return port_; }
  std::string Log() const;
  bool Running();
  // Waits for exit; the raw waitpid status, nullopt on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  void Signal(int signal);

 private:
  ServeProcess() = default;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string url_;
  uint16_t port_ = 0;
};

}  // namespace cairn::integration
