// The tracking API end to end against the real binary: /health, /version,
// both API prefixes, and every experiment and run endpoint of
// /api/2.0/mlflow (specs/mlflow-rest.md sections 0-2 and 4), with exact JSON
// comparisons (CanonicalJson) and the HTTP status and error_code of each
// error path. Searches and metric history: tracking_search_test.cc.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cfloat>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/json_writer.h"
#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

// ---------------------------------------------------------------------------
// Health, version, prefixes

class ServiceTest : public ServerTest {};

TEST_F(ServiceTest, HealthAnswersOkAsText) {
  Reply reply = api().Get("/health");
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  EXPECT_EQ(reply.content_type, "text/plain");
  EXPECT_EQ(reply.body, "OK");
}

TEST_F(ServiceTest, VersionAnswersTheBuildVersion) {
  Reply reply = api().Get("/version");
  EXPECT_EQ(reply.status, 200) << reply.Describe();
  EXPECT_EQ(reply.content_type, "text/plain");
  EXPECT_EQ(reply.body, CAIRN_EXPECTED_VERSION);
  EXPECT_NE(server().Log().find(fmt::format("cairn {} listening on", CAIRN_EXPECTED_VERSION)), std::string::npos);
}

TEST_F(ServiceTest, AjaxPrefixServesTheSameApi) {
  std::string name = UniqueName("ajax");
  Reply created =
      api().Post(fmt::format("{}/experiments/create", kAjaxPrefix), fmt::format(R"({{"name":"{}"}})", name));
  ASSERT_OK_JSON(created);
  std::string id = created.json().Str("/experiment_id").value_or("");
  Reply via_api = api().Get("experiments/get", {{"experiment_id", id}});
  Reply via_ajax = api().Get(fmt::format("{}/experiments/get", kAjaxPrefix), {{"experiment_id", id}});
  ASSERT_OK_JSON(via_api);
  ASSERT_OK_JSON(via_ajax);
  EXPECT_EQ(CanonicalJson(via_ajax.body), CanonicalJson(via_api.body));
  EXPECT_EQ(via_ajax.json().Str("/experiment/name"), name);

  std::string run_id = CreateRun(id);
  Reply run_api = api().Get("runs/get", {{"run_id", run_id}});
  Reply run_ajax = api().Get(fmt::format("{}/runs/get", kAjaxPrefix), {{"run_id", run_id}});
  EXPECT_EQ(CanonicalJson(run_ajax.body), CanonicalJson(run_api.body));
  EXPECT_API_ERROR(api().Get(fmt::format("{}/runs/get", kAjaxPrefix), {{"run_id", "0123456789abcdef0123456789abcdef"}}),
                   404, "RESOURCE_DOES_NOT_EXIST");
}

// ---------------------------------------------------------------------------
// Experiments

class ExperimentsTest : public ServerTest {
 protected:
  Json GetExperiment(const std::string& id) {
    Reply reply = api().Get("experiments/get", {{"experiment_id", id}});
    EXPECT_OK_JSON(reply);
    return reply.json();
  }
};

TEST_F(ExperimentsTest, CreateThenGetReturnsTheExactExperiment) {
  std::string name = UniqueName("exp");
  Reply created = api().Post(
      "experiments/create",
      fmt::format(R"({{"name":"{}","tags":[{{"key":"team","value":"vision"}},{{"key":"note","value":""}}]}})", name));
  ASSERT_OK_JSON(created);
  Json body = created.json();
  ASSERT_EQ(body.Keys(""), std::vector<std::string>{"experiment_id"}) << created.body;
  std::string id = *body.Str("/experiment_id");
  EXPECT_TRUE(std::regex_match(id, std::regex("[1-9][0-9]*"))) << id;

  Json got = GetExperiment(id);
  int64_t created_at = got.Int("/experiment/creation_time").value_or(0);
  EXPECT_GT(created_at, 1600000000000);  // milliseconds since the epoch
  EXPECT_EQ(got.Int("/experiment/last_update_time"), created_at);
  EXPECT_EQ(got.Canonical(), CanonicalJson(fmt::format(
                                 R"({{"experiment":{{"experiment_id":"{0}","name":"{1}",
                                      "artifact_location":"mlflow-artifacts:/{0}","lifecycle_stage":"active",
                                      "last_update_time":{2},"creation_time":{2},
                                      "tags":[{{"key":"team","value":"vision"}},{{"key":"note","value":""}}]}}}})",
                                 id, name, created_at)));
}

TEST_F(ExperimentsTest, ExperimentWithoutTagsHasNoTagsKey) {
  std::string id = CreateExperiment("bare");
  Json got = GetExperiment(id);
  EXPECT_EQ(got.Keys("/experiment"), (std::vector<std::string>{"artifact_location", "creation_time", "experiment_id",
                                                               "last_update_time", "lifecycle_stage", "name"}));
}

TEST_F(ExperimentsTest, DefaultExperimentExists) {
  Json got = GetExperiment("0");
  EXPECT_EQ(got.Str("/experiment/experiment_id"), "0");
  EXPECT_EQ(got.Str("/experiment/name"), "Default");
  EXPECT_EQ(got.Str("/experiment/artifact_location"), "mlflow-artifacts:/0");
  EXPECT_EQ(got.Str("/experiment/lifecycle_stage"), "active");
}

