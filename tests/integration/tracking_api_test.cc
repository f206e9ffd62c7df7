// The tracking API end to end against the real binary: every endpoint of
// /api/2.0/mlflow (specs/mlflow-rest.md sections 0-2, 4, 5), with exact JSON
// comparisons (CanonicalJson) and the HTTP status and error_code of each
// error path.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "base/json_writer.h"
#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

using client::HttpMethod;

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
  Reply created = api().Post(fmt::format("{}/experiments/create", kAjaxPrefix), fmt::format(R"({{"name":"{}"}})", name));
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
  EXPECT_EQ(got.Keys("/experiment"),
            (std::vector<std::string>{"artifact_location", "creation_time", "experiment_id", "last_update_time",
                                      "lifecycle_stage", "name"}));
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
  for (const char* location : {"runs:/abc/def", "s3://bucket/path#fragment", "s3://bucket/path?x=../y",
                               "http://host/path;params"}) {
    EXPECT_API_ERROR(api().Post("experiments/create", fmt::format(R"({{"name":"{}","artifact_location":"{}"}})",
                                                                  UniqueName("loc"), location)),
                     400, "INVALID_PARAMETER_VALUE")
        << location;
  }
  Reply s3 = api().Post("experiments/create",
                        fmt::format(R"({{"name":"{}","artifact_location":"s3://bucket/some/prefix"}})", UniqueName("s3")));
  ASSERT_OK_JSON(s3);
  EXPECT_EQ(api().Get("experiments/get", {{"experiment_id", *s3.json().Str("/experiment_id")}}).json().Str(
                "/experiment/artifact_location"),
            "s3://bucket/some/prefix");
  EXPECT_API_ERROR(
      api().Post("experiments/create",
                 fmt::format(R"({{"name":"{}","tags":[{{"key":"k","value":"{}"}}]}})", UniqueName("t"), std::string(5001, 'v'))),
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
  Reply updated = api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", id, new_name));
  ASSERT_OK_JSON(updated);
  EXPECT_EQ(CanonicalJson(updated.body), "{}");
  Json got = GetExperiment(id);
  EXPECT_EQ(got.Str("/experiment/name"), new_name);
  EXPECT_GE(got.Int("/experiment/last_update_time").value_or(0), before);
  EXPECT_OK_JSON(api().Get("experiments/get-by-name", {{"experiment_name", new_name}}));

  std::string other = CreateExperiment("taken");
  std::string taken = *GetExperiment(other).Str("/experiment/name");
  EXPECT_API_ERROR(api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", id, taken)),
                   400, "RESOURCE_ALREADY_EXISTS");
  EXPECT_API_ERROR(api().Post("experiments/update", R"({"experiment_id":"987654321","new_name":"x"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/update", R"({"new_name":"x"})"), 400, "INVALID_PARAMETER_VALUE");

  // MLflow quirk kept: renaming a deleted experiment is INVALID_STATE (500).
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", other)));
  EXPECT_API_ERROR(
      api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", other, UniqueName("z"))),
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

  EXPECT_API_ERROR(api().Post("experiments/delete", R"({"experiment_id":"987654321"})"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/restore", R"({"experiment_id":"987654321"})"), 404, "RESOURCE_DOES_NOT_EXIST");
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
  ASSERT_OK_JSON(api().Post("experiments/update", fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", id, new_name)));
  EXPECT_API_ERROR(api().Get("experiments/get-by-name", {{"experiment_name", old_name}}), 404, "RESOURCE_DOES_NOT_EXIST");
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
  EXPECT_EQ(GetExperiment(id).Canonical("/experiment/tags"), CanonicalJsonAt("/experiment/tags", R"([{"key":"owner","value":"ana"}])"));

  EXPECT_API_ERROR(
      api().Post("experiments/delete-experiment-tag", fmt::format(R"({{"experiment_id":"{}","key":"stage"}})", id)), 404,
      "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(set(std::string(251, 'k'), "v"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(set("k", std::string(5001, 'v')), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_OK_JSON(set(std::string(250, 'k'), std::string(5000, 'v')));
  EXPECT_API_ERROR(api().Post("experiments/set-experiment-tag", fmt::format(R"({{"experiment_id":"{}","value":"v"}})", id)),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Post("experiments/set-experiment-tag", R"({"experiment_id":"987654321","key":"k","value":"v"})"), 404,
      "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("experiments/delete-experiment-tag", R"({"experiment_id":"987654321","key":"k"})"), 404,
                   "RESOURCE_DOES_NOT_EXIST");
}

class ExperimentSearchTest : public ServerTest {
 protected:
  // Five experiments named <prefix>-0..4, tagged group=even|odd.
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    prefix_ = UniqueName("search");
    for (int i = 0; i < 5; ++i) {
      std::string name = fmt::format("{}-{}", prefix_, i);
      Reply created = api().Post(
          "experiments/create",
          fmt::format(R"({{"name":"{}","tags":[{{"key":"group","value":"{}"}}]}})", name, i % 2 ? "odd" : "even"));
      ASSERT_OK_JSON(created);
      ids_.push_back(*created.json().Str("/experiment_id"));
      names_.push_back(name);
    }
  }

  // POST experiments/search with `fields` plus a filter on this test's prefix.
  Reply Search(std::string_view fields, std::string_view extra_filter = {}) {
    std::string filter = fmt::format("name LIKE '{}-%'{}", prefix_, extra_filter);
    return api().Post("experiments/search",
                      fmt::format(R"({{"filter":"{}"{}{}}})", filter, fields.empty() ? "" : ",", fields));
  }

  static std::vector<std::string> Names(const Json& page) {
    std::vector<std::string> out;
    for (size_t i = 0; i < page.Size("/experiments").value_or(0); ++i) {
      out.push_back(page.Str(fmt::format("/experiments/{}/name", i)).value_or("?"));
    }
    return out;
  }

  std::string prefix_;
  std::vector<std::string> ids_;
  std::vector<std::string> names_;
};

TEST_F(ExperimentSearchTest, DefaultOrderIsNewestFirstThenIdAscending) {
  Reply reply = Search("");
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  ASSERT_EQ(page.Size("/experiments"), 5u) << reply.body;
  EXPECT_FALSE(page.Has("/next_page_token"));
  struct Row {
    int64_t creation_time;
    int64_t id;
    std::string name;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < 5; ++i) {
    rows.push_back({*page.Int(fmt::format("/experiments/{}/creation_time", i)),
                    std::stoll(*page.Str(fmt::format("/experiments/{}/experiment_id", i))),
                    *page.Str(fmt::format("/experiments/{}/name", i))});
  }
  std::vector<Row> expected = rows;
  std::sort(expected.begin(), expected.end(), [](const Row& a, const Row& b) {
    return a.creation_time != b.creation_time ? a.creation_time > b.creation_time : a.id < b.id;
  });
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(rows[i].name, expected[i].name) << "position " << i;
  // Each entry is the full experiment, as experiments/get returns it.
  Reply one = api().Get("experiments/get", {{"experiment_id", *page.Str("/experiments/0/experiment_id")}});
  EXPECT_EQ(page.Canonical("/experiments/0"), one.json().Canonical("/experiment"));
}

TEST_F(ExperimentSearchTest, FilterAndOrderBy) {
  Reply asc = Search(R"("order_by":["name ASC"])");
  ASSERT_OK_JSON(asc);
  EXPECT_EQ(Names(asc.json()), names_);

  Reply desc = Search(R"("order_by":["name DESC"])");
  std::vector<std::string> reversed(names_.rbegin(), names_.rend());
  EXPECT_EQ(Names(desc.json()), reversed);

  Reply by_id = Search(R"("order_by":["experiment_id DESC"])");
  EXPECT_EQ(Names(by_id.json()), reversed);

  Reply odd = Search(R"("order_by":["name"])", " AND tags.group = 'odd'");
  ASSERT_OK_JSON(odd);
  EXPECT_EQ(Names(odd.json()), (std::vector<std::string>{names_[1], names_[3]}));

  Reply exact = Search(R"("order_by":["name"])", fmt::format(" AND attributes.name = '{}'", names_[2]));
  EXPECT_EQ(Names(exact.json()), std::vector<std::string>{names_[2]});

  Reply ilike = api().Post("experiments/search",
                           fmt::format(R"({{"filter":"name ILIKE '{}-%'","order_by":["name"]}})", [&] {
                             std::string upper = prefix_;
                             for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
                             return upper;
                           }()));
  EXPECT_EQ(Names(ilike.json()), names_);

  Reply created_after = Search(R"("order_by":["name"])", " AND creation_time > 0");
  EXPECT_EQ(Names(created_after.json()), names_);

  // Nothing matches: the response is {} with no "experiments" key.
  Reply none = Search("", " AND tags.group = 'none'");
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
}

TEST_F(ExperimentSearchTest, PagesWithTokens) {
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string fields = R"("order_by":["name"],"max_results":2)";
    if (!token.empty()) fields += fmt::format(R"(,"page_token":"{}")", token);
    Reply reply = Search(fields);
    ASSERT_OK_JSON(reply);
    Json page = reply.json();
    auto names = Names(page);
    EXPECT_LE(names.size(), 2u);
    seen.insert(seen.end(), names.begin(), names.end());
    token = page.Str("/next_page_token").value_or("");
    ++pages;
    ASSERT_LE(pages, 10) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(seen, names_);
  // Experiments search only hands out a token when more rows exist: 2+2+1.
  EXPECT_EQ(pages, 3);
}

TEST_F(ExperimentSearchTest, GetFormTakesQueryParameters) {
  Reply reply = api().Get("experiments/search", {{"filter", fmt::format("name LIKE '{}-%'", prefix_)},
                                                 {"order_by", "name DESC"},
                                                 {"max_results", "3"}});
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  EXPECT_EQ(Names(page), (std::vector<std::string>{names_[4], names_[3], names_[2]}));
  ASSERT_TRUE(page.Has("/next_page_token"));
  Reply next = api().Get("experiments/search", {{"filter", fmt::format("name LIKE '{}-%'", prefix_)},
                                                {"order_by", "name DESC"},
                                                {"max_results", "3"},
                                                {"page_token", *page.Str("/next_page_token")}});
  ASSERT_OK_JSON(next);
  EXPECT_EQ(Names(next.json()), (std::vector<std::string>{names_[1], names_[0]}));
}

TEST_F(ExperimentSearchTest, ViewTypes) {
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", ids_[1])));
  std::vector<std::string> active = {names_[0], names_[2], names_[3], names_[4]};
  EXPECT_EQ(Names(Search(R"("order_by":["name"])").json()), active);
  EXPECT_EQ(Names(Search(R"("order_by":["name"],"view_type":"ACTIVE_ONLY")").json()), active);
  EXPECT_EQ(Names(Search(R"("order_by":["name"],"view_type":"DELETED_ONLY")").json()),
            std::vector<std::string>{names_[1]});
  EXPECT_EQ(Names(Search(R"("order_by":["name"],"view_type":"ALL")").json()), names_);
  EXPECT_API_ERROR(Search(R"("view_type":"SOME")"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(ExperimentSearchTest, Errors) {
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"filter":"name = "})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"filter":"metrics.x > 1"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"filter":"bogus_attr = 'x'"})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"order_by":["nonsense ASC"]})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"order_by":["name SIDEWAYS"]})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"page_token":"not-a-token"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"max_results":0})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"max_results":50001})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_OK_JSON(api().Post("experiments/search", R"({"max_results":50000})"));
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
  Reply created = api().Post(
      "runs/create",
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
  EXPECT_FALSE(run.Has("/run/info/user_id"));  // empty: omitted
}

