#include "server/task_token_executor.h"

namespace cairn::server {

Result<pipelines::TaskLaunch> TaskTokenExecutor::WithToken(const pipelines::TaskLaunch& launch) const {
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
    CAIRN_ASSIGN_OR_RETURN(std::string token, minter_(experiment_id, run_id));
    env.emplace_back("MLFLOW_TRACKING_TOKEN", std::move(token));
  }
  return with_token;
}

Result<std::string> TaskTokenExecutor::Submit(const pipelines::TaskLaunch& launch) {
  CAIRN_ASSIGN_OR_RETURN(pipelines::TaskLaunch with_token, WithToken(launch));
  return inner_->Submit(with_token);
}

std::vector<Result<std::string>> TaskTokenExecutor::SubmitBatch(const std::vector<pipelines::TaskLaunch>& launches,
                                                                int64_t max_running) {
  // A launch whose token cannot be minted fails alone; the rest go on as
  // one batch, their answers put back in the caller's order.
  std::vector<Result<std::string>> results(launches.size(), Result<std::string>(Internal("not submitted")));
  std::vector<pipelines::TaskLaunch> batch;
  std::vector<size_t> positions;
  for (size_t i = 0; i < launches.size(); ++i) {
    auto with_token = WithToken(launches[i]);
    if (!with_token.ok()) {
      results[i] = with_token.status();
      continue;
    }
    batch.push_back(std::move(with_token).value());
    positions.push_back(i);
  }
  if (batch.empty()) return results;
  std::vector<Result<std::string>> handles = inner_->SubmitBatch(batch, max_running);
  CAIRN_CHECK(handles.size() == batch.size(), "SubmitBatch answers once per launch");
  for (size_t k = 0; k < positions.size(); ++k) results[positions[k]] = std::move(handles[k]);
  return results;
}

}  // namespace cairn::server