TEST_F(ExperimentsTest, ExplicitLocalArtifactLocationBecomesAFileUri) {
  std::string location = (server().dir() / "custom-location").string();
  std::string name = UniqueName("located");
  Reply created =
      api().Post("experiments/create", fmt::format(R"({{"name":"{}","artifact_location":"{}"}})", name, location));
  ASSERT_OK_JSON(created);
  std::string id = *created.json().Str("/experiment_id");
  EXPECT_EQ(GetExperiment(id).Str("/experiment/artifact_location"), "file://" + location);

  std::string run_id = CreateRun(id);
  Reply run = api().Get("runs/get", {{"run_id", run_id}});
  EXPECT_EQ(run.json().Str("/run/info/artifact_uri"), fmt::format("file://{}/{}/artifacts", location, run_id));
}

TEST_F(ExperimentsTest, CreateRejectsBadInput) {
  std::string name = UniqueName("dup");
  ASSERT_OK_JSON(api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", name)));
  EXPECT_API_ERROR(api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", name)), 400,
                   "RESOURCE_ALREADY_EXISTS");
  EXPECT_API_ERROR(api().Post("experiments/create", "{}"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/create", R"({"name":""})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", std::string(501, 'n'))), 400,
                   "INVALID_PARAMETER_VALUE");
  std::string longest = UniqueName("max");
  longest += std::string(500 - longest.size(), 'n');
  EXPECT_OK_JSON(api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", longest)));
  for (const char* location :
       {"runs:/abc/def", "s3://bucket/path#fragment", "s3://bucket/path?x=../y", "http://host/path;params"}) {
    EXPECT_API_ERROR(api().Post("experiments/create", fmt::format(R"({{"name":"{}","artifact_location":"{}"}})",
                                                                  UniqueName("loc"), location)),
                     400, "INVALID_PARAMETER_VALUE")
        << location;
  }
  Reply s3 =
      api().Post("experiments/create",
                 fmt::format(R"({{"name":"{}","artifact_location":"s3://bucket/some/prefix"}})", UniqueName("s3")));
  ASSERT_OK_JSON(s3);
  EXPECT_EQ(api()
                .Get("experiments/get", {{"experiment_id", *s3.json().Str("/experiment_id")}})
                .json()
                .Str("/experiment/artifact_location"),
            "s3://bucket/some/prefix");
  EXPECT_API_ERROR(
      api().Post("experiments/create", fmt::format(R"({{"name":"{}","tags":[{{"key":"k","value":"{}"}}]}})",
                                                   UniqueName("t"), std::string(5001, 'v'))),
      400, "INVALID_PARAMETER_VALUE");
}

TEST_F(ExperimentsTest, GetErrors) {
  EXPECT_API_ERROR(api().Get("experiments/get", {{"experiment_id", "987654321"}}), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("experiments/get", {{"experiment_id", "abc"}}), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("experiments/get"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(ExperimentsTest, GetByName) {
  std::string id = CreateExperiment("byname");
  Json by_id = GetExperiment(id);
  std::string name = *by_id.Str("/experiment/name");
  Reply by_name = api().Get("experiments/get-by-name", {{"experiment_name", name}});
  ASSERT_OK_JSON(by_name);
  EXPECT_EQ(CanonicalJson(by_name.body), by_id.Canonical());

  EXPECT_API_ERROR(api().Get("experiments/get-by-name", {{"experiment_name", UniqueName("missing")}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("experiments/get-by-name"), 400, "INVALID_PARAMETER_VALUE");

  // Deleted experiments are still found by name (their name stays reserved).
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", id)));
  Reply deleted = api().Get("experiments/get-by-name", {{"experiment_name", name}});
  ASSERT_OK_JSON(deleted);
  EXPECT_EQ(deleted.json().Str("/experiment/lifecycle_stage"), "deleted");
}

TEST_F(ExperimentsTest, UpdateRenames) {
  std::string id = CreateExperiment("rename");
  int64_t before = GetExperiment(id).Int("/experiment/last_update_time").value_or(0);
  std::string new_name = UniqueName("renamed");
  Reply updated =
      api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", id, new_name));
  ASSERT_OK_JSON(updated);
  EXPECT_EQ(CanonicalJson(updated.body), "{}");
  Json got = GetExperiment(id);
  EXPECT_EQ(got.Str("/experiment/name"), new_name);
  EXPECT_GE(got.Int("/experiment/last_update_time").value_or(0), before);
  EXPECT_OK_JSON(api().Get("experiments/get-by-name", {{"experiment_name", new_name}}));

  std::string other = CreateExperiment("taken");
  std::string taken = *GetExperiment(other).Str("/experiment/name");
  EXPECT_API_ERROR(
      api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", id, taken)), 400,
      "RESOURCE_ALREADY_EXISTS");
  EXPECT_API_ERROR(api().Post("experiments/update", R"({"experiment_id":"987654321","new_name":"x"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/update", R"({"new_name":"x"})"), 400, "INVALID_PARAMETER_VALUE");

  // MLflow quirk kept: renaming a deleted experiment is INVALID_STATE (500).
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", other)));
  EXPECT_API_ERROR(api().Post("experiments/update",
                              fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", other, UniqueName("z"))),
                   500, "INVALID_STATE");
}

TEST_F(ExperimentsTest, DeleteAndRestoreCascadeToRuns) {
  std::string id = CreateExperiment("lifecycle");
  std::string run_id = CreateRun(id);
  std::string name = *GetExperiment(id).Str("/experiment/name");
  auto run_stage = [&] {
    return api().Get("runs/get", {{"run_id", run_id}}).json().Str("/run/info/lifecycle_stage").value_or("?");
  };

  Reply deleted = api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", id));
  ASSERT_OK_JSON(deleted);
  EXPECT_EQ(CanonicalJson(deleted.body), "{}");
  EXPECT_EQ(GetExperiment(id).Str("/experiment/lifecycle_stage"), "deleted");
  EXPECT_EQ(run_stage(), "deleted");
  // The name stays reserved, and a deleted experiment takes no new runs.
  EXPECT_API_ERROR(api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", name)), 400,
                   "RESOURCE_ALREADY_EXISTS");
  EXPECT_API_ERROR(api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}"}})", id)), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/set-experiment-tag",
                              fmt::format(R"({{"experiment_id":"{}","key":"k","value":"v"}})", id)),
                   400, "INVALID_PARAMETER_VALUE");
  // Deleting twice: the SQL store looks the experiment up among active ones.
  EXPECT_API_ERROR(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", id)), 404,
                   "RESOURCE_DOES_NOT_EXIST");

  Reply restored = api().Post("experiments/restore", fmt::format(R"({{"experiment_id":"{}"}})", id));
  ASSERT_OK_JSON(restored);
  EXPECT_EQ(CanonicalJson(restored.body), "{}");
  EXPECT_EQ(GetExperiment(id).Str("/experiment/lifecycle_stage"), "active");
  EXPECT_EQ(run_stage(), "active");
  EXPECT_API_ERROR(api().Post("experiments/restore", fmt::format(R"({{"experiment_id":"{}"}})", id)), 404,
                   "RESOURCE_DOES_NOT_EXIST");

  EXPECT_API_ERROR(api().Post("experiments/delete", R"({"experiment_id":"987654321"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/restore", R"({"experiment_id":"987654321"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/delete", "{}"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(ExperimentsTest, RestoreReactivatesEveryRunAndRenameFreesTheOldName) {
  std::string id = CreateExperiment("restore-all");
  std::string deleted_first = CreateRun(id);
  std::string kept = CreateRun(id);
  ASSERT_OK_JSON(api().Post("runs/delete", fmt::format(R"({{"run_id":"{}"}})", deleted_first)));
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", id)));
  ASSERT_OK_JSON(api().Post("experiments/restore", fmt::format(R"({{"experiment_id":"{}"}})", id)));
  for (const std::string& run_id : {deleted_first, kept}) {
    Reply run = api().Get("runs/get", {{"run_id", run_id}});
    EXPECT_EQ(run.json().Str("/run/info/lifecycle_stage"), "active") << run_id;
  }

  std::string old_name = *GetExperiment(id).Str("/experiment/name");
  std::string new_name = UniqueName("moved");
  ASSERT_OK_JSON(
      api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", id, new_name)));
  EXPECT_API_ERROR(api().Get("experiments/get-by-name", {{"experiment_name", old_name}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_OK_JSON(api().Post("experiments/create", fmt::format(R"({{"name":"{}"}})", old_name)));
}

TEST_F(ExperimentsTest, SetAndDeleteExperimentTags) {
  std::string id = CreateExperiment("tags");
  auto set = [&](std::string_view key, std::string_view value) {
    return api().Post("experiments/set-experiment-tag",
                      fmt::format(R"({{"experiment_id":"{}","key":"{}","value":"{}"}})", id, key, value));
  };
  Reply first = set("stage", "dev");
  ASSERT_OK_JSON(first);
  EXPECT_EQ(CanonicalJson(first.body), "{}");
  ASSERT_OK_JSON(set("stage", "prod"));  // upsert
  ASSERT_OK_JSON(set("owner", "ana"));
  EXPECT_EQ(GetExperiment(id).Canonical("/experiment/tags"),
            CanonicalJsonAt("/experiment/tags", R"([{"key":"stage","value":"prod"},{"key":"owner","value":"ana"}])"));

  Reply removed =
      api().Post("experiments/delete-experiment-tag", fmt::format(R"({{"experiment_id":"{}","key":"stage"}})", id));
  ASSERT_OK_JSON(removed);
  EXPECT_EQ(CanonicalJson(removed.body), "{}");
  EXPECT_EQ(GetExperiment(id).Canonical("/experiment/tags"),
            CanonicalJsonAt("/experiment/tags", R"([{"key":"owner","value":"ana"}])"));

  EXPECT_API_ERROR(
      api().Post("experiments/delete-experiment-tag", fmt::format(R"({{"experiment_id":"{}","key":"stage"}})", id)),
      404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(set(std::string(251, 'k'), "v"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(set("k", std::string(5001, 'v')), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_OK_JSON(set(std::string(250, 'k'), std::string(5000, 'v')));
  EXPECT_API_ERROR(
      api().Post("experiments/set-experiment-tag", fmt::format(R"({{"experiment_id":"{}","value":"v"}})", id)), 400,
      "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Post("experiments/set-experiment-tag", R"({"experiment_id":"987654321","key":"k","value":"v"})"), 404,
      "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/delete-experiment-tag", R"({"experiment_id":"987654321","key":"k"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(ExperimentsTest, LegacyListReturnsExperimentsOfTheViewType) {
  std::string kept = CreateExperiment("listed");
  std::string gone = CreateExperiment("unlisted");
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", gone)));
  auto ids = [&](const client::QueryParams& query) {
    Reply reply = api().Get("experiments/list", query);
    EXPECT_OK_JSON(reply);
    Json page = reply.json();
    std::set<std::string> out;
    for (size_t i = 0; i < page.Size("/experiments").value_or(0); ++i) {
      out.insert(page.Str(fmt::format("/experiments/{}/experiment_id", i)).value_or("?"));
    }
    return out;
  };
  auto active = ids({});
  EXPECT_TRUE(active.count(kept));
  EXPECT_TRUE(active.count("0"));
  EXPECT_FALSE(active.count(gone));
  auto all = ids({{"view_type", "ALL"}});
  EXPECT_TRUE(all.count(kept));
  EXPECT_TRUE(all.count(gone));
}

TEST_F(ExperimentsTest, ConcurrentCreatesGetDistinctIdsAndOneWinnerPerName) {
  constexpr int kThreads = 8;
  const std::string shared_name = UniqueName("contended");
  std::vector<std::string> ids(kThreads);
  std::vector<Reply> same_name(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Api own(server().url());
      Reply reply = own.Post("experiments/create", fmt::format(R"({{"name":"{}-{}"}})", shared_name, i));
      ids[i] = reply.json().Str("/experiment_id").value_or("");
      same_name[i] = own.Post("experiments/create", fmt::format(R"({{"name":"{}"}})", shared_name));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), size_t(kThreads));
  EXPECT_FALSE(distinct.count(""));
  int winners = 0;
  for (const Reply& reply : same_name) {
    if (reply.status == 200) {
      ++winners;
    } else {
      EXPECT_API_ERROR(reply, 400, "RESOURCE_ALREADY_EXISTS");
    }
  }
  EXPECT_EQ(winners, 1);
}

TEST_F(ExperimentsTest, SearchDatasetsSummarisesLoggedInputs) {
  std::string id = CreateExperiment("datasets");
  std::string run_id = CreateRun(id);
  ASSERT_OK_JSON(
      api().Post("runs/log-inputs",
                 fmt::format(R"({{"run_id":"{}","datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"eval"}}],
                      "dataset":{{"name":"ds","digest":"dg","source_type":"local","source":"/x"}}}}]}})",
                             run_id)));
  Reply reply = api().Post(fmt::format("{}/experiments/search-datasets", kAjaxPrefix),
                           fmt::format(R"({{"experiment_ids":["{}"]}})", id));
  ASSERT_OK_JSON(reply);
  EXPECT_EQ(
      CanonicalJson(reply.body),
      CanonicalJson(fmt::format(
          R"({{"dataset_summaries":[{{"experiment_id":"{}","name":"ds","digest":"dg","context":"eval"}}]}})", id)));
}

// ---------------------------------------------------------------------------
// Runs

class RunsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("runs");
  }

  Json GetRun(const std::string& run_id) {
    Reply reply = api().Get("runs/get", {{"run_id", run_id}});
    EXPECT_OK_JSON(reply);
    return reply.json();
  }

  Reply PostForRun(std::string_view path, const std::string& run_id, std::string_view fields) {
    return api().Post(path, fmt::format(R"({{"run_id":"{}",{}}})", run_id, fields));
  }

  std::string experiment_id_;
};

TEST_F(RunsTest, CreateReturnsTheExactRun) {
  Reply created =
      api().Post("runs/create",
                 fmt::format(R"({{"experiment_id":"{}","user_id":"ana","run_name":"first","start_time":1700000000123,
                      "tags":[{{"key":"team","value":"vision"}}]}})",
                             experiment_id_));
  ASSERT_OK_JSON(created);
  Json body = created.json();
  std::string run_id = body.Str("/run/info/run_id").value_or("");
  EXPECT_TRUE(std::regex_match(run_id, std::regex("[0-9a-f]{32}"))) << run_id;
  std::string expected = CanonicalJson(fmt::format(
      R"({{"run":{{"info":{{"run_id":"{0}","run_uuid":"{0}","run_name":"first","experiment_id":"{1}",
                          "user_id":"ana","status":"RUNNING","start_time":1700000000123,
                          "artifact_uri":"mlflow-artifacts:/{1}/{0}/artifacts","lifecycle_stage":"active"}},
                 "data":{{"tags":[{{"key":"mlflow.runName","value":"first"}},{{"key":"team","value":"vision"}}]}},
                 "inputs":{{}}}}}})",
      run_id, experiment_id_));
  EXPECT_EQ(body.Canonical(), expected);
  // A running run has no end_time key, and no metrics/params keys.
  EXPECT_FALSE(body.Has("/run/info/end_time"));
  EXPECT_FALSE(body.Has("/run/data/metrics"));
  EXPECT_FALSE(body.Has("/run/data/params"));
  // runs/get returns the same, also through the deprecated run_uuid.
  EXPECT_EQ(GetRun(run_id).Canonical(), expected);
  Reply by_uuid = api().Get("runs/get", {{"run_uuid", run_id}});
  ASSERT_OK_JSON(by_uuid);
  EXPECT_EQ(CanonicalJson(by_uuid.body), expected);
}

