#include "pipelines/executor/local/local_executor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "base/json_reader.h"
#include "base/logging.h"
#include "pipelines/executor/log_file.h"
#include "platform/subprocess.h"

extern char** environ;

namespace cairn::pipelines {

std::string_view ExecutionStateName(ExecutionState state) {
  switch (state) {
    case ExecutionState::kRunning: return "RUNNING";
    case ExecutionState::kSucceeded: return "SUCCEEDED";
    case ExecutionState::kFailed: return "FAILED";
    case ExecutionState::kCancelled: return "CANCELLED";
    case ExecutionState::kTimedOut: return "TIMED_OUT";
    case ExecutionState::kLost: return "LOST";
  }
  return "UNKNOWN";
}

namespace {

namespace fs = std::filesystem;

constexpr char kHandlePrefix[] = "local:";
constexpr char kPidFile[] = "monitor.pid";
constexpr char kStatusFile[] = "status";
constexpr char kStatusTmpFile[] = "status.tmp";
constexpr char kStdoutFile[] = "stdout.log";
constexpr char kStderrFile[] = "stderr.log";
constexpr char kCommandFile[] = "command";

// ---------------------------------------------------------------------------
// The monitor. Runs in a child forked from a multi-threaded process, so it
// uses only async-signal-safe calls: no allocation, no locks, no stdio.
// Everything it needs is prepared before fork in a MonitorPlan.
// ---------------------------------------------------------------------------

struct MonitorPlan {
  const char* exec_path;
  char* const* argv;
  char* const* envp;
  const char* work_dir;
  const char* status_path;
  const char* status_tmp_path;
  int out_log_fd;
  int err_log_fd;
  int notify_fd;
  int pid_fd;
  int64_t timeout_ms;
  int64_t kill_grace_ms;
  int64_t max_log_bytes;
};

volatile sig_atomic_t g_cancel_requested = 0;
int g_self_pipe_write = -1;

void OnMonitorSignal(int sig) {
  int saved = errno;
  if (sig == SIGTERM) g_cancel_requested = 1;
  char byte = 0;
  ssize_t ignored = write(g_self_pipe_write, &byte, 1);
  (void)ignored;
  errno = saved;
}

int64_t MonotonicMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// A fixed-size text buffer for the status file and notes.
struct SmallText {
  char data[512];
  size_t size = 0;
  void Add(const char* text) {
    while (*text != '\0' && size < sizeof(data)) data[size++] = *text++;
  }
  void AddInt(int64_t value) {
    char digits[24];
    int n = 0;
    bool negative = value < 0;
    uint64_t v = negative ? static_cast<uint64_t>(-(value + 1)) + 1 : static_cast<uint64_t>(value);
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (negative && size < sizeof(data)) data[size++] = '-';
    while (n > 0 && size < sizeof(data)) data[size++] = digits[--n];
  }
};

void SetCloexec(int fd, bool on) {
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return;
  fcntl(fd, F_SETFD, on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC));
}

// Closes every descriptor >= 3 except those in keep[0..count).
void CloseAllExcept(int* keep, int count) {
  // Insertion sort: count is tiny.
  for (int i = 1; i < count; ++i) {
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  }
  unsigned next = 3;
  for (int i = 0; i < count; ++i) {
    if (keep[i] < 3) continue;
    unsigned k = static_cast<unsigned>(keep[i]);
    if (k > next) close_range(next, k - 1, 0);
    next = k + 1;
  }
  close_range(next, ~0U, 0);
}

// Moves `from` onto descriptor `to` (clearing close-on-exec on it).
void MoveFd(int from, int to) {
  if (from == to) {
    SetCloexec(to, false);
  } else {
    dup2(from, to);
  }
}

enum class StopReason { kNone, kCancel, kTimeout };

struct LogCopy {
  int pipe_fd = -1;
  int log_fd = -1;
  int64_t written = 0;
  bool truncated = false;
};

void CopyChunk(LogCopy& copy, const char* data, size_t size, int64_t cap) {
  if (copy.written < cap) {
    size_t room = static_cast<size_t>(cap - copy.written);
    size_t take = size < room ? size : room;
    WriteAll(copy.log_fd, data, take);
    copy.written += static_cast<int64_t>(take);
    if (take == size) return;
  }
  if (!copy.truncated) {
    copy.truncated = true;
    SmallText note;
    note.Add("\n[cairn: log truncated at ");
    note.AddInt(cap);
    note.Add(" bytes; the rest of this stream was discarded]\n");
    WriteAll(copy.log_fd, note.data, note.size);
  }
}

[[noreturn]] void RunMonitor(const MonitorPlan& plan) {
  setsid();
  {
    // plan.pid_fd carries the liveness lock (taken by Submit before fork,
    // shared with us): it stays open, and locked, until this process ends.
    int keep[] = {plan.out_log_fd, plan.err_log_fd, plan.notify_fd, plan.pid_fd};
    CloseAllExcept(keep, 4);
  }

  int out_pipe[2], err_pipe[2], exec_pipe[2], self_pipe[2];
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
      pipe2(exec_pipe, O_CLOEXEC) != 0 || pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
    _exit(112);
  }
  g_self_pipe_write = self_pipe[1];

