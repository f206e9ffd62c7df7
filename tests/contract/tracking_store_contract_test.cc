// The TrackingStore contract (tracking/tracking_store.h), run against every
// implementation: the SQLite store on a file and in memory, and the
// PostgreSQL store (one schema per test) when CAIRN_TEST_POSTGRES_URI names a
// database — the `tracking_store_contract_test_postgres` ctest entry runs the
// `*Postgres*` instances that way.
//
// Hermetic: temp directories, a FakeClock, no sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "base/clock.h"
#include "store/postgres/pg_test_env.h"
#include "store/sqlite_store_factory.h"
#include "store/store_factory.h"
#include "tracking/page_token.h"
#include "tracking/tracking_store.h"

namespace cairn::tracking {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr int64_t kT0 = 1'700'000'000'000;

// How to open one implementation. `dir` is a fresh temp directory per test;
// opening the same `dir` again must see the same data if `persistent`.
struct StoreEnv {
  std::string name;
  std::function<Result<std::unique_ptr<TrackingStore>>(const std::string& dir, const Clock* clock)> open;
  bool persistent;
};

Result<std::unique_ptr<TrackingStore>> OpenPostgres(const std::string& dir, const Clock* clock) {
  store::StoreOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.uri, testing_support::PostgresSchemaUri(dir));
  options.default_artifact_root = "mlflow-artifacts:";
  options.clock = clock;
  CAIRN_ASSIGN_OR_RETURN(store::Stores stores, store::OpenStores(options));
  return std::move(stores.tracking);
}

std::vector<StoreEnv> AllStoreEnvs();
const std::vector<StoreEnv> kStoreEnvs = AllStoreEnvs();

std::vector<StoreEnv> AllStoreEnvs() {
  std::vector<StoreEnv> envs = {
    {"SqliteFile",
     [](const std::string& dir, const Clock* clock) {
       store::SqliteStoreOptions options;
       options.path = dir + "/db/nested/tracking.db";  // parent dirs are created
       options.default_artifact_root = "mlflow-artifacts:";
       options.clock = clock;
       return store::OpenSqliteTrackingStore(options);
     },
     true},
    {"SqliteMemory",
     [](const std::string& dir, const Clock* clock) {
       store::SqliteStoreOptions options;
       options.path = ":memory:";
       options.default_artifact_root = "mlflow-artifacts:";
       options.clock = clock;
       return store::OpenSqliteTrackingStore(options);
     },
     false},
  };
  if (testing_support::PostgresTestUri()) envs.push_back({"Postgres", OpenPostgres, true});
  return envs;
}

inline const Status& AsStatus(const Status& status) { return status; }
template <typename T>
Status AsStatus(const Result<T>& result) {
  return result.status();
}

#define ASSERT_OK(expr)                                 \
  do {                                                  \
    const ::cairn::Status s_ = AsStatus(expr);          \
    ASSERT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                 \
  do {                                                  \
    const ::cairn::Status s_ = AsStatus(expr);          \
    EXPECT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)
#define EXPECT_CODE(expr, expected_code)                                   \
  do {                                                                     \
    const ::cairn::Status s_ = AsStatus(expr);                             \
    EXPECT_EQ(s_.code(), expected_code) << #expr << ": " << s_.ToString(); \
  } while (0)
#define CONTRACT_CONCAT_INNER(a, b) a##b
#define CONTRACT_CONCAT(a, b) CONTRACT_CONCAT_INNER(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                                          \
  auto CONTRACT_CONCAT(result_, __LINE__) = (expr);                                              \
  ASSERT_TRUE(CONTRACT_CONCAT(result_, __LINE__).ok())                                           \
      << #expr << ": " << CONTRACT_CONCAT(result_, __LINE__).status().ToString();                \
  lhs = std::move(CONTRACT_CONCAT(result_, __LINE__)).value()

Metric M(std::string key, double value, int64_t timestamp, int64_t step = 0) {
  Metric metric;
  metric.key = std::move(key);
  metric.value = value;
  metric.timestamp = timestamp;
  metric.step = step;
  return metric;
}

std::vector<std::string> RunIds(const std::vector<tracking::Run>& runs) {
  std::vector<std::string> ids;
  for (const tracking::Run& run : runs) ids.push_back(run.info.run_id);
  return ids;
}

std::vector<std::string> ExperimentNames(const std::vector<Experiment>& experiments) {
  std::vector<std::string> names;
  for (const Experiment& e : experiments) names.push_back(e.name);
  return names;
}

std::optional<std::string> TagValue(const std::vector<Tag>& tags, const std::string& key) {
  for (const Tag& tag : tags) {
    if (tag.key == key) return tag.value;
  }
  return std::nullopt;
}

const Metric* FindMetric(const tracking::Run& run, const std::string& key) {
  for (const Metric& metric : run.metrics) {
    if (metric.key == key) return &metric;
  }
  return nullptr;
}

class TrackingStoreContractTest : public ::testing::TestWithParam<StoreEnv> {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-contract-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Reopen() {
    store_.reset();
    auto opened = GetParam().open(dir_, &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  TrackingStore& store() { return *store_; }

  std::string CreateExperiment(const std::string& name, std::vector<Tag> tags = {}) {
    CreateExperimentRequest request;
    request.name = name;
    request.tags = std::move(tags);
    auto id = store().CreateExperiment(request);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : std::string();
  }

  tracking::Run CreateRun(const std::string& experiment_id, const std::string& name = "", int64_t start_time = 0,
                std::vector<Tag> tags = {}) {
    CreateRunRequest request;
    request.experiment_id = experiment_id;
    request.run_name = name;
    request.start_time = start_time;
    request.tags = std::move(tags);
    auto run = store().CreateRun(request);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : tracking::Run();
  }

  Page<tracking::Run> Search(const std::vector<std::string>& experiment_ids, const std::string& filter,
                   std::vector<std::string> order_by = {}, int64_t max_results = 1000,
                   ViewType view = ViewType::kActiveOnly, const std::string& token = "") {
    SearchRunsRequest request;
    request.experiment_ids = experiment_ids;
    request.filter = filter;
    request.order_by = std::move(order_by);
    request.max_results = max_results;
    request.view_type = view;
    request.page_token = token;
    auto page = store().SearchRuns(request);
    EXPECT_TRUE(page.ok()) << filter << ": " << page.status().ToString();
    return page.ok() ? *page : Page<tracking::Run>();
  }

  std::vector<std::string> SearchIds(const std::vector<std::string>& experiment_ids, const std::string& filter,
                                     std::vector<std::string> order_by = {}) {
    return RunIds(Search(experiment_ids, filter, std::move(order_by)).items);
  }

  std::string dir_;
  FakeClock clock_{kT0};
  std::unique_ptr<TrackingStore> store_;
};

// ---------------------------------------------------------------- experiments

TEST_P(TrackingStoreContractTest, DefaultExperimentExists) {
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperiment("0"));
  EXPECT_EQ(e.experiment_id, "0");
  EXPECT_EQ(e.name, "Default");
  EXPECT_EQ(e.artifact_location, "mlflow-artifacts:/0");
  EXPECT_EQ(e.lifecycle_stage, LifecycleStage::kActive);
  ASSERT_OK_AND_ASSIGN(Experiment by_name, store().GetExperimentByName("Default"));
  EXPECT_EQ(by_name.experiment_id, "0");
}

TEST_P(TrackingStoreContractTest, CreateAndGetExperiment) {
  std::string id = CreateExperiment("exp", {{"team", "ml"}, {"owner", "ana"}});
  EXPECT_EQ(id, "1");
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperiment(id));
  EXPECT_EQ(e.name, "exp");
  EXPECT_EQ(e.artifact_location, "mlflow-artifacts:/1");
  EXPECT_EQ(e.creation_time, kT0);
  EXPECT_EQ(e.last_update_time, kT0);
  EXPECT_EQ(e.lifecycle_stage, LifecycleStage::kActive);
  EXPECT_THAT(e.tags, UnorderedElementsAre(Tag{"team", "ml"}, Tag{"owner", "ana"}));
  EXPECT_EQ(CreateExperiment("second"), "2");
}

TEST_P(TrackingStoreContractTest, CreateExperimentKeepsExplicitArtifactLocation) {
  CreateExperimentRequest request;
  request.name = "located";
  request.artifact_location = "s3://bucket/prefix";
  ASSERT_OK_AND_ASSIGN(std::string id, store().CreateExperiment(request));
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperiment(id));
  EXPECT_EQ(e.artifact_location, "s3://bucket/prefix");
  tracking::Run run = CreateRun(id);
  EXPECT_EQ(run.info.artifact_uri, "s3://bucket/prefix/" + run.info.run_id + "/artifacts");
}