TEST_F(RunsTest, CreateGeneratesANameAndStoresItAsTag) {
  Reply created = api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}"}})", experiment_id_));
  ASSERT_OK_JSON(created);
  Json run = created.json();
  std::string name = run.Str("/run/info/run_name").value_or("");
  EXPECT_TRUE(std::regex_match(name, std::regex("[a-z]+-[a-z]+-[0-9]{1,3}"))) << name;
  EXPECT_EQ(run.Canonical("/run/data/tags"),
            CanonicalJsonAt("/run/data/tags", fmt::format(R"([{{"key":"mlflow.runName","value":"{}"}}])", name)));
  EXPECT_GT(run.Int("/run/info/start_time").value_or(0), 1600000000000);  // defaults to now
  EXPECT_FALSE(run.Has("/run/info/user_id"));                             // empty: omitted
}

TEST_F(RunsTest, RunNameComesFromTheTagWhenNotGiven) {
  Reply created = api().Post(
      "runs/create", fmt::format(R"({{"experiment_id":"{}","tags":[{{"key":"mlflow.runName","value":"from-tag"}}]}})",
                                 experiment_id_));
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/run/info/run_name"), "from-tag");
  // Same name twice is fine; different names conflict.
  EXPECT_OK_JSON(api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}","run_name":"same",
                                    "tags":[{{"key":"mlflow.runName","value":"same"}}]}})",
                                                       experiment_id_)));
  EXPECT_API_ERROR(api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}","run_name":"a",
                                                            "tags":[{{"key":"mlflow.runName","value":"b"}}]}})",
                                                         experiment_id_)),
                   400, "INVALID_PARAMETER_VALUE");
}

