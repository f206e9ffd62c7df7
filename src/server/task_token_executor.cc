#include "server/task_token_executor.h"

namespace cairn::server {

Result<std::string> TaskTokenExecutor::Submit(const pipelines::TaskLaunch& launch) {
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
  return inner_->Submit(with_token);
}

}  // namespace cairn::server
