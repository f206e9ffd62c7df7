#include "pipelines/executor/local/local_executor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace cairn::pipelines {
namespace {

namespace fs = std::filesystem;

class LocalExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cairn_local_exec_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<LocalExecutor> Make(LocalExecutorOptions options = {}) {
    if (options.base_env.empty()) options.base_env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}};
    auto executor = LocalExecutor::Create(std::move(options));
    EXPECT_TRUE(executor.ok()) << executor.status().ToString();
    return std::move(executor).value();
  }

  TaskLaunch Shell(const std::string& name, const std::string& script) {
    TaskLaunch launch;
    launch.attempt_key = name;
    launch.attempt_dir = (root_ / name).string();
    launch.argv = {"sh", "-c", script};
    return launch;
  }

  // Polls until the attempt ends (the executor is a real process runner:
  // there is nothing to fake; bounded so a bug fails instead of hanging).
  ExecutionStatus Wait(Executor& executor, const std::string& handle, int timeout_ms = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      auto status = executor.Poll(handle);
      EXPECT_TRUE(status.ok()) << status.status().ToString();
      if (!status.ok()) return {};
      if (IsTerminal(status->state)) return *status;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "attempt did not finish: " << handle;
    return {};
  }

  static std::string ReadAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  fs::path root_;
};

TEST_F(LocalExecutorTest, RunsCommandAndCapturesLogs) {
  auto executor = Make();
  TaskLaunch launch = Shell("ok", "echo hello; echo oops >&2; pwd; echo \"$GREETING\"");
  launch.env = {{"GREETING", "hi there"}};
  auto handle = executor->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kSucceeded) << status.message;
  EXPECT_EQ(status.exit_code, 0);
  std::string work = fs::canonical(root_ / "ok" / "work").string();
  EXPECT_EQ(ReadAll(root_ / "ok" / "stdout.log"), "hello\n" + work + "\nhi there\n");
  auto err = executor->Logs(*handle, LogStream::kStderr, 0, 1000);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->data, "oops\n");
  EXPECT_TRUE(err->eof);
  auto part = executor->Logs(*handle, LogStream::kStdout, 2, 3);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->data, "llo");
  EXPECT_EQ(part->next_offset, 5);
  EXPECT_FALSE(part->eof);
}

TEST_F(LocalExecutorTest, NonZeroExitFails) {
  auto executor = Make();
  auto handle = executor->Submit(Shell("fail", "exit 3"));
  ASSERT_TRUE(handle.ok());
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kFailed);
  EXPECT_EQ(status.exit_code, 3);
  EXPECT_EQ(status.message, "exit status 3");
}

TEST_F(LocalExecutorTest, MissingCommandFailsWithReason) {
  auto executor = Make();
  TaskLaunch launch = Shell("missing", "");
  launch.argv = {"definitely-not-a-command-xyz", "a"};
  auto handle = executor->Submit(launch);
  ASSERT_TRUE(handle.ok());
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kFailed);
  EXPECT_NE(status.message.find("could not start 'definitely-not-a-command-xyz'"), std::string::npos)
      << status.message;
}

TEST_F(LocalExecutorTest, RejectsBadLaunches) {
  auto executor = Make();
  TaskLaunch launch = Shell("bad", "true");
  launch.argv.clear();
  EXPECT_EQ(executor->Submit(launch).status().code(), StatusCode::kInvalidArgument);
  launch = Shell("bad", "true");
  launch.attempt_dir.clear();
  EXPECT_EQ(executor->Submit(launch).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor->Poll("nonsense").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(executor->Poll("local:x:/tmp").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalExecutorTest, SameAttemptTwiceIsRejected) {
  auto executor = Make();
  TaskLaunch launch = Shell("twice", "true");
  auto handle = executor->Submit(launch);
  ASSERT_TRUE(handle.ok());
  Wait(*executor, *handle);
  EXPECT_EQ(executor->Submit(launch).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(LocalExecutorTest, LogsAreCappedWithANote) {
  LocalExecutorOptions options;
  options.max_log_bytes = 100000;
  auto executor = Make(options);
  // 20 MB on stdout; the file keeps the first 100000 bytes plus one note.
  auto handle = executor->Submit(Shell("big", "head -c 20000000 /dev/zero | tr '\\0' x; echo done >&2"));
  ASSERT_TRUE(handle.ok());
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kSucceeded) << status.message;
  EXPECT_TRUE(status.stdout_truncated);
  EXPECT_FALSE(status.stderr_truncated);
  std::string out = ReadAll(root_ / "big" / "stdout.log");
  EXPECT_LT(out.size(), 100200u);
  EXPECT_EQ(out.substr(0, 5), "xxxxx");
  EXPECT_NE(out.find("[cairn: log truncated at 100000 bytes"), std::string::npos);
  EXPECT_EQ(ReadAll(root_ / "big" / "stderr.log"), "done\n");
}

// The group is gone when kill(-pgid, 0) fails with ESRCH.
bool GroupGone(pid_t pgid, int timeout_ms = 5000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (kill(-pgid, 0) != 0 && errno == ESRCH) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

pid_t ReadPid(const fs::path& path, int timeout_ms = 5000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(path);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return pid;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return 0;
}

TEST_F(LocalExecutorTest, TimeoutKillsTheWholeProcessGroup) {
  auto executor = Make();
  // A background grandchild that would outlive a naive kill of the leader.
  std::string pidfile = (root_ / "pgid").string();
  TaskLaunch launch = Shell("slow", "echo $$ > " + pidfile + "; sleep 1000 & sleep 1000; wait");
  launch.timeout_ms = 300;
  auto handle = executor->Submit(launch);
  ASSERT_TRUE(handle.ok());
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kTimedOut) << status.message;
  pid_t pgid = ReadPid(pidfile);
  ASSERT_GT(pgid, 0);
  EXPECT_TRUE(GroupGone(pgid));
}

TEST_F(LocalExecutorTest, CancelStopsTaskThatIgnoresSigterm) {
  LocalExecutorOptions options;
  options.kill_grace_ms = 200;
  auto executor = Make(options);
  std::string pidfile = (root_ / "pgid").string();
  auto handle = executor->Submit(Shell("stubborn", "trap '' TERM; echo $$ > " + pidfile + "; sleep 1000 & wait"));
  ASSERT_TRUE(handle.ok());
  pid_t pgid = ReadPid(pidfile);
  ASSERT_GT(pgid, 0);
  auto running = executor->Poll(*handle);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->state, ExecutionState::kRunning);
  ASSERT_TRUE(executor->Cancel(*handle).ok());
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kCancelled);
  EXPECT_EQ(status.term_signal, SIGKILL) << status.message;
  EXPECT_TRUE(GroupGone(pgid));
  // Cancelling again is a no-op.
  EXPECT_TRUE(executor->Cancel(*handle).ok());
}

TEST_F(LocalExecutorTest, CancelRightAfterSubmitIsNotLost) {
  auto executor = Make();
  auto handle = executor->Submit(Shell("early", "sleep 1000"));
  ASSERT_TRUE(handle.ok());
  ASSERT_TRUE(executor->Cancel(*handle).ok());
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kCancelled) << status.message;
}