TEST_P(TrackingStoreContractTest, ExperimentNamesAreUniqueEvenWhenDeleted) {
  std::string id = CreateExperiment("taken");
  CreateExperimentRequest request;
  request.name = "taken";
  auto dup = store().CreateExperiment(request);
  EXPECT_CODE(dup, StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.status().message(), HasSubstr("taken"));
  EXPECT_THAT(dup.status().message(), ::testing::Not(HasSubstr("INSERT")));  // no SQL leaks
  ASSERT_OK(store().DeleteExperiment(id));
  EXPECT_CODE(store().CreateExperiment(request), StatusCode::kAlreadyExists);
  // Names are case-sensitive.
  request.name = "TAKEN";
  EXPECT_OK(store().CreateExperiment(request));
}

TEST_P(TrackingStoreContractTest, GetUnknownExperiment) {
  EXPECT_CODE(store().GetExperiment("42"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetExperiment("abc"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetExperiment(""), StatusCode::kNotFound);
  EXPECT_CODE(store().GetExperimentByName("nope"), StatusCode::kNotFound);
}

TEST_P(TrackingStoreContractTest, GetExperimentByNameReturnsDeleted) {
  std::string id = CreateExperiment("gone");
  ASSERT_OK(store().DeleteExperiment(id));
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperimentByName("gone"));
  EXPECT_EQ(e.experiment_id, id);
  EXPECT_EQ(e.lifecycle_stage, LifecycleStage::kDeleted);
}

TEST_P(TrackingStoreContractTest, RenameExperiment) {
  std::string id = CreateExperiment("old");
  CreateExperiment("other");
  clock_.Advance(5);
  ASSERT_OK(store().RenameExperiment(id, "new"));
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperiment(id));
  EXPECT_EQ(e.name, "new");
  EXPECT_EQ(e.last_update_time, kT0 + 5);
  EXPECT_EQ(e.creation_time, kT0);
  EXPECT_CODE(store().GetExperimentByName("old"), StatusCode::kNotFound);
  EXPECT_CODE(store().RenameExperiment(id, "other"), StatusCode::kAlreadyExists);
  EXPECT_CODE(store().RenameExperiment("99", "x"), StatusCode::kNotFound);
  ASSERT_OK(store().DeleteExperiment(id));
  EXPECT_CODE(store().RenameExperiment(id, "newer"), StatusCode::kFailedPrecondition);
}

TEST_P(TrackingStoreContractTest, DeleteAndRestoreExperimentCascadeToRuns) {
  std::string id = CreateExperiment("cascade");
  tracking::Run a = CreateRun(id, "a");
  tracking::Run b = CreateRun(id, "b");
  clock_.Advance(10);
  ASSERT_OK(store().DeleteExperiment(id));
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperiment(id));
  EXPECT_EQ(e.lifecycle_stage, LifecycleStage::kDeleted);
  EXPECT_EQ(e.last_update_time, kT0 + 10);
  for (const tracking::Run& run : {a, b}) {
    ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(run.info.run_id));
    EXPECT_EQ(got.info.lifecycle_stage, LifecycleStage::kDeleted);
  }
  EXPECT_TRUE(Search({id}, "").items.empty());
  EXPECT_EQ(Search({id}, "", {}, 1000, ViewType::kDeletedOnly).items.size(), 2u);
  // Deleted experiments take no new runs.
  CreateRunRequest create;
  create.experiment_id = id;
  EXPECT_CODE(store().CreateRun(create), StatusCode::kInvalidArgument);
  // Deleting twice / restoring an active one: not found in that stage.
  EXPECT_CODE(store().DeleteExperiment(id), StatusCode::kNotFound);
  ASSERT_OK(store().RestoreExperiment(id));
  EXPECT_CODE(store().RestoreExperiment(id), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(Experiment restored, store().GetExperiment(id));
  EXPECT_EQ(restored.lifecycle_stage, LifecycleStage::kActive);
  EXPECT_EQ(Search({id}, "").items.size(), 2u);
  EXPECT_CODE(store().DeleteExperiment("77"), StatusCode::kNotFound);
  EXPECT_CODE(store().RestoreExperiment("x"), StatusCode::kNotFound);
}

TEST_P(TrackingStoreContractTest, ExperimentTags) {
  std::string id = CreateExperiment("tagged");
  ASSERT_OK(store().SetExperimentTag(id, {"k", "v1"}));
  ASSERT_OK(store().SetExperimentTag(id, {"k", "v2"}));  // upsert
  ASSERT_OK(store().SetExperimentTag(id, {"k2", "x"}));
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperiment(id));
  EXPECT_THAT(e.tags, UnorderedElementsAre(Tag{"k", "v2"}, Tag{"k2", "x"}));
  ASSERT_OK(store().DeleteExperimentTag(id, "k2"));
  EXPECT_CODE(store().DeleteExperimentTag(id, "k2"), StatusCode::kNotFound);
  EXPECT_CODE(store().SetExperimentTag("99", {"k", "v"}), StatusCode::kNotFound);
  ASSERT_OK(store().DeleteExperiment(id));
  EXPECT_CODE(store().SetExperimentTag(id, {"k", "v3"}), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().DeleteExperimentTag(id, "k"), StatusCode::kInvalidArgument);
}

