#include "integration/server_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/postgres/pg_test_env.h"

#ifndef CAIRN_BINARY_PATH
#error "CAIRN_BINARY_PATH must name the cairn binary (see tests/CMakeLists.txt)"
#endif

extern char** environ;

namespace cairn::integration {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kReadyMarker = "listening on http://";
constexpr auto kPollInterval = std::chrono::milliseconds(10);

std::string ReadFileFrom(const fs::path& path, size_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(static_cast<std::streamoff>(offset));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The child's environment: ours minus CAIRN_* (flags are explicit).
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "CAIRN_", 6) != 0) env.emplace_back(*e);
  }
  return env;
}

}  // namespace

Result<std::unique_ptr<ServerProcess>> ServerProcess::Start(std::vector<std::string> extra_args,
                                                            std::chrono::milliseconds start_timeout) {
  std::string pattern = (fs::temp_directory_path() / "cairn-it-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Internal(fmt::format("mkdtemp failed: {}", std::strerror(errno)));
  }
  std::unique_ptr<ServerProcess> server(new ServerProcess(fs::path(pattern), std::move(extra_args)));
  // With CAIRN_TEST_POSTGRES_URI (the *_postgres ctest entries), the server
  // keeps its state in a PostgreSQL schema of its own instead of cairn.db.
  if (testing_support::PostgresTestUri()) {
    CAIRN_ASSIGN_OR_RETURN(server->store_uri_, testing_support::PostgresSchemaUri(pattern));
  } else {
    server->store_uri_ = "sqlite:///" + server->db_path().string();  // absolute: sqlite:////tmp/...
  }
  CAIRN_RETURN_IF_ERROR(server->Launch(start_timeout));
  return server;
}

ServerProcess::ServerProcess(fs::path dir, std::vector<std::string> extra_args)
    : dir_(std::move(dir)), extra_args_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    WaitExit(std::chrono::seconds(30));
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

Status ServerProcess::Launch(std::chrono::milliseconds start_timeout) {
  std::vector<std::string> args = {CAIRN_BINARY_PATH,
                                   "server",
                                   "--port",
                                   "0",
                                   "--backend-store-uri",
                                   store_uri_,
                                   "--artifacts-destination",
                                   artifacts_dir().string()};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<std::string> env = ChildEnvironment();

  // Everything the child needs is built before fork(): after it, only
  // async-signal-safe calls are allowed in a multi-threaded parent.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string dir = dir_.string();
  const size_t log_offset = LogSize();
  int log_fd = ::open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Internal(fmt::format("Cannot open {}: {}", log_path().string(), std::strerror(errno)));
  const pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return Internal(fmt::format("fork failed: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the parent died before prctl
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    if (::chdir(dir.c_str()) != 0) ::_exit(125);
    ::execve(argv[0], argv.data(), envp.data());
    static const char kMsg[] = "ServerProcess: execve failed\n";
    (void)!::write(STDERR_FILENO, kMsg, sizeof(kMsg) - 1);
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;
  exit_status_.reset();
  url_.clear();
  port_ = 0;

  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  for (;;) {
    std::string log = Log(log_offset);
    if (size_t at = log.find(kReadyMarker); at != std::string::npos) {
      size_t begin = at + std::string_view("listening on ").size();
      size_t end = log.find_first_of(" \n", begin);
      std::string url = log.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      size_t colon = url.rfind(':');
      if (end != std::string::npos && colon != std::string::npos && colon > 7) {
        url_ = url;
        port_ = static_cast<uint16_t>(std::stoi(url.substr(colon + 1)));
        return Status::Ok();
      }
    }
    if (!Running()) {
      return Unavailable(fmt::format("cairn server exited during start-up (status {}). Log:\n{}",
                                     exit_status_.value_or(-1), Log(log_offset)));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Unavailable(fmt::format("cairn server did not report its port within {} ms. Log:\n{}",
                                     start_timeout.count(), Log(log_offset)));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string ServerProcess::Log(size_t offset) const { return ReadFileFrom(log_path(), offset); }

size_t ServerProcess::LogSize() const {
  std::error_code ec;
  auto size = fs::file_size(log_path(), ec);
  return ec ? 0 : static_cast<size_t>(size);
}

bool ServerProcess::Running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_status_ = status;
    return false;
  }
  return r == 0;
}

void ServerProcess::Signal(int signal) {
  if (Running()) ::kill(pid_, signal);
}

std::optional<int> ServerProcess::WaitExit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
  return exit_status_;
}

Status ServerProcess::Restart(std::chrono::milliseconds start_timeout) {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    if (!WaitExit(std::chrono::seconds(30))) return Internal("The old server did not die on SIGKILL.");
  }
  return Launch(start_timeout);
}

std::optional<int64_t> ServerProcess::PeakRssBytes() const {
  std::ifstream in(fmt::format("/proc/{}/status", pid_));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kb = 0;
      if (fields >> kb) return kb * 1024;
    }
  }
  return std::nullopt;
}

}  // namespace cairn::integration
