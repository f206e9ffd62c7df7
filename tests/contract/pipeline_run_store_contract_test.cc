// The PipelineRunStore contract (pipelines/run_state/run_store.h), run
// against every implementation: the in-memory store, the SQLite store (on a
// file, sharing the tracking database, and in memory) and, when
// CAIRN_TEST_POSTGRES_URI names a database (the
// pipeline_run_store_contract_test_postgres ctest entry), the PostgreSQL
// store (a schema per test).
//
// Hermetic: temp directories, no sleeps.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipelines/run_state/run_store.h"
#include "store/postgres/pg_test_env.h"
#include "store/sqlite_store_factory.h"
#include "store/store_factory.h"

namespace cairn::pipelines {
namespace {

namespace fs = std::filesystem;

struct StoreEnv {
  std::string name;
  // Opens the store on `dir`; reopening the same dir sees the same data if
  // `persistent`. `keepalive` holds whatever else must live with it.
  std::function<Result<std::unique_ptr<PipelineRunStore>>(const std::string& dir,
                                                          std::shared_ptr<void>* keepalive)>
      open;
  bool persistent;
};

Result<std::unique_ptr<PipelineRunStore>> OpenSqlite(const std::string& path, std::shared_ptr<void>* keepalive) {
  store::SqliteStoreOptions options;
  options.path = path;
  options.default_artifact_root = "file:///tmp/artifacts";
  CAIRN_ASSIGN_OR_RETURN(store::SqliteStores stores, store::OpenSqliteStores(options));
  // The tracking store shares the database; keep it open with the run store.
  *keepalive = std::shared_ptr<void>(stores.tracking.release(), [](void* p) {
    delete static_cast<tracking::TrackingStore*>(p);
  });
  return std::move(stores.pipelines);
}

Result<std::unique_ptr<PipelineRunStore>> OpenPostgres(const std::string& dir, std::shared_ptr<void>* keepalive) {
  store::StoreOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.uri, testing_support::PostgresSchemaUri(dir));
  options.default_artifact_root = "file:///tmp/artifacts";
  CAIRN_ASSIGN_OR_RETURN(store::Stores stores, store::OpenStores(options));
  *keepalive = std::shared_ptr<void>(stores.tracking.release(), [](void* p) {
    delete static_cast<tracking::TrackingStore*>(p);
  });
  return std::move(stores.pipelines);
}

std::vector<StoreEnv> AllEnvs();
const std::vector<StoreEnv> kEnvs = AllEnvs();

std::vector<StoreEnv> AllEnvs() {
  std::vector<StoreEnv> envs = {
    {"memory", [](const std::string&, std::shared_ptr<void>*) -> Result<std::unique_ptr<PipelineRunStore>> {
       return CreateMemoryPipelineRunStore();
     },
     false},
    {"sqlite_file",
     [](const std::string& dir, std::shared_ptr<void>* keep) { return OpenSqlite(dir + "/cairn.db", keep); }, true},
    {"sqlite_memory", [](const std::string&, std::shared_ptr<void>* keep) { return OpenSqlite(":memory:", keep); },
     false},
  };
  if (testing_support::PostgresTestUri()) envs.push_back({"Postgres", OpenPostgres, true});
  return envs;
}

class PipelineRunStoreContract : public ::testing::TestWithParam<StoreEnv> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    dir_ = (fs::temp_directory_path() / ("cairn_prs_" + std::to_string(getpid()) + "_" + name)).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    store_.reset();
    keepalive_.reset();
    fs::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    keepalive_.reset();
    auto store = GetParam().open(dir_, &keepalive_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  PipelineRunStore& store() { return *store_; }

  static PipelineRunRecord Run(const std::string& id, int64_t created) {
    PipelineRunRecord run;
    run.run_id = id;
    run.display_name = "run " + id;
    run.pipeline_name = "pipe";
    run.source_name = "pipe.yaml";
    run.spec_yaml = "pipelineInfo: {name: pipe}\n";
    run.parameters_json = R"({"x":1})";
    run.created_ms = created;
    return run;
  }
  static TaskRecord Task(const std::string& node, NodeState state) {
    TaskRecord t;
    t.node_id = node;
    t.task_key = node;
    t.display_name = node;
    t.component = "comp-" + node;
    t.state = state;
    return t;
  }

  std::string dir_;
  std::shared_ptr<void> keepalive_;
  std::unique_ptr<PipelineRunStore> store_;
};

TEST_P(PipelineRunStoreContract, CreateGetAndDuplicate) {
  PipelineRunRecord run = Run("r1", 100);
  run.cache_enabled = false;
  run.parallelism = 4;
  run.pipeline_root = "/data/pipelines";
  run.experiment_id = "3";
  ASSERT_TRUE(store().CreateRun(run).ok());
  EXPECT_EQ(store().CreateRun(run).code(), StatusCode::kAlreadyExists);
  auto got = store().GetRun("r1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->display_name, "run r1");
  EXPECT_EQ(got->spec_yaml, run.spec_yaml);
  EXPECT_EQ(got->parameters_json, run.parameters_json);
  EXPECT_EQ(got->state, RunState::kPending);
  EXPECT_FALSE(got->cache_enabled);
  EXPECT_EQ(got->parallelism, 4);
  EXPECT_EQ(got->pipeline_root, "/data/pipelines");
  EXPECT_EQ(got->experiment_id, "3");
  EXPECT_EQ(got->created_ms, 100);
  EXPECT_EQ(store().GetRun("nope").status().code(), StatusCode::kNotFound);
}

TEST_P(PipelineRunStoreContract, SaveRunUpdatesAndUpsertsTasksAtomically) {
  ASSERT_TRUE(store().CreateRun(Run("r1", 100)).ok());
  PipelineRunRecord run = Run("r1", 999);  // created_ms is not replaced
  run.spec_yaml = "ignored";
  run.state = RunState::kRunning;
  run.started_ms = 150;
  run.mlflow_run_id = "abc";
  TaskRecord a = Task("a", NodeState::kRunning);
  a.attempt = 1;
  a.handle = "local:1:/x";
  a.inputs_json = R"({"parameters":{"p":"v"}})";
  ASSERT_TRUE(store().SaveRun(run, {a, Task("b", NodeState::kPending)}).ok());
  auto got = store().GetRun("r1");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->state, RunState::kRunning);
  EXPECT_EQ(got->started_ms, 150);
  EXPECT_EQ(got->created_ms, 100);
  EXPECT_EQ(got->spec_yaml, Run("r1", 0).spec_yaml);
  EXPECT_EQ(got->mlflow_run_id, "abc");

  a.state = NodeState::kSucceeded;
  a.outputs_json = R"({"parameters":{"o":1}})";
  a.exit_code = 0;
  a.cached = true;
  a.cached_from = "r0/a";
  ASSERT_TRUE(store().PutTasks("r1", {a}).ok());
  auto tasks = store().ListTasks("r1");
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].node_id, "a");
  EXPECT_EQ((*tasks)[0].run_id, "r1");
  EXPECT_EQ((*tasks)[0].state, NodeState::kSucceeded);
  EXPECT_EQ((*tasks)[0].attempt, 1);
  EXPECT_EQ((*tasks)[0].handle, "local:1:/x");
  EXPECT_EQ((*tasks)[0].outputs_json, a.outputs_json);
  EXPECT_EQ((*tasks)[0].inputs_json, a.inputs_json);
  EXPECT_TRUE((*tasks)[0].cached);
  EXPECT_EQ((*tasks)[0].cached_from, "r0/a");
  EXPECT_EQ((*tasks)[1].node_id, "b");
  EXPECT_EQ((*tasks)[1].state, NodeState::kPending);

  auto b = store().GetTask("r1", "b");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->component, "comp-b");
  EXPECT_EQ(store().GetTask("r1", "zzz").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().GetTask("nope", "a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().PutTasks("nope", {a}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store().ListTasks("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().SaveRun(Run("nope", 1), {}).code(), StatusCode::kNotFound);
}