TEST_F(RunsTest, RunNameComesFromTheTagWhenNotGiven) {
  Reply created = api().Post(
      "runs/create",
      fmt::format(R"({{"experiment_id":"{}","tags":[{{"key":"mlflow.runName","value":"from-tag"}}]}})", experiment_id_));
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/run/info/run_name"), "from-tag");
  // Same name twice is fine; different names conflict.
  EXPECT_OK_JSON(api().Post(
      "runs/create", fmt::format(R"({{"experiment_id":"{}","run_name":"same",
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
  Reply found = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"],"filter":"attributes.run_name = 'via-batch'"}})",
                                                      experiment_id_));
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
  EXPECT_OK_JSON(PostForRun("runs/log-batch", run_id, fmt::format(R"("params":[{}])", objects("p", 100, R"("value":"v")"))));
  EXPECT_OK_JSON(PostForRun("runs/log-batch", run_id, fmt::format(R"("tags":[{}])", objects("t", 100, R"("value":"v")"))));
  EXPECT_OK_JSON(PostForRun("runs/log-batch", run_id,
                            fmt::format(R"("metrics":[{}],"params":[{}],"tags":[{}])",
                                        objects("m2_", 800, R"("value":1,"timestamp":1)"),
                                        objects("p2_", 100, R"("value":"v")"), objects("t2_", 100, R"("value":"v")"))));
  EXPECT_OK_JSON(PostForRun("runs/log-parameter", run_id, fmt::format(R"("key":"long","value":"{}")", std::string(6000, 'p'))));
  EXPECT_OK_JSON(PostForRun("runs/set-tag", run_id, fmt::format(R"("key":"long","value":"{}")", std::string(8000, 't'))));
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
  Reply created = api().Post("runs/create", fmt::format(R"({{"experiment_id":{},"run_name":"numeric"}})", experiment_id_));
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/run/info/experiment_id"), experiment_id_);
  Reply found = api().Post("runs/search", fmt::format(R"({{"experiment_ids":[{}]}})", experiment_id_));
  ASSERT_OK_JSON(found);
  EXPECT_EQ(found.json().Str("/runs/0/info/run_id"), created.json().Str("/run/info/run_id"));
}

TEST_F(RunsTest, CreateAndGetErrors) {
  EXPECT_API_ERROR(api().Post("runs/create", R"({"experiment_id":"987654321"})"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Post("runs/create", fmt::format(R"({{"experiment_id":"{}","start_time":-5}})", experiment_id_)),
                   400, "INVALID_PARAMETER_VALUE");
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
  EXPECT_EQ(run.Canonical("/run/data/tags"), CanonicalJsonAt("/run/data/tags", R"([{"key":"mlflow.runName","value":"after"}])"));

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
    values[*run.Str(fmt::format("/run/data/metrics/{}/key", i))] = run.Canonical(fmt::format("/run/data/metrics/{}/value", i));
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
  EXPECT_API_ERROR(api().Post("runs/log-parameter", R"({"run_id":"0123456789abcdef0123456789abcdef","key":"k","value":"v"})"),
                   404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, SetAndDeleteTags) {
  std::string run_id = CreateRun(experiment_id_, R"("run_name":"tagged")");
  Reply set = PostForRun("runs/set-tag", run_id, R"("key":"stage","value":"dev")");
  ASSERT_OK_JSON(set);
  EXPECT_EQ(CanonicalJson(set.body), "{}");
  ASSERT_OK_JSON(PostForRun("runs/set-tag", run_id, R"("key":"stage","value":"prod")"));
  EXPECT_EQ(GetRun(run_id).Canonical("/run/data/tags"),
            CanonicalJsonAt("/run/data/tags", R"([{"key":"mlflow.runName","value":"tagged"},{"key":"stage","value":"prod"}])"));

  Reply removed = PostForRun("runs/delete-tag", run_id, R"("key":"stage")");
  ASSERT_OK_JSON(removed);
  EXPECT_EQ(CanonicalJson(removed.body), "{}");
  EXPECT_EQ(GetRun(run_id).Canonical("/run/data/tags"), CanonicalJsonAt("/run/data/tags", R"([{"key":"mlflow.runName","value":"tagged"}])"));
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
  EXPECT_API_ERROR(PostForRun("runs/log-batch", run_id, R"("params":[{"key":"d","value":"1"},{"key":"d","value":"2"}])"),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-batch", run_id, R"("params":[{"key":"p1","value":"changed"}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-batch", run_id, R"("metrics":[{"key":"m","value":1}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("runs/log-batch", R"({"run_id":"0123456789abcdef0123456789abcdef","tags":[{"key":"k","value":"v"}]})"),
                   404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, LogInputsRecordsDatasets) {
  std::string run_id = CreateRun(experiment_id_);
  const std::string dataset = R"({"name":"mnist","digest":"d1","source_type":"http","source":"http://x/mnist",
                                  "schema":"{\"cols\":1}","profile":"{\"rows\":10}"})";
  Reply logged = PostForRun(
      "runs/log-inputs", run_id,
      fmt::format(R"("datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],"dataset":{}}}])", dataset));
  ASSERT_OK_JSON(logged);
  EXPECT_EQ(CanonicalJson(logged.body), "{}");
  // Logging the same dataset again does not duplicate it.
  ASSERT_OK_JSON(PostForRun(
      "runs/log-inputs", run_id,
      fmt::format(R"("datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],"dataset":{}}}])", dataset)));
  Json run = GetRun(run_id);
  EXPECT_EQ(run.Canonical("/run/inputs"),
            CanonicalJsonAt("/run/inputs", fmt::format(
                R"({{"dataset_inputs":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],"dataset":{}}}]}})",
                dataset)));

  EXPECT_API_ERROR(PostForRun("runs/log-inputs", run_id, R"("datasets":[{"dataset":{"name":"x","digest":"d"}}])"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(PostForRun("runs/log-inputs", run_id, R"("datasets":[{"tags":[]}])"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      PostForRun("runs/log-inputs", run_id,
                 fmt::format(R"("datasets":[{{"dataset":{{"name":"x","digest":"{}","source_type":"s","source":"s"}}}}])",
                             std::string(37, 'd'))),
      400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("runs/log-inputs", fmt::format(R"({{"run_id":"0123456789abcdef0123456789abcdef","datasets":[{{"dataset":{}}}]}})", dataset)),
                   404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RunsTest, LogModelAppendsToHistoryTag) {
  std::string run_id = CreateRun(experiment_id_);
  const std::string model1 = R"({"artifact_path":"model","flavors":{"python_function":{}},"utc_time_created":"2024-01-01","run_id":"r"})";
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

// ---------------------------------------------------------------------------
// Search runs

class RunSearchTest : public ServerTest {
 protected:
  // Four runs with distinct start times (a oldest .. d newest):
  //   a: acc 0.9, lr "0.1", team "Vision", FINISHED, dataset mnist/training
  //   b: acc 0.4, lr "0.01", team "nlp"
  //   c: acc NaN, lr "0.1"
  //   d: nothing logged
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("search-runs");
    for (int i = 0; i < 4; ++i) {
      std::string name = std::string(1, char('a' + i));
      ids_[name] = CreateRun(experiment_id_, fmt::format(R"("run_name":"run-{}","start_time":{},"user_id":"u{}")", name,
                                                         1000 + i, i % 2));
    }
    LogBatch("a", R"("metrics":[{"key":"acc","value":0.9,"timestamp":1}],"params":[{"key":"lr","value":"0.1"}],
                     "tags":[{"key":"team","value":"Vision"}])");
    LogBatch("b", R"("metrics":[{"key":"acc","value":0.4,"timestamp":1}],"params":[{"key":"lr","value":"0.01"}],
                     "tags":[{"key":"team","value":"nlp"}])");
    LogBatch("c", R"("metrics":[{"key":"acc","value":"NaN","timestamp":1}],"params":[{"key":"lr","value":"0.1"}])");
    ASSERT_OK_JSON(api().Post("runs/update", fmt::format(R"({{"run_id":"{}","status":"FINISHED","end_time":5000}})", ids_["a"])));
    ASSERT_OK_JSON(api().Post(
        "runs/log-inputs",
        fmt::format(R"({{"run_id":"{}","datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],
                        "dataset":{{"name":"mnist","digest":"abc123","source_type":"local","source":"/d"}}}}]}})",
                    ids_["a"])));
  }

  void LogBatch(const std::string& run, std::string_view fields) {
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}",{}}})", ids_[run], fields)));
  }

  // Letters of the runs a search returns, in order ("dcba").
  std::string Search(std::string_view filter, std::string_view extra = {}) {
    JsonWriter w;
    w.String(filter);
    Reply reply = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"],"filter":{}{}{}}})", experiment_id_,
                                                        w.str(), extra.empty() ? "" : ",", extra));
    EXPECT_OK_JSON(reply);
    return Letters(reply.json());
  }

  std::string Letters(const Json& page) {
    std::string out;
    for (size_t i = 0; i < page.Size("/runs").value_or(0); ++i) {
      std::string id = page.Str(fmt::format("/runs/{}/info/run_id", i)).value_or("?");
      char letter = '?';
      for (const auto& [name, run_id] : ids_) {
        if (run_id == id) letter = name[0];
      }
      out += letter;
    }
    return out;
  }

  Reply SearchReply(std::string_view fields) {
    return api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"],{}}})", experiment_id_, fields));
  }

  std::string experiment_id_;
  std::map<std::string, std::string> ids_;
};