// MLflow's stores treat tag mlflow.runName as the run name: setting it (alone
// or in a batch) renames the run.
TEST_F(RunsTest, SettingTheRunNameTagRenamesTheRun) {
  std::string run_id = CreateRun(experiment_id_, R"("run_name":"original")");
  ASSERT_OK_JSON(PostForRun("runs/set-tag", run_id, R"("key":"mlflow.runName","value":"via-set-tag")"));
  Json run = GetRun(run_id);
  EXPECT_EQ(run.Str("/run/info/run_name"), "via-set-tag");
  EXPECT_EQ(run.Canonical("/run/data/tags"),
            CanonicalJsonAt("/run/data/tags", R"([{"key":"mlflow.runName","value":"via-set-tag"}])"));

  ASSERT_OK_JSON(PostForRun("runs/log-batch", run_id, R"("tags":[{"key":"mlflow.runName","value":"via-batch"}])"));
  EXPECT_EQ(GetRun(run_id).Str("/run/info/run_name"), "via-batch");
  Reply found = api().Post(
      "runs/search",
      fmt::format(R"({{"experiment_ids":["{}"],"filter":"attributes.run_name = 'via-batch'"}})", experiment_id_));
  ASSERT_OK_JSON(found);
  EXPECT_EQ(found.json().Str("/runs/0/info/run_id"), run_id);
}

