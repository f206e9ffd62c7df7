#include "server/task_token_executor.h"

#include "base/logging.h"

namespace cairn::server {

Result<pipelines::TaskLaunch> TaskTokenExecutor::WithToken(const pipelines::TaskLaunch& launch,
                                                          std::string& token_id) const {
  token_id.clear();
  pipelines::TaskLaunch with_token = launch;
  std::string experiment_id, run_id;
  auto& env = with_token.env;
  for (auto it = env.begin(); it != env.end();) {
    if (it->first == "MLFLOW_RUN_ID") run_id = it->second;
    if (it->first == "MLFLOW_EXPERIMENT_ID") experiment_id = it->second;
    bool credential = it->first == "MLFLOW_TRACKING_USERNAME" || it->first == "MLFLOW_TRACKING_PASSWORD" ||
                      it->first == "MLFLOW_TRACKING_TOKEN";
    it = credential ? env.erase(it) : std::next(it);
  }
  if (!run_id.empty()) {
    CAIRN_ASSIGN_OR_RETURN(MintedToken minted, issuer_.mint(experiment_id, run_id));
    env.emplace_back("MLFLOW_TRACKING_TOKEN", std::move(minted.token));
    token_id = std::move(minted.token_id);
  }
  return with_token;
}

void TaskTokenExecutor::Track(const std::string& handle, const std::string& token_id) {
  if (token_id.empty() || !issuer_.revoke) return;
  std::lock_guard lock(mu_);
  token_of_handle_[handle] = token_id;
}

Result<std::string> TaskTokenExecutor::Submit(const pipelines::TaskLaunch& launch) {
  std::string token_id;
  CAIRN_ASSIGN_OR_RETURN(pipelines::TaskLaunch with_token, WithToken(launch, token_id));
  auto handle = inner_->Submit(with_token);
  if (handle.ok()) {
    Track(*handle, token_id);
  } else if (!token_id.empty() && issuer_.revoke) {
    (void)issuer_.revoke(token_id);  // never reached a task
  }
  return handle;
}

Result<pipelines::ExecutionStatus> TaskTokenExecutor::Poll(const std::string& handle) {
  CAIRN_ASSIGN_OR_RETURN(pipelines::ExecutionStatus status, inner_->Poll(handle));
  if (status.state == pipelines::ExecutionState::kRunning) return status;
  std::string token_id;
  {
    std::lock_guard lock(mu_);
    auto it = token_of_handle_.find(handle);
    if (it == token_of_handle_.end()) return status;
    token_id = std::move(it->second);
    token_of_handle_.erase(it);
  }
  if (Status s = issuer_.revoke(token_id); !s.ok()) {
    // The token still expires on its own; the task's end is not in doubt.
    CAIRN_LOG(kWarn, "auth", "cannot revoke task token {}: {}", token_id, s.ToString());
  }
  return status;
}

std::vector<Result<std::string>> TaskTokenExecutor::SubmitBatch(const std::vector<pipelines::TaskLaunch>& launches,
                                                                int64_t max_running) {
  // A launch whose token cannot be minted fails alone; the rest go on as
  // one batch, their answers put back in the caller's order.
  std::vector<Result<std::string>> results(launches.size(), Result<std::string>(Internal("not submitted")));
  std::vector<pipelines::TaskLaunch> batch;
  std::vector<size_t> positions;
  std::vector<std::string> token_ids;
  for (size_t i = 0; i < launches.size(); ++i) {
    std::string token_id;
    auto with_token = WithToken(launches[i], token_id);
    if (!with_token.ok()) {
      results[i] = with_token.status();
      continue;
    }
    batch.push_back(std::move(with_token).value());
    positions.push_back(i);
    token_ids.push_back(std::move(token_id));
  }
  if (batch.empty()) return results;
  std::vector<Result<std::string>> handles = inner_->SubmitBatch(batch, max_running);
  CAIRN_CHECK(handles.size() == batch.size(), "SubmitBatch answers once per launch");
  for (size_t k = 0; k < positions.size(); ++k) {
    if (handles[k].ok()) Track(*handles[k], token_ids[k]);
    results[positions[k]] = std::move(handles[k]);
  }
  return results;
}

}  // namespace cairn::server
