#include "platform/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char** environ;

namespace cairn::platform {
namespace {

class Pipe {
 public:
  Pipe() = default;
  ~Pipe() { Close(); }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool Open() { return pipe2(fds_, O_CLOEXEC) == 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void CloseRead() { CloseFd(fds_[0]); }
  void CloseWrite() { CloseFd(fds_[1]); }
  void Close() {
    CloseRead();
    CloseWrite();
  }

 private:
  static void CloseFd(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
  }
  int fds_[2] = {-1, -1};
};

}  // namespace

Environment CurrentEnvironment() {
  Environment env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    const size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

Environment MergeEnvironment(Environment base, const Environment& overrides) {
  for (const auto& [name, value] : overrides) {
    bool replaced = false;
    for (auto& [k, v] : base) {
      if (k == name) {
        v = value;
        replaced = true;
      }
    }
    if (!replaced) base.emplace_back(name, value);
  }
  return base;
}

Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options) {
  if (options.argv.empty()) return InvalidArgument("RunSubprocess: empty argv");
  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open()) {
    return Status(StatusCode::kInternal, "cannot create pipes", std::strerror(errno));
  }
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  if (options.env) {
    for (const auto& [k, v] : *options.env) env_strings.push_back(k + "=" + v);
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
  std::vector<std::string> args = options.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdin_data.empty()) {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, in.read_end(), STDIN_FILENO);
  }
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), STDERR_FILENO);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), options.env ? envp.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  in.CloseRead();
  out.CloseWrite();
  err.CloseWrite();
  if (rc == ENOENT) return Status(StatusCode::kNotFound, fmt::format("'{}' was not found on PATH", options.argv[0]));
  if (rc != 0) {
    return Status(StatusCode::kInternal, fmt::format("cannot start '{}': {}", options.argv[0], std::strerror(rc)));
  }

  SubprocessResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  size_t written = 0;
  if (options.stdin_data.empty()) {
    in.CloseWrite();
  } else {
    // Non-blocking, so a child that writes a lot before reading all of its
    // input never deadlocks against us blocked in write().
    fcntl(in.write_end(), F_SETFL, fcntl(in.write_end(), F_GETFL) | O_NONBLOCK);
  }
  int live = 2;
  char buf[8192];
  while (live > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3] = {{out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}, {in.write_end(), POLLOUT, 0}};
    const nfds_t count = in.write_end() >= 0 ? 3 : 2;
    if (poll(fds, count, static_cast<int>(std::min<int64_t>(left, 1000))) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n <= 0) {
        (i == 0 ? out : err).CloseRead();
        --live;
        continue;
      }
      std::string& sink = i == 0 ? result.stdout_data : result.stderr_data;
      if (sink.size() < options.max_output_bytes) {
        sink.append(buf, std::min(static_cast<size_t>(n), options.max_output_bytes - sink.size()));
      }
    }
    if (count == 3 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = write(in.write_end(), options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      const bool retry = n < 0 && (errno == EAGAIN || errno == EINTR);
      if ((n <= 0 && !retry) || written == options.stdin_data.size()) in.CloseWrite();
    }
  }
  in.CloseWrite();
  // The pipes reach EOF as the child exits, a moment before it can be reaped.
  int status = 0;
  pid_t reaped = 0;
  while (!result.timed_out && (reaped = waitpid(pid, &status, WNOHANG)) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (result.timed_out) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  if (result.timed_out) result.exit_code = -1;
  return result;
}

}  // namespace cairn::platform
