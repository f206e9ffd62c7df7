// TaskTokenExecutor: an Executor decorator that gives every task or trial
// process its own short-lived MLFLOW_TRACKING_TOKEN when authentication is
// on (docs/auth.md). The token is minted for the launch's MLFLOW_RUN_ID in
// MLFLOW_EXPERIMENT_ID (the scheduler and the tuning controller set both):
// it may write only to that run and its nested runs and read that
// experiment. No user password or personal token ever reaches a task; any
// MLFLOW_TRACKING_USERNAME/PASSWORD/TOKEN in the launch's env is dropped.
//
// SubmitBatch gives each launch its own token and forwards the batch, so a
// Slurm job array keeps working under auth (each element's script sets its
// own environment).
// Thread-safety: as thread-safe as the wrapped executor.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "pipelines/executor/executor.h"

namespace cairn::server {

// Mints the token for (experiment_id, run_id).
using TaskTokenMinter = std::function<Result<std::string>(const std::string&, const std::string&)>;

class TaskTokenExecutor final : public pipelines::Executor {
 public:
  TaskTokenExecutor(std::unique_ptr<pipelines::Executor> inner, TaskTokenMinter minter)
      : inner_(std::move(inner)), minter_(std::move(minter)) {}

  std::string_view Name() const override { return inner_->Name(); }
  Result<std::string> Submit(const pipelines::TaskLaunch& launch) override;
  std::vector<Result<std::string>> SubmitBatch(const std::vector<pipelines::TaskLaunch>& launches,
                                               int64_t max_running) override;
  Result<pipelines::ExecutionStatus> Poll(const std::string& handle) override { return inner_->Poll(handle); }
  Status Cancel(const std::string& handle) override { return inner_->Cancel(handle); }
  Result<pipelines::LogChunk> Logs(const std::string& handle, pipelines::LogStream stream, int64_t offset,
                                   int64_t max_bytes) override {
    return inner_->Logs(handle, stream, offset, max_bytes);
  }
  Result<std::optional<std::string>> Find(const pipelines::TaskLaunch& launch) override { return inner_->Find(launch); }
  void SetStateChangeCallback(std::function<void()> callback) override {
    inner_->SetStateChangeCallback(std::move(callback));
  }

 private:
  // `launch` without user credentials and with its own task token.
  Result<pipelines::TaskLaunch> WithToken(const pipelines::TaskLaunch& launch) const;

  std::unique_ptr<pipelines::Executor> inner_;
  TaskTokenMinter minter_;
};

}  // namespace cairn::server