TEST_P(PipelineRunStoreContract, AllTaskFieldsRoundTrip) {
  ASSERT_TRUE(store().CreateRun(Run("r1", 100)).ok());
  TaskRecord t;
  t.node_id = "for-loop-2[3]/print";
  t.parent_id = "for-loop-2[3]";
  t.task_key = "print";
  t.display_name = "print-op";
  t.component = "comp-print";
  t.kind = NodeKind::kIteration;
  t.state = NodeState::kNotTriggered;
  t.iteration_index = 3;
  t.attempt = 2;
  t.executor = "local";
  t.handle = "local:42:/d";
  t.attempt_dir = "/d";
  t.next_attempt_ms = 7;
  t.exit_code = 3;
  t.inputs_json = "{}";
  t.outputs_json = "{\"x\":1}";
  t.image = "python:3.9";
  t.command_json = "[\"sh\"]";
  t.fingerprint = "f00";
  t.cached = false;
  t.mlflow_run_id = "m1";
  t.error = "boom";
  t.created_ms = 1;
  t.started_ms = 2;
  t.finished_ms = 3;
  ASSERT_TRUE(store().PutTasks("r1", {t}).ok());
  auto got = store().GetTask("r1", t.node_id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->parent_id, t.parent_id);
  EXPECT_EQ(got->kind, NodeKind::kIteration);
  EXPECT_EQ(got->state, NodeState::kNotTriggered);
  EXPECT_EQ(got->iteration_index, 3);
  EXPECT_EQ(got->attempt, 2);
  EXPECT_EQ(got->executor, "local");
  EXPECT_EQ(got->attempt_dir, "/d");
  EXPECT_EQ(got->next_attempt_ms, 7);
  EXPECT_EQ(got->exit_code, 3);
  EXPECT_EQ(got->image, "python:3.9");
  EXPECT_EQ(got->command_json, "[\"sh\"]");
  EXPECT_EQ(got->fingerprint, "f00");
  EXPECT_EQ(got->mlflow_run_id, "m1");
  EXPECT_EQ(got->error, "boom");
  EXPECT_EQ(got->created_ms, 1);
  EXPECT_EQ(got->started_ms, 2);
  EXPECT_EQ(got->finished_ms, 3);
}