TEST_P(TrackingStoreContractTest, SearchExperimentsOrderFilterAndPaging) {
  // Default order: newest first (creation_time DESC), then experiment_id ASC.
  clock_.Advance(1);  // Default was created at kT0
  for (const char* name : {"alpha", "beta", "Gamma", "delta"}) {
    CreateExperiment(name);
    clock_.Advance(1);
  }
  ASSERT_OK(store().SetExperimentTag("2", {"stage", "prod"}));
  SearchExperimentsRequest request;
  ASSERT_OK_AND_ASSIGN(auto all, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(all.items), ElementsAre("delta", "Gamma", "beta", "alpha", "Default"));
  EXPECT_TRUE(all.next_page_token.empty());
  EXPECT_THAT(all.items[2].tags, ElementsAre(Tag{"stage", "prod"}));

  request.order_by = {"name ASC"};
  ASSERT_OK_AND_ASSIGN(auto by_name, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(by_name.items), ElementsAre("Default", "Gamma", "alpha", "beta", "delta"));

  request.order_by = {};
  request.filter = "name LIKE '%a'";
  ASSERT_OK_AND_ASSIGN(auto like, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(like.items), ElementsAre("delta", "Gamma", "beta", "alpha"));
  request.filter = "name LIKE 'g%'";
  ASSERT_OK_AND_ASSIGN(auto like_cs, store().SearchExperiments(request));
  EXPECT_TRUE(like_cs.items.empty());
  request.filter = "name ILIKE 'g%'";
  ASSERT_OK_AND_ASSIGN(auto ilike, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(ilike.items), ElementsAre("Gamma"));
  request.filter = "tags.stage = 'prod'";
  ASSERT_OK_AND_ASSIGN(auto tagged, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(tagged.items), ElementsAre("beta"));
  request.filter = "creation_time >= " + std::to_string(kT0 + 3);
  ASSERT_OK_AND_ASSIGN(auto recent, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(recent.items), ElementsAre("delta", "Gamma"));

  // Paging: a token only when more exist.
  request.filter = "";
  request.max_results = 2;
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    request.page_token = token;
    ASSERT_OK_AND_ASSIGN(auto page, store().SearchExperiments(request));
    for (auto& e : page.items) names.push_back(e.name);
    token = page.next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(names, ElementsAre("delta", "Gamma", "beta", "alpha", "Default"));

  // View types.
  ASSERT_OK(store().DeleteExperiment("1"));
  request = SearchExperimentsRequest();
  request.view_type = ViewType::kDeletedOnly;
  ASSERT_OK_AND_ASSIGN(auto deleted, store().SearchExperiments(request));
  EXPECT_THAT(ExperimentNames(deleted.items), ElementsAre("alpha"));
  request.view_type = ViewType::kAll;
  ASSERT_OK_AND_ASSIGN(auto every, store().SearchExperiments(request));
  EXPECT_EQ(every.items.size(), 5u);

  // Errors.
  request.filter = "name = ";
  EXPECT_CODE(store().SearchExperiments(request), StatusCode::kInvalidArgument);
  request.filter = "";
  request.page_token = "not-a-token";
  EXPECT_CODE(store().SearchExperiments(request), StatusCode::kInvalidArgument);
  request.page_token = "";
  request.order_by = {"bogus"};
  EXPECT_CODE(store().SearchExperiments(request), StatusCode::kInvalidArgument);
}

// ----------------------------------------------------------------------- runs

TEST_P(TrackingStoreContractTest, CreateRunDefaults) {
  clock_.Set(kT0 + 123);
  CreateRunRequest request;  // experiment "" -> Default
  request.user_id = "ana";
  ASSERT_OK_AND_ASSIGN(tracking::Run run, store().CreateRun(request));
  const RunInfo& info = run.info;
  EXPECT_EQ(info.run_id.size(), 32u);
  EXPECT_EQ(info.run_id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(info.experiment_id, "0");
  EXPECT_EQ(info.user_id, "ana");
  EXPECT_EQ(info.status, RunStatus::kRunning);
  EXPECT_EQ(info.start_time, kT0 + 123);
  EXPECT_FALSE(info.end_time.has_value());
  EXPECT_EQ(info.lifecycle_stage, LifecycleStage::kActive);
  EXPECT_EQ(info.artifact_uri, "mlflow-artifacts:/0/" + info.run_id + "/artifacts");
  EXPECT_FALSE(info.run_name.empty());
  EXPECT_EQ(TagValue(run.tags, "mlflow.runName"), info.run_name);

  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(info.run_id));
  EXPECT_EQ(got.info.run_name, info.run_name);
  EXPECT_EQ(got.info.artifact_uri, info.artifact_uri);
  EXPECT_EQ(got.info.start_time, kT0 + 123);
  EXPECT_EQ(TagValue(got.tags, "mlflow.runName"), info.run_name);
  EXPECT_TRUE(got.metrics.empty());
  EXPECT_TRUE(got.params.empty());
}

TEST_P(TrackingStoreContractTest, CreateRunNameAndUserFromTags) {
  std::string exp = CreateExperiment("e");
  tracking::Run named = CreateRun(exp, "explicit", 5);
  EXPECT_EQ(named.info.run_name, "explicit");
  EXPECT_EQ(named.info.start_time, 5);
  EXPECT_EQ(named.info.artifact_uri, "mlflow-artifacts:/1/" + named.info.run_id + "/artifacts");

  tracking::Run from_tag = CreateRun(exp, "", 0, {{"mlflow.runName", "tagged"}, {"mlflow.user", "bo"}, {"x", "y"}});
  EXPECT_EQ(from_tag.info.run_name, "tagged");
  EXPECT_EQ(from_tag.info.user_id, "bo");
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(from_tag.info.run_id));
  EXPECT_EQ(got.info.run_name, "tagged");
  EXPECT_EQ(got.info.user_id, "bo");
  EXPECT_THAT(got.tags, UnorderedElementsAre(Tag{"mlflow.runName", "tagged"}, Tag{"mlflow.user", "bo"}, Tag{"x", "y"}));

  tracking::Run same = CreateRun(exp, "same", 0, {{"mlflow.runName", "same"}});
  EXPECT_EQ(same.info.run_name, "same");

  CreateRunRequest conflict;
  conflict.experiment_id = exp;
  conflict.run_name = "a";
  conflict.tags = {{"mlflow.runName", "b"}};
  EXPECT_CODE(store().CreateRun(conflict), StatusCode::kInvalidArgument);
}

TEST_P(TrackingStoreContractTest, CreateRunErrors) {
  CreateRunRequest request;
  request.experiment_id = "404";
  EXPECT_CODE(store().CreateRun(request), StatusCode::kNotFound);
  request.experiment_id = "abc";
  EXPECT_CODE(store().CreateRun(request), StatusCode::kNotFound);
}