TEST_F(RunSearchTest, DefaultOrderIsNewestFirstAndRunsAreComplete) {
  Reply reply = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"]}})", experiment_id_));
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  EXPECT_EQ(Letters(page), "dcba");
  EXPECT_FALSE(page.Has("/next_page_token"));
  // Each entry is the full run, as runs/get returns it.
  EXPECT_EQ(page.Canonical("/runs/3"), Json(GetRunJson(ids_["a"])).Canonical("/run"));
}

TEST_F(RunSearchTest, FiltersOnMetricsParamsTagsAttributesDatasets) {
  EXPECT_EQ(Search("metrics.acc > 0.5"), "a");
  EXPECT_EQ(Search("metrics.acc >= 0.4"), "ba");
  EXPECT_EQ(Search("metrics.acc < 0.5 AND metrics.acc > 0.1"), "b");
  EXPECT_EQ(Search("metric.acc = 0.4"), "b");
  EXPECT_EQ(Search("params.lr = '0.1'"), "ca");
  EXPECT_EQ(Search("params.lr != '0.1'"), "b");  // runs without the key do not match !=
  EXPECT_EQ(Search("param.lr LIKE '0.0%'"), "b");
  EXPECT_EQ(Search("params.`lr` = \"0.01\""), "b");
  EXPECT_EQ(Search("tags.team = 'Vision'"), "a");
  EXPECT_EQ(Search("tags.team LIKE 'vis%'"), "");  // LIKE is case-sensitive
  EXPECT_EQ(Search("tags.team ILIKE 'vis%'"), "a");
  EXPECT_EQ(Search("tags.\"team\" ILIKE '%P'"), "b");
  EXPECT_EQ(Search("tags.`mlflow.runName` = 'run-c'"), "c");
  EXPECT_EQ(Search("attributes.status = 'FINISHED'"), "a");
  EXPECT_EQ(Search("attributes.status != 'FINISHED'"), "dcb");
  EXPECT_EQ(Search("attributes.run_name = 'run-b'"), "b");
  EXPECT_EQ(Search("run_name LIKE 'run-%'"), "dcba");
  EXPECT_EQ(Search("attributes.`run name` = 'run-c'"), "c");
  EXPECT_EQ(Search("attributes.`Run name` ILIKE 'RUN-A'"), "a");
  EXPECT_EQ(Search(fmt::format("attributes.run_id LIKE '{}%'", ids_["b"].substr(0, 20))), "b");
  EXPECT_EQ(Search(fmt::format("attributes.run_id ILIKE '{}'", [&] {
              std::string upper = ids_["d"];
              for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
              return upper;
            }())),
            "d");
  EXPECT_EQ(Search("attributes.user_id = 'u1'"), "db");
  EXPECT_EQ(Search("attributes.start_time >= 1002"), "dc");
  EXPECT_EQ(Search("attributes.created < 1001"), "a");
  EXPECT_EQ(Search("attributes.end_time = 5000"), "a");
  EXPECT_EQ(Search(fmt::format("attributes.run_id IN ('{}', '{}')", ids_["b"], ids_["d"])), "db");
  EXPECT_EQ(Search(fmt::format("attributes.run_id NOT IN ('{}')", ids_["b"])), "dca");
  EXPECT_EQ(Search(fmt::format("attributes.run_id = '{}'", ids_["c"])), "c");
  EXPECT_EQ(Search(fmt::format("attributes.artifact_uri = 'mlflow-artifacts:/{}/{}/artifacts'", experiment_id_, ids_["d"])),
            "d");
  EXPECT_EQ(Search("datasets.name = 'mnist'"), "a");
  EXPECT_EQ(Search("datasets.digest IN ('abc123', 'zzz')"), "a");
  EXPECT_EQ(Search("datasets.context = 'training'"), "a");
  EXPECT_EQ(Search("datasets.context IN ('eval', 'training')"), "a");
  EXPECT_EQ(Search("datasets.name LIKE 'mn%' AND datasets.digest = 'abc123'"), "a");
  EXPECT_EQ(Search("datasets.name != 'mnist'"), "");
  EXPECT_EQ(Search("params.lr = '0.1' AND metrics.acc > 0"), "a");
  EXPECT_EQ(Search("params.lr = '0.1' and tags.team = 'Vision' AND attributes.status = 'FINISHED'"), "a");
  EXPECT_EQ(Search("params.missing = 'x'"), "");
}