TEST_P(PipelineRunStoreContract, ListRunsNewestFirstWithPagesAndStateFilter) {
  for (int i = 0; i < 5; ++i) {
    PipelineRunRecord run = Run("r" + std::to_string(i), 100 + i);
    ASSERT_TRUE(store().CreateRun(run).ok());
    if (i % 2 == 0) {
      run.state = RunState::kSucceeded;
      ASSERT_TRUE(store().SaveRun(run, {}).ok());
    }
  }
  ListRunsRequest request;
  request.max_results = 2;
  std::vector<std::string> ids;
  for (int page = 0; page < 5; ++page) {
    auto result = store().ListRuns(request);
    ASSERT_TRUE(result.ok());
    for (const auto& run : result->runs) {
      ids.push_back(run.run_id);
      EXPECT_TRUE(run.spec_yaml.empty());
      EXPECT_EQ(run.pipeline_name, "pipe");
    }
    if (result->next_page_token.empty()) break;
    request.page_token = result->next_page_token;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"r4", "r3", "r2", "r1", "r0"}));
  ListRunsRequest succeeded;
  succeeded.state = RunState::kSucceeded;
  auto result = store().ListRuns(succeeded);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->runs.size(), 3u);
  EXPECT_EQ(result->runs[0].run_id, "r4");
  EXPECT_TRUE(result->next_page_token.empty());
  ListRunsRequest bad;
  bad.max_results = 0;
  EXPECT_EQ(store().ListRuns(bad).status().code(), StatusCode::kInvalidArgument);
  bad.max_results = 10;
  bad.page_token = "garbage";
  EXPECT_EQ(store().ListRuns(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(PipelineRunStoreContract, CancelRequestSurvivesSaves) {
  ASSERT_TRUE(store().CreateRun(Run("r1", 100)).ok());
  ASSERT_TRUE(store().RequestCancel("r1").ok());
  ASSERT_TRUE(store().RequestCancel("r1").ok());
  PipelineRunRecord run = Run("r1", 100);
  run.state = RunState::kRunning;
  run.cancel_requested = false;  // the scheduler's copy does not clear it
  ASSERT_TRUE(store().SaveRun(run, {}).ok());
  auto got = store().GetRun("r1");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->cancel_requested);
  EXPECT_EQ(store().RequestCancel("nope").code(), StatusCode::kNotFound);
}

TEST_P(PipelineRunStoreContract, ClaimUnfinishedRuns) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store().CreateRun(Run("r" + std::to_string(i), 100 + i)).ok());
  PipelineRunRecord done = Run("r1", 101);
  done.state = RunState::kFailed;
  ASSERT_TRUE(store().SaveRun(done, {}).ok());
  PipelineRunRecord running = Run("r2", 102);
  running.state = RunState::kRunning;
  running.owner = "old";  // a replica whose lease (0) expired long ago
  ASSERT_TRUE(store().SaveRun(running, {}).ok());
  auto claimed = store().ClaimUnfinishedRuns("new", 1000, 500);
  ASSERT_TRUE(claimed.ok());
  std::vector<std::string> ids;
  for (const auto& run : *claimed) {
    ids.push_back(run.run_id);
    EXPECT_EQ(run.owner, "new");
    EXPECT_EQ(run.lease_expires_ms, 1500);
    EXPECT_FALSE(run.spec_yaml.empty());  // the scheduler reloads the spec
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"r0", "r2", "r3"}));
  EXPECT_EQ(store().GetRun("r2")->owner, "new");
  EXPECT_EQ(store().GetRun("r2")->lease_expires_ms, 1500);
  // The same owner (a restarted replica) takes its runs back at once.
  auto again = store().ClaimUnfinishedRuns("new", 1100, 500);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 3u);
}