TEST_P(TrackingStoreContractTest, GetRunUnknownAndDeleted) {
  EXPECT_CODE(store().GetRun("0123456789abcdef0123456789abcdef"), StatusCode::kNotFound);
  tracking::Run run = CreateRun("0");
  ASSERT_OK(store().DeleteRun(run.info.run_id));
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(run.info.run_id));
  EXPECT_EQ(got.info.lifecycle_stage, LifecycleStage::kDeleted);
  ASSERT_OK(store().RestoreRun(run.info.run_id));
  ASSERT_OK_AND_ASSIGN(tracking::Run back, store().GetRun(run.info.run_id));
  EXPECT_EQ(back.info.lifecycle_stage, LifecycleStage::kActive);
  EXPECT_CODE(store().DeleteRun("nope"), StatusCode::kNotFound);
  EXPECT_CODE(store().RestoreRun("nope"), StatusCode::kNotFound);
}

TEST_P(TrackingStoreContractTest, UpdateRun) {
  tracking::Run run = CreateRun("0", "before");
  UpdateRunRequest request;
  request.run_id = run.info.run_id;
  request.status = RunStatus::kFinished;
  request.end_time = kT0 + 99;
  request.run_name = "after";
  ASSERT_OK_AND_ASSIGN(RunInfo info, store().UpdateRun(request));
  EXPECT_EQ(info.status, RunStatus::kFinished);
  EXPECT_EQ(info.end_time, kT0 + 99);
  EXPECT_EQ(info.run_name, "after");
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(run.info.run_id));
  EXPECT_EQ(got.info.status, RunStatus::kFinished);
  EXPECT_EQ(TagValue(got.tags, "mlflow.runName"), "after");

  // Only what is given changes; status may move freely.
  UpdateRunRequest status_only;
  status_only.run_id = run.info.run_id;
  status_only.status = RunStatus::kRunning;
  ASSERT_OK_AND_ASSIGN(RunInfo info2, store().UpdateRun(status_only));
  EXPECT_EQ(info2.status, RunStatus::kRunning);
  EXPECT_EQ(info2.end_time, kT0 + 99);
  EXPECT_EQ(info2.run_name, "after");

  status_only.run_id = "missing";
  EXPECT_CODE(store().UpdateRun(status_only), StatusCode::kNotFound);
  ASSERT_OK(store().DeleteRun(run.info.run_id));
  status_only.run_id = run.info.run_id;
  EXPECT_CODE(store().UpdateRun(status_only), StatusCode::kInvalidArgument);
}

TEST_P(TrackingStoreContractTest, WritesToDeletedRunAreRejected) {
  tracking::Run run = CreateRun("0");
  const std::string& id = run.info.run_id;
  ASSERT_OK(store().DeleteRun(id));
  Status status = store().LogMetric(id, M("m", 1, 1));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "The run " + id + " must be in the 'active' state. Current state is deleted.");
  EXPECT_CODE(store().LogParam(id, {"p", "v"}), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().SetTag(id, {"t", "v"}), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().DeleteTag(id, "mlflow.runName"), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().LogInputs(id, {DatasetInput{{}, Dataset{"d", "1", "local", "x", "", ""}}}),
              StatusCode::kInvalidArgument);
  EXPECT_CODE(store().LogMetric("unknown-run", M("m", 1, 1)), StatusCode::kNotFound);
}

TEST_P(TrackingStoreContractTest, ParamsAreImmutable) {
  tracking::Run run = CreateRun("0");
  const std::string& id = run.info.run_id;
  ASSERT_OK(store().LogParam(id, {"lr", "0.1"}));
  ASSERT_OK(store().LogParam(id, {"lr", "0.1"}));  // same value again: fine
  Status changed = store().LogParam(id, {"lr", "0.2"});
  EXPECT_EQ(changed.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(changed.message(),
            "Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run "
            "ID='" + id + "'. Attempted logging new value '0.2'.");
  // A failing batch is one transaction: nothing of it is kept.
  EXPECT_CODE(store().LogBatch(id, {M("m", 1, 1)}, {{"new", "x"}, {"lr", "0.3"}}, {{"t", "v"}}),
              StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(id));
  EXPECT_THAT(got.params, ElementsAre(Param{"lr", "0.1"}));
  EXPECT_TRUE(got.metrics.empty());
  EXPECT_FALSE(TagValue(got.tags, "t").has_value());
}

TEST_P(TrackingStoreContractTest, LogBatchWritesEverything) {
  tracking::Run run = CreateRun("0");
  const std::string& id = run.info.run_id;
  ASSERT_OK(store().LogBatch(id, {M("a", 1.5, 10, 1), M("b", -2, 10, 1)}, {{"p1", "v1"}, {"p2", "v2"}},
                             {{"t1", "x"}, {"t1", "y"}}));
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(id));
  EXPECT_THAT(got.params, ElementsAre(Param{"p1", "v1"}, Param{"p2", "v2"}));
  EXPECT_EQ(TagValue(got.tags, "t1"), "y");
  ASSERT_EQ(got.metrics.size(), 2u);
  EXPECT_EQ(got.metrics[0].key, "a");
  EXPECT_EQ(got.metrics[0].value, 1.5);
  EXPECT_EQ(got.metrics[0].timestamp, 10);
  EXPECT_EQ(got.metrics[0].step, 1);
  EXPECT_EQ(got.metrics[1].value, -2);
}

TEST_P(TrackingStoreContractTest, LatestMetricFollowsStepTimestampValue) {
  tracking::Run run = CreateRun("0");
  const std::string& id = run.info.run_id;
  auto latest = [&]() -> Metric {
    auto got = store().GetRun(id);
    EXPECT_TRUE(got.ok());
    const Metric* m = got.ok() ? FindMetric(*got, "m") : nullptr;
    return m != nullptr ? *m : Metric();
  };
  ASSERT_OK(store().LogMetric(id, M("m", 5, 100, 2)));
  ASSERT_OK(store().LogMetric(id, M("m", 9, 200, 1)));  // lower step: not latest
  EXPECT_EQ(latest().value, 5);
  ASSERT_OK(store().LogMetric(id, M("m", 1, 50, 3)));  // higher step wins despite older timestamp
  EXPECT_EQ(latest().value, 1);
  EXPECT_EQ(latest().step, 3);
  ASSERT_OK(store().LogMetric(id, M("m", 0.5, 60, 3)));  // same step, newer timestamp
  EXPECT_EQ(latest().value, 0.5);
  ASSERT_OK(store().LogMetric(id, M("m", 7, 60, 3)));  // same step & timestamp, larger value
  EXPECT_EQ(latest().value, 7);
  ASSERT_OK(store().LogMetric(id, M("m", 6, 60, 3)));  // smaller value: stays
  EXPECT_EQ(latest().value, 7);
  // Within one batch too.
  ASSERT_OK(store().LogBatch(id, {M("m", 3, 1, 10), M("m", 4, 1, 9), M("m", 2, 0, 10)}, {}, {}));
  EXPECT_EQ(latest().value, 3);
  EXPECT_EQ(latest().step, 10);
}

