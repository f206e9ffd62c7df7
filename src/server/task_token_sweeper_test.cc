#include "server/task_token_sweeper.h"

#include <gtest/gtest.h>

#include "store/store_factory.h"

namespace cairn::server {
namespace {

// The real SQLite stores: the sweep reads runs and tokens as the server does.
class TaskTokenSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::StoreOptions options;
    options.uri = "sqlite:///:memory:";
    options.default_artifact_root = "/tmp/unused";
    options.clock = &clock_;
    auto opened = store::OpenStores(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    stores_ = std::move(*opened);
    auto user = stores_.auth->CreateUser("cairn-task", "unused-hash", false, clock_.NowMillis());
    ASSERT_TRUE(user.ok()) << user.status().ToString();
    task_user_ = user->id;
  }

  std::string NewRun() {
    auto run = stores_.tracking->CreateRun(tracking::CreateRunRequest{});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->info.run_id : std::string();
  }

  void EndRun(const std::string& run_id, tracking::RunStatus status) {
    tracking::UpdateRunRequest update;
    update.run_id = run_id;
    update.status = status;
    update.end_time = clock_.NowMillis();
    ASSERT_TRUE(stores_.tracking->UpdateRun(update).ok());
  }

  std::string MintFor(const std::string& run_id, std::string kind = "task") {
    auth::AccessToken token;
    token.token_id = "tok" + std::to_string(++minted_);
    token.token_hash = "hash-" + token.token_id;
    token.user_id = task_user_;
    token.kind = std::move(kind);
    token.scope_experiment_id = "0";
    token.scope_run_id = run_id;
    token.created_time = clock_.NowMillis();
    token.expires_time = clock_.NowMillis() + 24 * 3600 * 1000;
    EXPECT_TRUE(stores_.auth->CreateToken(token).ok());
    return token.token_id;
  }

  bool Revoked(const std::string& token_id) {
    auto token = stores_.auth->GetToken(token_id);
    EXPECT_TRUE(token.ok()) << token.status().ToString();
    return token.ok() && token->revoked_time.has_value();
  }

  FakeClock clock_{1'700'000'000'000};
  store::Stores stores_;
  int64_t task_user_ = 0;
  int minted_ = 0;
};

TEST_F(TaskTokenSweeperTest, RevokesTokensOfEndedRunsOnly) {
  const std::string running = NewRun(), finished = NewRun(), failed = NewRun(), killed = NewRun();
  const std::string t_running = MintFor(running), t_finished = MintFor(finished), t_failed = MintFor(failed),
                    t_killed = MintFor(killed), t_gone = MintFor("0123456789abcdef0123456789abcdef");
  clock_.Advance(1000);
  EndRun(finished, tracking::RunStatus::kFinished);
  EndRun(failed, tracking::RunStatus::kFailed);
  EndRun(killed, tracking::RunStatus::kKilled);

  TaskTokenSweeper sweeper(*stores_.auth, *stores_.tracking, clock_);
  auto revoked = sweeper.Sweep();
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(*revoked, 4);
  EXPECT_FALSE(Revoked(t_running));
  EXPECT_TRUE(Revoked(t_finished));
  EXPECT_TRUE(Revoked(t_failed));
  EXPECT_TRUE(Revoked(t_killed));
  EXPECT_TRUE(Revoked(t_gone));
  // Nothing left to do the second time.
  EXPECT_EQ(sweeper.Sweep().value(), 0);
}

TEST_F(TaskTokenSweeperTest, ATokenMintedAfterTheRunEndedWaitsForItsOwnEnd) {
  const std::string run = NewRun();
  EndRun(run, tracking::RunStatus::kFailed);  // a first attempt failed
  clock_.Advance(1000);
  const std::string retry = MintFor(run);     // the retry's token
  TaskTokenSweeper sweeper(*stores_.auth, *stores_.tracking, clock_);
  EXPECT_EQ(sweeper.Sweep().value(), 0);
  EXPECT_FALSE(Revoked(retry));
}

TEST_F(TaskTokenSweeperTest, TaskTokensDeadForAWeekAreForgotten) {
  const std::string run = NewRun();
  const std::string old = MintFor(run), personal = MintFor(run, "personal");
  EndRun(run, tracking::RunStatus::kFinished);
  TaskTokenSweeper sweeper(*stores_.auth, *stores_.tracking, clock_);
  ASSERT_EQ(sweeper.Sweep().value(), 1);  // revoked now
  ASSERT_TRUE(Revoked(old));
  clock_.Advance(8LL * 24 * 3600 * 1000);
  ASSERT_TRUE(stores_.auth->RevokeToken(personal, clock_.NowMillis() - 1).ok());
  ASSERT_EQ(sweeper.Sweep().value(), 0);
  EXPECT_EQ(stores_.auth->GetToken(old).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(stores_.auth->GetToken(personal).ok()) << "personal tokens are listed to their users, revoked or not";
}

TEST_F(TaskTokenSweeperTest, PersonalTokensAreLeftAlone) {
  const std::string run = NewRun();
  const std::string personal = MintFor(run, "personal");
  EndRun(run, tracking::RunStatus::kFinished);
  TaskTokenSweeper sweeper(*stores_.auth, *stores_.tracking, clock_);
  EXPECT_EQ(sweeper.Sweep().value(), 0);
  EXPECT_FALSE(Revoked(personal));
}

}  // namespace
}  // namespace cairn::server