TEST_F(RunSearchTest, EmptyResultsHaveNoRunsKey) {
  Reply none = SearchReply(R"("filter":"params.lr = 'nope'")");
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
  Reply no_experiments = api().Post("runs/search", R"({"experiment_ids":[]})");
  ASSERT_OK_JSON(no_experiments);
  EXPECT_EQ(CanonicalJson(no_experiments.body), "{}");
}

TEST_F(RunSearchTest, OrderBy) {
  // Missing values (and NaN for metrics) sort last in both directions.
  EXPECT_EQ(Search("", R"("order_by":["metrics.acc DESC"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["metrics.acc ASC"])"), "bacd");
  EXPECT_EQ(Search("", R"("order_by":["metrics.`acc` desc"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["params.lr ASC"])"), "bcad");  // "0.01" < "0.1"; ties newest first
  EXPECT_EQ(Search("", R"("order_by":["tags.team DESC"])"), "badc");  // "nlp" > "Vision" bytewise
  EXPECT_EQ(Search("", R"("order_by":["attributes.start_time ASC"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["start_time DESC"])"), "dcba");
  EXPECT_EQ(Search("", R"("order_by":["run_name DESC"])"), "dcba");
  EXPECT_EQ(Search("", R"("order_by":["attributes.run_name"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["attributes.user_id ASC", "start_time ASC"])"), "acbd");
  EXPECT_EQ(Search("", R"("order_by":["attributes.end_time ASC"])"), "adcb");
}