  struct sigaction action {};
  action.sa_handler = OnMonitorSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGCHLD, &action, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, nullptr);
  sigaction(SIGHUP, &ignore, nullptr);
  sigaction(SIGPIPE, &ignore, nullptr);

  pid_t child = fork();
  if (child == 0) {
    setpgid(0, 0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig) {
      if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, nullptr);
    MoveFd(devnull, 0);
    MoveFd(out_pipe[1], 1);
    MoveFd(err_pipe[1], 2);
    int keep[] = {exec_pipe[1]};
    CloseAllExcept(keep, 1);
    char step = 'c';
    if (plan.work_dir == nullptr || chdir(plan.work_dir) == 0) {
      step = 'e';
      execve(plan.exec_path, plan.argv, plan.envp);
    }
    char report[1 + sizeof(int)];
    report[0] = step;
    int err = errno;
    memcpy(report + 1, &err, sizeof(int));
    WriteAll(exec_pipe[1], report, sizeof(report));
    _exit(127);
  }
  if (child > 0) setpgid(child, child);  // both sides, so signals never miss the group
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(exec_pipe[1]);
  close(devnull);

  // Handlers are installed: let SIGTERM / SIGCHLD in (Submit blocked all).
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);

  char start_step = 0;
  int start_errno = 0;
  int wait_status = 0;
  StopReason reason = StopReason::kNone;
  LogCopy copies[2];
  copies[0].pipe_fd = out_pipe[0];
  copies[0].log_fd = plan.out_log_fd;
  copies[1].pipe_fd = err_pipe[0];
  copies[1].log_fd = plan.err_log_fd;

  if (child < 0) {
    start_step = 'f';
    start_errno = errno;
    close(out_pipe[0]);
    close(err_pipe[0]);
    copies[0].pipe_fd = copies[1].pipe_fd = -1;
  } else {
    // Learn whether exec worked: the pipe closes on exec, or carries errno.
    char report[1 + sizeof(int)];
    size_t got = 0;
    while (got < sizeof(report)) {
      ssize_t n = read(exec_pipe[0], report + got, sizeof(report) - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    if (got == sizeof(report)) {
      start_step = report[0];
      memcpy(&start_errno, report + 1, sizeof(int));
    }
    close(exec_pipe[0]);

    const int64_t started = MonotonicMs();
    const int64_t deadline = plan.timeout_ms > 0 ? started + plan.timeout_ms : 0;
    int64_t term_sent_at = 0;
    bool kill_sent = false;
    bool exited = false;
    int64_t drain_deadline = 0;
    static char buffer[64 * 1024];
    for (;;) {
      int64_t now = MonotonicMs();
      if (!exited) {
        siginfo_t info;
        memset(&info, 0, sizeof(info));
        if (waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == child) {
          exited = true;
          // Like a container whose main process ended: what is left of the
          // group goes too (it would otherwise hold the log pipes open).
          kill(-child, SIGKILL);
          drain_deadline = now + 2000;
        }
      }
      if (exited && copies[0].pipe_fd < 0 && copies[1].pipe_fd < 0) break;
      if (exited && now >= drain_deadline) break;
      if (!exited && reason == StopReason::kNone) {
        if (g_cancel_requested) {
          reason = StopReason::kCancel;
        } else if (deadline != 0 && now >= deadline) {
          reason = StopReason::kTimeout;
        }
        if (reason != StopReason::kNone) {
          kill(-child, SIGTERM);
          term_sent_at = now;
        }
      }
      if (!exited && reason != StopReason::kNone && !kill_sent && now >= term_sent_at + plan.kill_grace_ms) {
        kill(-child, SIGKILL);
        kill_sent = true;
      }

      int64_t wait_ms = 1000;  // a safety net; signals wake us earlier
      if (exited) wait_ms = std::min(wait_ms, drain_deadline - now);
      if (!exited && reason == StopReason::kNone && deadline != 0) wait_ms = std::min(wait_ms, deadline - now);
      if (!exited && reason != StopReason::kNone && !kill_sent) {
        wait_ms = std::min(wait_ms, term_sent_at + plan.kill_grace_ms - now);
      }
      if (wait_ms < 0) wait_ms = 0;

      pollfd fds[3];
      int nfds = 0;
      int index_of[2] = {-1, -1};
      for (int i = 0; i < 2; ++i) {
        if (copies[i].pipe_fd >= 0) {
          index_of[i] = nfds;
          fds[nfds++] = pollfd{copies[i].pipe_fd, POLLIN, 0};
        }
      }
      int self_index = nfds;
      fds[nfds++] = pollfd{self_pipe[0], POLLIN, 0};
      int ready = poll(fds, static_cast<nfds_t>(nfds), static_cast<int>(wait_ms));
      if (ready <= 0) continue;
      if (fds[self_index].revents != 0) {
        while (read(self_pipe[0], buffer, sizeof(buffer)) > 0) {
        }
      }
      for (int i = 0; i < 2; ++i) {
        if (index_of[i] < 0 || fds[index_of[i]].revents == 0) continue;
        ssize_t n = read(copies[i].pipe_fd, buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          close(copies[i].pipe_fd);
          copies[i].pipe_fd = -1;
          continue;
        }
        CopyChunk(copies[i], buffer, static_cast<size_t>(n), plan.max_log_bytes);
      }
    }
    while (waitpid(child, &wait_status, 0) < 0 && errno == EINTR) {
    }
  }

  SmallText status;
  if (start_step != 0) {
    status.Add("state=start_error\nstep=");
    char step[2] = {start_step, '\0'};
    status.Add(step);
    status.Add("\nerrno=");
    status.AddInt(start_errno);
    status.Add("\n");
  } else if (WIFSIGNALED(wait_status)) {
    status.Add("state=signaled\nsignal=");
    status.AddInt(WTERMSIG(wait_status));
    status.Add("\n");
  } else {
    status.Add("state=exited\nexit_code=");
    status.AddInt(WEXITSTATUS(wait_status));
    status.Add("\n");
  }
  status.Add(reason == StopReason::kCancel ? "reason=cancel\n"
             : reason == StopReason::kTimeout ? "reason=timeout\n"
                                              : "reason=none\n");
  status.Add(copies[0].truncated ? "stdout_truncated=1\n" : "stdout_truncated=0\n");
  status.Add(copies[1].truncated ? "stderr_truncated=1\n" : "stderr_truncated=0\n");
  int status_fd = open(plan.status_tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (status_fd >= 0) {
    WriteAll(status_fd, status.data, status.size);
    close(status_fd);
    rename(plan.status_tmp_path, plan.status_path);
  }
  close(plan.out_log_fd);
  close(plan.err_log_fd);
  int32_t me = getpid();
  ssize_t ignored = write(plan.notify_fd, &me, sizeof(me));
  (void)ignored;
  _exit(0);
}

// ---------------------------------------------------------------------------
// Server side.
// ---------------------------------------------------------------------------

struct ParsedHandle {
  int pid = 0;
  std::string dir;
};

Result<ParsedHandle> ParseHandle(const std::string& handle) {
  constexpr size_t kPrefix = sizeof(kHandlePrefix) - 1;
  if (handle.compare(0, kPrefix, kHandlePrefix) != 0) {
    return InvalidArgument(fmt::format("Not a local executor handle: '{}'", handle));
  }
  size_t colon = handle.find(':', kPrefix);
  if (colon == std::string::npos || colon == kPrefix || colon + 1 >= handle.size()) {
    return InvalidArgument(fmt::format("Malformed local executor handle: '{}'", handle));
  }
  ParsedHandle parsed;
  for (size_t i = kPrefix; i < colon; ++i) {
    if (handle[i] < '0' || handle[i] > '9') return InvalidArgument(fmt::format("Malformed local executor handle: '{}'", handle));
    parsed.pid = parsed.pid * 10 + (handle[i] - '0');
    if (parsed.pid > 1 << 30) return InvalidArgument(fmt::format("Malformed local executor handle: '{}'", handle));
  }
  parsed.dir = handle.substr(colon + 1);
  return parsed;
}

std::string MakeHandle(int pid, const std::string& dir) { return fmt::format("{}{}:{}", kHandlePrefix, pid, dir); }

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGPIPE: return "SIGPIPE";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGHUP: return "SIGHUP";
    default: return fmt::format("signal {}", sig);
  }
}

