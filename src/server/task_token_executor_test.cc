#include "server/task_token_executor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace cairn::server {
namespace {

// Records what reaches the wrapped executor; a handle names its launch.
class FakeExecutor final : public pipelines::Executor {
 public:
  std::string_view Name() const override { return "fake"; }
  Result<std::string> Submit(const pipelines::TaskLaunch& launch) override {
    singles.push_back(launch);
    return "single:" + launch.attempt_key;
  }
  std::vector<Result<std::string>> SubmitBatch(const std::vector<pipelines::TaskLaunch>& launches,
                                               int64_t max_running) override {
    batches.push_back(launches);
    last_max_running = max_running;
    std::vector<Result<std::string>> handles;
    for (const auto& launch : launches) handles.push_back("batch:" + launch.attempt_key);
    return handles;
  }
  Result<pipelines::ExecutionStatus> Poll(const std::string& handle) override {
    pipelines::ExecutionStatus status;
    if (finished.count(handle)) status.state = pipelines::ExecutionState::kSucceeded;
    return status;
  }
  Status Cancel(const std::string&) override { return Status::Ok(); }
  Result<pipelines::LogChunk> Logs(const std::string&, pipelines::LogStream, int64_t, int64_t) override {
    return pipelines::LogChunk{};
  }
  Result<std::optional<std::string>> Find(const pipelines::TaskLaunch&) override {
    return std::optional<std::string>();
  }

  std::set<std::string> finished;
  std::vector<pipelines::TaskLaunch> singles;
  std::vector<std::vector<pipelines::TaskLaunch>> batches;
  int64_t last_max_running = -1;
};

std::string EnvValue(const pipelines::TaskLaunch& launch, const std::string& name) {
  auto it = std::find_if(launch.env.begin(), launch.env.end(), [&](const auto& kv) { return kv.first == name; });
  return it == launch.env.end() ? "<unset>" : it->second;
}

pipelines::TaskLaunch Launch(const std::string& key, const std::string& run_id) {
  pipelines::TaskLaunch launch;
  launch.attempt_key = key;
  launch.argv = {"true"};
  launch.env = {{"MLFLOW_EXPERIMENT_ID", "7"}, {"MLFLOW_TRACKING_PASSWORD", "secret"}};
  if (!run_id.empty()) launch.env.emplace_back("MLFLOW_RUN_ID", run_id);
  return launch;
}

TEST(TaskTokenExecutorTest, EachLaunchOfABatchGetsItsOwnTokenAndTheBatchStaysOne) {
  auto fake = std::make_unique<FakeExecutor>();
  FakeExecutor* inner = fake.get();
  TaskTokenIssuer issuer;
  issuer.mint = [](const std::string& experiment, const std::string& run) -> Result<MintedToken> {
    if (run == "bad") return Status(StatusCode::kInternal, "cannot mint");
    return MintedToken{"token-" + experiment + "-" + run, "id-" + run};
  };
  TaskTokenExecutor executor(std::move(fake), issuer);
  auto results = executor.SubmitBatch({Launch("a", "r1"), Launch("b", "bad"), Launch("c", "r3"), Launch("d", "")}, 2);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(*results[0], "batch:a");
  EXPECT_EQ(results[1].status().code(), StatusCode::kInternal) << "a token that cannot be minted fails its launch";
  EXPECT_EQ(*results[2], "batch:c");
  EXPECT_EQ(*results[3], "batch:d");
  EXPECT_TRUE(inner->singles.empty());
  ASSERT_EQ(inner->batches.size(), 1u);
  EXPECT_EQ(inner->last_max_running, 2);
  const auto& batch = inner->batches[0];
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_EQ(EnvValue(batch[0], "MLFLOW_TRACKING_TOKEN"), "token-7-r1");
  EXPECT_EQ(EnvValue(batch[1], "MLFLOW_TRACKING_TOKEN"), "token-7-r3");
  EXPECT_EQ(EnvValue(batch[2], "MLFLOW_TRACKING_TOKEN"), "<unset>");  // no run, no token
  for (const auto& launch : batch) EXPECT_EQ(EnvValue(launch, "MLFLOW_TRACKING_PASSWORD"), "<unset>");

  auto single = executor.Submit(Launch("e", "r5"));
  ASSERT_TRUE(single.ok());
  ASSERT_EQ(inner->singles.size(), 1u);
  EXPECT_EQ(EnvValue(inner->singles[0], "MLFLOW_TRACKING_TOKEN"), "token-7-r5");
}

// A task's token is revoked when its end is first seen, once, whatever
// the end; running tasks keep theirs.
TEST(TaskTokenExecutorTest, RevokesEachTokenWhenItsTaskEnds) {
  auto fake = std::make_unique<FakeExecutor>();
  FakeExecutor* inner = fake.get();
  std::vector<std::string> revoked;
  TaskTokenIssuer issuer;
  issuer.mint = [](const std::string&, const std::string& run) -> Result<MintedToken> {
    return MintedToken{"token-" + run, "id-" + run};
  };
  issuer.revoke = [&](const std::string& token_id) {
    revoked.push_back(token_id);
    return Status::Ok();
  };
  TaskTokenExecutor executor(std::move(fake), issuer);
  auto single = executor.Submit(Launch("a", "r1"));
  auto batch = executor.SubmitBatch({Launch("b", "r2"), Launch("c", "r3"), Launch("d", "")}, 0);
  ASSERT_TRUE(single.ok());
  ASSERT_TRUE(batch[0].ok() && batch[1].ok() && batch[2].ok());
  for (const auto& handle : {*single, *batch[0], *batch[1], *batch[2]}) ASSERT_TRUE(executor.Poll(handle).ok());
  EXPECT_TRUE(revoked.empty()) << "all still running";
  inner->finished = {*single, *batch[1], *batch[2]};
  for (const auto& handle : {*single, *batch[0], *batch[1], *batch[2]}) ASSERT_TRUE(executor.Poll(handle).ok());
  EXPECT_EQ(revoked, (std::vector<std::string>{"id-r1", "id-r3"})) << "the launch without a run had no token";
  ASSERT_TRUE(executor.Poll(*single).ok());
  EXPECT_EQ(revoked.size(), 2u) << "revoked once";
}

}  // namespace
}  // namespace cairn::server
