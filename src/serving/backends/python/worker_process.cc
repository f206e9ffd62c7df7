#include "serving/backends/python/worker_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cairn::serving::python {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kTailBytes = 4096;

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

int MillisUntil(WorkerProcess::Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - WorkerProcess::Clock::now()).count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<int64_t>(left, 1000));
}

}  // namespace

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::Start(const std::vector<std::string>& argv,
                                                            const std::vector<std::string>& env,
                                                            LineCallback on_stderr_line) {
  if (argv.empty()) return InvalidArgument("a worker needs a command");
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Internal("pipe2 failed", std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]);
    return Internal("pipe2 failed", std::strerror(errno));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    return Internal("pipe2 failed", std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the child's 0/1/2; every other pipe end
  // closes at exec.
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with default signal handling and no blocked signals
  // (cairn blocks SIGINT/SIGTERM in its threads to wait for them).
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  // Its own process group, so Kill also ends anything the model started.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[0]), ::close(out[1]), ::close(err[1]);
  if (rc != 0) {
    ::close(in[1]), ::close(out[0]), ::close(err[0]);
    if (rc == ENOENT) return NotFound(fmt::format("cannot run '{}': not found on PATH", argv[0]));
    return Internal(fmt::format("cannot run '{}'", argv[0]), std::strerror(rc));
  }
  std::unique_ptr<WorkerProcess> p(new WorkerProcess());
  p->pid_ = pid;
  p->stdin_fd_ = in[1];
  p->stdout_fd_ = out[0];
  p->stderr_fd_ = err[0];
  p->stderr_thread_ = std::thread([raw = p.get(), cb = std::move(on_stderr_line)] { raw->ReadStderr(cb); });
  return p;
}

WorkerProcess::~WorkerProcess() {
  Kill();
  stop_ = true;
  if (stderr_thread_.joinable()) stderr_thread_.join();
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
}

Status WorkerProcess::Write(std::string_view data, Clock::time_point deadline) {
  size_t done = 0;
  while (done < data.size()) {
    pollfd p{stdin_fd_, POLLOUT, 0};
    int ready = ::poll(&p, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (Clock::now() >= deadline) return Status(StatusCode::kDeadlineExceeded, "the worker did not read its input in time");
      continue;
    }
    if (p.revents & (POLLERR | POLLHUP)) return Unavailable("the worker closed its input");
    // SIGPIPE is ignored by cairn's servers, so a dead reader is EPIPE here.
    ssize_t n = ::write(stdin_fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Unavailable(fmt::format("writing to the worker failed: {}", std::strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status WorkerProcess::ReadExact(size_t n, std::string& out, Clock::time_point deadline) {
  out.resize(n);
  size_t done = 0;
  while (done < n) {
    pollfd p{stdout_fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, MillisUntil(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (Clock::now() >= deadline) return Status(StatusCode::kDeadlineExceeded, "the worker did not answer in time");
      continue;
    }
    ssize_t got = ::read(stdout_fd_, out.data() + done, n - done);
    if (got < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return Unavailable(fmt::format("reading from the worker failed: {}", std::strerror(errno)));
    }
    if (got == 0) return Unavailable("the worker exited");
    done += static_cast<size_t>(got);
  }
  return Status::Ok();
}

void WorkerProcess::Kill() {
  if (pid_ <= 0 || reaped_) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &wait_status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

bool WorkerProcess::Exited() {
  if (reaped_) return true;
  if (pid_ <= 0) return true;
  pid_t r = ::waitpid(pid_, &wait_status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return reaped_;
}

std::string WorkerProcess::ExitDescription() const {
  if (!reaped_) return "";
  if (WIFEXITED(wait_status_)) return fmt::format("exit status {}", WEXITSTATUS(wait_status_));
  if (WIFSIGNALED(wait_status_)) return fmt::format("killed by signal {}", WTERMSIG(wait_status_));
  return "ended";
}

std::string WorkerProcess::StderrTail() const {
  std::lock_guard<std::mutex> lock(tail_mu_);
  return stderr_tail_;
}

void WorkerProcess::ReadStderr(LineCallback on_line) {
  std::string line;
  bool truncated = false;
  char buffer[4096];
  auto flush = [&] {
    if (on_line && (!line.empty() || truncated)) on_line(truncated ? line + " [...]" : line);
    line.clear();
    truncated = false;
  };
  // Polls with a short timeout so the destructor can stop it even when a
  // grandchild still holds the pipe's write end.
  while (!stop_) {
    pollfd p{stderr_fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, 100);
    if (ready <= 0) continue;
    ssize_t n = ::read(stderr_fd_, buffer, sizeof(buffer));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    {
      std::lock_guard<std::mutex> lock(tail_mu_);
      stderr_tail_.append(buffer, static_cast<size_t>(n));
      if (stderr_tail_.size() > kTailBytes) stderr_tail_.erase(0, stderr_tail_.size() - kTailBytes);
    }
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] == '\n') {
        flush();
      } else if (line.size() < kMaxLine) {
        line.push_back(buffer[i]);
      } else {
        truncated = true;
      }
    }
  }
  flush();
}

}  // namespace cairn::serving::python