TEST_P(TrackingStoreContractTest, MetricHistoryDedupOrderAndPaging) {
  tracking::Run run = CreateRun("0");
  const std::string& id = run.info.run_id;
  ASSERT_OK(store().LogBatch(id, {M("h", 3, 20, 0), M("h", 1, 10, 1), M("h", 2, 10, 0), M("h", 1, 10, 1)}, {}, {}));
  ASSERT_OK(store().LogMetric(id, M("h", 2, 10, 0)));  // exact duplicate: ignored
  ASSERT_OK(store().LogMetric(id, M("h", 0, 10, 0)));  // same ts/step, other value: kept
  ASSERT_OK(store().LogMetric(id, M("other", 1, 1, 0)));
  MetricHistoryRequest request;
  request.run_id = id;
  request.metric_key = "h";
  ASSERT_OK_AND_ASSIGN(auto all, store().GetMetricHistory(request));
  ASSERT_EQ(all.items.size(), 4u);
  EXPECT_TRUE(all.next_page_token.empty());
  std::vector<std::tuple<int64_t, int64_t, double>> order;
  for (const Metric& m : all.items) {
    EXPECT_EQ(m.key, "h");
    order.emplace_back(m.timestamp, m.step, m.value);
  }
  EXPECT_THAT(order, ElementsAre(std::make_tuple(10, 0, 0.0), std::make_tuple(10, 0, 2.0),
                                 std::make_tuple(10, 1, 1.0), std::make_tuple(20, 0, 3.0)));

  request.max_results = 3;
  ASSERT_OK_AND_ASSIGN(auto first, store().GetMetricHistory(request));
  EXPECT_EQ(first.items.size(), 3u);
  ASSERT_FALSE(first.next_page_token.empty());
  request.page_token = first.next_page_token;
  ASSERT_OK_AND_ASSIGN(auto second, store().GetMetricHistory(request));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].value, 3);
  EXPECT_TRUE(second.next_page_token.empty());

  request.max_results = 4;
  request.page_token = "";
  ASSERT_OK_AND_ASSIGN(auto exact, store().GetMetricHistory(request));
  EXPECT_EQ(exact.items.size(), 4u);
  EXPECT_TRUE(exact.next_page_token.empty());

  request.page_token = "garbage";
  EXPECT_CODE(store().GetMetricHistory(request), StatusCode::kInvalidArgument);
  request.page_token = "";
  request.metric_key = "never-logged";
  ASSERT_OK_AND_ASSIGN(auto none, store().GetMetricHistory(request));
  EXPECT_TRUE(none.items.empty());
  request.run_id = "unknown";
  EXPECT_CODE(store().GetMetricHistory(request), StatusCode::kNotFound);
}

TEST_P(TrackingStoreContractTest, NanAndInfinityRoundTrip) {
  tracking::Run run = CreateRun("0");
  const std::string& id = run.info.run_id;
  const double inf = std::numeric_limits<double>::infinity();
  const double max = std::numeric_limits<double>::max();
  ASSERT_OK(store().LogBatch(id,
                             {M("nan", std::nan(""), 1, 0), M("pinf", inf, 1, 0), M("ninf", -inf, 1, 0),
                              M("zero", 0.0, 1, 0)},
                             {}, {}));
  ASSERT_OK(store().LogMetric(id, M("nan", std::nan(""), 1, 0)));  // duplicate NaN point
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(id));
  ASSERT_NE(FindMetric(got, "nan"), nullptr);
  EXPECT_TRUE(std::isnan(FindMetric(got, "nan")->value));
  EXPECT_EQ(FindMetric(got, "pinf")->value, max);
  EXPECT_EQ(FindMetric(got, "ninf")->value, -max);
  EXPECT_EQ(FindMetric(got, "zero")->value, 0.0);
  MetricHistoryRequest request;
  request.run_id = id;
  request.metric_key = "nan";
  ASSERT_OK_AND_ASSIGN(auto history, store().GetMetricHistory(request));
  ASSERT_EQ(history.items.size(), 1u);
  EXPECT_TRUE(std::isnan(history.items[0].value));
  // A NaN and a real 0 at the same point are different points.
  ASSERT_OK(store().LogMetric(id, M("nan", 0.0, 1, 0)));
  ASSERT_OK_AND_ASSIGN(auto both, store().GetMetricHistory(request));
  EXPECT_EQ(both.items.size(), 2u);
}

TEST_P(TrackingStoreContractTest, RunTags) {
  tracking::Run run = CreateRun("0", "first");
  const std::string& id = run.info.run_id;
  ASSERT_OK(store().SetTag(id, {"k", "v1"}));
  ASSERT_OK(store().SetTag(id, {"k", "v2"}));
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(id));
  EXPECT_EQ(TagValue(got.tags, "k"), "v2");
  ASSERT_OK(store().DeleteTag(id, "k"));
  Status missing = store().DeleteTag(id, "k");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "No tag with name: k in run with id " + id);
  EXPECT_CODE(store().DeleteTag("unknown", "k"), StatusCode::kNotFound);
  // Setting mlflow.runName renames the run.
  ASSERT_OK(store().SetTag(id, {"mlflow.runName", "renamed"}));
  ASSERT_OK_AND_ASSIGN(tracking::Run renamed, store().GetRun(id));
  EXPECT_EQ(renamed.info.run_name, "renamed");
}

TEST_P(TrackingStoreContractTest, DatasetInputs) {
  std::string exp = CreateExperiment("data");
  tracking::Run a = CreateRun(exp, "a");
  tracking::Run b = CreateRun(exp, "b");
  DatasetInput train{{{"mlflow.data.context", "training"}}, Dataset{"iris", "d1", "local", "/x", "{s}", "{p}"}};
  DatasetInput eval{{{"mlflow.data.context", "eval"}}, Dataset{"iris", "d2", "local", "/y", "", ""}};
  ASSERT_OK(store().LogInputs(a.info.run_id, {train, eval, train}));  // duplicate in one call: once
  ASSERT_OK(store().LogInputs(a.info.run_id, {train}));               // again: still once
  ASSERT_OK(store().LogInputs(b.info.run_id, {train}));
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(a.info.run_id));
  ASSERT_EQ(got.dataset_inputs.size(), 2u);
  EXPECT_EQ(got.dataset_inputs[0].dataset.digest, "d1");
  EXPECT_EQ(got.dataset_inputs[0].dataset.schema, "{s}");
  EXPECT_EQ(got.dataset_inputs[0].dataset.profile, "{p}");
  EXPECT_EQ(got.dataset_inputs[0].dataset.source, "/x");
  EXPECT_THAT(got.dataset_inputs[0].tags, ElementsAre(Tag{"mlflow.data.context", "training"}));
  EXPECT_EQ(got.dataset_inputs[1].dataset.digest, "d2");
  EXPECT_EQ(got.dataset_inputs[1].dataset.schema, "");

  ASSERT_OK_AND_ASSIGN(auto summaries, store().SearchDatasets({exp}));
  std::set<std::tuple<std::string, std::string, std::string, std::string>> rows;
  for (const auto& s : summaries) rows.emplace(s.experiment_id, s.name, s.digest, s.context);
  EXPECT_THAT(rows, ::testing::ElementsAre(std::make_tuple(exp, "iris", "d1", "training"),
                                           std::make_tuple(exp, "iris", "d2", "eval")));
  ASSERT_OK_AND_ASSIGN(auto none, store().SearchDatasets({"0"}));
  EXPECT_TRUE(none.empty());

  EXPECT_THAT(SearchIds({exp}, "datasets.digest = 'd2'"), ElementsAre(a.info.run_id));
  EXPECT_THAT(SearchIds({exp}, "dataset.context = 'training'", {"attributes.run_name ASC"}),
              ElementsAre(a.info.run_id, b.info.run_id));
  EXPECT_THAT(SearchIds({exp}, "datasets.name IN ('iris', 'cifar') AND datasets.context = 'eval'"),
              ElementsAre(a.info.run_id));
  EXPECT_TRUE(SearchIds({exp}, "datasets.name LIKE 'IRIS'").empty());
}