// Parses the monitor's status file; nullopt if it does not exist yet.
std::optional<ExecutionStatus> ReadStatusFile(const std::string& dir, const std::string& argv0) {
  std::string text;
  if (!ReadFile(dir + "/" + kStatusFile, &text)) return std::nullopt;
  std::string state, reason, step;
  int64_t exit_code = -1, sig = 0, err = 0;
  bool out_trunc = false, err_trunc = false;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "state") state = value;
    else if (key == "reason") reason = value;
    else if (key == "step") step = value;
    else if (key == "exit_code") exit_code = ParseInt64(value).value_or(-1);
    else if (key == "signal") sig = ParseInt64(value).value_or(0);
    else if (key == "errno") err = ParseInt64(value).value_or(0);
    else if (key == "stdout_truncated") out_trunc = value == "1";
    else if (key == "stderr_truncated") err_trunc = value == "1";
  }
  ExecutionStatus status;
  status.stdout_truncated = out_trunc;
  status.stderr_truncated = err_trunc;
  if (state == "start_error") {
    status.state = ExecutionState::kFailed;
    status.exit_code = 127;
    const char* what = step == "c" ? "could not enter the working directory for" : "could not start";
    status.message = fmt::format("{} '{}': {}", what, argv0, std::strerror(static_cast<int>(err)));
    return status;
  }
  if (state == "signaled") {
    status.exit_code = -1;
    status.term_signal = static_cast<int>(sig);
    status.message = fmt::format("killed by {}", SignalName(static_cast<int>(sig)));
  } else {
    status.exit_code = static_cast<int>(exit_code);
    if (exit_code != 0) status.message = fmt::format("exit status {}", exit_code);
  }
  if (reason == "cancel") {
    status.state = ExecutionState::kCancelled;
    status.message = "cancelled" + (status.message.empty() ? "" : " (" + status.message + ")");
  } else if (reason == "timeout") {
    status.state = ExecutionState::kTimedOut;
    status.message = "timed out" + (status.message.empty() ? "" : " (" + status.message + ")");
  } else {
    status.state = (status.term_signal == 0 && status.exit_code == 0) ? ExecutionState::kSucceeded
                                                                       : ExecutionState::kFailed;
  }
  return status;
}

