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
//
// When Poll first sees a launch finished (any end state), its token is
// revoked. A token minted before a restart is not known here; the
// TaskTokenSweeper revokes it once its run has ended in the database.
// Thread-safety: as thread-safe as the wrapped executor.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "pipelines/executor/executor.h"

namespace cairn::server {

struct MintedToken {
  std::string token;     // the secret the task gets
  std::string token_id;  // its public id, to revoke it
};

struct TaskTokenIssuer {
  // Mints the token for (experiment_id, run_id).
  std::function<Result<MintedToken>(const std::string&, const std::string&)> mint;
  // Revokes a token by id (its task ended). May be empty: tokens expire.
  std::function<Status(const std::string&)> revoke;
};

class TaskTokenExecutor final : public pipelines::Executor {
 public:
  TaskTokenExecutor(std::unique_ptr<pipelines::Executor> inner, TaskTokenIssuer issuer)
      : inner_(std::move(inner)), issuer_(std::move(issuer)) {}

  std::string_view Name() const override { return inner_->Name(); }
  Result<std::string> Submit(const pipelines::TaskLaunch& launch) override;
  std::vector<Result<std::string>> SubmitBatch(const std::vector<pipelines::TaskLaunch>& launches,
                                               int64_t max_running) override;
  Result<pipelines::ExecutionStatus> Poll(const std::string& handle) override;
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
  // `launch` without user credentials and with its own task token; sets
  // `token_id` ("" when the launch has no run, so no token).
  Result<pipelines::TaskLaunch> WithToken(const pipelines::TaskLaunch& launch, std::string& token_id) const;
  // Remembers the token of a launch's handle, for the revocation at its end.
  void Track(const std::string& handle, const std::string& token_id);

  std::unique_ptr<pipelines::Executor> inner_;
  TaskTokenIssuer issuer_;
  std::mutex mu_;
  std::unordered_map<std::string, std::string> token_of_handle_;  // GUARDED_BY(mu_)
};

}  // namespace cairn::server
