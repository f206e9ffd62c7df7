// tuning::ExperimentStore contract, run on the in-memory store, on the
// SQLite store (file database, so reads go through the reader pool) and, when
// CAIRN_TEST_POSTGRES_URI names a database (the cairn_store_test_postgres
// ctest entry), on the PostgreSQL store (a schema per test).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "store/postgres/pg_test_env.h"
#include "store/sqlite_store_factory.h"
#include "store/store_factory.h"
#include "tuning/state/experiment_store.h"

namespace cairn::store {
namespace {

using tuning::ExperimentRecord;
using tuning::ExperimentState;
using tuning::TrialPhase;
using tuning::TrialRecord;

enum class Kind { kMemory, kSqlite, kPostgres };

struct Backend {
  const char* name;
  Kind kind;
};

std::vector<Backend> Backends() {
  std::vector<Backend> out = {{"memory", Kind::kMemory}, {"sqlite", Kind::kSqlite}};
  if (testing_support::PostgresTestUri()) out.push_back({"Postgres", Kind::kPostgres});
  return out;
}

class ExperimentStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam().kind == Kind::kMemory) {
      store_ = tuning::CreateMemoryExperimentStore();
      return;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-tuning-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    if (GetParam().kind == Kind::kPostgres) {
      StoreOptions options;
      auto uri = testing_support::PostgresSchemaUri(dir_);
      ASSERT_TRUE(uri.ok()) << uri.status().ToString();
      options.uri = *uri;
      auto stores = OpenStores(options);
      ASSERT_TRUE(stores.ok()) << stores.status().ToString();
      pg_stores_ = std::make_unique<Stores>(std::move(stores).value());
      store_ = std::move(pg_stores_->tuning);
      return;
    }
    SqliteStoreOptions options;
    options.path = dir_ + "/cairn.db";
    options.default_artifact_root = "file:///tmp";
    auto stores = OpenSqliteStores(options);
    ASSERT_TRUE(stores.ok()) << stores.status().ToString();
    stores_ = std::make_unique<SqliteStores>(std::move(stores).value());
    store_ = std::move(stores_->tuning);
  }
  void TearDown() override {
    store_.reset();
    stores_.reset();
    pg_stores_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  static ExperimentRecord Experiment(const std::string& id, const std::string& name, int64_t created) {
    ExperimentRecord e;
    e.experiment_id = id;
    e.name = name;
    e.spec_yaml = "spec of " + name;
    e.algorithm = "random";
    e.state = ExperimentState::kCreated;
    e.owner = "a";
    e.created_ms = created;
    return e;
  }
  static TrialRecord Trial(const std::string& experiment, int64_t index) {
    TrialRecord t;
    t.experiment_id = experiment;
    t.index = index;
    t.name = "t-" + std::to_string(index);
    t.assignment_json = R"([{"name":"x","value":"1"}])";
    t.state = TrialPhase::kPending;
    return t;
  }

  std::string dir_;
  std::unique_ptr<SqliteStores> stores_;
  std::unique_ptr<Stores> pg_stores_;
  std::unique_ptr<tuning::ExperimentStore> store_;
};

TEST_P(ExperimentStoreTest, CreateGetSaveAndTrials) {
  ASSERT_TRUE(store_->CreateExperiment(Experiment("e1", "alpha", 10)).ok());
  EXPECT_EQ(store_->CreateExperiment(Experiment("e1", "alpha", 10)).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetExperiment("nope").status().code(), StatusCode::kNotFound);
  auto e = store_->GetExperiment("e1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->spec_yaml, "spec of alpha");
  EXPECT_FALSE(e->best_objective.has_value());

  ExperimentRecord updated = *e;
  updated.state = ExperimentState::kRunning;
  updated.best_trial_name = "t-1";
  updated.best_objective = 0.25;
  updated.spec_yaml = "ignored";
  TrialRecord t0 = Trial("e1", 0), t1 = Trial("e1", 1);
  t1.state = TrialPhase::kSucceeded;
  t1.objective = 0.25;
  t1.metrics_json = R"({"loss":[[0,0.25,5]]})";
  ASSERT_TRUE(store_->SaveExperiment(updated, {t1, t0}).ok());
  e = store_->GetExperiment("e1");
  EXPECT_EQ(e->state, ExperimentState::kRunning);
  EXPECT_EQ(e->best_objective, 0.25);
  EXPECT_EQ(e->spec_yaml, "spec of alpha");
  auto trials = store_->ListTrials("e1");
  ASSERT_TRUE(trials.ok());
  ASSERT_EQ(trials->size(), 2u);
  EXPECT_EQ((*trials)[0].name, "t-0");
  EXPECT_FALSE((*trials)[0].objective.has_value());
  EXPECT_EQ((*trials)[1].objective, 0.25);
  EXPECT_EQ((*trials)[1].metrics_json, R"({"loss":[[0,0.25,5]]})");
  // Upsert.
  t0.state = TrialPhase::kRunning;
  t0.handle = "local:1:/x";
  ASSERT_TRUE(store_->PutTrials("e1", {t0}).ok());
  EXPECT_EQ((*store_->ListTrials("e1"))[0].handle, "local:1:/x");
  EXPECT_EQ(store_->PutTrials("nope", {t0}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListTrials("nope").status().code(), StatusCode::kNotFound);
}

TEST_P(ExperimentStoreTest, ListByNameStopAndClaim) {
  ASSERT_TRUE(store_->CreateExperiment(Experiment("e1", "alpha", 10)).ok());
  ASSERT_TRUE(store_->CreateExperiment(Experiment("e2", "beta", 20)).ok());
  ASSERT_TRUE(store_->CreateExperiment(Experiment("e3", "alpha", 30)).ok());
  EXPECT_EQ(store_->GetExperimentByName("alpha")->experiment_id, "e3");
  EXPECT_EQ(store_->GetExperimentByName("gamma").status().code(), StatusCode::kNotFound);

  tuning::ListExperimentsRequest list;
  list.max_results = 2;
  auto page = store_->ListExperiments(list);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->experiments.size(), 2u);
  EXPECT_EQ(page->experiments[0].experiment_id, "e3");
  EXPECT_TRUE(page->experiments[0].spec_yaml.empty());
  list.page_token = page->next_page_token;
  ASSERT_FALSE(list.page_token.empty());
  page = store_->ListExperiments(list);
  ASSERT_EQ(page->experiments.size(), 1u);
  EXPECT_TRUE(page->next_page_token.empty());

  ExperimentRecord done = *store_->GetExperiment("e2");
  done.state = ExperimentState::kSucceeded;
  ASSERT_TRUE(store_->SaveExperiment(done, {}).ok());
  tuning::ListExperimentsRequest succeeded;
  succeeded.state = ExperimentState::kSucceeded;
  EXPECT_EQ(store_->ListExperiments(succeeded)->experiments.size(), 1u);

  ASSERT_TRUE(store_->RequestStop("e1").ok());
  EXPECT_TRUE(store_->GetExperiment("e1")->stop_requested);
  EXPECT_EQ(store_->RequestStop("nope").code(), StatusCode::kNotFound);

  auto claimed = store_->ClaimUnfinishedExperiments("b", 1000, 500);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);  // e1, e3; not the finished e2
  EXPECT_EQ((*claimed)[0].experiment_id, "e1");
  EXPECT_EQ((*claimed)[0].owner, "b");
  EXPECT_EQ((*claimed)[0].lease_expires_ms, 1500);
  EXPECT_EQ(store_->GetExperiment("e3")->owner, "b");
  // Another controller waits for b's lease; b itself (restarted) does not.
  EXPECT_TRUE(store_->ClaimUnfinishedExperiments("c", 1400, 500)->empty());
  EXPECT_EQ(store_->ClaimUnfinishedExperiments("b", 1400, 500)->size(), 2u);
}

TEST_P(ExperimentStoreTest, LeasesAreRenewedFencedReleasedAndTakenOver) {
  ASSERT_TRUE(store_->CreateExperiment(Experiment("e1", "one", 1)).ok());
  ASSERT_EQ(store_->ClaimUnfinishedExperiments("a", 1000, 500)->size(), 1u);
  ASSERT_TRUE(store_->RequestStop("e1").ok());
  auto held = store_->RenewExperimentLeases("a", 1400, 500);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 1u);
  EXPECT_TRUE((*held)[0].stop_requested);
  EXPECT_TRUE(store_->ClaimUnfinishedExperiments("b", 1800, 500)->empty());  // renewed until 1900
  ASSERT_EQ(store_->ClaimUnfinishedExperiments("b", 1901, 500)->size(), 1u);
  EXPECT_TRUE(store_->RenewExperimentLeases("a", 1950, 500)->empty());
  // a's stale write is refused and changes nothing.
  ExperimentRecord stale = *store_->GetExperiment("e1");
  stale.owner = "a";
  stale.state = ExperimentState::kFailed;
  EXPECT_EQ(store_->SaveExperiment(stale, {}).code(), StatusCode::kConflict);
  EXPECT_EQ(store_->GetExperiment("e1")->state, ExperimentState::kCreated);
  EXPECT_EQ(store_->GetExperiment("e1")->owner, "b");
  // b shuts down cleanly: a takes over without waiting.
  ASSERT_TRUE(store_->ReleaseExperimentLeases("b").ok());
  ASSERT_EQ(store_->ClaimUnfinishedExperiments("a", 1960, 500)->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Stores, ExperimentStoreTest,
                         ::testing::ValuesIn(Backends()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace cairn::store