TEST_P(TrackingStoreContractTest, BulkIntervalSamplesStepsKeepingMinAndMax) {
  tracking::Run a = CreateRun("0", "a");
  tracking::Run b = CreateRun("0", "b");
  std::vector<Metric> points;
  for (int step = 0; step <= 100; ++step) points.push_back(M("loss", step * 0.5, 1000 + step, step));
  ASSERT_OK(store().LogBatch(a.info.run_id, points, {}, {}));
  ASSERT_OK(store().LogBatch(b.info.run_id, {M("loss", 1, 1, 3), M("loss", 2, 2, 57)}, {}, {}));

  BulkIntervalRequest request;
  request.run_ids = {a.info.run_id, b.info.run_id};
  request.metric_key = "loss";
  request.max_results = 10;
  ASSERT_OK_AND_ASSIGN(auto metrics, store().GetMetricHistoryBulkInterval(request));
  std::map<std::string, std::vector<int64_t>> steps;
  for (const Metric& m : metrics) {
    EXPECT_EQ(m.key, "loss");
    steps[m.run_id].push_back(m.step);
  }
  ASSERT_EQ(steps.size(), 2u);
  const auto& sa = steps[a.info.run_id];
  EXPECT_LE(sa.size(), 10u);
  EXPECT_GE(sa.size(), 5u);
  EXPECT_TRUE(std::is_sorted(sa.begin(), sa.end()));
  EXPECT_EQ(sa.front(), 0);
  EXPECT_EQ(sa.back(), 100);
  EXPECT_THAT(steps[b.info.run_id], ElementsAre(3, 57));  // b's min and max are kept

  request.start_step = 10;
  request.end_step = 20;
  request.max_results = 100;
  ASSERT_OK_AND_ASSIGN(auto ranged, store().GetMetricHistoryBulkInterval(request));
  int count_a = 0;
  for (const Metric& m : ranged) {
    EXPECT_GE(m.step, 10);
    EXPECT_LE(m.step, 20);
    if (m.run_id == a.info.run_id) ++count_a;
  }
  EXPECT_EQ(count_a, 11);

  request.start_step = 30;
  request.end_step = 20;
  EXPECT_CODE(store().GetMetricHistoryBulkInterval(request), StatusCode::kInvalidArgument);
  request.end_step.reset();
  EXPECT_CODE(store().GetMetricHistoryBulkInterval(request), StatusCode::kInvalidArgument);
  request.start_step.reset();
  request.run_ids = {"missing"};
  EXPECT_CODE(store().GetMetricHistoryBulkInterval(request), StatusCode::kNotFound);
}

// --------------------------------------------------------------------- search

class SearchRunsTest : public TrackingStoreContractTest {
 protected:
  void SetUp() override {
    TrackingStoreContractTest::SetUp();
    exp_ = CreateExperiment("search");
    // r1 oldest ... r4 newest.
    r1_ = CreateRun(exp_, "alpha", 100).info.run_id;
    r2_ = CreateRun(exp_, "Beta", 200).info.run_id;
    r3_ = CreateRun(exp_, "gamma", 300).info.run_id;
    r4_ = CreateRun(exp_, "delta", 400).info.run_id;
    ASSERT_OK(store().LogBatch(r1_, {M("acc", 0.9, 1), M("loss", 1, 1)}, {{"opt", "adam"}}, {{"team", "Vision"}}));
    ASSERT_OK(store().LogBatch(r2_, {M("acc", 0.4, 1)}, {{"opt", "sgd"}}, {{"team", "vision"}}));
    ASSERT_OK(store().LogBatch(r3_, {M("acc", std::nan(""), 1)}, {{"opt", "Adam"}}, {}));
    ASSERT_OK(store().LogBatch(r4_, {M("acc", std::numeric_limits<double>::infinity(), 1)}, {}, {{"team", "nlp"}}));
  }

  std::string exp_, r1_, r2_, r3_, r4_;
};

TEST_P(SearchRunsTest, DefaultOrderIsNewestFirst) {
  EXPECT_THAT(SearchIds({exp_}, ""), ElementsAre(r4_, r3_, r2_, r1_));
  EXPECT_TRUE(SearchIds({}, "").empty());
  EXPECT_TRUE(SearchIds({"999"}, "").empty());
}

TEST_P(SearchRunsTest, MetricFilters) {
  EXPECT_THAT(SearchIds({exp_}, "metrics.acc > 0.5"), ElementsAre(r4_, r1_));  // NaN never matches
  EXPECT_THAT(SearchIds({exp_}, "metrics.acc < 0.5"), ElementsAre(r2_));
  EXPECT_THAT(SearchIds({exp_}, "metrics.acc != 0.4"), ElementsAre(r4_, r1_));
  EXPECT_THAT(SearchIds({exp_}, "metric.acc = 0.9"), ElementsAre(r1_));
  EXPECT_THAT(SearchIds({exp_}, "metrics.acc >= 1e308"), ElementsAre(r4_));
  EXPECT_THAT(SearchIds({exp_}, "metrics.loss <= 1"), ElementsAre(r1_));  // only runs that have it
  EXPECT_THAT(SearchIds({exp_}, "metrics.acc > 0.1 AND metrics.acc < 0.95"), ElementsAre(r2_, r1_));
}

TEST_P(SearchRunsTest, ParamAndTagFilters) {
  EXPECT_THAT(SearchIds({exp_}, "params.opt = 'adam'"), ElementsAre(r1_));
  EXPECT_THAT(SearchIds({exp_}, "params.opt != 'adam'"), ElementsAre(r3_, r2_));  // r4 lacks the key
  EXPECT_THAT(SearchIds({exp_}, "params.opt LIKE 'a%'"), ElementsAre(r1_));       // case-sensitive
  EXPECT_THAT(SearchIds({exp_}, "params.opt ILIKE 'a%'"), ElementsAre(r3_, r1_));
  EXPECT_THAT(SearchIds({exp_}, "params.opt LIKE '_gd'"), ElementsAre(r2_));
  EXPECT_THAT(SearchIds({exp_}, "tags.team = 'vision'"), ElementsAre(r2_));
  EXPECT_THAT(SearchIds({exp_}, "tags.team ILIKE 'VISION'"), ElementsAre(r2_, r1_));
  EXPECT_THAT(SearchIds({exp_}, "tags.\"mlflow.runName\" = 'gamma'"), ElementsAre(r3_));
  EXPECT_THAT(SearchIds({exp_}, "params.opt = 'adam' AND tags.team = 'Vision'"), ElementsAre(r1_));
  // Glob metacharacters in LIKE patterns are literal.
  ASSERT_OK(store().SetTag(r4_, {"pattern", "a*b?[c]"}));
  EXPECT_THAT(SearchIds({exp_}, "tags.pattern LIKE 'a*b?[c]'"), ElementsAre(r4_));
  EXPECT_TRUE(SearchIds({exp_}, "tags.pattern LIKE 'aXbY[c]'").empty());
  // Keys are data, not SQL.
  EXPECT_TRUE(SearchIds({exp_}, "params.`x' OR 1=1 --` = 'a'").empty());
}

