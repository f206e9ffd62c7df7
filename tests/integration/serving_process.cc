#include "integration/serving_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef CAIRN_BINARY_PATH
#error "CAIRN_BINARY_PATH must name the cairn binary"
#endif

extern char** environ;

namespace cairn::integration {
namespace fs = std::filesystem;

Result<std::unique_ptr<ServeProcess>> ServeProcess::Start(std::vector<std::string> args,
                                                          std::chrono::milliseconds timeout) {
  std::string pattern = (fs::temp_directory_path() / "cairn-serve-it-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return Internal("mkdtemp failed");
  std::unique_ptr<ServeProcess> p(new ServeProcess());
  p->dir_ = pattern;
  args.insert(args.begin(), {CAIRN_BINARY_PATH, "serve"});
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "CAIRN_", 6) != 0 && std::strncmp(*e, "MLFLOW_", 7) != 0) env.emplace_back(*e);
  }
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string log_path = (p->dir_ / "serve.log").string();
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Internal("cannot open the serve log");
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Internal("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  p->pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::string log = p->Log();
    constexpr std::string_view kMarker = "listening on http://";
    if (size_t at = log.find(kMarker); at != std::string::npos) {
      size_t begin = at + std::string_view("listening on ").size();
      size_t end = log.find_first_of(" \n", begin);
      if (end != std::string::npos) {
        p->url_ = log.substr(begin, end - begin);
        p->port_ = static_cast<uint16_t>(std::stoi(p->url_.substr(p->url_.rfind(':') + 1)));
        return p;
      }
    }
    if (!p->Running()) return Unavailable(fmt::format("cairn serve exited during start-up. Log:\n{}", log));
    if (std::chrono::steady_clock::now() > deadline) {
      return Unavailable(fmt::format("cairn serve did not start in time. Log:\n{}", log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ServeProcess::~ServeProcess() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    WaitExit(std::chrono::seconds(30));
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string ServeProcess::Log() const {
  std::ifstream in(dir_ / "serve.log", std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool ServeProcess::Running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = status;
    return false;
  }
  return true;
}

std::optional<int> ServeProcess::WaitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

void ServeProcess::Signal(int signal) {
  if (Running()) ::kill(pid_, signal);
}

}  // namespace cairn::integration