TEST_F(RunSearchTest, PagesWithTokens) {
  std::string seen;
  std::string token;
  int pages = 0;
  do {
    std::string fields = R"("max_results":3)";
    if (!token.empty()) fields += fmt::format(R"(,"page_token":"{}")", token);
    Reply reply = SearchReply(fields);
    ASSERT_OK_JSON(reply);
    Json page = reply.json();
    std::string letters = Letters(page);
    EXPECT_LE(letters.size(), 3u);
    seen += letters;
    token = page.Str("/next_page_token").value_or("");
    if (letters.size() < 3) EXPECT_TRUE(token.empty()) << "a short page must be the last";
    ASSERT_LE(++pages, 5) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(seen, "dcba");

  // With a page size dividing the total, the pages still cover every run once.
  seen.clear();
  token.clear();
  pages = 0;
  do {
    std::string fields = R"("max_results":2)";
    if (!token.empty()) fields += fmt::format(R"(,"page_token":"{}")", token);
    Reply reply = SearchReply(fields);
    ASSERT_OK_JSON(reply);
    seen += Letters(reply.json());
    token = reply.json().Str("/next_page_token").value_or("");
    ASSERT_LE(++pages, 5) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(seen, "dcba");
}

TEST_F(RunSearchTest, ViewTypesAndSeveralExperiments) {
  ASSERT_OK_JSON(api().Post("runs/delete", fmt::format(R"({{"run_id":"{}"}})", ids_["b"])));
  EXPECT_EQ(Search(""), "dca");
  EXPECT_EQ(Search("", R"("run_view_type":"ACTIVE_ONLY")"), "dca");
  EXPECT_EQ(Search("", R"("run_view_type":"DELETED_ONLY")"), "b");
  EXPECT_EQ(Search("", R"("run_view_type":"ALL")"), "dcba");
  EXPECT_API_ERROR(SearchReply(R"("run_view_type":"NONE")"), 400, "INVALID_PARAMETER_VALUE");

  std::string other = CreateExperiment("other");
  std::string e = CreateRun(other, R"("start_time":999)");
  ids_["e"] = e;
  Reply both = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}","{}"]}})", experiment_id_, other));
  ASSERT_OK_JSON(both);
  EXPECT_EQ(Letters(both.json()), "dcae");
}