TEST_P(SearchRunsTest, AttributeFilters) {
  EXPECT_THAT(SearchIds({exp_}, "attributes.run_name = 'alpha'"), ElementsAre(r1_));
  EXPECT_THAT(SearchIds({exp_}, "run_name ILIKE 'b%'"), ElementsAre(r2_));
  EXPECT_THAT(SearchIds({exp_}, "attributes.start_time >= 300"), ElementsAre(r4_, r3_));
  EXPECT_THAT(SearchIds({exp_}, "attributes.status = 'RUNNING'"), ElementsAre(r4_, r3_, r2_, r1_));
  EXPECT_THAT(SearchIds({exp_}, "attributes.run_id IN ('" + r1_ + "', '" + r3_ + "')"), ElementsAre(r3_, r1_));
  EXPECT_THAT(SearchIds({exp_}, "attributes.run_id NOT IN ('" + r1_ + "')"), ElementsAre(r4_, r3_, r2_));
  UpdateRunRequest update;
  update.run_id = r2_;
  update.status = RunStatus::kFinished;
  update.end_time = 250;
  ASSERT_OK(store().UpdateRun(update));
  EXPECT_THAT(SearchIds({exp_}, "attributes.status = 'FINISHED'"), ElementsAre(r2_));
  EXPECT_THAT(SearchIds({exp_}, "attributes.end_time > 0"), ElementsAre(r2_));
}

TEST_P(SearchRunsTest, OrderByPutsMissingAndNanLast) {
  // acc: r1 0.9, r2 0.4, r3 NaN, r4 +Inf(DBL_MAX); loss: r1 only.
  EXPECT_THAT(SearchIds({exp_}, "", {"metrics.acc ASC"}), ElementsAre(r2_, r1_, r4_, r3_));
  EXPECT_THAT(SearchIds({exp_}, "", {"metrics.acc DESC"}), ElementsAre(r4_, r1_, r2_, r3_));
  EXPECT_THAT(SearchIds({exp_}, "", {"metrics.loss DESC"}), ElementsAre(r1_, r4_, r3_, r2_));
  EXPECT_THAT(SearchIds({exp_}, "", {"metrics.loss ASC"}), ElementsAre(r1_, r4_, r3_, r2_));
  EXPECT_THAT(SearchIds({exp_}, "", {"params.opt ASC"}), ElementsAre(r3_, r1_, r2_, r4_));
  EXPECT_THAT(SearchIds({exp_}, "", {"params.opt DESC"}), ElementsAre(r2_, r1_, r3_, r4_));
  EXPECT_THAT(SearchIds({exp_}, "", {"tags.team DESC"}), ElementsAre(r2_, r4_, r1_, r3_));
  EXPECT_THAT(SearchIds({exp_}, "", {"attributes.start_time ASC"}), ElementsAre(r1_, r2_, r3_, r4_));
  EXPECT_THAT(SearchIds({exp_}, "", {"attributes.run_name"}), ElementsAre(r2_, r1_, r4_, r3_));
  EXPECT_THAT(SearchIds({exp_}, "", {"attributes.end_time DESC"}), ElementsAre(r4_, r3_, r2_, r1_));
}

TEST_P(SearchRunsTest, TieBreakersAreStartTimeDescThenRunId) {
  std::vector<std::string> same;
  for (int i = 0; i < 3; ++i) same.push_back(CreateRun(exp_, "tie", 50).info.run_id);
  std::sort(same.begin(), same.end());
  auto ids = SearchIds({exp_}, "attributes.run_name = 'tie'", {"params.none ASC"});
  EXPECT_EQ(ids, same);
}

TEST_P(SearchRunsTest, PagingEmitsTokenWhenPageIsFull) {
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  for (;;) {
    Page<tracking::Run> page = Search({exp_}, "", {}, 2, ViewType::kActiveOnly, token);
    for (const tracking::Run& run : page.items) seen.push_back(run.info.run_id);
    ++pages;
    token = page.next_page_token;
    if (token.empty() || pages > 5) break;
  }
  // Two full pages and a final empty one, as MLflow's SQL store does.
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre(r4_, r3_, r2_, r1_));
  Page<tracking::Run> partial = Search({exp_}, "", {}, 3);
  EXPECT_EQ(partial.items.size(), 3u);
  EXPECT_EQ(partial.next_page_token, EncodePageToken(3));
  Page<tracking::Run> last = Search({exp_}, "", {}, 3, ViewType::kActiveOnly, partial.next_page_token);
  EXPECT_THAT(RunIds(last.items), ElementsAre(r1_));
  EXPECT_TRUE(last.next_page_token.empty());
}

TEST_P(SearchRunsTest, SearchLoadsRunData) {
  Page<tracking::Run> page = Search({exp_}, "params.opt = 'adam'");
  ASSERT_EQ(page.items.size(), 1u);
  const tracking::Run& run = page.items[0];
  EXPECT_EQ(run.info.run_name, "alpha");
  EXPECT_EQ(run.info.experiment_id, exp_);
  EXPECT_THAT(run.params, ElementsAre(Param{"opt", "adam"}));
  ASSERT_EQ(run.metrics.size(), 2u);
  EXPECT_EQ(FindMetric(run, "acc")->value, 0.9);
  EXPECT_EQ(TagValue(run.tags, "team"), "Vision");
}

TEST_P(SearchRunsTest, ViewTypesAndMultipleExperiments) {
  ASSERT_OK(store().DeleteRun(r2_));
  EXPECT_THAT(SearchIds({exp_}, ""), ElementsAre(r4_, r3_, r1_));
  EXPECT_THAT(RunIds(Search({exp_}, "", {}, 100, ViewType::kDeletedOnly).items), ElementsAre(r2_));
  EXPECT_EQ(Search({exp_}, "", {}, 100, ViewType::kAll).items.size(), 4u);
  std::string other = CreateExperiment("other");
  std::string r5 = CreateRun(other, "five", 500).info.run_id;
  EXPECT_THAT(SearchIds({exp_, other}, ""), ElementsAre(r5, r4_, r3_, r1_));
  EXPECT_THAT(SearchIds({other, "not-a-number"}, ""), ElementsAre(r5));
}