ExecutionStatus LostStatus(std::string why) {
  ExecutionStatus status;
  status.state = ExecutionState::kLost;
  status.message = std::move(why);
  return status;
}

// True when a live monitor holds the lock on <dir>/monitor.pid.
bool MonitorHoldsLock(const std::string& dir) {
  int fd = open((dir + "/" + kPidFile).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);  // also drops our shared lock if we got it
  return held;
}

std::string LookupOnPath(const std::string& program, const std::string& path_env) {
  if (program.find('/') != std::string::npos) return program;
  std::string_view rest = path_env;
  while (true) {
    size_t colon = rest.find(':');
    std::string_view dir = rest.substr(0, colon);
    std::string candidate = fmt::format("{}/{}", dir.empty() ? "." : dir, program);
    struct stat st {};
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return program;  // execve reports ENOENT, which the attempt's status carries
}

}  // namespace

std::vector<std::pair<std::string, std::string>> LocalExecutor::ProcessEnvironment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    env.emplace_back(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

Result<std::unique_ptr<LocalExecutor>> LocalExecutor::Create(LocalExecutorOptions options) {
  int notify[2], stop[2];
  if (pipe2(notify, O_CLOEXEC) != 0) return Internal("Cannot create the executor's notification pipe.", std::strerror(errno));
  if (pipe2(stop, O_CLOEXEC) != 0) {
    close(notify[0]);
    close(notify[1]);
    return Internal("Cannot create the executor's notification pipe.", std::strerror(errno));
  }
  // Monitors must never block on a full pipe: a full pipe already means a
  // wake-up is pending.
  fcntl(notify[1], F_SETFL, fcntl(notify[1], F_GETFL) | O_NONBLOCK);
  fcntl(notify[1], F_SETPIPE_SZ, 1 << 20);
  if (options.max_log_bytes < 0) options.max_log_bytes = 0;
  if (options.kill_grace_ms < 0) options.kill_grace_ms = 0;
  return std::unique_ptr<LocalExecutor>(new LocalExecutor(std::move(options), notify[0], notify[1], stop[0], stop[1]));
}

LocalExecutor::LocalExecutor(LocalExecutorOptions options, int notify_read_fd, int notify_write_fd, int stop_read_fd,
                             int stop_write_fd)
    : options_(std::move(options)),
      notify_read_fd_(notify_read_fd),
      notify_write_fd_(notify_write_fd),
      stop_read_fd_(stop_read_fd),
      stop_write_fd_(stop_write_fd) {
  watcher_ = std::thread([this] { WatchLoop(); });
}

LocalExecutor::~LocalExecutor() {
  char byte = 0;
  ssize_t ignored = write(stop_write_fd_, &byte, 1);
  (void)ignored;
  if (watcher_.joinable()) watcher_.join();
  close(notify_read_fd_);
  close(notify_write_fd_);
  close(stop_read_fd_);
  close(stop_write_fd_);
}

void LocalExecutor::SetStateChangeCallback(std::function<void()> callback) {
  std::unique_lock<std::mutex> lock(mu_);
  callback_ = std::move(callback);
  // The old callback may be running on the watcher thread: once this
  // returns, it is never called again (its owner may go away).
  callback_idle_.wait(lock, [&] { return callbacks_running_ == 0; });
}

void LocalExecutor::WatchLoop() {
  std::vector<int> pending;  // finished monitors not yet reaped (about to _exit)
  for (;;) {
    pollfd fds[2] = {{notify_read_fd_, POLLIN, 0}, {stop_read_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, pending.empty() ? -1 : 5);
    if (ready < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    bool woke = false;
    if (fds[0].revents != 0) {
      int32_t pids[1024];
      ssize_t n = read(notify_read_fd_, pids, sizeof(pids));
      for (ssize_t i = 0; i + 4 <= n; i += 4) pending.push_back(pids[i / 4]);
      woke = n > 0;
    }
    std::function<void()> callback;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::vector<int> still;
      for (int pid : pending) {
        auto it = live_children_.find(pid);
        if (it == live_children_.end()) continue;  // reaped by Poll, or not ours
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
          live_children_.erase(it);
        } else {
          still.push_back(pid);
        }
      }
      pending.swap(still);
      if (woke && callback_) {
        callback = callback_;
        ++callbacks_running_;
      }
    }
    if (callback) {
      callback();
      std::lock_guard<std::mutex> lock(mu_);
      --callbacks_running_;
      callback_idle_.notify_all();
    }
  }
}

LocalExecutor::ChildState LocalExecutor::CheckChild(int pid, const std::string& attempt_dir) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_children_.find(pid);
  // Not (or no longer) our child: callers fall back to the lock, which a
  // reaped monitor no longer holds, so both cases end the same way.
  if (it == live_children_.end() || it->second != attempt_dir) return ChildState::kNotOurs;
  int status = 0;
  pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return ChildState::kAlive;
  live_children_.erase(it);
  return ChildState::kExited;
}