// The documented limits are inclusive: exactly at each one is accepted.
TEST_F(RunsTest, LimitsAreInclusive) {
  std::string run_id = CreateRun(experiment_id_);
  auto objects = [](std::string_view prefix, int n, std::string_view extra) {
    std::string out;
    for (int i = 0; i < n; ++i) out += fmt::format(R"({}{{"key":"{}{}",{}}})", i ? "," : "", prefix, i, extra);
    return out;
  };
  EXPECT_OK_JSON(PostForRun("runs/log-batch", run_id,
                            fmt::format(R"("metrics":[{}])", objects("m", 1000, R"("value":1,"timestamp":1)"))));
  EXPECT_OK_JSON(
      PostForRun("runs/log-batch", run_id, fmt::format(R"("params":[{}])", objects("p", 100, R"("value":"v")"))));
  EXPECT_OK_JSON(
      PostForRun("runs/log-batch", run_id, fmt::format(R"("tags":[{}])", objects("t", 100, R"("value":"v")"))));
  EXPECT_OK_JSON(PostForRun(
      "runs/log-batch", run_id,
      fmt::format(R"("metrics":[{}],"params":[{}],"tags":[{}])", objects("m2_", 800, R"("value":1,"timestamp":1)"),
                  objects("p2_", 100, R"("value":"v")"), objects("t2_", 100, R"("value":"v")"))));
  EXPECT_OK_JSON(
      PostForRun("runs/log-parameter", run_id, fmt::format(R"("key":"long","value":"{}")", std::string(6000, 'p'))));
  EXPECT_OK_JSON(
      PostForRun("runs/set-tag", run_id, fmt::format(R"("key":"long","value":"{}")", std::string(8000, 't'))));
  EXPECT_OK_JSON(PostForRun("runs/log-metric", run_id,
                            fmt::format(R"("key":"{}","value":1,"timestamp":1)", std::string(250, 'k'))));
  // Limits count characters, not bytes: 6000 two-byte characters fit.
  std::string wide;
  for (int i = 0; i < 6000; ++i) wide += "é";
  EXPECT_OK_JSON(PostForRun("runs/log-parameter", run_id, fmt::format(R"("key":"wide","value":"{}")", wide)));

  Json run = GetRun(run_id);
  EXPECT_EQ(run.Size("/run/data/metrics"), 1801u);
  EXPECT_EQ(run.Size("/run/data/params"), 202u);
  EXPECT_EQ(run.Size("/run/data/tags"), 202u);  // plus mlflow.runName
}