TEST_F(LocalExecutorTest, ANewExecutorAdoptsRunningAttempts) {
  auto first = Make();
  TaskLaunch launch = Shell("adopt", "sleep 0.3; echo finished");
  auto handle = first->Submit(launch);
  ASSERT_TRUE(handle.ok());
  // A second executor (a restarted server) finds and follows the attempt.
  auto second = Make();
  auto found = second->Find(launch);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, *handle);
  auto running = second->Poll(*handle);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->state, ExecutionState::kRunning);
  ExecutionStatus status = Wait(*second, *handle);
  EXPECT_EQ(status.state, ExecutionState::kSucceeded) << status.message;
  EXPECT_EQ(ReadAll(root_ / "adopt" / "stdout.log"), "finished\n");
  // An attempt that never started is not found.
  auto none = second->Find(Shell("never", "true"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// The server was killed inside Submit, after creating the pid file and
// before the monitor started (the tuning restart e2e hit this under load):
// the empty, unlocked pid file is no attempt; it is forgotten and the
// attempt launches normally.
TEST_F(LocalExecutorTest, AnAttemptKilledBeforeItsMonitorStartedIsNotFound) {
  TaskLaunch launch = Shell("half", "echo ran");
  fs::create_directories(launch.attempt_dir);
  std::ofstream(fs::path(launch.attempt_dir) / "monitor.pid");  // empty, nobody holds it
  auto executor = Make();
  auto found = executor->Find(launch);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_FALSE(found->has_value());
  auto handle = executor->Submit(launch);
  ASSERT_TRUE(handle.ok()) << handle.status().ToString();
  EXPECT_EQ(Wait(*executor, *handle).state, ExecutionState::kSucceeded);
  EXPECT_EQ(ReadAll(root_ / "half" / "stdout.log"), "ran\n");
}

TEST_F(LocalExecutorTest, AdoptedAttemptCanBeCancelled) {
  auto first = Make();
  auto handle = first->Submit(Shell("adopt_cancel", "sleep 1000"));
  ASSERT_TRUE(handle.ok());
  auto second = Make();
  ASSERT_TRUE(second->Cancel(*handle).ok());
  ExecutionStatus status = Wait(*second, *handle);
  EXPECT_EQ(status.state, ExecutionState::kCancelled);
}

TEST_F(LocalExecutorTest, MonitorDeathIsReportedAsLost) {
  auto executor = Make();
  auto handle = executor->Submit(Shell("lost", "sleep 1000"));
  ASSERT_TRUE(handle.ok());
  int monitor_pid = std::stoi(handle->substr(6, handle->find(':', 6) - 6));
  ASSERT_GT(monitor_pid, 1);
  // Wait until the monitor is set up (pid file written), then kill it hard.
  ReadPid(root_ / "lost" / "monitor.pid");
  kill(monitor_pid, SIGKILL);
  ExecutionStatus status = Wait(*executor, *handle);
  EXPECT_EQ(status.state, ExecutionState::kLost);
}

TEST_F(LocalExecutorTest, NotifiesOnCompletion) {
  auto executor = Make();
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  executor->SetStateChangeCallback([&] {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    cv.notify_all();
  });
  auto handle = executor->Submit(Shell("notify", "true"));
  ASSERT_TRUE(handle.ok());
  std::unique_lock<std::mutex> lock(mu);
  EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return calls > 0; }));
  lock.unlock();
  executor->SetStateChangeCallback(nullptr);
  EXPECT_EQ(Wait(*executor, *handle).state, ExecutionState::kSucceeded);
}

TEST_F(LocalExecutorTest, ManyConcurrentAttempts) {
  auto executor = Make();
  std::vector<std::string> handles;
  for (int i = 0; i < 50; ++i) {
    auto handle = executor->Submit(Shell("many" + std::to_string(i), "echo " + std::to_string(i)));
    ASSERT_TRUE(handle.ok());
    handles.push_back(*handle);
  }
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(Wait(*executor, handles[i]).state, ExecutionState::kSucceeded);
    EXPECT_EQ(ReadAll(root_ / ("many" + std::to_string(i)) / "stdout.log"), std::to_string(i) + "\n");
  }
}

}  // namespace
}  // namespace cairn::pipelines