TEST_P(PipelineRunStoreContract, LiveLeasesAreNotClaimedExpiredOnesAre) {
  ASSERT_TRUE(store().CreateRun(Run("r0", 100)).ok());
  ASSERT_EQ(store().ClaimUnfinishedRuns("a", 1000, 500)->size(), 1u);
  EXPECT_TRUE(store().ClaimUnfinishedRuns("b", 1400, 500)->empty());
  EXPECT_TRUE(store().ClaimUnfinishedRuns("b", 1500, 500)->empty());  // expires *before* now, not at it
  // "a" renews in time: still its own.
  auto held = store().RenewRunLeases("a", 1450, 500);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 1u);
  EXPECT_EQ((*held)[0].run_id, "r0");
  EXPECT_FALSE((*held)[0].cancel_requested);
  EXPECT_TRUE(store().ClaimUnfinishedRuns("b", 1900, 500)->empty());
  // "a" stops renewing (it died): "b" takes the run over.
  auto taken = store().ClaimUnfinishedRuns("b", 1951, 500);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ((*taken)[0].owner, "b");
  // "a" learns on its next renewal that the run is no longer its own.
  EXPECT_TRUE(store().RenewRunLeases("a", 2000, 500)->empty());
  EXPECT_EQ(store().RenewRunLeases("b", 2000, 500)->size(), 1u);
}

TEST_P(PipelineRunStoreContract, RenewReportsCancelRequestedThroughAnotherReplica) {
  ASSERT_TRUE(store().CreateRun(Run("r0", 100)).ok());
  ASSERT_TRUE(store().CreateRun(Run("r1", 101)).ok());
  ASSERT_EQ(store().ClaimUnfinishedRuns("a", 1000, 500)->size(), 2u);
  ASSERT_TRUE(store().RequestCancel("r1").ok());
  auto held = store().RenewRunLeases("a", 1100, 500);
  ASSERT_TRUE(held.ok());
  std::map<std::string, bool> cancels;
  for (const auto& lease : *held) cancels[lease.run_id] = lease.cancel_requested;
  EXPECT_EQ(cancels, (std::map<std::string, bool>{{"r0", false}, {"r1", true}}));
}

TEST_P(PipelineRunStoreContract, SaveRunIsFencedByTheLease) {
  ASSERT_TRUE(store().CreateRun(Run("r0", 100)).ok());
  ASSERT_EQ(store().ClaimUnfinishedRuns("a", 1000, 500)->size(), 1u);
  ASSERT_EQ(store().ClaimUnfinishedRuns("b", 2000, 500)->size(), 1u);  // "a" stalled past its lease
  PipelineRunRecord stale = *store().GetRun("r0");
  stale.owner = "a";
  stale.state = RunState::kFailed;
  stale.error = "written by a replica that lost its lease";
  TaskRecord task;
  task.node_id = "t";
  Status fenced = store().SaveRun(stale, {task});
  EXPECT_EQ(fenced.code(), StatusCode::kConflict) << fenced.ToString();
  auto stored = store().GetRun("r0");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->owner, "b");
  EXPECT_EQ(stored->state, RunState::kPending);
  EXPECT_TRUE(stored->error.empty());
  EXPECT_TRUE(store().ListTasks("r0")->empty());  // nothing of the fenced write
  // The holder writes; it keeps its lease (a record's older lease never
  // shortens it).
  PipelineRunRecord mine = *stored;
  mine.state = RunState::kRunning;
  mine.lease_expires_ms = 0;
  ASSERT_TRUE(store().SaveRun(mine, {}).ok());
  EXPECT_EQ(store().GetRun("r0")->lease_expires_ms, 2500);
  EXPECT_EQ(store().SaveRun(Run("nope", 1), {}).code(), StatusCode::kNotFound);
}

