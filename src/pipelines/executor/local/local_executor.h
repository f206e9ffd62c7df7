// LocalExecutor: runs each task attempt as a process on this host.
//
// Per attempt, Submit forks a small *monitor* process (new session, no
// exec: it only uses async-signal-safe system calls) which
//  * forks the task into its own process group (pgid = task pid), with
//    stdin from /dev/null, stdout/stderr into pipes, the working directory
//    and environment of the TaskLaunch, default signal dispositions and an
//    empty signal mask, and no other inherited file descriptors;
//  * copies the pipes into <attempt_dir>/stdout.log and stderr.log, each
//    capped at max_log_bytes: past the cap it writes one note line and
//    discards (still draining, so the task never blocks on a full pipe);
//  * enforces timeout_ms and Cancel (SIGTERM to the monitor): SIGTERM to
//    the task's whole process group, SIGKILL after kill_grace_ms;
//  * when the task exits, kills what is left of its process group (like a
//    container whose main process ended) and writes <attempt_dir>/status
//    (exit code / signal / reason) atomically, then exits.
// The monitor holds an flock on <attempt_dir>/monitor.pid for its lifetime,
// so a restarted server tells "still running" from "monitor died" without
// trusting pids, and the task keeps running (and logging) while the server
// is down. Handles are "local:<monitor pid>:<attempt_dir>".
//
// Notifications: monitors write one byte to a pipe the executor watches on
// its own thread when they finish, which triggers the state-change
// callback (attempts adopted after a restart are not notified: poll them).
//
// Thread-safety: thread-safe. The watcher thread is owned by the executor
// and joined by its destructor.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "pipelines/executor/executor.h"

namespace cairn::pipelines {

struct LocalExecutorOptions {
  // Cap per log stream. A step printing gigabytes must not fill the disk.
  int64_t max_log_bytes = 64ll << 20;
  // Between SIGTERM and SIGKILL to the process group on cancel/timeout.
  int64_t kill_grace_ms = 5000;
  // Environment every task starts from (TaskLaunch::env is applied on top).
  // The composition root passes the server's own environment here.
  std::vector<std::pair<std::string, std::string>> base_env;
};

class LocalExecutor final : public Executor {
 public:
  // kInternal if the notification pipe or the watcher thread cannot be
  // created.
  static Result<std::unique_ptr<LocalExecutor>> Create(LocalExecutorOptions options);
  ~LocalExecutor() override;
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  std::string_view Name() const override { return "local"; }
  Result<std::string> Submit(const TaskLaunch& launch) override;
  Result<ExecutionStatus> Poll(const std::string& handle) override;
  Status Cancel(const std::string& handle) override;
  Result<LogChunk> Logs(const std::string& handle, LogStream stream, int64_t offset, int64_t max_bytes) override;
  Result<std::optional<std::string>> Find(const TaskLaunch& launch) override;
  void SetStateChangeCallback(std::function<void()> callback) override;

  // The environment of this process as base_env (for the composition root).
  static std::vector<std::pair<std::string, std::string>> ProcessEnvironment();

 private:
  LocalExecutor(LocalExecutorOptions options, int notify_read_fd, int notify_write_fd, int stop_read_fd,
                int stop_write_fd);
  void WatchLoop();
  enum class ChildState { kNotOurs, kAlive, kExited };
  // For a monitor this executor spawned (pid and attempt dir match): reaps
  // it if it exited.
  ChildState CheckChild(int pid, const std::string& attempt_dir);

  const LocalExecutorOptions options_;
  const int notify_read_fd_;
  const int notify_write_fd_;
  const int stop_read_fd_;
  const int stop_write_fd_;

  std::mutex mu_;
  std::map<int, std::string> live_children_;  // GUARDED_BY(mu_): monitor pid -> attempt dir, not yet reaped
  std::function<void()> callback_;  // GUARDED_BY(mu_)
  int callbacks_running_ = 0;        // GUARDED_BY(mu_)
  std::condition_variable callback_idle_;
  std::thread watcher_;
};

}  // namespace cairn::pipelines