Result<std::string> LocalExecutor::Submit(const TaskLaunch& launch) {
  if (launch.argv.empty() || launch.argv[0].empty()) {
    return InvalidArgument("A task needs a command (argv is empty).");
  }
  if (launch.attempt_dir.empty()) return InvalidArgument("The local executor needs an attempt_dir.");
  const std::string dir = fs::absolute(launch.attempt_dir).lexically_normal().string();
  std::string work_dir = launch.working_dir.empty() ? dir + "/work" : launch.working_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Internal(fmt::format("Cannot create the task directory '{}'.", dir), ec.message());
  fs::create_directories(work_dir, ec);
  if (ec) return Internal(fmt::format("Cannot create the working directory '{}'.", work_dir), ec.message());
  if (fs::exists(dir + "/" + kPidFile) || fs::exists(dir + "/" + kStatusFile)) {
    return AlreadyExists(fmt::format("Attempt '{}' was already started in '{}'.", launch.attempt_key, dir));
  }

  // Environment: base, then the launch's entries override by name.
  const std::vector<std::pair<std::string, std::string>> env =
      platform::MergeEnvironment(options_.base_env, launch.env);
  std::string path_env = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& [key, value] : env) {
    if (key == "PATH") path_env = value;
  }
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size());
  for (const auto& [key, value] : env) env_strings.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings = launch.argv;
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string exec_path = LookupOnPath(launch.argv[0], path_env);
  const std::string pid_path = dir + "/" + kPidFile;
  const std::string status_path = dir + "/" + kStatusFile;
  const std::string status_tmp_path = dir + "/" + kStatusTmpFile;

  {
    std::ofstream command(dir + "/" + kCommandFile, std::ios::trunc);
    command << launch.argv[0] << "\n";
  }
  int out_log = open((dir + "/" + kStdoutFile).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err_log = open((dir + "/" + kStderrFile).c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_log < 0 || err_log < 0) {
    int err = errno;
    if (out_log >= 0) close(out_log);
    if (err_log >= 0) close(err_log);
    return Internal(fmt::format("Cannot create the log files in '{}'.", dir), std::strerror(err));
  }

  MonitorPlan plan{exec_path.c_str(), argv.data(), envp.data(), work_dir.c_str(), status_path.c_str(),
                   status_tmp_path.c_str(), out_log, err_log, notify_write_fd_, -1,
                   launch.timeout_ms, options_.kill_grace_ms, options_.max_log_bytes};

  // Signals stay blocked in the monitor until its handlers are installed, so
  // an early Cancel is never lost (nor kills it by default action).
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pid_t pid = -1;
  int fail_errno = 0;
  bool exists = false;
  {
    // Held across fork so the watcher cannot look for the pid before it is
    // registered, Find never sees a half-written pid file, and no other
    // Submit's monitor inherits this attempt's lock descriptor.
    std::lock_guard<std::mutex> lock(mu_);
    // The pid file is created and locked here, before fork, so that from
    // the moment Submit returns, Find and the liveness check see the attempt;
    // the monitor inherits the locked descriptor and holds it for its life.
    plan.pid_fd = open(pid_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (plan.pid_fd < 0) {
      fail_errno = errno;
      exists = fail_errno == EEXIST;
    } else if (flock(plan.pid_fd, LOCK_EX) != 0) {
      fail_errno = errno;
    } else {
      pid = fork();
      if (pid == 0) RunMonitor(plan);
      if (pid < 0) fail_errno = errno;
      if (pid > 0) {
        live_children_[pid] = dir;
        std::string text = fmt::format("{}\n", pid);
        ssize_t ignored = write(plan.pid_fd, text.data(), text.size());
        (void)ignored;
      }
    }
    if (plan.pid_fd >= 0) close(plan.pid_fd);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  close(out_log);
  close(err_log);
  if (exists) {
    return AlreadyExists(fmt::format("Attempt '{}' was already started in '{}'.", launch.attempt_key, dir));
  }
  if (pid < 0) {
    (void)::unlink(pid_path.c_str());
    return Internal("Cannot start a task process.", std::strerror(fail_errno));
  }
  return MakeHandle(pid, dir);
}

Result<ExecutionStatus> LocalExecutor::Poll(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle parsed, ParseHandle(handle));
  // argv[0] for messages (Submit wrote it next to the status file).
  auto argv0 = [&]() -> std::string {
    std::string text;
    if (!ReadFile(parsed.dir + "/" + kCommandFile, &text)) return "the task's command";
    return text.substr(0, text.find('\n'));
  };
  if (auto status = ReadStatusFile(parsed.dir, argv0())) {
    (void)CheckChild(parsed.pid, parsed.dir);  // reap
    return *status;
  }
  ChildState child = CheckChild(parsed.pid, parsed.dir);
  if (child == ChildState::kAlive) return ExecutionStatus{};
  if (child == ChildState::kNotOurs && MonitorHoldsLock(parsed.dir)) return ExecutionStatus{};
  // Exited or gone: the status file is written before the monitor exits.
  if (auto status = ReadStatusFile(parsed.dir, argv0())) return *status;
  return LostStatus("the task's monitor process ended without reporting (the task may have been killed)");
}

Status LocalExecutor::Cancel(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle parsed, ParseHandle(handle));
  if (parsed.pid <= 1) return Status();  // never signal a process group or init
  if (fs::exists(parsed.dir + "/" + kStatusFile)) return Status();
  ChildState child = CheckChild(parsed.pid, parsed.dir);
  if (child == ChildState::kAlive || (child == ChildState::kNotOurs && MonitorHoldsLock(parsed.dir))) {
    if (kill(parsed.pid, SIGTERM) != 0 && errno != ESRCH) {
      return Internal("Cannot signal the task's monitor process.", std::strerror(errno));
    }
  }
  return Status();
}

