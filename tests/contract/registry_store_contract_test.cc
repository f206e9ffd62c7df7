// The RegistryStore contract (registry/registry_store.h), run against every
// implementation: the SQLite store on a file and in memory (sharing its
// database with the tracking store), and the PostgreSQL store (one schema
// per test) when CAIRN_TEST_POSTGRES_URI names a database — the
// `registry_store_contract_test_postgres` ctest entry runs the `*Postgres*`
// instances that way.
//
// Hermetic: temp directories, a FakeClock, no sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "registry/registry_store.h"
#include "store/postgres/pg_test_env.h"
#include "store/sqlite_store_factory.h"
#include "store/store_factory.h"
#include "tracking/page_token.h"
#include "tracking/tracking_store.h"

namespace cairn::registry {

// Found by argument-dependent lookup from gmock's matchers.
bool operator==(const Alias& a, const Alias& b) { return a.alias == b.alias && a.version == b.version; }

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr int64_t kT0 = 1'700'000'000'000;

// The stores one implementation provides: the registry under test, and a
// tracking store over the same data (logged models live in experiments).
struct Stores {
  std::unique_ptr<tracking::TrackingStore> tracking;
  std::unique_ptr<RegistryStore> registry;
};

// How to open one implementation. `dir` is a fresh temp directory per test;
// opening the same `dir` again must see the same data if `persistent`.
struct StoreEnv {
  std::string name;
  std::function<Result<Stores>(const std::string& dir, const Clock* clock)> open;
  bool persistent;
};

Result<Stores> OpenSqlite(const std::string& path, const Clock* clock) {
  store::SqliteStoreOptions options;
  options.path = path;
  options.default_artifact_root = "mlflow-artifacts:";
  options.clock = clock;
  CAIRN_ASSIGN_OR_RETURN(store::SqliteStores opened, store::OpenSqliteStores(options));
  return Stores{std::move(opened.tracking), std::move(opened.registry)};
}

// PostgreSQL: one schema per test on CAIRN_TEST_POSTGRES_URI's database.
Result<Stores> OpenPostgres(const std::string& dir, const Clock* clock) {
  store::StoreOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.uri, testing_support::PostgresSchemaUri(dir));
  options.default_artifact_root = "mlflow-artifacts:";
  options.clock = clock;
  CAIRN_ASSIGN_OR_RETURN(store::Stores opened, store::OpenStores(options));
  return Stores{std::move(opened.tracking), std::move(opened.registry)};
}

std::vector<StoreEnv> AllStoreEnvs() {
  std::vector<StoreEnv> envs = {
      {"SqliteFile",
       [](const std::string& dir, const Clock* clock) { return OpenSqlite(dir + "/db/registry.db", clock); }, true},
      {"SqliteMemory", [](const std::string&, const Clock* clock) { return OpenSqlite(":memory:", clock); }, false},
  };
  if (testing_support::PostgresTestUri()) envs.push_back({"Postgres", OpenPostgres, true});
  return envs;
}
const std::vector<StoreEnv> kStoreEnvs = AllStoreEnvs();

inline const Status& AsStatus(const Status& status) { return status; }
template <typename T>
Status AsStatus(const Result<T>& result) {
  return result.status();
}

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::cairn::Status s_ = AsStatus(expr);              \
    ASSERT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                     \
  do {                                                      \
    const ::cairn::Status s_ = AsStatus(expr);              \
    EXPECT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)