TEST_P(SearchRunsTest, InvalidSearchesAreInvalidArgument) {
  SearchRunsRequest request;
  request.experiment_ids = {exp_};
  for (const char* filter : {"metrics.acc > 'x'", "params.opt > 'a'", "bogus.x = 1", "metrics.acc >", "a = 1 OR b = 2"}) {
    SCOPED_TRACE(filter);
    request.filter = filter;
    EXPECT_CODE(store().SearchRuns(request), StatusCode::kInvalidArgument);
  }
  request.filter = "";
  request.order_by = {"metrics.acc", "metrics.acc DESC"};
  EXPECT_CODE(store().SearchRuns(request), StatusCode::kInvalidArgument);
  request.order_by = {};
  request.page_token = "!!";
  EXPECT_CODE(store().SearchRuns(request), StatusCode::kInvalidArgument);
}

// ------------------------------------------------------ concurrency & durability

TEST_P(TrackingStoreContractTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  std::vector<std::string> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(CreateRun("0").info.run_id);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string& run = runs[t % runs.size()];
      for (int i = 0; i < kPerThread; ++i) {
        if (!store().LogMetric(run, M("m" + std::to_string(t), i, i, i)).ok()) ++failures;
        if (i % 10 == 0) {
          if (!store().LogParam(run, {"p" + std::to_string(t) + "_" + std::to_string(i), "v"}).ok()) ++failures;
          // Every thread also tries to change one shared param: exactly one
          // value wins per run, the rest fail alone without hurting others.
          (void)store().LogParam(run, {"shared", std::to_string(t)});
          (void)store().GetRun(run);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    MetricHistoryRequest request;
    request.run_id = runs[t % runs.size()];
    request.metric_key = "m" + std::to_string(t);
    ASSERT_OK_AND_ASSIGN(auto history, store().GetMetricHistory(request));
    EXPECT_EQ(history.items.size(), static_cast<size_t>(kPerThread)) << "thread " << t;
  }
  for (const std::string& run : runs) {
    ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(run));
    EXPECT_EQ(got.metrics.size(), static_cast<size_t>(kThreads / runs.size()));
    EXPECT_EQ(got.params.size(), 1u + (kThreads / runs.size()) * (kPerThread / 10));
    for (const Metric& m : got.metrics) EXPECT_EQ(m.step, kPerThread - 1);
  }
}

TEST_P(TrackingStoreContractTest, ConcurrentExperimentCreationKeepsNamesUnique) {
  constexpr int kThreads = 8;
  std::atomic<int> created{0};
  std::atomic<int> duplicates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        CreateExperimentRequest request;
        request.name = "exp-" + std::to_string(i);  // every thread races for the same names
        auto id = store().CreateExperiment(request);
        if (id.ok()) {
          ++created;
        } else if (id.status().code() == StatusCode::kAlreadyExists) {
          ++duplicates;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(duplicates.load(), 20 * (kThreads - 1));
  SearchExperimentsRequest request;
  ASSERT_OK_AND_ASSIGN(auto page, store().SearchExperiments(request));
  EXPECT_EQ(page.items.size(), 21u);
}

// The tests that reopen the store: only for stores that keep data.
class DurableTrackingStoreContractTest : public TrackingStoreContractTest {};

// Only the environments whose store is persistent.
std::vector<StoreEnv> PersistentEnvs() {
  std::vector<StoreEnv> out;
  for (const StoreEnv& env : kStoreEnvs) {
    if (env.persistent) out.push_back(env);
  }
  return out;
}

TEST_P(DurableTrackingStoreContractTest, DataSurvivesReopen) {
  std::string exp = CreateExperiment("durable", {{"k", "v"}});
  tracking::Run run = CreateRun(exp, "kept");
  ASSERT_OK(store().LogBatch(run.info.run_id, {M("m", 1, 1), M("m", 2, 2, 1)}, {{"p", "v"}}, {{"t", "v"}}));
  ASSERT_OK(store().LogInputs(run.info.run_id, {DatasetInput{{}, Dataset{"d", "1", "local", "x", "", ""}}}));
  Reopen();
  ASSERT_OK_AND_ASSIGN(Experiment e, store().GetExperimentByName("durable"));
  EXPECT_EQ(e.experiment_id, exp);
  EXPECT_THAT(e.tags, ElementsAre(Tag{"k", "v"}));
  ASSERT_OK_AND_ASSIGN(tracking::Run got, store().GetRun(run.info.run_id));
  EXPECT_EQ(got.info.run_name, "kept");
  EXPECT_THAT(got.params, ElementsAre(Param{"p", "v"}));
  ASSERT_EQ(got.metrics.size(), 1u);
  EXPECT_EQ(got.metrics[0].value, 2);
  EXPECT_EQ(got.dataset_inputs.size(), 1u);
  // Ids continue after a reopen, and the Default experiment is not re-created.
  EXPECT_EQ(CreateExperiment("next"), std::to_string(std::stoi(exp) + 1));
  ASSERT_OK_AND_ASSIGN(Experiment def, store().GetExperiment("0"));
  EXPECT_EQ(def.name, "Default");
}

// "An acknowledged write is never lost": a child process logs metrics and
// reports each OK through a pipe; the parent SIGKILLs it mid-stream and
// checks every acknowledged point is there after reopening.
TEST_P(DurableTrackingStoreContractTest, AcknowledgedWritesSurviveSigkill) {
  const std::string run_id = CreateRun("0").info.run_id;
  store_.reset();
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto child_store = GetParam().open(dir_, &clock_);
    if (!child_store.ok()) _exit(2);
    for (int32_t i = 0;; ++i) {
      if (!(*child_store)->LogMetric(run_id, M("k", i, i, i)).ok()) _exit(3);
      if (write(fds[1], &i, sizeof(i)) != sizeof(i)) _exit(4);
    }
  }
  close(fds[1]);
  int32_t acknowledged = -1;
  int32_t value = 0;
  while (acknowledged < 300 && read(fds[0], &value, sizeof(value)) == sizeof(value)) acknowledged = value;
  kill(pid, SIGKILL);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
  while (read(fds[0], &value, sizeof(value)) == sizeof(value)) acknowledged = value;
  close(fds[0]);
  ASSERT_GE(acknowledged, 300);

  Reopen();
  MetricHistoryRequest request;
  request.run_id = run_id;
  request.metric_key = "k";
  ASSERT_OK_AND_ASSIGN(auto history, store().GetMetricHistory(request));
  EXPECT_GE(history.items.size(), static_cast<size_t>(acknowledged) + 1);
  for (size_t i = 0; i < history.items.size(); ++i) EXPECT_EQ(history.items[i].step, static_cast<int64_t>(i));
}

std::string EnvName(const ::testing::TestParamInfo<StoreEnv>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Stores, TrackingStoreContractTest, ::testing::ValuesIn(kStoreEnvs), EnvName);
INSTANTIATE_TEST_SUITE_P(Stores, DurableTrackingStoreContractTest, ::testing::ValuesIn(PersistentEnvs()), EnvName);
INSTANTIATE_TEST_SUITE_P(Stores, SearchRunsTest, ::testing::ValuesIn(kStoreEnvs), EnvName);

}  // namespace
}  // namespace cairn::tracking