Result<LogChunk> LocalExecutor::Logs(const std::string& handle, LogStream stream, int64_t offset,
                                     int64_t max_bytes) {
  CAIRN_ASSIGN_OR_RETURN(ParsedHandle parsed, ParseHandle(handle));
  return ReadLogFile(parsed.dir + "/" + (stream == LogStream::kStdout ? kStdoutFile : kStderrFile), offset, max_bytes);
}

Result<std::optional<std::string>> LocalExecutor::Find(const TaskLaunch& launch) {
  if (launch.attempt_dir.empty()) return InvalidArgument("The local executor needs an attempt_dir.");
  const std::string dir = fs::absolute(launch.attempt_dir).lexically_normal().string();
  std::string text;
  bool found;
  {
    std::lock_guard<std::mutex> lock(mu_);  // not while Submit writes it
    found = ReadFile(dir + "/" + kPidFile, &text);
  }
  if (!found) return std::optional<std::string>();
  int pid = static_cast<int>(ParseInt64(text.substr(0, text.find('\n'))).value_or(0));
  if (pid <= 0 && !MonitorHoldsLock(dir) && !fs::exists(dir + "/" + kStatusFile)) {
    // The process that submitted stopped between creating the pid file and
    // starting the monitor (Submit): no monitor holds the file and none
    // reported, so the attempt never ran. Forget it, so it is launched.
    std::lock_guard<std::mutex> lock(mu_);
    (void)::unlink((dir + "/" + kPidFile).c_str());
    return std::optional<std::string>();
  }
  return std::optional<std::string>(MakeHandle(pid < 0 ? 0 : pid, dir));
}

}  // namespace cairn::pipelines