::testing::AssertionResult HasCode(const Status& status, StatusCode expected) {
  if (status.code() == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << status.ToString();
}
// Streams further context like any EXPECT_*.
#define EXPECT_CODE(expr, expected_code) EXPECT_TRUE(HasCode(AsStatus(expr), expected_code)) << #expr
#define CONTRACT_CONCAT_INNER(a, b) a##b
#define CONTRACT_CONCAT(a, b) CONTRACT_CONCAT_INNER(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                                           \
  auto CONTRACT_CONCAT(result_, __LINE__) = (expr);                               \
  ASSERT_TRUE(CONTRACT_CONCAT(result_, __LINE__).ok())                            \
      << #expr << ": " << CONTRACT_CONCAT(result_, __LINE__).status().ToString(); \
  lhs = std::move(CONTRACT_CONCAT(result_, __LINE__)).value()

const Actor kAlice{"alice"};
const Actor kBob{"bob"};

std::vector<std::string> Names(const std::vector<RegisteredModel>& models) {
  std::vector<std::string> names;
  for (const RegisteredModel& m : models) names.push_back(m.name);
  return names;
}

std::vector<int64_t> Versions(const std::vector<ModelVersion>& versions) {
  std::vector<int64_t> out;
  for (const ModelVersion& v : versions) out.push_back(v.version);
  return out;
}

std::vector<std::string> Actions(const std::vector<AuditEvent>& events) {
  std::vector<std::string> out;
  for (const AuditEvent& e : events) out.push_back(e.action);
  return out;
}

std::map<Stage, int64_t> LatestByStage(const std::vector<ModelVersion>& versions) {
  std::map<Stage, int64_t> out;
  for (const ModelVersion& v : versions) out[v.current_stage] = v.version;
  return out;
}

class RegistryStoreContractTest : public ::testing::TestWithParam<StoreEnv> {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-registry-contract-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Reopen();
  }
  void TearDown() override {
    stores_ = Stores{};
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Reopen() {
    stores_ = Stores{};
    auto opened = GetParam().open(dir_, &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    stores_ = std::move(opened).value();
  }

  RegistryStore& store() { return *stores_.registry; }
  tracking::TrackingStore& tracking() { return *stores_.tracking; }

  RegisteredModel CreateModel(const std::string& name, std::vector<Tag> tags = {}, const std::string& description = "",
                              const Actor& actor = kAlice) {
    auto model = store().CreateRegisteredModel(actor, name, tags, description);
    EXPECT_TRUE(model.ok()) << name << ": " << model.status().ToString();
    return model.ok() ? *model : RegisteredModel();
  }

  ModelVersion CreateVersion(const std::string& name, const std::string& source = "s3://bucket/model",
                             const std::string& run_id = "", std::vector<Tag> tags = {}) {
    CreateModelVersionRequest request;
    request.name = name;
    request.source = source;
    request.run_id = run_id;
    request.tags = std::move(tags);
    auto version = store().CreateModelVersion(kAlice, request);
    EXPECT_TRUE(version.ok()) << name << ": " << version.status().ToString();
    return version.ok() ? *version : ModelVersion();
  }

  Page<RegisteredModel> SearchModels(const std::string& filter, std::vector<std::string> order_by = {},
                                     int64_t max_results = 100, const std::string& token = "") {
    SearchRequest request;
    request.filter = filter;
    request.order_by = std::move(order_by);
    request.max_results = max_results;
    request.page_token = token;
    auto page = store().SearchRegisteredModels(request);
    EXPECT_TRUE(page.ok()) << filter << ": " << page.status().ToString();
    return page.ok() ? *page : Page<RegisteredModel>();
  }

  Page<ModelVersion> SearchVersions(const std::string& filter, std::vector<std::string> order_by = {},
                                    int64_t max_results = 10000, const std::string& token = "") {
    SearchRequest request;
    request.filter = filter;
    request.order_by = std::move(order_by);
    request.max_results = max_results;
    request.page_token = token;
    auto page = store().SearchModelVersions(request);
    EXPECT_TRUE(page.ok()) << filter << ": " << page.status().ToString();
    return page.ok() ? *page : Page<ModelVersion>();
  }

  std::string CreateExperiment(const std::string& name) {
    tracking::CreateExperimentRequest request;
    request.name = name;
    auto id = tracking().CreateExperiment(request);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  LoggedModel NewLoggedModel(const std::string& experiment_id, const std::string& name,
                             std::vector<Tag> params = {}, std::vector<Tag> tags = {},
                             const std::string& model_type = "") {
    LoggedModel model;
    model.experiment_id = experiment_id;
    model.name = name;
    model.params = std::move(params);
    model.tags = std::move(tags);
    model.model_type = model_type;
    auto created = store().CreateLoggedModel(kAlice, model);
    EXPECT_TRUE(created.ok()) << name << ": " << created.status().ToString();
    return created.ok() ? *created : LoggedModel();
  }

  std::string dir_;
  FakeClock clock_{kT0};
  Stores stores_;
};

// ----------------------------------------------------------- registered models

TEST_P(RegistryStoreContractTest, CreateAndGetRegisteredModel) {
  RegisteredModel created = CreateModel("fraud", {{"team", "risk"}, {"owner", "ana"}}, "detects fraud");
  EXPECT_EQ(created.name, "fraud");
  EXPECT_EQ(created.creation_timestamp, kT0);
  EXPECT_EQ(created.last_updated_timestamp, kT0);
  EXPECT_EQ(created.user_id, "alice");
  EXPECT_EQ(created.description, "detects fraud");
  EXPECT_THAT(created.tags, ElementsAre(Tag{"owner", "ana"}, Tag{"team", "risk"}));  // sorted by key
  EXPECT_THAT(created.latest_versions, IsEmpty());
  EXPECT_THAT(created.aliases, IsEmpty());

  clock_.Advance(5);
  ASSERT_OK_AND_ASSIGN(RegisteredModel got, store().GetRegisteredModel("fraud"));
  EXPECT_EQ(got.name, "fraud");
  EXPECT_EQ(got.creation_timestamp, kT0);
  EXPECT_EQ(got.description, "detects fraud");
  EXPECT_EQ(got.tags, created.tags);
}

TEST_P(RegistryStoreContractTest, CreateRegisteredModelDuplicateTagKeysKeepTheLast) {
  RegisteredModel created = CreateModel("m", {{"k", "first"}, {"k", "second"}});
  EXPECT_THAT(created.tags, ElementsAre(Tag{"k", "second"}));
}

TEST_P(RegistryStoreContractTest, RegisteredModelNamesAreUnique) {
  CreateModel("taken");
  auto dup = store().CreateRegisteredModel(kBob, "taken", {}, "");
  EXPECT_CODE(dup, StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "Registered Model (name=taken) already exists.");
  EXPECT_THAT(dup.status().message(), Not(HasSubstr("INSERT")));
  // Case-sensitive, and any text is a name.
  EXPECT_OK(store().CreateRegisteredModel(kBob, "TAKEN", {}, ""));
  EXPECT_OK(store().CreateRegisteredModel(kBob, "it's \"quoted\"; DROP TABLE registered_models; --", {}, ""));
  EXPECT_OK(store().CreateRegisteredModel(kBob, "modèle/模型 v2", {}, ""));
  EXPECT_OK(store().GetRegisteredModel("modèle/模型 v2"));
  EXPECT_OK(store().GetRegisteredModel("taken"));
}

TEST_P(RegistryStoreContractTest, UnknownRegisteredModel) {
  auto missing = store().GetRegisteredModel("nope");
  EXPECT_CODE(missing, StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Registered Model with name=nope not found");
  EXPECT_CODE(store().UpdateRegisteredModel(kAlice, "nope", "d"), StatusCode::kNotFound);
  EXPECT_CODE(store().RenameRegisteredModel(kAlice, "nope", "other"), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteRegisteredModel(kAlice, "nope"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetLatestVersions("nope", {}), StatusCode::kNotFound);
  EXPECT_CODE(store().SetRegisteredModelTag(kAlice, "nope", {"k", "v"}), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteRegisteredModelTag(kAlice, "nope", "k"), StatusCode::kNotFound);
  EXPECT_CODE(store().SetAlias(kAlice, "nope", "champion", 1), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteAlias(kAlice, "nope", "champion"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetVersionByAlias("nope", "champion"), StatusCode::kNotFound);
  CreateModelVersionRequest request;
  request.name = "nope";
  request.source = "s3://x";
  EXPECT_CODE(store().CreateModelVersion(kAlice, request), StatusCode::kNotFound);
  EXPECT_CODE(store().GetModelVersion("nope", 1), StatusCode::kNotFound);
  // Nothing was audited for failed calls.
  ASSERT_OK_AND_ASSIGN(auto events, store().ListAuditEvents("", 100));
  EXPECT_THAT(events, IsEmpty());
}

TEST_P(RegistryStoreContractTest, UpdateRegisteredModel) {
  CreateModel("m", {}, "old");
  clock_.Advance(10);
  ASSERT_OK_AND_ASSIGN(RegisteredModel updated, store().UpdateRegisteredModel(kBob, "m", "new"));
  EXPECT_EQ(updated.description, "new");
  EXPECT_EQ(updated.creation_timestamp, kT0);
  EXPECT_EQ(updated.last_updated_timestamp, kT0 + 10);
  ASSERT_OK_AND_ASSIGN(RegisteredModel got, store().GetRegisteredModel("m"));
  EXPECT_EQ(got.description, "new");
  ASSERT_OK_AND_ASSIGN(updated, store().UpdateRegisteredModel(kBob, "m", ""));
  EXPECT_EQ(updated.description, "");
}

TEST_P(RegistryStoreContractTest, RenameCarriesVersionsTagsAndAliases) {
  CreateModel("old", {{"team", "ml"}});
  CreateVersion("old", "s3://a", "", {{"vk", "vv"}});
  CreateVersion("old", "s3://b");
  CreateVersion("old", "s3://c");
  ASSERT_OK(store().DeleteModelVersion(kAlice, "old", 3));
  ASSERT_OK(store().SetAlias(kAlice, "old", "champion", 2));
  ASSERT_OK(store().TransitionStage(kAlice, "old", 1, Stage::kProduction, false));
  clock_.Advance(100);

  ASSERT_OK_AND_ASSIGN(RegisteredModel renamed, store().RenameRegisteredModel(kBob, "old", "new"));
  EXPECT_EQ(renamed.name, "new");
  EXPECT_EQ(renamed.last_updated_timestamp, kT0 + 100);
  EXPECT_THAT(renamed.tags, ElementsAre(Tag{"team", "ml"}));
  EXPECT_THAT(renamed.aliases, ElementsAre(Alias{"champion", 2}));
  EXPECT_EQ(LatestByStage(renamed.latest_versions), (std::map<Stage, int64_t>{{Stage::kNone, 2}, {Stage::kProduction, 1}}));

  EXPECT_CODE(store().GetRegisteredModel("old"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetModelVersion("old", 1), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(ModelVersion v1, store().GetModelVersion("new", 1));
  EXPECT_EQ(v1.name, "new");
  EXPECT_EQ(v1.source, "s3://a");
  EXPECT_THAT(v1.tags, ElementsAre(Tag{"vk", "vv"}));
  EXPECT_EQ(v1.last_updated_timestamp, kT0 + 100);
  ASSERT_OK_AND_ASSIGN(ModelVersion by_alias, store().GetVersionByAlias("new", "champion"));
  EXPECT_EQ(by_alias.version, 2);
  EXPECT_THAT(by_alias.aliases, ElementsAre("champion"));
  // The deleted version 3 moved too: numbering continues at 4.
  EXPECT_EQ(CreateVersion("new").version, 4);
  // The old name is free again and starts over.
  CreateModel("old");
  EXPECT_EQ(CreateVersion("old").version, 1);
}

TEST_P(RegistryStoreContractTest, RenameToTakenNameFails) {
  CreateModel("a");
  CreateModel("b");
  CreateVersion("a");
  auto renamed = store().RenameRegisteredModel(kAlice, "a", "b");
  EXPECT_CODE(renamed, StatusCode::kAlreadyExists);
  EXPECT_EQ(renamed.status().message(), "Registered Model (name=b) already exists.");
  EXPECT_OK(store().GetModelVersion("a", 1));  // nothing moved
  ASSERT_OK_AND_ASSIGN(RegisteredModel same, store().RenameRegisteredModel(kAlice, "a", "a"));
  EXPECT_EQ(same.name, "a");
}

TEST_P(RegistryStoreContractTest, DeleteRegisteredModelIsHard) {
  CreateModel("m", {{"k", "v"}});
  CreateVersion("m", "s3://x", "", {{"t", "1"}});
  CreateVersion("m");
  ASSERT_OK(store().SetAlias(kAlice, "m", "prod", 1));
  ASSERT_OK(store().DeleteRegisteredModel(kBob, "m"));
  EXPECT_CODE(store().GetRegisteredModel("m"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetModelVersion("m", 1), StatusCode::kNotFound);
  EXPECT_THAT(SearchVersions("name = 'm'").items, IsEmpty());
  EXPECT_CODE(store().DeleteRegisteredModel(kBob, "m"), StatusCode::kNotFound);
  // Re-creating starts from scratch: no tags, aliases, or taken numbers.
  RegisteredModel again = CreateModel("m");
  EXPECT_THAT(again.tags, IsEmpty());
  EXPECT_THAT(again.aliases, IsEmpty());
  EXPECT_EQ(CreateVersion("m").version, 1);
  EXPECT_THAT(CreateVersion("m").tags, IsEmpty());
}

TEST_P(RegistryStoreContractTest, RegisteredModelTags) {
  CreateModel("m");
  ASSERT_OK(store().SetRegisteredModelTag(kAlice, "m", {"b", "1"}));
  ASSERT_OK(store().SetRegisteredModelTag(kAlice, "m", {"a", "2"}));
  ASSERT_OK(store().SetRegisteredModelTag(kAlice, "m", {"b", "3"}));  // upsert
  ASSERT_OK_AND_ASSIGN(RegisteredModel got, store().GetRegisteredModel("m"));
  EXPECT_THAT(got.tags, ElementsAre(Tag{"a", "2"}, Tag{"b", "3"}));
  ASSERT_OK(store().DeleteRegisteredModelTag(kAlice, "m", "b"));
  EXPECT_CODE(store().DeleteRegisteredModelTag(kAlice, "m", "b"), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteRegisteredModelTag(kAlice, "m", "never"), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(got, store().GetRegisteredModel("m"));
  EXPECT_THAT(got.tags, ElementsAre(Tag{"a", "2"}));
  std::string big(100000, 'x');
  ASSERT_OK(store().SetRegisteredModelTag(kAlice, "m", {"big", big}));
  ASSERT_OK_AND_ASSIGN(got, store().GetRegisteredModel("m"));
  EXPECT_EQ(got.tags.back().value, big);
}

// -------------------------------------------------------------- model versions

TEST_P(RegistryStoreContractTest, CreateModelVersionFields) {
  CreateModel("m");
  clock_.Advance(7);
  CreateModelVersionRequest request;
  request.name = "m";
  request.source = "runs:/abc123/model";
  request.run_id = "abc123";
  request.run_link = "http://link";
  request.description = "first";
  request.tags = {{"z", "1"}, {"a", "2"}};
  request.model_id = "m-0123456789abcdef0123456789abcdef";
  ASSERT_OK_AND_ASSIGN(ModelVersion v, store().CreateModelVersion(kBob, request));
  EXPECT_EQ(v.name, "m");
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(v.creation_timestamp, kT0 + 7);
  EXPECT_EQ(v.last_updated_timestamp, kT0 + 7);
  EXPECT_EQ(v.user_id, "bob");
  EXPECT_EQ(v.current_stage, Stage::kNone);
  EXPECT_EQ(v.description, "first");
  EXPECT_EQ(v.source, "runs:/abc123/model");
  EXPECT_EQ(v.storage_location, "runs:/abc123/model");  // defaults to the source
  EXPECT_EQ(v.run_id, "abc123");
  EXPECT_EQ(v.status, ModelVersionStatus::kReady);
  EXPECT_EQ(v.run_link, "http://link");
  EXPECT_EQ(v.model_id, "m-0123456789abcdef0123456789abcdef");
  EXPECT_THAT(v.tags, ElementsAre(Tag{"a", "2"}, Tag{"z", "1"}));
  EXPECT_THAT(v.aliases, IsEmpty());

  ASSERT_OK_AND_ASSIGN(ModelVersion got, store().GetModelVersion("m", 1));
  EXPECT_EQ(got.source, v.source);
  EXPECT_EQ(got.tags, v.tags);
  // Creating a version updates the model.
  ASSERT_OK_AND_ASSIGN(RegisteredModel model, store().GetRegisteredModel("m"));
  EXPECT_EQ(model.last_updated_timestamp, kT0 + 7);
  ASSERT_EQ(model.latest_versions.size(), 1u);
  EXPECT_EQ(model.latest_versions[0].version, 1);
  EXPECT_THAT(model.latest_versions[0].tags, ElementsAre(Tag{"a", "2"}, Tag{"z", "1"}));

  request.storage_location = "mlflow-artifacts:/copy";
  ASSERT_OK_AND_ASSIGN(ModelVersion v2, store().CreateModelVersion(kBob, request));
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.storage_location, "mlflow-artifacts:/copy");
  EXPECT_EQ(v2.source, "runs:/abc123/model");
}

TEST_P(RegistryStoreContractTest, VersionNumbersAreNeverReused) {
  CreateModel("m");
  EXPECT_EQ(CreateVersion("m").version, 1);
  EXPECT_EQ(CreateVersion("m").version, 2);
  EXPECT_EQ(CreateVersion("m").version, 3);
  ASSERT_OK(store().DeleteModelVersion(kAlice, "m", 3));
  EXPECT_EQ(CreateVersion("m").version, 4);
  ASSERT_OK(store().DeleteModelVersion(kAlice, "m", 1));
  ASSERT_OK(store().DeleteModelVersion(kAlice, "m", 4));
  EXPECT_EQ(CreateVersion("m").version, 5);
  EXPECT_EQ(Versions(SearchVersions("name = 'm'", {"version_number ASC"}).items), (std::vector<int64_t>{2, 5}));
  // Numbering is per model.
  CreateModel("other");
  EXPECT_EQ(CreateVersion("other").version, 1);
}

TEST_P(RegistryStoreContractTest, UpdateModelVersion) {
  CreateModel("m");
  CreateVersion("m");
  clock_.Advance(3);
  ASSERT_OK_AND_ASSIGN(ModelVersion updated, store().UpdateModelVersion(kBob, "m", 1, "better"));
  EXPECT_EQ(updated.description, "better");
  EXPECT_EQ(updated.last_updated_timestamp, kT0 + 3);
  EXPECT_EQ(updated.creation_timestamp, kT0);
  EXPECT_CODE(store().UpdateModelVersion(kBob, "m", 2, "x"), StatusCode::kNotFound);
  auto missing = store().GetModelVersion("m", 9);
  EXPECT_CODE(missing, StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "Model Version (name=m, version=9) not found");
}

TEST_P(RegistryStoreContractTest, DeleteModelVersionIsSoftAndInvisible) {
  CreateModel("m");
  CreateVersion("m", "s3://secret/path", "run1", {{"k", "v"}});
  CreateVersion("m", "s3://two");
  ASSERT_OK(store().SetAlias(kAlice, "m", "champion", 1));
  ASSERT_OK(store().SetAlias(kAlice, "m", "backup", 1));
  ASSERT_OK(store().SetAlias(kAlice, "m", "other", 2));
  ASSERT_OK(store().TransitionStage(kAlice, "m", 1, Stage::kProduction, false));
  clock_.Advance(50);

  ASSERT_OK(store().DeleteModelVersion(kBob, "m", 1));
  EXPECT_CODE(store().GetModelVersion("m", 1), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteModelVersion(kBob, "m", 1), StatusCode::kNotFound);
  EXPECT_CODE(store().UpdateModelVersion(kBob, "m", 1, "x"), StatusCode::kNotFound);
  EXPECT_CODE(store().TransitionStage(kBob, "m", 1, Stage::kStaging, false), StatusCode::kNotFound);
  EXPECT_CODE(store().SetModelVersionTag(kBob, "m", 1, {"a", "b"}), StatusCode::kNotFound);
  EXPECT_CODE(store().SetAlias(kBob, "m", "champion", 1), StatusCode::kNotFound);
  // Its aliases went with it; other versions' aliases stay.
  EXPECT_CODE(store().GetVersionByAlias("m", "champion"), StatusCode::kNotFound);
  EXPECT_CODE(store().GetVersionByAlias("m", "backup"), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(RegisteredModel model, store().GetRegisteredModel("m"));
  EXPECT_THAT(model.aliases, ElementsAre(Alias{"other", 2}));
  EXPECT_EQ(model.last_updated_timestamp, kT0 + 50);
  // Invisible to latest_versions and searches.
  EXPECT_EQ(LatestByStage(model.latest_versions), (std::map<Stage, int64_t>{{Stage::kNone, 2}}));
  EXPECT_EQ(Versions(SearchVersions("").items), (std::vector<int64_t>{2}));
  EXPECT_THAT(SearchVersions("run_id = 'run1'").items, IsEmpty());
  EXPECT_THAT(SearchVersions("source_path LIKE '%secret%'").items, IsEmpty());
  EXPECT_THAT(SearchVersions("tags.k = 'v'").items, IsEmpty());
  ASSERT_OK_AND_ASSIGN(auto latest, store().GetLatestVersions("m", {Stage::kProduction}));
  EXPECT_THAT(latest, IsEmpty());
}

TEST_P(RegistryStoreContractTest, ModelVersionTags) {
  CreateModel("m");
  CreateVersion("m");
  ASSERT_OK(store().SetModelVersionTag(kAlice, "m", 1, {"b", "1"}));
  ASSERT_OK(store().SetModelVersionTag(kAlice, "m", 1, {"a", "1"}));
  ASSERT_OK(store().SetModelVersionTag(kAlice, "m", 1, {"b", "2"}));
  ASSERT_OK_AND_ASSIGN(ModelVersion v, store().GetModelVersion("m", 1));
  EXPECT_THAT(v.tags, ElementsAre(Tag{"a", "1"}, Tag{"b", "2"}));
  ASSERT_OK(store().DeleteModelVersionTag(kAlice, "m", 1, "a"));
  EXPECT_CODE(store().DeleteModelVersionTag(kAlice, "m", 1, "a"), StatusCode::kNotFound);
  EXPECT_CODE(store().SetModelVersionTag(kAlice, "m", 2, {"a", "1"}), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteModelVersionTag(kAlice, "m", 2, "b"), StatusCode::kNotFound);
  EXPECT_CODE(store().SetModelVersionTag(kAlice, "nope", 1, {"a", "1"}), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(v, store().GetModelVersion("m", 1));
  EXPECT_THAT(v.tags, ElementsAre(Tag{"b", "2"}));
}

// ---------------------------------------------------------------------- aliases

TEST_P(RegistryStoreContractTest, AliasesPointMoveAndShowOnVersionsAndModels) {
  CreateModel("m");
  CreateVersion("m");
  CreateVersion("m");
  ASSERT_OK(store().SetAlias(kAlice, "m", "champion", 1));
  ASSERT_OK(store().SetAlias(kAlice, "m", "challenger", 2));
  ASSERT_OK(store().SetAlias(kAlice, "m", "also-one", 1));

  ASSERT_OK_AND_ASSIGN(ModelVersion v1, store().GetVersionByAlias("m", "champion"));
  EXPECT_EQ(v1.version, 1);
  EXPECT_THAT(v1.aliases, ElementsAre("also-one", "champion"));
  ASSERT_OK_AND_ASSIGN(RegisteredModel model, store().GetRegisteredModel("m"));
  EXPECT_THAT(model.aliases, ElementsAre(Alias{"also-one", 1}, Alias{"challenger", 2}, Alias{"champion", 1}));
  ASSERT_EQ(model.latest_versions.size(), 1u);
  EXPECT_THAT(model.latest_versions[0].aliases, ElementsAre("challenger"));

  // Re-pointing moves the alias.
  ASSERT_OK(store().SetAlias(kBob, "m", "champion", 2));
  ASSERT_OK_AND_ASSIGN(ModelVersion moved, store().GetVersionByAlias("m", "champion"));
  EXPECT_EQ(moved.version, 2);
  EXPECT_THAT(moved.aliases, ElementsAre("challenger", "champion"));
  ASSERT_OK_AND_ASSIGN(ModelVersion v1_again, store().GetModelVersion("m", 1));
  EXPECT_THAT(v1_again.aliases, ElementsAre("also-one"));
  // Setting the same alias again is fine.
  ASSERT_OK(store().SetAlias(kBob, "m", "champion", 2));

  ASSERT_OK(store().DeleteAlias(kBob, "m", "champion"));
  EXPECT_CODE(store().GetVersionByAlias("m", "champion"), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteAlias(kBob, "m", "champion"), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(model, store().GetRegisteredModel("m"));
  EXPECT_THAT(model.aliases, ElementsAre(Alias{"also-one", 1}, Alias{"challenger", 2}));
  // Aliases are per model.
  CreateModel("other");
  EXPECT_CODE(store().GetVersionByAlias("other", "challenger"), StatusCode::kNotFound);
}

TEST_P(RegistryStoreContractTest, AliasErrors) {
  CreateModel("m");
  CreateVersion("m");
  EXPECT_CODE(store().SetAlias(kAlice, "m", "champion", 2), StatusCode::kNotFound);
  const std::string too_long(256, 'a');
  for (const std::string& bad : {std::string("latest"), std::string("Latest"), std::string("v1"), std::string("V12"),
                                 std::string(""), std::string("has space"), std::string("a.b"), too_long}) {
    EXPECT_CODE(store().SetAlias(kAlice, "m", bad, 1), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_CODE(store().GetVersionByAlias("m", "latest"), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().DeleteAlias(kAlice, "m", "v3"), StatusCode::kInvalidArgument);
  auto missing = store().GetVersionByAlias("m", "ghost");
  EXPECT_CODE(missing, StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("ghost"));
}

// ----------------------------------------------------------------------- stages

TEST_P(RegistryStoreContractTest, TransitionStagesWithAndWithoutArchiving) {
  CreateModel("m");
  for (int i = 0; i < 4; ++i) CreateVersion("m");
  clock_.Advance(1);
  ASSERT_OK_AND_ASSIGN(ModelVersion v1, store().TransitionStage(kAlice, "m", 1, Stage::kProduction, false));
  EXPECT_EQ(v1.current_stage, Stage::kProduction);
  EXPECT_EQ(v1.last_updated_timestamp, kT0 + 1);
  ASSERT_OK(store().TransitionStage(kAlice, "m", 2, Stage::kProduction, false));
  ASSERT_OK(store().TransitionStage(kAlice, "m", 3, Stage::kStaging, false));
  // Without archiving both stay in Production; the latest per stage wins.
  ASSERT_OK_AND_ASSIGN(RegisteredModel model, store().GetRegisteredModel("m"));
  EXPECT_EQ(LatestByStage(model.latest_versions),
            (std::map<Stage, int64_t>{{Stage::kNone, 4}, {Stage::kStaging, 3}, {Stage::kProduction, 2}}));
  // latest_versions come in stage order.
  ASSERT_EQ(model.latest_versions.size(), 3u);
  EXPECT_EQ(model.latest_versions[0].current_stage, Stage::kNone);
  EXPECT_EQ(model.latest_versions[1].current_stage, Stage::kStaging);
  EXPECT_EQ(model.latest_versions[2].current_stage, Stage::kProduction);
  EXPECT_EQ(model.last_updated_timestamp, kT0 + 1);

  clock_.Advance(1);
  ASSERT_OK_AND_ASSIGN(ModelVersion v4, store().TransitionStage(kBob, "m", 4, Stage::kProduction, true));
  EXPECT_EQ(v4.current_stage, Stage::kProduction);
  ASSERT_OK_AND_ASSIGN(ModelVersion archived1, store().GetModelVersion("m", 1));
  EXPECT_EQ(archived1.current_stage, Stage::kArchived);
  EXPECT_EQ(archived1.last_updated_timestamp, kT0 + 2);
  ASSERT_OK_AND_ASSIGN(ModelVersion archived2, store().GetModelVersion("m", 2));
  EXPECT_EQ(archived2.current_stage, Stage::kArchived);
  ASSERT_OK_AND_ASSIGN(ModelVersion staging, store().GetModelVersion("m", 3));
  EXPECT_EQ(staging.current_stage, Stage::kStaging);  // other stages untouched

  ASSERT_OK_AND_ASSIGN(auto latest, store().GetLatestVersions("m", {}));
  EXPECT_EQ(LatestByStage(latest),
            (std::map<Stage, int64_t>{{Stage::kStaging, 3}, {Stage::kProduction, 4}, {Stage::kArchived, 2}}));
  ASSERT_OK_AND_ASSIGN(latest, store().GetLatestVersions("m", {Stage::kProduction, Stage::kArchived}));
  EXPECT_EQ(LatestByStage(latest), (std::map<Stage, int64_t>{{Stage::kProduction, 4}, {Stage::kArchived, 2}}));
  ASSERT_OK_AND_ASSIGN(latest, store().GetLatestVersions("m", {Stage::kNone}));
  EXPECT_THAT(latest, IsEmpty());

  // Back to None is allowed; archiving needs an active stage.
  ASSERT_OK(store().TransitionStage(kBob, "m", 4, Stage::kNone, false));
  EXPECT_CODE(store().TransitionStage(kBob, "m", 4, Stage::kArchived, true), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().TransitionStage(kBob, "m", 4, Stage::kNone, true), StatusCode::kInvalidArgument);
  EXPECT_CODE(store().TransitionStage(kBob, "m", 99, Stage::kStaging, false), StatusCode::kNotFound);
}

// ---------------------------------------------------------------- model search

TEST_P(RegistryStoreContractTest, SearchRegisteredModelsFilters) {
  CreateModel("model-1", {{"team", "a"}});
  CreateModel("model-10", {{"team", "b"}});
  CreateModel("model-2", {{"team", "a"}, {"env", "prod"}});
  CreateModel("Model-3");
  CreateModel("other");
  EXPECT_THAT(Names(SearchModels("").items), ElementsAre("Model-3", "model-1", "model-10", "model-2", "other"));
  EXPECT_THAT(Names(SearchModels("name LIKE 'model-1%'").items), ElementsAre("model-1", "model-10"));
  EXPECT_THAT(Names(SearchModels("name LIKE 'model-_'").items), ElementsAre("model-1", "model-2"));
  EXPECT_THAT(Names(SearchModels("name ILIKE 'MODEL-%'").items),
              ElementsAre("Model-3", "model-1", "model-10", "model-2"));
  EXPECT_THAT(Names(SearchModels("name = 'other'").items), ElementsAre("other"));
  EXPECT_THAT(Names(SearchModels("name != 'other'").items), ElementsAre("Model-3", "model-1", "model-10", "model-2"));
  EXPECT_THAT(Names(SearchModels("tags.team = 'a'").items), ElementsAre("model-1", "model-2"));
  EXPECT_THAT(Names(SearchModels("tags.team != 'a'").items), ElementsAre("model-10"));  // needs the key
  EXPECT_THAT(Names(SearchModels("tags.team = 'a' AND tags.env = 'prod'").items), ElementsAre("model-2"));
  EXPECT_THAT(Names(SearchModels("name LIKE 'model%' AND tags.team LIKE '%'").items),
              ElementsAre("model-1", "model-10", "model-2"));
  EXPECT_THAT(SearchModels("tags.missing = 'x'").items, IsEmpty());
  // Quotes and wildcards in values are data.
  CreateModel("it's 100%_done");
  EXPECT_THAT(Names(SearchModels("name = 'it''s 100%_done'").items), ElementsAre("it's 100%_done"));
  EXPECT_THAT(Names(SearchModels("name LIKE '%*%'").items), IsEmpty());
  EXPECT_THAT(Names(SearchModels("name LIKE '%[%'").items), IsEmpty());
}

TEST_P(RegistryStoreContractTest, SearchRegisteredModelsOrderBy) {
  CreateModel("b");
  clock_.Advance(1);
  CreateModel("c");
  clock_.Advance(1);
  CreateModel("a");
  clock_.Advance(1);
  ASSERT_OK(store().UpdateRegisteredModel(kAlice, "b", "touched"));
  EXPECT_THAT(Names(SearchModels("", {"name DESC"}).items), ElementsAre("c", "b", "a"));
  EXPECT_THAT(Names(SearchModels("", {"creation_timestamp ASC"}).items), ElementsAre("b", "c", "a"));
  EXPECT_THAT(Names(SearchModels("", {"last_updated_timestamp DESC"}).items), ElementsAre("b", "a", "c"));
  EXPECT_THAT(Names(SearchModels("", {"timestamp DESC"}).items), ElementsAre("b", "a", "c"));
}

TEST_P(RegistryStoreContractTest, SearchRegisteredModelsLoadsChildren) {
  CreateModel("m", {{"k", "v"}});
  CreateVersion("m", "s3://1", "", {{"vt", "1"}});
  CreateVersion("m", "s3://2");
  ASSERT_OK(store().TransitionStage(kAlice, "m", 1, Stage::kStaging, false));
  ASSERT_OK(store().SetAlias(kAlice, "m", "prod", 1));
  CreateModel("empty");
  Page<RegisteredModel> page = SearchModels("");
  ASSERT_EQ(page.items.size(), 2u);
  const RegisteredModel& empty = page.items[0];
  EXPECT_EQ(empty.name, "empty");
  EXPECT_THAT(empty.latest_versions, IsEmpty());
  const RegisteredModel& m = page.items[1];
  EXPECT_THAT(m.tags, ElementsAre(Tag{"k", "v"}));
  EXPECT_THAT(m.aliases, ElementsAre(Alias{"prod", 1}));
  EXPECT_EQ(LatestByStage(m.latest_versions), (std::map<Stage, int64_t>{{Stage::kNone, 2}, {Stage::kStaging, 1}}));
  for (const ModelVersion& v : m.latest_versions) {
    if (v.version == 1) {
      EXPECT_THAT(v.tags, ElementsAre(Tag{"vt", "1"}));
      EXPECT_THAT(v.aliases, ElementsAre("prod"));
    }
  }
}

TEST_P(RegistryStoreContractTest, SearchRegisteredModelsPagination) {
  for (int i = 0; i < 7; ++i) CreateModel("m" + std::to_string(i));
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    Page<RegisteredModel> page = SearchModels("", {}, 3, token);
    for (const auto& name : Names(page.items)) seen.push_back(name);
    token = page.next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("m0", "m1", "m2", "m3", "m4", "m5", "m6"));
  // A token only when more exist: an exactly full last page has none.
  EXPECT_TRUE(SearchModels("", {}, 7).next_page_token.empty());
  EXPECT_FALSE(SearchModels("", {}, 6).next_page_token.empty());
  EXPECT_TRUE(SearchModels("", {}, 1000).next_page_token.empty());
  // Filtered paging.
  Page<RegisteredModel> first = SearchModels("name LIKE 'm%'", {"name DESC"}, 4);
  EXPECT_THAT(Names(first.items), ElementsAre("m6", "m5", "m4", "m3"));
  Page<RegisteredModel> second = SearchModels("name LIKE 'm%'", {"name DESC"}, 4, first.next_page_token);
  EXPECT_THAT(Names(second.items), ElementsAre("m2", "m1", "m0"));
  EXPECT_TRUE(second.next_page_token.empty());
}

TEST_P(RegistryStoreContractTest, SearchRegisteredModelsRejectsBadInput) {
  SearchRequest request;
  request.max_results = 0;
  EXPECT_CODE(store().SearchRegisteredModels(request), StatusCode::kInvalidArgument);
  request.max_results = 1001;
  EXPECT_CODE(store().SearchRegisteredModels(request), StatusCode::kInvalidArgument);
  request.max_results = 1000;
  EXPECT_OK(store().SearchRegisteredModels(request));
  request.page_token = "not-a-token";
  EXPECT_CODE(store().SearchRegisteredModels(request), StatusCode::kInvalidArgument);
  request.page_token = "";
  for (const char* filter : {"version_number = 1", "name = 'a' OR name = 'b'", "name > 'a'", "metrics.x > 1",
                             "name = 'a'; DROP TABLE registered_models", "name IN ('a')", "("}) {
    request.filter = filter;
    EXPECT_CODE(store().SearchRegisteredModels(request), StatusCode::kInvalidArgument) << filter;
  }
  request.filter = "";
  for (auto order_by : std::vector<std::vector<std::string>>{
           {"run_id"}, {"name", "name"}, {"timestamp", "last_updated_timestamp"}, {"tags.k"}, {"name UP"}}) {
    request.order_by = order_by;
    EXPECT_CODE(store().SearchRegisteredModels(request), StatusCode::kInvalidArgument) << order_by[0];
  }
  CreateModel("survivor");
  EXPECT_OK(store().GetRegisteredModel("survivor"));
}

TEST_P(RegistryStoreContractTest, PromptsAreLeftOutUnlessAskedFor) {
  CreateModel("model");
  CreateModel("prompt", {{"mlflow.prompt.is_prompt", "true"}});
  CreateVersion("model");
  CreateVersion("prompt", "s3://p", "", {{"mlflow.prompt.is_prompt", "true"}});
  EXPECT_THAT(Names(SearchModels("").items), ElementsAre("model"));
  EXPECT_THAT(Names(SearchModels("tags.`mlflow.prompt.is_prompt` = 'true'").items), ElementsAre("prompt"));
  EXPECT_THAT(Names(SearchModels("tags.`mlflow.prompt.is_prompt` != 'false'").items), ElementsAre("prompt"));
  EXPECT_THAT(Names(SearchModels("tags.`mlflow.prompt.is_prompt` = 'false'").items), ElementsAre("model"));
  EXPECT_THAT(Names(SearchModels("tags.`mlflow.prompt.is_prompt` != 'true'").items), ElementsAre("model"));
  std::vector<std::string> version_models;
  for (const ModelVersion& v : SearchVersions("").items) version_models.push_back(v.name);
  EXPECT_THAT(version_models, ElementsAre("model"));
  EXPECT_EQ(SearchVersions("tags.`mlflow.prompt.is_prompt` = 'true'").items.size(), 1u);
  // Direct lookups are unaffected.
  EXPECT_OK(store().GetRegisteredModel("prompt"));
}

// -------------------------------------------------------------- version search

TEST_P(RegistryStoreContractTest, SearchModelVersionsFilters) {
  CreateModel("a");
  CreateModel("b");
  CreateVersion("a", "s3://bucket/a1", "run-1", {{"stage", "dev"}});
  CreateVersion("a", "s3://bucket/a2", "run-2");
  CreateVersion("a", "gs://other/a3", "run-1", {{"stage", "prod"}});
  CreateVersion("b", "s3://bucket/b1", "run-3");
  auto keys = [](const Page<ModelVersion>& page) {
    std::vector<std::string> out;
    for (const ModelVersion& v : page.items) out.push_back(v.name + "/" + std::to_string(v.version));
    return out;
  };
  const std::vector<std::string> by_name = {"name ASC", "version_number ASC"};
  EXPECT_THAT(keys(SearchVersions("name = 'a'", by_name)), ElementsAre("a/1", "a/2", "a/3"));
  EXPECT_THAT(keys(SearchVersions("run_id = 'run-1'", by_name)), ElementsAre("a/1", "a/3"));
  EXPECT_THAT(keys(SearchVersions("run_id IN ('run-2', 'run-3')", by_name)), ElementsAre("a/2", "b/1"));
  EXPECT_THAT(keys(SearchVersions("run_id NOT IN ('run-1')", by_name)), ElementsAre("a/2", "b/1"));
  EXPECT_THAT(keys(SearchVersions("run_id != 'run-1'", by_name)), ElementsAre("a/2", "b/1"));
  EXPECT_THAT(keys(SearchVersions("version_number > 1", by_name)), ElementsAre("a/2", "a/3"));
  EXPECT_THAT(keys(SearchVersions("version_number = 1", by_name)), ElementsAre("a/1", "b/1"));
  EXPECT_THAT(keys(SearchVersions("name = 'a' AND version_number <= 2", by_name)), ElementsAre("a/1", "a/2"));
  EXPECT_THAT(keys(SearchVersions("source_path LIKE 's3://bucket/%'", by_name)), ElementsAre("a/1", "a/2", "b/1"));
  EXPECT_THAT(keys(SearchVersions("source_path = 'gs://other/a3'", by_name)), ElementsAre("a/3"));
  EXPECT_THAT(keys(SearchVersions("source_path ILIKE 'S3://BUCKET/B%'", by_name)), ElementsAre("b/1"));
  EXPECT_THAT(keys(SearchVersions("tags.stage = 'prod'", by_name)), ElementsAre("a/3"));
  EXPECT_THAT(keys(SearchVersions("tags.stage LIKE '%'", by_name)), ElementsAre("a/1", "a/3"));
  EXPECT_THAT(keys(SearchVersions("name LIKE 'a' AND run_id = 'run-1' AND tags.stage = 'dev'", by_name)),
              ElementsAre("a/1"));
  // Results carry their tags and aliases.
  ASSERT_OK(store().SetAlias(kAlice, "a", "best", 3));
  Page<ModelVersion> page = SearchVersions("name = 'a' AND version_number = 3");
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_THAT(page.items[0].tags, ElementsAre(Tag{"stage", "prod"}));
  EXPECT_THAT(page.items[0].aliases, ElementsAre("best"));
  EXPECT_EQ(page.items[0].source, "gs://other/a3");
}

TEST_P(RegistryStoreContractTest, SearchModelVersionsOrderAndPagination) {
  CreateModel("a");
  CreateModel("b");
  CreateVersion("b");  // t0
  clock_.Advance(1);
  CreateVersion("a");  // t0+1
  clock_.Advance(1);
  CreateVersion("a");  // t0+2
  clock_.Advance(1);
  CreateVersion("b");  // t0+3
  auto keys = [](const std::vector<ModelVersion>& versions) {
    std::vector<std::string> out;
    for (const ModelVersion& v : versions) out.push_back(v.name + "/" + std::to_string(v.version));
    return out;
  };
  // Default: last_updated DESC, name ASC, version DESC.
  EXPECT_THAT(keys(SearchVersions("").items), ElementsAre("b/2", "a/2", "a/1", "b/1"));
  EXPECT_THAT(keys(SearchVersions("", {"name"}).items), ElementsAre("a/2", "a/1", "b/2", "b/1"));
  EXPECT_THAT(keys(SearchVersions("", {"version_number ASC"}).items), ElementsAre("a/1", "b/1", "a/2", "b/2"));
  EXPECT_THAT(keys(SearchVersions("", {"creation_timestamp ASC"}).items), ElementsAre("b/1", "a/1", "a/2", "b/2"));

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    Page<ModelVersion> page = SearchVersions("", {"name", "version_number"}, 3, token);
    for (const auto& key : keys(page.items)) seen.push_back(key);
    token = page.next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  EXPECT_THAT(seen, ElementsAre("a/1", "a/2", "b/1", "b/2"));
  EXPECT_TRUE(SearchVersions("", {}, 4).next_page_token.empty());

  SearchRequest request;
  request.max_results = 200001;
  EXPECT_CODE(store().SearchModelVersions(request), StatusCode::kInvalidArgument);
  request.max_results = 0;
  EXPECT_CODE(store().SearchModelVersions(request), StatusCode::kInvalidArgument);
  request.max_results = 200000;
  EXPECT_OK(store().SearchModelVersions(request));
  for (const char* filter : {"version_number = 'x'", "name IN ('a')", "current_stage = 'None'", "tags.k > 'a'"}) {
    request.filter = filter;
    EXPECT_CODE(store().SearchModelVersions(request), StatusCode::kInvalidArgument) << filter;
  }
  request.filter = "";
  request.order_by = {"run_id"};
  EXPECT_CODE(store().SearchModelVersions(request), StatusCode::kInvalidArgument);
  request.order_by = {};
  request.page_token = tracking::EncodePageToken(-1);
  EXPECT_CODE(store().SearchModelVersions(request), StatusCode::kInvalidArgument);
}

// ------------------------------------------------------------------ concurrency

TEST_P(RegistryStoreContractTest, ParallelCreateModelVersionYieldsUniqueConsecutiveNumbers) {
  CreateModel("hot");
  CreateModel("cold");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 15;
  std::vector<std::vector<int64_t>> got(kThreads);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        CreateModelVersionRequest request;
        request.name = (t % 4 == 3) ? "cold" : "hot";
        request.source = "s3://x/" + std::to_string(t) + "/" + std::to_string(i);
        request.tags = {{"thread", std::to_string(t)}};
        auto version = store().CreateModelVersion(kAlice, request);
        if (!version.ok()) {
          ++failures;
          continue;
        }
        if (request.name == "hot") got[t].push_back(version->version);
        // Reads interleave with the writes.
        if (!store().GetRegisteredModel(request.name).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<int64_t> all;
  for (const auto& per_thread : got) {
    EXPECT_TRUE(std::is_sorted(per_thread.begin(), per_thread.end()));  // each thread sees increasing numbers
    all.insert(all.end(), per_thread.begin(), per_thread.end());
  }
  std::sort(all.begin(), all.end());
  const int64_t hot_count = static_cast<int64_t>(all.size());
  EXPECT_EQ(hot_count, 6 * kPerThread);
  for (int64_t i = 0; i < hot_count; ++i) EXPECT_EQ(all[static_cast<size_t>(i)], i + 1);
  Page<ModelVersion> cold = SearchVersions("name = 'cold'", {"version_number ASC"});
  ASSERT_EQ(cold.items.size(), static_cast<size_t>(2 * kPerThread));
  for (size_t i = 0; i < cold.items.size(); ++i) EXPECT_EQ(cold.items[i].version, static_cast<int64_t>(i) + 1);
  ASSERT_OK_AND_ASSIGN(auto events, store().ListAuditEvents("hot", 1000));
  EXPECT_EQ(static_cast<int64_t>(events.size()), hot_count + 1);  // + create_registered_model
}

// ---------------------------------------------------------------------- audit

TEST_P(RegistryStoreContractTest, EveryMutationIsAudited) {
  CreateModel("m", {{"k", "v"}}, "d", kAlice);
  clock_.Advance(1);
  ASSERT_OK(store().UpdateRegisteredModel(kBob, "m", "d2"));
  ASSERT_OK(store().SetRegisteredModelTag(kBob, "m", {"t", "1"}));
  ASSERT_OK(store().DeleteRegisteredModelTag(kBob, "m", "t"));
  CreateModelVersionRequest request;
  request.name = "m";
  request.source = "s3://x";
  request.run_id = "r1";
  ASSERT_OK(store().CreateModelVersion(kBob, request));
  ASSERT_OK(store().CreateModelVersion(kBob, request));
  ASSERT_OK(store().UpdateModelVersion(kBob, "m", 1, "vd"));
  ASSERT_OK(store().SetModelVersionTag(kBob, "m", 1, {"vt", "1"}));
  ASSERT_OK(store().DeleteModelVersionTag(kBob, "m", 1, "vt"));
  ASSERT_OK(store().SetAlias(kBob, "m", "champion", 1));
  ASSERT_OK(store().DeleteAlias(kBob, "m", "champion"));
  ASSERT_OK(store().SetAlias(kBob, "m", "gone", 2));
  ASSERT_OK(store().TransitionStage(kBob, "m", 1, Stage::kProduction, false));
  ASSERT_OK(store().TransitionStage(kBob, "m", 2, Stage::kProduction, true));
  ASSERT_OK(store().DeleteModelVersion(kBob, "m", 2));
  // Failed mutations leave no trace.
  EXPECT_FALSE(store().SetAlias(kBob, "m", "latest", 1).ok());
  EXPECT_FALSE(store().DeleteRegisteredModelTag(kBob, "m", "never").ok());

  ASSERT_OK_AND_ASSIGN(std::vector<AuditEvent> events, store().ListAuditEvents("m", 100));
  EXPECT_THAT(Actions(events),
              ElementsAre("delete_model_version", "transition_stage", "transition_stage", "set_alias", "delete_alias",
                          "set_alias", "delete_model_version_tag", "set_model_version_tag", "update_model_version",
                          "create_model_version", "create_model_version", "delete_registered_model_tag",
                          "set_registered_model_tag", "update_registered_model", "create_registered_model"));
  const AuditEvent& created = events.back();
  EXPECT_EQ(created.actor, "alice");
  EXPECT_EQ(created.model_name, "m");
  EXPECT_EQ(created.version, "");
  EXPECT_EQ(created.timestamp, kT0);
  EXPECT_THAT(created.details, HasSubstr("\"k\":\"v\""));
  const AuditEvent& deleted = events.front();
  EXPECT_EQ(deleted.actor, "bob");
  EXPECT_EQ(deleted.version, "2");
  EXPECT_EQ(deleted.timestamp, kT0 + 1);
  EXPECT_THAT(deleted.details, HasSubstr("gone"));  // the alias it removed
  const AuditEvent& archive = events[1];
  EXPECT_EQ(archive.version, "2");
  EXPECT_THAT(archive.details, HasSubstr("\"archived_versions\":[1]"));
  EXPECT_THAT(archive.details, HasSubstr("\"stage\":\"Production\""));
  EXPECT_EQ(events[3].version, "2");  // set_alias gone -> 2
  EXPECT_THAT(events[3].details, HasSubstr("\"alias\":\"gone\""));
  for (size_t i = 1; i < events.size(); ++i) EXPECT_LT(events[i].id, events[i - 1].id);  // newest first

  ASSERT_OK_AND_ASSIGN(auto limited, store().ListAuditEvents("m", 2));
  EXPECT_THAT(Actions(limited), ElementsAre("delete_model_version", "transition_stage"));
  EXPECT_CODE(store().ListAuditEvents("m", 0), StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto none, store().ListAuditEvents("other", 10));
  EXPECT_THAT(none, IsEmpty());
}

TEST_P(RegistryStoreContractTest, AuditTrailOutlivesRenamesAndDeletes) {
  CreateModel("a");
  ASSERT_OK(store().RenameRegisteredModel(kBob, "a", "b"));
  ASSERT_OK(store().DeleteRegisteredModel(kBob, "b"));
  ASSERT_OK_AND_ASSIGN(auto a_events, store().ListAuditEvents("a", 10));
  EXPECT_THAT(Actions(a_events), ElementsAre("create_registered_model"));
  ASSERT_OK_AND_ASSIGN(auto b_events, store().ListAuditEvents("b", 10));
  EXPECT_THAT(Actions(b_events), ElementsAre("delete_registered_model", "rename_registered_model"));
  EXPECT_THAT(b_events[1].details, HasSubstr("\"old_name\":\"a\""));
  ASSERT_OK_AND_ASSIGN(auto all, store().ListAuditEvents("", 10));
  EXPECT_THAT(Actions(all), ElementsAre("delete_registered_model", "rename_registered_model", "create_registered_model"));
}

// --------------------------------------------------------------- logged models

TEST_P(RegistryStoreContractTest, CreateAndGetLoggedModel) {
  const std::string exp = CreateExperiment("exp");
  clock_.Advance(2);
  LoggedModel model = NewLoggedModel(exp, "clf", {{"lr", "0.1"}, {"depth", "3"}}, {{"team", "ml"}}, "sklearn");
  ASSERT_EQ(model.model_id.size(), 34u);
  EXPECT_EQ(model.model_id.substr(0, 2), "m-");
  EXPECT_EQ(model.model_id.find_first_not_of("0123456789abcdef", 2), std::string::npos);
  EXPECT_EQ(model.experiment_id, exp);
  EXPECT_EQ(model.name, "clf");
  EXPECT_EQ(model.artifact_location, "mlflow-artifacts:/" + exp + "/models/" + model.model_id + "/artifacts");
  EXPECT_EQ(model.creation_timestamp_ms, kT0 + 2);
  EXPECT_EQ(model.last_updated_timestamp_ms, kT0 + 2);
  EXPECT_EQ(model.model_type, "sklearn");
  EXPECT_EQ(model.status, LoggedModelStatus::kPending);
  EXPECT_THAT(model.params, ElementsAre(Tag{"depth", "3"}, Tag{"lr", "0.1"}));
  EXPECT_THAT(model.tags, ElementsAre(Tag{"team", "ml"}));

  ASSERT_OK_AND_ASSIGN(LoggedModel got, store().GetLoggedModel(model.model_id));
  EXPECT_EQ(got.name, "clf");
  EXPECT_EQ(got.params, model.params);
  EXPECT_EQ(got.artifact_location, model.artifact_location);

  // Defaults: a generated name; an explicit artifact_location is kept.
  LoggedModel unnamed = NewLoggedModel(exp, "");
  EXPECT_FALSE(unnamed.name.empty());
  EXPECT_NE(unnamed.model_id, model.model_id);
  LoggedModel located;
  located.experiment_id = exp;
  located.artifact_location = "s3://elsewhere/model";
  ASSERT_OK_AND_ASSIGN(LoggedModel kept, store().CreateLoggedModel(kAlice, located));
  EXPECT_EQ(kept.artifact_location, "s3://elsewhere/model");
  // The Default experiment works too.
  EXPECT_EQ(NewLoggedModel("0", "in-default").experiment_id, "0");
}

TEST_P(RegistryStoreContractTest, LoggedModelErrors) {
  LoggedModel model;
  model.experiment_id = "42";
  EXPECT_CODE(store().CreateLoggedModel(kAlice, model), StatusCode::kNotFound);
  model.experiment_id = "abc";
  EXPECT_CODE(store().CreateLoggedModel(kAlice, model), StatusCode::kNotFound);
  const std::string exp = CreateExperiment("doomed");
  ASSERT_OK(tracking().DeleteExperiment(exp));
  model.experiment_id = exp;
  EXPECT_CODE(store().CreateLoggedModel(kAlice, model), StatusCode::kInvalidArgument);

  const std::string missing = "m-00000000000000000000000000000000";
  auto got = store().GetLoggedModel(missing);
  EXPECT_CODE(got, StatusCode::kNotFound);
  EXPECT_THAT(got.status().message(), HasSubstr(missing));
  EXPECT_CODE(store().FinalizeLoggedModel(kAlice, missing, LoggedModelStatus::kReady), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteLoggedModel(kAlice, missing), StatusCode::kNotFound);
  EXPECT_CODE(store().SetLoggedModelTags(kAlice, missing, {{"k", "v"}}), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteLoggedModelTag(kAlice, missing, "k"), StatusCode::kNotFound);
  EXPECT_CODE(store().LogLoggedModelParams(kAlice, missing, {{"k", "v"}}), StatusCode::kNotFound);
}

TEST_P(RegistryStoreContractTest, FinalizeLoggedModelStatusTransitions) {
  LoggedModel model = NewLoggedModel("0", "m");
  EXPECT_CODE(store().FinalizeLoggedModel(kAlice, model.model_id, LoggedModelStatus::kPending),
              StatusCode::kInvalidArgument);
  clock_.Advance(9);
  ASSERT_OK_AND_ASSIGN(LoggedModel failed,
                       store().FinalizeLoggedModel(kAlice, model.model_id, LoggedModelStatus::kUploadFailed));
  EXPECT_EQ(failed.status, LoggedModelStatus::kUploadFailed);
  EXPECT_EQ(failed.last_updated_timestamp_ms, kT0 + 9);
  ASSERT_OK_AND_ASSIGN(LoggedModel ready, store().FinalizeLoggedModel(kAlice, model.model_id, LoggedModelStatus::kReady));
  EXPECT_EQ(ready.status, LoggedModelStatus::kReady);
  EXPECT_OK(store().FinalizeLoggedModel(kAlice, model.model_id, LoggedModelStatus::kReady));  // idempotent
  EXPECT_CODE(store().FinalizeLoggedModel(kAlice, model.model_id, LoggedModelStatus::kUploadFailed),
              StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(LoggedModel got, store().GetLoggedModel(model.model_id));
  EXPECT_EQ(got.status, LoggedModelStatus::kReady);
}

TEST_P(RegistryStoreContractTest, LoggedModelTagsAndParams) {
  LoggedModel model = NewLoggedModel("0", "m", {{"p", "1"}});
  ASSERT_OK(store().SetLoggedModelTags(kAlice, model.model_id, {{"b", "1"}, {"a", "2"}}));
  ASSERT_OK(store().SetLoggedModelTags(kAlice, model.model_id, {{"b", "3"}}));
  ASSERT_OK(store().DeleteLoggedModelTag(kAlice, model.model_id, "a"));
  EXPECT_CODE(store().DeleteLoggedModelTag(kAlice, model.model_id, "a"), StatusCode::kNotFound);
  ASSERT_OK(store().LogLoggedModelParams(kAlice, model.model_id, {{"q", "2"}, {"p", "1"}}));  // same value: fine
  EXPECT_CODE(store().LogLoggedModelParams(kAlice, model.model_id, {{"p", "changed"}}), StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(LoggedModel got, store().GetLoggedModel(model.model_id));
  EXPECT_THAT(got.tags, ElementsAre(Tag{"b", "3"}));
  EXPECT_THAT(got.params, ElementsAre(Tag{"p", "1"}, Tag{"q", "2"}));
}

TEST_P(RegistryStoreContractTest, SearchAndDeleteLoggedModels) {
  const std::string e1 = CreateExperiment("e1");
  const std::string e2 = CreateExperiment("e2");
  LoggedModel a = NewLoggedModel(e1, "alpha", {{"lr", "0.1"}}, {{"team", "x"}}, "sklearn");
  clock_.Advance(1);
  LoggedModel b = NewLoggedModel(e1, "beta", {{"lr", "0.2"}}, {}, "torch");
  clock_.Advance(1);
  LoggedModel c = NewLoggedModel(e2, "gamma", {}, {{"team", "y"}}, "sklearn");
  ASSERT_OK(store().FinalizeLoggedModel(kAlice, b.model_id, LoggedModelStatus::kReady));

  auto search = [&](std::vector<std::string> experiments, const std::string& filter,
                    std::vector<std::string> order_by = {}, int64_t max_results = 50,
                    const std::string& token = "") {
    SearchLoggedModelsRequest request;
    request.experiment_ids = std::move(experiments);
    request.filter = filter;
    request.order_by = std::move(order_by);
    request.max_results = max_results;
    request.page_token = token;
    auto page = store().SearchLoggedModels(request);
    EXPECT_TRUE(page.ok()) << filter << ": " << page.status().ToString();
    return page.ok() ? *page : Page<LoggedModel>();
  };
  auto names = [](const Page<LoggedModel>& page) {
    std::vector<std::string> out;
    for (const LoggedModel& m : page.items) out.push_back(m.name);
    return out;
  };
  EXPECT_THAT(names(search({e1, e2}, "")), ElementsAre("gamma", "beta", "alpha"));  // newest first
  EXPECT_THAT(names(search({e1}, "")), ElementsAre("beta", "alpha"));
  EXPECT_THAT(names(search({}, "")), IsEmpty());
  EXPECT_THAT(names(search({"999", "abc"}, "")), IsEmpty());
  EXPECT_THAT(names(search({e1, e2}, "model_type = 'sklearn'", {"name"})), ElementsAre("alpha", "gamma"));
  EXPECT_THAT(names(search({e1, e2}, "status = 'LOGGED_MODEL_READY'")), ElementsAre("beta"));
  EXPECT_THAT(names(search({e1, e2}, "params.lr = '0.1'")), ElementsAre("alpha"));
  EXPECT_THAT(names(search({e1, e2}, "tags.team LIKE '%'", {"name DESC"})), ElementsAre("gamma", "alpha"));
  EXPECT_THAT(names(search({e1, e2}, "name ILIKE 'A%'")), ElementsAre("alpha"));
  EXPECT_THAT(names(search({e1, e2}, "creation_timestamp > " + std::to_string(kT0))), ElementsAre("gamma", "beta"));
  EXPECT_THAT(names(search({e1, e2}, "model_id = '" + c.model_id + "'")), ElementsAre("gamma"));
  Page<LoggedModel> with_children = search({e1}, "name = 'alpha'");
  ASSERT_EQ(with_children.items.size(), 1u);
  EXPECT_THAT(with_children.items[0].params, ElementsAre(Tag{"lr", "0.1"}));
  EXPECT_THAT(with_children.items[0].tags, ElementsAre(Tag{"team", "x"}));

  Page<LoggedModel> first = search({e1, e2}, "", {"name"}, 2);
  EXPECT_THAT(names(first), ElementsAre("alpha", "beta"));
  ASSERT_FALSE(first.next_page_token.empty());
  Page<LoggedModel> second = search({e1, e2}, "", {"name"}, 2, first.next_page_token);
  EXPECT_THAT(names(second), ElementsAre("gamma"));
  EXPECT_TRUE(second.next_page_token.empty());

  SearchLoggedModelsRequest bad;
  bad.experiment_ids = {e1};
  bad.filter = "metrics.acc > 1";
  EXPECT_CODE(store().SearchLoggedModels(bad), StatusCode::kInvalidArgument);
  bad.filter = "";
  bad.max_results = 0;
  EXPECT_CODE(store().SearchLoggedModels(bad), StatusCode::kInvalidArgument);

  ASSERT_OK(store().DeleteLoggedModel(kAlice, a.model_id));
  EXPECT_CODE(store().GetLoggedModel(a.model_id), StatusCode::kNotFound);
  EXPECT_CODE(store().DeleteLoggedModel(kAlice, a.model_id), StatusCode::kNotFound);
  EXPECT_THAT(names(search({e1, e2}, "")), ElementsAre("gamma", "beta"));

  ASSERT_OK_AND_ASSIGN(auto events, store().ListAuditEvents(a.model_id, 10));
  EXPECT_THAT(Actions(events), ElementsAre("delete_logged_model", "create_logged_model"));
  EXPECT_EQ(events[1].actor, "alice");
  EXPECT_THAT(events[1].details, HasSubstr("\"name\":\"alpha\""));
}

TEST_P(RegistryStoreContractTest, VersionsCanReferenceLoggedModels) {
  LoggedModel logged = NewLoggedModel("0", "clf");
  CreateModel("m");
  CreateModelVersionRequest request;
  request.name = "m";
  request.source = "models:/" + logged.model_id;
  request.storage_location = logged.artifact_location;
  request.model_id = logged.model_id;
  ASSERT_OK_AND_ASSIGN(ModelVersion v, store().CreateModelVersion(kAlice, request));
  EXPECT_EQ(v.model_id, logged.model_id);
  EXPECT_EQ(v.storage_location, logged.artifact_location);
}

// ----------------------------------------------------------------- durability

// The tests that reopen the store: only for stores that keep data.
class DurableRegistryStoreContractTest : public RegistryStoreContractTest {};

// Only the environments whose store is persistent.
std::vector<StoreEnv> PersistentEnvs() {
  std::vector<StoreEnv> out;
  for (const StoreEnv& env : kStoreEnvs) {
    if (env.persistent) out.push_back(env);
  }
  return out;
}

TEST_P(DurableRegistryStoreContractTest, DataSurvivesReopen) {
  CreateModel("durable", {{"k", "v"}});
  CreateVersion("durable");
  CreateVersion("durable");
  ASSERT_OK(store().DeleteModelVersion(kAlice, "durable", 2));
  ASSERT_OK(store().SetAlias(kAlice, "durable", "prod", 1));
  LoggedModel logged = NewLoggedModel("0", "kept");
  Reopen();
  ASSERT_OK_AND_ASSIGN(RegisteredModel model, store().GetRegisteredModel("durable"));
  EXPECT_THAT(model.tags, ElementsAre(Tag{"k", "v"}));
  EXPECT_THAT(model.aliases, ElementsAre(Alias{"prod", 1}));
  EXPECT_EQ(CreateVersion("durable").version, 3);
  EXPECT_OK(store().GetLoggedModel(logged.model_id));
  ASSERT_OK_AND_ASSIGN(auto events, store().ListAuditEvents("durable", 100));
  EXPECT_EQ(events.size(), 6u);
}

TEST_P(RegistryStoreContractTest, TrackingAndRegistryShareOneDatabase) {
  // Writes through both stores interleave on one database (for ":memory:"
  // too): a logged model sees an experiment the tracking store just made.
  const std::string exp = CreateExperiment("shared");
  LoggedModel model = NewLoggedModel(exp, "m");
  EXPECT_EQ(model.experiment_id, exp);
  ASSERT_OK(tracking().SetExperimentTag(exp, {"k", "v"}));
  CreateModel("r");
  ASSERT_OK_AND_ASSIGN(tracking::Experiment e, tracking().GetExperiment(exp));
  EXPECT_EQ(e.name, "shared");
  // Either store may be closed first.
  stores_.tracking.reset();
  EXPECT_OK(store().GetRegisteredModel("r"));
  CreateVersion("r");
}

std::string EnvName(const ::testing::TestParamInfo<StoreEnv>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Stores, RegistryStoreContractTest, ::testing::ValuesIn(kStoreEnvs), EnvName);
INSTANTIATE_TEST_SUITE_P(Stores, DurableRegistryStoreContractTest, ::testing::ValuesIn(PersistentEnvs()), EnvName);

}  // namespace
}  // namespace cairn::registry