TEST_F(RunSearchTest, Errors) {
  for (const char* filter : {"metrics.acc > 'high'", "params.lr > 1", "params.lr = 0.1", "bogus.key = 'x'",
                             "attributes.nope = 'x'", "metrics.acc >", "metrics.acc = 1 OR metrics.acc = 2",
                             "(metrics.acc = 1)", "tags.team IN 'x'", "metrics.acc LIKE '1%'",
                             "attributes.start_time = 'yesterday'"}) {
    EXPECT_API_ERROR(SearchReply(fmt::format(R"("filter":"{}")", filter)), 400, "INVALID_PARAMETER_VALUE")
        << "filter: " << filter;
  }
  for (const char* order : {"metrics.acc SIDEWAYS", "nope.x", "attributes.bogus", "datasets.name ASC", ""}) {
    EXPECT_API_ERROR(SearchReply(fmt::format(R"("order_by":["{}"])", order)), 400, "INVALID_PARAMETER_VALUE")
        << "order_by: " << order;
  }
  EXPECT_API_ERROR(SearchReply(R"("order_by":["start_time ASC","start_time DESC"])"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(SearchReply(R"("page_token":"bogus")"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(SearchReply(R"("max_results":0)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(SearchReply(R"("max_results":50001)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_OK_JSON(SearchReply(R"("max_results":50000)"));
}

// ---------------------------------------------------------------------------
// Metric history

class MetricHistoryTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("history");
    run_id_ = CreateRun(experiment_id_);
    // Logged out of order; history comes back by (timestamp, step, value).
    std::string metrics;
    for (int i = 9; i >= 0; --i) {
      metrics += fmt::format(R"({}{{"key":"loss","value":{},"timestamp":{},"step":{}}})", metrics.empty() ? "" : ",",
                             10 - i, 100 + i, i);
    }
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", run_id_, metrics)));
  }

  static std::string Point(int i) {
    return fmt::format(R"({{"key":"loss","value":{},"timestamp":{},"step":{}}})", 10 - i, 100 + i, i);
  }

  // Drops run_id, which MLflow 3 may add to history points.
  static std::string CanonicalPoints(const Json& page) {
    std::string out = "[";
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      std::string p = fmt::format("/metrics/{}", i);
      out += fmt::format("{}{{\"key\":\"{}\",\"step\":{},\"timestamp\":{},\"value\":{}}}", i ? "," : "",
                         page.Str(p + "/key").value_or("?"), page.Int(p + "/step").value_or(-1),
                         page.Int(p + "/timestamp").value_or(-1), page.Canonical(p + "/value"));
    }
    return out + "]";
  }

  std::string experiment_id_;
  std::string run_id_;
};

TEST_F(MetricHistoryTest, WholeHistoryInOneResponse) {
  Reply reply = api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}});
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  std::string expected = "[";
  for (int i = 0; i < 10; ++i) expected += (i ? "," : "") + Point(i);
  EXPECT_EQ(CanonicalPoints(page), CanonicalJson(expected + "]"));
  EXPECT_FALSE(page.Has("/next_page_token"));
  for (size_t i = 0; i < 10; ++i) {
    for (const auto& key : page.Keys(fmt::format("/metrics/{}", i))) {
      EXPECT_TRUE(key == "key" || key == "value" || key == "timestamp" || key == "step" || key == "run_id") << key;
    }
    if (page.Has(fmt::format("/metrics/{}/run_id", i))) EXPECT_EQ(page.Str(fmt::format("/metrics/{}/run_id", i)), run_id_);
  }
}