TEST_F(RunsTest, CreateWithoutExperimentUsesDefault) {
  // Unknown fields are ignored.
  Reply created = api().Post("runs/create", R"({"run_name":"in-default","unknown_field":{"x":[1]}})");
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/run/info/experiment_id"), "0");
}

// Experiment ids are strings on the wire, but numeric ids are accepted and
// stringified (MLflow's parser does the same).
TEST_F(RunsTest, NumericExperimentIdsAreAccepted) {
  Reply created =
      api().Post("runs/create", fmt::format(R"({{"experiment_id":{},"run_name":"numeric"}})", experiment_id_));
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/run/info/experiment_id"), experiment_id_);
  Reply found = api().Post("runs/search", fmt::format(R"({{"experiment_ids":[{}]}})", experiment_id_));
  ASSERT_OK_JSON(found);
  EXPECT_EQ(found.json().Str("/runs/0/info/run_id"), created.json().Str("/run/info/run_id"));
}

TEST_F(RunsTest, CreateAndGetErrors) {
  EXPECT_API_ERROR(api().Post("runs/create", R"({"experiment_id":"987654321"})"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(
      api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}","start_time":-5}})", experiment_id_)), 400,
      "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}","tags":[{{"key":"bad/../key","value":"v"}}]}})",
                                            experiment_id_)),
      400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("runs/get", {{"run_id", "0123456789abcdef0123456789abcdef"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("runs/get"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(RunsTest, UpdateSetsStatusEndTimeAndName) {
  std::string run_id = CreateRun(experiment_id_, R"("run_name":"before","start_time":1000)");
  Reply updated = PostForRun("runs/update", run_id, R"("status":"FINISHED","end_time":2000,"run_name":"after")");
  ASSERT_OK_JSON(updated);
  EXPECT_EQ(CanonicalJson(updated.body),
            CanonicalJson(fmt::format(
                R"({{"run_info":{{"run_id":"{0}","run_uuid":"{0}","run_name":"after","experiment_id":"{1}",
                                 "status":"FINISHED","start_time":1000,"end_time":2000,
                                 "artifact_uri":"mlflow-artifacts:/{1}/{0}/artifacts","lifecycle_stage":"active"}}}})",
                run_id, experiment_id_)));
  Json run = GetRun(run_id);
  EXPECT_EQ(run.Int("/run/info/end_time"), 2000);
  EXPECT_EQ(run.Canonical("/run/data/tags"),
            CanonicalJsonAt("/run/data/tags", R"([{"key":"mlflow.runName","value":"after"}])"));

  // Status may move freely; there is no state machine.
  ASSERT_OK_JSON(PostForRun("runs/update", run_id, R"("status":"RUNNING")"));
  EXPECT_EQ(GetRun(run_id).Str("/run/info/status"), "RUNNING");
  for (const char* status : {"SCHEDULED", "FAILED", "KILLED"}) {
    ASSERT_OK_JSON(PostForRun("runs/update", run_id, fmt::format(R"("status":"{}")", status)));
    EXPECT_EQ(GetRun(run_id).Str("/run/info/status"), status);
  }

  EXPECT_API_ERROR(PostForRun("runs/update", run_id, R"("status":"DONE")"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("runs/update", R"({"run_id":"0123456789abcdef0123456789abcdef","status":"FAILED"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("runs/update", R"({"status":"FAILED"})"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(RunsTest, DeleteAndRestore) {
  std::string run_id = CreateRun(experiment_id_);
  Reply deleted = api().Post("runs/delete", fmt::format(R"({{"run_id":"{}"}})", run_id));
  ASSERT_OK_JSON(deleted);
  EXPECT_EQ(CanonicalJson(deleted.body), "{}");
  EXPECT_EQ(GetRun(run_id).Str("/run/info/lifecycle_stage"), "deleted");
  // A deleted run takes no writes.
  EXPECT_API_ERROR(PostForRun("runs/log-metric", run_id, R"("key":"m","value":1,"timestamp":1)"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/update", run_id, R"("status":"FINISHED")"), 400, "INVALID_PARAMETER_VALUE");

  Reply restored = api().Post("runs/restore", fmt::format(R"({{"run_id":"{}"}})", run_id));
  ASSERT_OK_JSON(restored);
  EXPECT_EQ(CanonicalJson(restored.body), "{}");
  EXPECT_EQ(GetRun(run_id).Str("/run/info/lifecycle_stage"), "active");
  EXPECT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"m","value":1,"timestamp":1)"));

  EXPECT_API_ERROR(api().Post("runs/delete", R"({"run_id":"0123456789abcdef0123456789abcdef"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("runs/restore", R"({"run_id":"0123456789abcdef0123456789abcdef"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("runs/delete", "{}"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(RunsTest, LogMetricKeepsLatestAndHistory) {
  std::string run_id = CreateRun(experiment_id_);
  Reply logged = PostForRun("runs/log-metric", run_id, R"("key":"acc","value":0.5,"timestamp":100,"step":5)");
  ASSERT_OK_JSON(logged);
  EXPECT_EQ(CanonicalJson(logged.body), "{}");
  // An older step does not replace the latest value.
  ASSERT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"acc","value":0.9,"timestamp":200,"step":3)"));
  // Step defaults to 0; the run_uuid alias is accepted.
  ASSERT_OK_JSON(api().Post("runs/log-metric",
                            fmt::format(R"({{"run_uuid":"{}","key":"loss","value":2,"timestamp":50}})", run_id)));
  // Timestamps as numeric strings are accepted (int64 in proto3 JSON).
  ASSERT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"strs","value":1.5,"timestamp":"300","step":"2")"));

  Json run = GetRun(run_id);
  EXPECT_EQ(run.Canonical("/run/data/metrics"),
            CanonicalJsonAt("/run/data/metrics", R"([{"key":"acc","value":0.5,"timestamp":100,"step":5},
                              {"key":"loss","value":2,"timestamp":50,"step":0},
                              {"key":"strs","value":1.5,"timestamp":300,"step":2}])"));

  // Exact duplicates are stored once.
  ASSERT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"acc","value":0.5,"timestamp":100,"step":5)"));
  Reply history = api().Get("metrics/get-history", {{"run_id", run_id}, {"metric_key", "acc"}});
  ASSERT_OK_JSON(history);
  EXPECT_EQ(history.json().Size("/metrics"), 2u) << history.body;

  EXPECT_API_ERROR(PostForRun("runs/log-metric", run_id, R"("value":1,"timestamp":1)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-metric", run_id, R"("key":"m","timestamp":1)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-metric", run_id, R"("key":"m","value":1)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-metric", run_id, R"("key":"m","value":1,"timestamp":-1)"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("runs/log-metric",
                              R"({"run_id":"0123456789abcdef0123456789abcdef","key":"m","value":1,"timestamp":1})"),
                   404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, NanAndInfinityMetrics) {
  std::string run_id = CreateRun(experiment_id_);
  ASSERT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"nan","value":"NaN","timestamp":1)"));
  ASSERT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"inf","value":"Infinity","timestamp":1)"));
  ASSERT_OK_JSON(PostForRun("runs/log-metric", run_id, R"("key":"ninf","value":"-Infinity","timestamp":1)"));
  Json run = GetRun(run_id);
  std::map<std::string, std::string> values;
  for (size_t i = 0; i < run.Size("/run/data/metrics").value_or(0); ++i) {
    values[*run.Str(fmt::format("/run/data/metrics/{}/key", i))] =
        run.Canonical(fmt::format("/run/data/metrics/{}/value", i));
  }
  EXPECT_EQ(values["nan"], "\"NaN\"");
  // SQL stores cannot hold infinities: MLflow stores +-DBL_MAX.
  EXPECT_EQ(values["inf"], fmt::format("{}", DBL_MAX));
  EXPECT_EQ(values["ninf"], fmt::format("{}", -DBL_MAX));
}

TEST_F(RunsTest, LogParameterIsImmutable) {
  std::string run_id = CreateRun(experiment_id_);
  Reply logged = PostForRun("runs/log-parameter", run_id, R"("key":"lr","value":"0.1")");
  ASSERT_OK_JSON(logged);
  EXPECT_EQ(CanonicalJson(logged.body), "{}");
  EXPECT_OK_JSON(PostForRun("runs/log-parameter", run_id, R"("key":"lr","value":"0.1")"));
  EXPECT_API_ERROR(PostForRun("runs/log-parameter", run_id, R"("key":"lr","value":"0.2")"), 400,
                   "INVALID_PARAMETER_VALUE");
  ASSERT_OK_JSON(PostForRun("runs/log-parameter", run_id, R"("key":"empty","value":"")"));
  EXPECT_EQ(GetRun(run_id).Canonical("/run/data/params"),
            CanonicalJsonAt("/run/data/params", R"([{"key":"lr","value":"0.1"},{"key":"empty","value":""}])"));

  EXPECT_API_ERROR(PostForRun("runs/log-parameter", run_id, R"("key":"novalue")"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-parameter", run_id, R"("value":"v")"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Post("runs/log-parameter", R"({"run_id":"0123456789abcdef0123456789abcdef","key":"k","value":"v"})"), 404,
      "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, SetAndDeleteTags) {
  std::string run_id = CreateRun(experiment_id_, R"("run_name":"tagged")");
  Reply set = PostForRun("runs/set-tag", run_id, R"("key":"stage","value":"dev")");
  ASSERT_OK_JSON(set);
  EXPECT_EQ(CanonicalJson(set.body), "{}");
  ASSERT_OK_JSON(PostForRun("runs/set-tag", run_id, R"("key":"stage","value":"prod")"));
  EXPECT_EQ(GetRun(run_id).Canonical("/run/data/tags"),
            CanonicalJsonAt("/run/data/tags",
                            R"([{"key":"mlflow.runName","value":"tagged"},{"key":"stage","value":"prod"}])"));

  Reply removed = PostForRun("runs/delete-tag", run_id, R"("key":"stage")");
  ASSERT_OK_JSON(removed);
  EXPECT_EQ(CanonicalJson(removed.body), "{}");
  EXPECT_EQ(GetRun(run_id).Canonical("/run/data/tags"),
            CanonicalJsonAt("/run/data/tags", R"([{"key":"mlflow.runName","value":"tagged"}])"));
  EXPECT_API_ERROR(PostForRun("runs/delete-tag", run_id, R"("key":"stage")"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(PostForRun("runs/set-tag", run_id, R"("value":"v")"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("runs/set-tag", R"({"run_id":"0123456789abcdef0123456789abcdef","key":"k","value":"v"})"),
                   404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, LogBatchWritesEverything) {
  std::string run_id = CreateRun(experiment_id_, R"("run_name":"batch")");
  Reply logged = PostForRun("runs/log-batch", run_id,
                            R"("metrics":[{"key":"m1","value":1,"timestamp":10,"step":1},
                                          {"key":"m1","value":2,"timestamp":20,"step":2},
                                          {"key":"m2","value":-3.25,"timestamp":10}],
                               "params":[{"key":"p1","value":"a"},{"key":"p2","value":"b"}],
                               "tags":[{"key":"t1","value":"x"}])");
  ASSERT_OK_JSON(logged);
  EXPECT_EQ(CanonicalJson(logged.body), "{}");
  Json run = GetRun(run_id);
  EXPECT_EQ(run.Canonical("/run/data"),
            CanonicalJsonAt("/run/data", R"({"metrics":[{"key":"m1","value":2,"timestamp":20,"step":2},
                                         {"key":"m2","value":-3.25,"timestamp":10,"step":0}],
                              "params":[{"key":"p1","value":"a"},{"key":"p2","value":"b"}],
                              "tags":[{"key":"mlflow.runName","value":"batch"},{"key":"t1","value":"x"}]})"));
  // An empty batch is fine.
  EXPECT_OK_JSON(PostForRun("runs/log-batch", run_id, R"("metrics":[])"));
  EXPECT_API_ERROR(
      PostForRun("runs/log-batch", run_id, R"("params":[{"key":"d","value":"1"},{"key":"d","value":"2"}])"), 400,
      "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-batch", run_id, R"("params":[{"key":"p1","value":"changed"}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-batch", run_id, R"("metrics":[{"key":"m","value":1}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Post("runs/log-batch", R"({"run_id":"0123456789abcdef0123456789abcdef","tags":[{"key":"k","value":"v"}]})"),
      404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, LogInputsRecordsDatasets) {
  std::string run_id = CreateRun(experiment_id_);
  const std::string dataset = R"({"name":"mnist","digest":"d1","source_type":"http","source":"http://x/mnist",
                                  "schema":"{\"cols\":1}","profile":"{\"rows\":10}"})";
  Reply logged = PostForRun(
      "runs/log-inputs", run_id,
      fmt::format(R"("datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],"dataset":{}}}])",
                  dataset));
  ASSERT_OK_JSON(logged);
  EXPECT_EQ(CanonicalJson(logged.body), "{}");
  // Logging the same dataset again does not duplicate it.
  ASSERT_OK_JSON(PostForRun(
      "runs/log-inputs", run_id,
      fmt::format(R"("datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],"dataset":{}}}])",
                  dataset)));
  Json run = GetRun(run_id);
  EXPECT_EQ(
      run.Canonical("/run/inputs"),
      CanonicalJsonAt(
          "/run/inputs",
          fmt::format(
              R"({{"dataset_inputs":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],"dataset":{}}}]}})",
              dataset)));

  EXPECT_API_ERROR(PostForRun("runs/log-inputs", run_id, R"("datasets":[{"dataset":{"name":"x","digest":"d"}}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-inputs", run_id, R"("datasets":[{"tags":[]}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      PostForRun(
          "runs/log-inputs", run_id,
          fmt::format(R"("datasets":[{{"dataset":{{"name":"x","digest":"{}","source_type":"s","source":"s"}}}}])",
                      std::string(37, 'd'))),
      400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Post(
          "runs/log-inputs",
          fmt::format(R"({{"run_id":"0123456789abcdef0123456789abcdef","datasets":[{{"dataset":{}}}]}})", dataset)),
      404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, LogModelAppendsToHistoryTag) {
  std::string run_id = CreateRun(experiment_id_);
  const std::string model1 =
      R"({"artifact_path":"model","flavors":{"python_function":{}},"utc_time_created":"2024-01-01","run_id":"r"})";
  const std::string model2 = R"({"artifact_path":"model2","flavors":{},"utc_time_created":"2024-01-02","run_id":"r"})";
  auto log = [&](const std::string& model) {
    // model_json is a JSON document inside a JSON string.
    JsonWriter w;
    w.String(model);
    return PostForRun("runs/log-model", run_id, fmt::format(R"("model_json":{})", w.str()));
  };
  Reply logged = log(model1);
  ASSERT_OK_JSON(logged);
  EXPECT_EQ(CanonicalJson(logged.body), "{}");
  ASSERT_OK_JSON(log(model2));
  Json run = GetRun(run_id);
  std::string history;
  for (size_t i = 0; i < run.Size("/run/data/tags").value_or(0); ++i) {
    if (run.Str(fmt::format("/run/data/tags/{}/key", i)) == "mlflow.log-model.history") {
      history = *run.Str(fmt::format("/run/data/tags/{}/value", i));
    }
  }
  EXPECT_EQ(CanonicalJson(history), CanonicalJson(fmt::format("[{},{}]", model1, model2)));

  EXPECT_API_ERROR(log(R"({"artifact_path":"m"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(log("not json"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-model", run_id, R"("other":1)"), 400, "INVALID_PARAMETER_VALUE");
}

}  // namespace
}  // namespace cairn::integration
