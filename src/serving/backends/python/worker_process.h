// WorkerProcess: a long-lived child process cairn talks to over its stdin
// and stdout (the python backend's pyfunc worker). Unlike
// platform::RunSubprocess, which runs a command to completion, this keeps
// both pipes open for many request/response exchanges.
//
// * No shell: argv[0] is looked up on PATH (posix_spawnp); our pipe ends are
//   O_CLOEXEC so other children never inherit them.
// * The child's stderr is read by a thread and handed, line by line (each
//   line cut at 4 KiB), to `on_stderr_line`; the last 4 KiB are kept for
//   error messages (StderrTail).
// * Every read and write has a deadline (poll); a child that exceeds it is
//   the caller's to Kill.
// * The child leads its own process group; Kill and the destructor SIGKILL
//   the group and reap the child (waitpid): no zombies, no orphans left
//   running.
//
// Not thread-safe: one owner drives the exchanges (the backend holds a
// mutex); only StderrTail may be called from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/result.h"

namespace cairn::serving::python {

class WorkerProcess {
 public:
  using Clock = std::chrono::steady_clock;
  using LineCallback = std::function<void(std::string_view line)>;

  // `env`: the child's whole environment as "NAME=value". kNotFound when
  // argv[0] cannot be found, kInternal when the OS refuses.
  static Result<std::unique_ptr<WorkerProcess>> Start(const std::vector<std::string>& argv,
                                                      const std::vector<std::string>& env, LineCallback on_stderr_line);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Writes all of `data` to the child's stdin. kDeadlineExceeded past
  // `deadline`, kUnavailable when the child closed its stdin (exited).
  Status Write(std::string_view data, Clock::time_point deadline);
  // Reads exactly `n` bytes from the child's stdout into `out`.
  // kDeadlineExceeded past `deadline`, kUnavailable at end of file.
  Status ReadExact(size_t n, std::string& out, Clock::time_point deadline);
  // SIGKILL and reap (idempotent).
  void Kill();
  // Whether the child has exited (reaps it when it has).
  bool Exited();
  // "exit status 1" / "killed by signal 9" once exited, "" before.
  std::string ExitDescription() const;
  std::string StderrTail() const;
  pid_t pid() const { return pid_; }

 private:
  WorkerProcess() = default;
  void ReadStderr(LineCallback on_line);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int wait_status_ = 0;
  bool reaped_ = false;
  std::atomic<bool> stop_{false};
  std::thread stderr_thread_;
  mutable std::mutex tail_mu_;
  std::string stderr_tail_;
};

}  // namespace cairn::serving::python