TEST_F(MetricHistoryTest, PagesWithMaxResults) {
  std::string token;
  std::vector<std::string> points;
  int pages = 0;
  do {
    client::QueryParams query = {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "3"}};
    if (!token.empty()) query.emplace_back("page_token", token);
    Reply reply = api().Get("metrics/get-history", query);
    ASSERT_OK_JSON(reply);
    Json page = reply.json();
    EXPECT_LE(page.Size("/metrics").value_or(0), 3u);
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      points.push_back(page.Canonical(fmt::format("/metrics/{}/step", i)));
    }
    token = page.Str("/next_page_token").value_or("");
    ASSERT_LE(++pages, 6) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(points, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_GE(pages, 4);
}

// Without max_results the whole history comes back in one response, however
// long (the spec verified 100 000 points against MLflow).
TEST_F(MetricHistoryTest, HundredThousandPointsInOneResponse) {
  constexpr int kPoints = 100000;
  for (int batch = 0; batch < kPoints / 1000; ++batch) {
    std::string metrics;
    for (int i = batch * 1000; i < (batch + 1) * 1000; ++i) {
      metrics += fmt::format(R"({}{{"key":"long","value":{},"timestamp":{},"step":{}}})", metrics.empty() ? "" : ",", i,
                             i, i);
    }
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", run_id_, metrics)));
  }
  Reply reply = api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "long"}});
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  ASSERT_EQ(page.Size("/metrics"), size_t(kPoints));
  EXPECT_FALSE(page.Has("/next_page_token"));
  EXPECT_EQ(page.Int("/metrics/0/step"), 0);
  EXPECT_EQ(page.Int(fmt::format("/metrics/{}/step", kPoints - 1)), kPoints - 1);
  EXPECT_EQ(page.Int("/metrics/54321/step"), 54321);
}