TEST_P(PipelineRunStoreContract, ReleasedLeasesAreClaimedAtOnce) {
  ASSERT_TRUE(store().CreateRun(Run("r0", 100)).ok());
  ASSERT_EQ(store().ClaimUnfinishedRuns("a", 1000, 60000)->size(), 1u);
  EXPECT_TRUE(store().ClaimUnfinishedRuns("b", 1001, 500)->empty());
  ASSERT_TRUE(store().ReleaseRunLeases("a").ok());
  auto taken = store().ClaimUnfinishedRuns("b", 1002, 500);
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);
  EXPECT_EQ(store().GetRun("r0")->owner, "b");
}

TEST_P(PipelineRunStoreContract, AFinishedRunMayBeTakenByAnyone) {
  ASSERT_TRUE(store().CreateRun(Run("r0", 100)).ok());
  ASSERT_EQ(store().ClaimUnfinishedRuns("a", 1000, 60000)->size(), 1u);
  PipelineRunRecord run = *store().GetRun("r0");
  run.state = RunState::kSucceeded;
  ASSERT_TRUE(store().SaveRun(run, {}).ok());
  run.owner = "b";
  run.state = RunState::kRunning;  // run again by another replica
  EXPECT_TRUE(store().SaveRun(run, {}).ok());
  EXPECT_EQ(store().GetRun("r0")->owner, "b");
}

TEST_P(PipelineRunStoreContract, CacheLatestEntryWinsPerPipeline) {
  auto miss = store().FindCacheEntry("pipe", "f1");
  ASSERT_TRUE(miss.ok());
  EXPECT_FALSE(miss->has_value());
  ASSERT_TRUE(store().PutCacheEntry({"pipe", "f1", "r1", "a", R"({"o":1})", "m1", 10}).ok());
  ASSERT_TRUE(store().PutCacheEntry({"pipe", "f1", "r2", "a", R"({"o":2})", "m2", 20}).ok());
  auto hit = store().FindCacheEntry("pipe", "f1");
  ASSERT_TRUE(hit.ok());
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ((*hit)->run_id, "r2");
  EXPECT_EQ((*hit)->outputs_json, R"({"o":2})");
  EXPECT_EQ((*hit)->mlflow_run_id, "m2");
  EXPECT_EQ((*hit)->created_ms, 20);
  auto other = store().FindCacheEntry("other-pipe", "f1");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

TEST_P(PipelineRunStoreContract, ManyTasksInOneBatch) {
  ASSERT_TRUE(store().CreateRun(Run("r1", 100)).ok());
  std::vector<TaskRecord> tasks;
  for (int i = 0; i < 10000; ++i) tasks.push_back(Task("loop[" + std::to_string(i) + "]", NodeState::kPending));
  ASSERT_TRUE(store().PutTasks("r1", tasks).ok());
  auto listed = store().ListTasks("r1");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 10000u);
}

TEST_P(PipelineRunStoreContract, ConcurrentWritersToDifferentRuns) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store().CreateRun(Run("r" + std::to_string(i), i)).ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([this, i] {
      for (int j = 0; j < 50; ++j) {
        EXPECT_TRUE(store().PutTasks("r" + std::to_string(i), {Task("t" + std::to_string(j), NodeState::kRunning)}).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(store().ListTasks("r" + std::to_string(i))->size(), 50u);
}

// The tests that reopen the store: only for stores that keep data.
class DurablePipelineRunStoreContract : public PipelineRunStoreContract {};

// Only the environments whose store is persistent.
std::vector<StoreEnv> PersistentEnvs() {
  std::vector<StoreEnv> out;
  for (const StoreEnv& env : kEnvs) {
    if (env.persistent) out.push_back(env);
  }
  return out;
}

TEST_P(DurablePipelineRunStoreContract, DataSurvivesReopen) {
  ASSERT_TRUE(store().CreateRun(Run("r1", 100)).ok());
  ASSERT_TRUE(store().PutTasks("r1", {Task("a", NodeState::kRunning)}).ok());
  ASSERT_TRUE(store().PutCacheEntry({"pipe", "f", "r1", "a", "{}", "", 1}).ok());
  Open();
  EXPECT_TRUE(store().GetRun("r1").ok());
  EXPECT_EQ(store().ListTasks("r1")->size(), 1u);
  EXPECT_TRUE(store().FindCacheEntry("pipe", "f")->has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, PipelineRunStoreContract, ::testing::ValuesIn(kEnvs),
                         [](const ::testing::TestParamInfo<StoreEnv>& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Stores, DurablePipelineRunStoreContract, ::testing::ValuesIn(PersistentEnvs()),
                         [](const ::testing::TestParamInfo<StoreEnv>& info) { return info.param.name; });

}  // namespace
}  // namespace cairn::pipelines