TEST_F(MetricHistoryTest, UnknownKeyIsEmptyAndErrors) {
  Reply none = api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "never-logged"}});
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"run_id", run_id_}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"metric_key", "loss"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"run_id", "0123456789abcdef0123456789abcdef"}, {"metric_key", "loss"}}),
                   404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "0"}}),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "3"}, {"page_token", "x"}}),
      400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "ten"}}),
                   400, "INVALID_PARAMETER_VALUE");
}

TEST_F(MetricHistoryTest, BulkIntervalAcrossRuns) {
  std::string second = CreateRun(experiment_id_);
  std::string metrics;
  for (int step = 0; step < 10; ++step) {
    metrics += fmt::format(R"({}{{"key":"loss","value":{},"timestamp":{},"step":{}}})", step ? "," : "", step * 2, 500 + step,
                           step);
  }
  ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", second, metrics)));

  auto fetch = [&](client::QueryParams extra) {
    client::QueryParams query = {{"run_ids", run_id_}, {"run_ids", second}, {"metric_key", "loss"}};
    query.insert(query.end(), extra.begin(), extra.end());
    return api().Get("metrics/get-history-bulk-interval", query);
  };
  // run_id -> steps returned
  auto steps = [&](const Json& page) {
    std::map<std::string, std::vector<int64_t>> out;
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      std::string p = fmt::format("/metrics/{}", i);
      EXPECT_EQ(page.Str(p + "/key"), "loss");
      out[page.Str(p + "/run_id").value_or("?")].push_back(page.Int(p + "/step").value_or(-1));
    }
    for (auto& [run, s] : out) std::sort(s.begin(), s.end());
    return out;
  };

  Reply all = fetch({});
  ASSERT_OK_JSON(all);
  auto all_steps = steps(all.json());
  std::vector<int64_t> zero_to_nine = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(all_steps[run_id_], zero_to_nine);
  EXPECT_EQ(all_steps[second], zero_to_nine);
  EXPECT_EQ(all_steps.size(), 2u);
  // Each point carries its run and value.
  Json page = all.json();
  for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
    std::string p = fmt::format("/metrics/{}", i);
    int64_t step = *page.Int(p + "/step");
    if (page.Str(p + "/run_id") == second) {
      EXPECT_EQ(page.Canonical(p), CanonicalJson(fmt::format(R"({{"key":"loss","value":{},"timestamp":{},"step":{},"run_id":"{}"}})",
                                                             step * 2, 500 + step, step, second)));
    }
  }

  Reply window = fetch({{"start_step", "2"}, {"end_step", "4"}});
  ASSERT_OK_JSON(window);
  auto window_steps = steps(window.json());
  EXPECT_EQ(window_steps[run_id_], (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(window_steps[second], (std::vector<int64_t>{2, 3, 4}));

  Reply sampled = fetch({{"max_results", "3"}});
  ASSERT_OK_JSON(sampled);
  for (const auto& [run, s] : steps(sampled.json())) {
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.front(), 0) << "each run's min step is kept";
    EXPECT_EQ(s.back(), 9) << "each run's max step is kept";
    EXPECT_LE(s.size(), 4u);  // max_results sampled steps, plus the kept max
  }

  Reply none = api().Get("metrics/get-history-bulk-interval", {{"run_ids", run_id_}, {"metric_key", "nothing"}});
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");

  EXPECT_API_ERROR(fetch({{"start_step", "5"}, {"end_step", "2"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(fetch({{"start_step", "5"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(fetch({{"max_results", "0"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(fetch({{"max_results", "2501"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history-bulk-interval", {{"metric_key", "loss"}}), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history-bulk-interval", {{"run_ids", run_id_}}), 400,
                   "INVALID_PARAMETER_VALUE");
  client::QueryParams too_many = {{"metric_key", "loss"}};
  for (int i = 0; i < 101; ++i) too_many.emplace_back("run_ids", run_id_);
  EXPECT_API_ERROR(api().Get("metrics/get-history-bulk-interval", too_many), 400, "INVALID_PARAMETER_VALUE");
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
  ASSERT_OK_JSON(api().Post(
      "runs/log-inputs",
      fmt::format(R"({{"run_id":"{}","datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"eval"}}],
                      "dataset":{{"name":"ds","digest":"dg","source_type":"local","source":"/x"}}}}]}})",
                  run_id)));
  Reply reply = api().Post(fmt::format("{}/experiments/search-datasets", kAjaxPrefix),
                           fmt::format(R"({{"experiment_ids":["{}"]}})", id));
  ASSERT_OK_JSON(reply);
  EXPECT_EQ(CanonicalJson(reply.body),
            CanonicalJson(fmt::format(
                R"({{"dataset_summaries":[{{"experiment_id":"{}","name":"ds","digest":"dg","context":"eval"}}]}})", id)));
}

}  // namespace
}  // namespace cairn::integration
