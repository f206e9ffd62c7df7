// The model registry end to end over HTTP against the real binary: every
// registered-model, model-version, alias and logged-model endpoint, search
// filters and paging, copy-on-register surviving the run's deletion and the
// deletion of its files, cairn's lineage document and the audit trail.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "integration/registry_test_util.h"

namespace cairn::integration {
namespace {

using client::HttpMethod;

class RegistryApiTest : public RegistryTest {};

TEST_F(RegistryApiTest, RegisteredModelCrud) {
  std::string name = CreateModel("crud", R"("description":"first","tags":[{"key":"team","value":"ml"}])");
  ASSERT_FALSE(HasFatalFailure());
  Reply got = api().Get("registered-models/get", {{"name", name}});
  ASSERT_OK_JSON(got);
  Json model = got.json();
  EXPECT_EQ(model.Str("/registered_model/description"), "first");
  EXPECT_EQ(model.Canonical("/registered_model/tags"),
            CanonicalJsonAt("/registered_model/tags", R"([{"key":"team","value":"ml"}])"));
  EXPECT_TRUE(model.Int("/registered_model/creation_timestamp").has_value());
  EXPECT_FALSE(model.Has("/registered_model/latest_versions"));  // none yet: omitted
  EXPECT_FALSE(model.Has("/registered_model/aliases"));

  // The ajax prefix serves the same API.
  Reply ajax = api().Get(std::string(kAjaxPrefix) + "/registered-models/get", {{"name", name}});
  ASSERT_OK_JSON(ajax);
  EXPECT_EQ(CanonicalJson(ajax.body), CanonicalJson(got.body));

  Reply updated = Patch("registered-models/update", fmt::format(R"({{"name":"{}","description":"second"}})", name));
  ASSERT_OK_JSON(updated);
  EXPECT_EQ(updated.json().Str("/registered_model/description"), "second");

  ASSERT_OK_JSON(api().Post("registered-models/set-tag", fmt::format(R"({{"name":"{}","key":"k","value":"v"}})", name)));
  ASSERT_OK_JSON(
      Delete("registered-models/delete-tag", fmt::format(R"({{"name":"{}","key":"team"}})", name)));
  Json after = api().Get("registered-models/get", {{"name", name}}).json();
  EXPECT_EQ(after.Canonical("/registered_model/tags"),
            CanonicalJsonAt("/registered_model/tags", R"([{"key":"k","value":"v"}])"));

  ASSERT_OK_JSON(Delete("registered-models/delete", fmt::format(R"({{"name":"{}"}})", name)));
  EXPECT_API_ERROR(api().Get("registered-models/get", {{"name", name}}), 404, "RESOURCE_DOES_NOT_EXIST");
  // The name is free again after a (hard) delete.
  Reply again = api().Post("registered-models/create", fmt::format(R"({{"name":"{}"}})", name));
  EXPECT_OK_JSON(again);
}

TEST_F(RegistryApiTest, VersionsCountUpAndAreNeverReused) {
  std::string name = CreateModel("versions");
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_EQ(CreateVersion(name, "s3://bucket/a", R"("description":"one","tags":[{"key":"k","value":"1"}])"), "1");
  EXPECT_EQ(CreateVersion(name, "s3://bucket/b"), "2");
  Reply v1 = GetVersion(name, "1");
  ASSERT_OK_JSON(v1);
  Json j = v1.json();
  EXPECT_EQ(j.Str("/model_version/version"), "1");  // a string on the wire
  EXPECT_EQ(j.Str("/model_version/current_stage"), "None");
  EXPECT_EQ(j.Str("/model_version/status"), "READY");
  EXPECT_EQ(j.Str("/model_version/source"), "s3://bucket/a");
  EXPECT_EQ(j.Str("/model_version/description"), "one");

  Reply updated = Patch("model-versions/update", fmt::format(R"({{"name":"{}","version":"1","description":"uno"}})", name));
  ASSERT_OK_JSON(updated);
  EXPECT_EQ(updated.json().Str("/model_version/description"), "uno");

  ASSERT_OK_JSON(api().Post("model-versions/set-tag",
                            fmt::format(R"({{"name":"{}","version":"2","key":"q","value":"z"}})", name)));
  EXPECT_EQ(GetVersion(name, "2").json().Canonical("/model_version/tags"),
            CanonicalJsonAt("/model_version/tags", R"([{"key":"q","value":"z"}])"));
  ASSERT_OK_JSON(
      Delete("model-versions/delete-tag", fmt::format(R"({{"name":"{}","version":"2","key":"q"}})", name)));
  EXPECT_FALSE(GetVersion(name, "2").json().Has("/model_version/tags"));

  ASSERT_OK_JSON(Delete("model-versions/delete", fmt::format(R"({{"name":"{}","version":"2"}})", name)));
  EXPECT_API_ERROR(GetVersion(name, "2"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(CreateVersion(name, "s3://bucket/c"), "3");

  Reply uri = api().Get("model-versions/get-download-uri", {{"name", name}, {"version", "3"}});
  ASSERT_OK_JSON(uri);
  EXPECT_EQ(uri.json().Str("/artifact_uri"), "s3://bucket/c");  // not a run's files: referenced

  // The model lists its latest version per stage.
  Json model = api().Get("registered-models/get", {{"name", name}}).json();
  EXPECT_EQ(model.Size("/registered_model/latest_versions"), 1u);
  EXPECT_EQ(model.Str("/registered_model/latest_versions/0/version"), "3");
}

TEST_F(RegistryApiTest, StagesAndLatestVersions) {
  std::string name = CreateModel("stages");
  ASSERT_FALSE(HasFatalFailure());
  for (int i = 0; i < 3; ++i) CreateVersion(name, "s3://bucket/m");
  auto transition = [&](const char* version, const char* stage, bool archive) {
    return api().Post("model-versions/transition-stage",
                      fmt::format(R"({{"name":"{}","version":"{}","stage":"{}","archive_existing_versions":{}}})", name,
                                  version, stage, archive ? "true" : "false"));
  };
  Reply staged = transition("1", "production", false);  // stage names are case-insensitive
  ASSERT_OK_JSON(staged);
  EXPECT_EQ(staged.json().Str("/model_version/current_stage"), "Production");
  ASSERT_OK_JSON(transition("2", "Production", true));
  EXPECT_EQ(GetVersion(name, "1").json().Str("/model_version/current_stage"), "Archived");

  Reply latest = api().Post("registered-models/get-latest-versions",
                            fmt::format(R"({{"name":"{}","stages":["Production"]}})", name));
  ASSERT_OK_JSON(latest);
  EXPECT_EQ(latest.json().Size("/model_versions"), 1u);
  EXPECT_EQ(latest.json().Str("/model_versions/0/version"), "2");

  Reply all = api().Get("registered-models/get-latest-versions", {{"name", name}});
  ASSERT_OK_JSON(all);
  std::set<std::string> stages;
  for (size_t i = 0; i < all.json().Size("/model_versions").value_or(0); ++i) {
    stages.insert(all.json().Str(fmt::format("/model_versions/{}/current_stage", i)).value_or(""));
  }
  EXPECT_EQ(stages, (std::set<std::string>{"Archived", "None", "Production"}));
  Reply none = api().Get("registered-models/get-latest-versions", {{"name", name}, {"stages", "Staging"}});
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
}

TEST_F(RegistryApiTest, AliasesMoveAndFollowDeletes) {
  std::string name = CreateModel("alias");
  ASSERT_FALSE(HasFatalFailure());
  CreateVersion(name, "s3://bucket/1");
  CreateVersion(name, "s3://bucket/2");
  ASSERT_OK_JSON(SetAlias(name, "champion", "1"));
  ASSERT_OK_JSON(SetAlias(name, "challenger", "2"));

  Reply by_alias = api().Get("registered-models/alias", {{"name", name}, {"alias", "champion"}});
  ASSERT_OK_JSON(by_alias);
  EXPECT_EQ(by_alias.json().Str("/model_version/version"), "1");
  EXPECT_EQ(by_alias.json().Canonical("/model_version/aliases"), R"(["champion"])");
  Json model = api().Get("registered-models/get", {{"name", name}}).json();
  EXPECT_EQ(model.Size("/registered_model/aliases"), 2u);

  // Moving an alias takes it off the old version.
  ASSERT_OK_JSON(SetAlias(name, "champion", "2"));
  EXPECT_EQ(api().Get("registered-models/alias", {{"name", name}, {"alias", "champion"}}).json().Str(
                "/model_version/version"),
            "2");
  EXPECT_FALSE(GetVersion(name, "1").json().Has("/model_version/aliases"));
  Json v2 = GetVersion(name, "2").json();
  EXPECT_EQ(v2.Size("/model_version/aliases"), 2u);

  // Deleting a version removes the aliases pointing at it.
  ASSERT_OK_JSON(Delete("model-versions/delete", fmt::format(R"({{"name":"{}","version":"2"}})", name)));
  EXPECT_API_ERROR(api().Get("registered-models/alias", {{"name", name}, {"alias", "champion"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_FALSE(api().Get("registered-models/get", {{"name", name}}).json().Has("/registered_model/aliases"));

  ASSERT_OK_JSON(SetAlias(name, "old", "1"));
  ASSERT_OK_JSON(Delete("registered-models/alias", fmt::format(R"({{"name":"{}","alias":"old"}})", name)));
  EXPECT_API_ERROR(api().Get("registered-models/alias", {{"name", name}, {"alias", "old"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(RegistryApiTest, RenameCarriesVersionsAndAliases) {
  std::string name = CreateModel("rename");
  ASSERT_FALSE(HasFatalFailure());
  CreateVersion(name, "s3://bucket/1");
  CreateVersion(name, "s3://bucket/2");
  ASSERT_OK_JSON(SetAlias(name, "prod", "2"));
  ASSERT_OK_JSON(api().Post("model-versions/set-tag",
                            fmt::format(R"({{"name":"{}","version":"1","key":"k","value":"v"}})", name)));
  std::string new_name = name + "-renamed";
  Reply renamed = api().Post("registered-models/rename", fmt::format(R"({{"name":"{}","new_name":"{}"}})", name, new_name));
  ASSERT_OK_JSON(renamed);
  EXPECT_EQ(renamed.json().Str("/registered_model/name"), new_name);

  EXPECT_API_ERROR(api().Get("registered-models/get", {{"name", name}}), 404, "RESOURCE_DOES_NOT_EXIST");
  Reply v1 = GetVersion(new_name, "1");
  ASSERT_OK_JSON(v1);
  EXPECT_EQ(v1.json().Str("/model_version/name"), new_name);
  EXPECT_EQ(v1.json().Canonical("/model_version/tags"), CanonicalJsonAt("/model_version/tags", R"([{"key":"k","value":"v"}])"));
  Reply alias = api().Get("registered-models/alias", {{"name", new_name}, {"alias", "prod"}});
  ASSERT_OK_JSON(alias);
  EXPECT_EQ(alias.json().Str("/model_version/version"), "2");
  EXPECT_EQ(alias.json().Str("/model_version/name"), new_name);
  // Numbering continues under the new name.
  EXPECT_EQ(CreateVersion(new_name, "s3://bucket/3"), "3");
}

TEST_F(RegistryApiTest, SearchFiltersAndPaging) {
  std::string prefix = UniqueName("srch");
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    std::string name = fmt::format("{}-{}", prefix, i);
    std::string tags = i % 2 == 0 ? R"(,"tags":[{"key":"parity","value":"even"}])" : "";
    ASSERT_OK_JSON(api().Post("registered-models/create", fmt::format(R"({{"name":"{}"{}}})", name, tags)));
    names.push_back(name);
  }
  Reply like = api().Get("registered-models/search", {{"filter", fmt::format("name LIKE '{}%'", prefix)}});
  ASSERT_OK_JSON(like);
  EXPECT_EQ(like.json().Size("/registered_models"), 5u);

  Reply tagged = api().Get("registered-models/search",
                           {{"filter", fmt::format("name LIKE '{}%' AND tags.parity = 'even'", prefix)}});
  ASSERT_OK_JSON(tagged);
  EXPECT_EQ(tagged.json().Size("/registered_models"), 3u) << tagged.Describe();

  // Pages of 2, newest name last by name ASC, until the token runs out.
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    client::QueryParams query{{"filter", fmt::format("name LIKE '{}%'", prefix)},
                              {"max_results", "2"},
                              {"order_by", "name ASC"}};
    if (!token.empty()) query.emplace_back("page_token", token);
    Reply reply = api().Get("registered-models/search", query);
    ASSERT_OK_JSON(reply);
    Json j = reply.json();
    for (size_t i = 0; i < j.Size("/registered_models").value_or(0); ++i) {
      seen.push_back(j.Str(fmt::format("/registered_models/{}/name", i)).value_or(""));
    }
    token = j.Str("/next_page_token").value_or("");
    if (token.empty()) break;
  }
  EXPECT_EQ(seen, names);
  Reply desc = api().Get("registered-models/search", {{"filter", fmt::format("name LIKE '{}%'", prefix)},
                                                      {"order_by", "name DESC"},
                                                      {"max_results", "1"}});
  EXPECT_EQ(desc.json().Str("/registered_models/0/name"), names.back());

  // Model versions by run_id and by name.
  std::string experiment = CreateExperiment("search-runs");
  std::string run_a = CreateRun(experiment);
  std::string run_b = CreateRun(experiment);
  CreateVersion(names[0], "s3://x/1", fmt::format(R"("run_id":"{}")", run_a));
  CreateVersion(names[0], "s3://x/2", fmt::format(R"("run_id":"{}")", run_b));
  CreateVersion(names[1], "s3://x/3", fmt::format(R"("run_id":"{}")", run_a));
  Reply by_run = api().Get("model-versions/search", {{"filter", fmt::format("run_id = '{}'", run_a)}});
  ASSERT_OK_JSON(by_run);
  EXPECT_EQ(by_run.json().Size("/model_versions"), 2u) << by_run.Describe();
  Reply by_name = api().Get("model-versions/search", {{"filter", fmt::format("name = '{}'", names[0])}});
  EXPECT_EQ(by_name.json().Size("/model_versions"), 2u);
  Reply paged = api().Get("model-versions/search",
                          {{"filter", fmt::format("name = '{}'", names[0])}, {"max_results", "1"}});
  ASSERT_OK_JSON(paged);
  EXPECT_EQ(paged.json().Size("/model_versions"), 1u);
  std::string next = paged.json().Str("/next_page_token").value_or("");
  ASSERT_FALSE(next.empty());
  Reply second = api().Get("model-versions/search", {{"filter", fmt::format("name = '{}'", names[0])},
                                                     {"max_results", "1"},
                                                     {"page_token", next}});
  ASSERT_OK_JSON(second);
  EXPECT_NE(second.json().Str("/model_versions/0/version"), paged.json().Str("/model_versions/0/version"));
}

// Registering from runs:/ copies the files, so the version outlives both the
// run and the run's own artifacts.
TEST_F(RegistryApiTest, CopyOnRegisterSurvivesRunAndArtifactDeletion) {
  std::string experiment = CreateExperiment("copy");
  std::string run_id = CreateRun(experiment);
  ASSERT_FALSE(HasFatalFailure());
  const std::string weights = std::string(100000, 'w') + "end";
  UploadRunArtifact(run_id, "model/MLmodel", "flavors: {}\n");
  UploadRunArtifact(run_id, "model/data/weights.bin", weights);
  ASSERT_FALSE(HasFatalFailure());
  std::string name = CreateModel("copy");
  std::string version = CreateVersion(name, fmt::format("runs:/{}/model", run_id));
  ASSERT_EQ(version, "1");
  Json created = GetVersion(name, version).json();
  EXPECT_EQ(created.Str("/model_version/source"), fmt::format("runs:/{}/model", run_id));
  EXPECT_EQ(created.Str("/model_version/run_id"), run_id);  // filled in from the URI

  Reply uri = api().Get("model-versions/get-download-uri", {{"name", name}, {"version", version}});
  ASSERT_OK_JSON(uri);
  std::string storage = uri.json().Str("/artifact_uri").value_or("");
  ASSERT_EQ(storage.rfind("mlflow-artifacts:/models/", 0), 0u) << storage;

  // Delete the run and its files.
  ASSERT_OK_JSON(api().Post("runs/delete", fmt::format(R"({{"run_id":"{}"}})", run_id)));
  std::string run_root = RunArtifactProxyPath(run_id);
  Reply removed = api().Send(HttpMethod::kDelete, fmt::format("{}/{}/model", kArtifactsPrefix, run_root), "");
  ASSERT_OK_JSON(removed);
  EXPECT_EQ(api().Get(fmt::format("{}/{}/model/data/weights.bin", kArtifactsPrefix, run_root)).status, 404);

  // The version's copy is intact: through the UI download route and the proxy.
  Reply file = api().Get("/model-versions/get-artifact", {{"name", name}, {"version", version}, {"path", "data/weights.bin"}});
  EXPECT_EQ(file.status, 200) << file.Describe();
  EXPECT_EQ(file.body, weights);
  std::string storage_path = storage.substr(std::string_view("mlflow-artifacts:/").size());
  Reply via_proxy = api().Get(fmt::format("{}/{}/MLmodel", kArtifactsPrefix, storage_path));
  EXPECT_EQ(via_proxy.status, 200) << via_proxy.Describe();
  EXPECT_EQ(via_proxy.body, "flavors: {}\n");
  Reply listing = api().Get(std::string(kArtifactsPrefix), {{"path", storage_path}});
  ASSERT_OK_JSON(listing);
  EXPECT_EQ(listing.json().Size("/files"), 2u) << listing.Describe();

  // A source given as the run's own artifact URI is copied as well.
  std::string run2 = CreateRun(experiment);
  UploadRunArtifact(run2, "m/model.pkl", "pickle");
  ASSERT_FALSE(HasFatalFailure());
  std::string root2 = Json(GetRunJson(run2)).Str("/run/info/artifact_uri").value_or("");
  std::string v2 = CreateVersion(name, root2 + "/m", fmt::format(R"("run_id":"{}")", run2));
  std::string storage2 =
      api().Get("model-versions/get-download-uri", {{"name", name}, {"version", v2}}).json().Str("/artifact_uri").value_or("");
  EXPECT_EQ(storage2.rfind("mlflow-artifacts:/models/", 0), 0u) << storage2;
  EXPECT_NE(storage2, storage);
  ASSERT_OK_JSON(api().Send(HttpMethod::kDelete, fmt::format("{}/{}/m", kArtifactsPrefix, RunArtifactProxyPath(run2)), ""));
  EXPECT_EQ(api().Get("/model-versions/get-artifact", {{"name", name}, {"version", v2}, {"path", "model.pkl"}}).body,
            "pickle");
}

TEST_F(RegistryApiTest, LineageWalksFromVersionToRunCodeAndData) {
  std::string experiment = CreateExperiment("lineage");
  std::string parent = CreateRun(experiment, R"("run_name":"pipeline")");
  std::string run_id = CreateRun(
      experiment, fmt::format(R"("run_name":"train","tags":[{{"key":"mlflow.parentRunId","value":"{}"}},)"
                              R"({{"key":"mlflow.source.git.commit","value":"0123abc"}},)"
                              R"({{"key":"mlflow.source.name","value":"train.py"}}])",
                              parent));
  ASSERT_FALSE(HasFatalFailure());
  ASSERT_OK_JSON(api().Post("runs/log-parameter", fmt::format(R"({{"run_id":"{}","key":"lr","value":"0.01"}})", run_id)));
  ASSERT_OK_JSON(api().Post(
      "runs/log-metric", fmt::format(R"({{"run_id":"{}","key":"acc","value":0.9,"timestamp":1,"step":0}})", run_id)));
  ASSERT_OK_JSON(api().Post(
      "runs/log-inputs",
      fmt::format(R"({{"run_id":"{}","datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],)"
                  R"("dataset":{{"name":"iris","digest":"abc123","source_type":"local","source":"file:///data/iris.csv"}}}}]}})",
                  run_id)));
  UploadRunArtifact(run_id, "model/MLmodel", "x");
  std::string name = CreateModel("lineage");
  std::string version = CreateVersion(name, fmt::format("runs:/{}/model", run_id));
  ASSERT_OK_JSON(SetAlias(name, "champion", version));

  Reply by_version = api().Get(std::string(kCairnPrefix) + "/models/lineage", {{"name", name}, {"version", version}});
  ASSERT_OK_JSON(by_version);
  Reply by_alias = api().Get(std::string(kCairnPrefix) + "/models/lineage", {{"name", name}, {"alias", "champion"}});
  ASSERT_OK_JSON(by_alias);
  EXPECT_EQ(CanonicalJson(by_alias.body), CanonicalJson(by_version.body));

  Json j = by_version.json();
  EXPECT_EQ(j.Str("/model_version/name"), name);
  EXPECT_EQ(j.Str("/model_version/version"), version);
  EXPECT_EQ(j.Canonical("/model_version/aliases"), R"(["champion"])");
  EXPECT_EQ(j.Str("/model_version/current_stage"), "None");
  EXPECT_EQ(j.Str("/model_version/source"), fmt::format("runs:/{}/model", run_id));
  EXPECT_EQ(j.Str("/model_version/storage_location").value_or("").rfind("mlflow-artifacts:/models/", 0), 0u);
  EXPECT_TRUE(j.Int("/model_version/creation_timestamp").has_value());
  EXPECT_EQ(j.Str("/run/run_id"), run_id);
  EXPECT_EQ(j.Str("/run/experiment_id"), experiment);
  EXPECT_EQ(j.Str("/run/run_name"), "train");
  EXPECT_EQ(j.Str("/run/status"), "RUNNING");
  EXPECT_EQ(j.Str("/run/params/0/key"), "lr");
  EXPECT_EQ(j.Str("/run/code/git_commit"), "0123abc");
  EXPECT_EQ(j.Str("/run/code/source_name"), "train.py");
  EXPECT_EQ(j.Str("/run/datasets/0/name"), "iris");
  EXPECT_EQ(j.Str("/run/datasets/0/digest"), "abc123");
  EXPECT_EQ(j.Str("/run/datasets/0/source"), "file:///data/iris.csv");
  EXPECT_EQ(j.Str("/run/datasets/0/context"), "training");
  EXPECT_EQ(j.Str("/run/parent_run/run_id"), parent);
  EXPECT_EQ(j.Str("/run/parent_run/run_name"), "pipeline");
  EXPECT_FALSE(j.Has("/warnings"));
}

TEST_F(RegistryApiTest, AuditTrailRecordsWhoDidWhat) {
  std::string name = UniqueName("audit");
  // MLflow clients send Basic credentials when MLFLOW_TRACKING_USERNAME is set.
  Reply created = api().Send(HttpMethod::kPost, "registered-models/create", fmt::format(R"({{"name":"{}"}})", name),
                             {{"Content-Type", "application/json"}, {"Authorization", "Basic YW5hOnB3"}});  // ana:pw
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/registered_model/user_id"), "ana");
  CreateVersion(name, "s3://bucket/a");
  ASSERT_OK_JSON(SetAlias(name, "prod", "1"));
  ASSERT_OK_JSON(Delete("registered-models/alias", fmt::format(R"({{"name":"{}","alias":"prod"}})", name)));

  Reply audit = api().Get(std::string(kCairnPrefix) + "/registry/audit", {{"name", name}});
  ASSERT_OK_JSON(audit);
  Json j = audit.json();
  ASSERT_EQ(j.Size("/events"), 4u) << audit.Describe();
  // Newest first.
  EXPECT_EQ(j.Str("/events/0/action"), "delete_alias");
  EXPECT_EQ(j.Str("/events/1/action"), "set_alias");
  EXPECT_EQ(j.Str("/events/1/version"), "1");
  EXPECT_EQ(j.Str("/events/3/action"), "create_registered_model");
  EXPECT_EQ(j.Str("/events/3/actor"), "ana");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(j.Str(fmt::format("/events/{}/name", i)), name);
    EXPECT_TRUE(j.Int(fmt::format("/events/{}/timestamp", i)).has_value());
  }
  EXPECT_GT(j.Int("/events/0/id").value_or(0), j.Int("/events/1/id").value_or(0));
  Reply limited = api().Get(std::string(kCairnPrefix) + "/registry/audit", {{"name", name}, {"max_results", "1"}});
  EXPECT_EQ(limited.json().Size("/events"), 1u);
}

TEST_F(RegistryApiTest, LoggedModels) {
  std::string experiment = CreateExperiment("logged");
  std::string run_id = CreateRun(experiment);
  ASSERT_FALSE(HasFatalFailure());
  Reply created = api().Post(
      "logged-models",
      fmt::format(R"({{"experiment_id":"{}","name":"clf","model_type":"Classifier","source_run_id":"{}",)"
                  R"("params":[{{"key":"lr","value":"0.1"}}],"tags":[{{"key":"t","value":"1"}}]}})",
                  experiment, run_id));
  ASSERT_OK_JSON(created);
  Json info = created.json();
  std::string id = info.Str("/model/info/model_id").value_or("");
  EXPECT_EQ(id.rfind("m-", 0), 0u) << id;
  EXPECT_EQ(info.Str("/model/info/experiment_id"), experiment);
  EXPECT_EQ(info.Str("/model/info/status"), "LOGGED_MODEL_PENDING");
  EXPECT_EQ(info.Str("/model/info/source_run_id"), run_id);
  EXPECT_EQ(info.Str("/model/info/artifact_uri"),
            fmt::format("mlflow-artifacts:/{}/models/{}/artifacts", experiment, id));
  EXPECT_EQ(info.Str("/model/data/params/0/key"), "lr");

  std::string base = "logged-models/" + id;
  ASSERT_OK_JSON(api().Get(base));
  ASSERT_OK_JSON(Patch(base + "/tags", R"({"tags":[{"key":"stage","value":"dev"}]})"));
  ASSERT_OK_JSON(api().Post(base + "/params", R"({"params":[{"key":"depth","value":"3"}]})"));
  ASSERT_OK_JSON(api().Send(HttpMethod::kDelete, base + "/tags/t", ""));
  Json after = api().Get(base).json();
  EXPECT_EQ(after.Canonical("/model/info/tags"), CanonicalJsonAt("/model/info/tags", R"([{"key":"stage","value":"dev"}])"));
  EXPECT_EQ(after.Size("/model/data/params"), 2u);

  Reply finalized = Patch(base, R"({"status":"LOGGED_MODEL_READY"})");
  ASSERT_OK_JSON(finalized);
  EXPECT_EQ(finalized.json().Str("/model/info/status"), "LOGGED_MODEL_READY");

  // Files under its artifact_uri (uploaded through the proxy) are listed.
  ASSERT_OK_JSON(api().Send(HttpMethod::kPut, fmt::format("{}/{}/models/{}/artifacts/MLmodel", kArtifactsPrefix, experiment, id),
                            "flavors: {}", {{"Content-Type", "application/octet-stream"}}));
  Reply files = api().Get(base + "/artifacts/directories");
  ASSERT_OK_JSON(files);
  EXPECT_EQ(files.json().Str("/files/0/path"), "MLmodel") << files.Describe();
  EXPECT_EQ(files.json().Str("/root_uri"), info.Str("/model/info/artifact_uri"));

  Reply second = api().Post("logged-models", fmt::format(R"({{"experiment_id":"{}","name":"other"}})", experiment));
  ASSERT_OK_JSON(second);
  Reply search = api().Post("logged-models/search",
                            fmt::format(R"({{"experiment_ids":["{}"],"order_by":[{{"field_name":"name","ascending":true}}]}})",
                                        experiment));
  ASSERT_OK_JSON(search);
  EXPECT_EQ(search.json().Size("/models"), 2u);
  EXPECT_EQ(search.json().Str("/models/0/info/name"), "clf");
  Reply filtered = api().Post("logged-models/search",
                              fmt::format(R"({{"experiment_ids":["{}"],"filter":"name = 'other'","max_results":1}})",
                                          experiment));
  ASSERT_OK_JSON(filtered);
  EXPECT_EQ(filtered.json().Size("/models"), 1u);
  EXPECT_EQ(filtered.json().Str("/models/0/info/name"), "other");

  ASSERT_OK_JSON(api().Send(HttpMethod::kDelete, base, ""));
  EXPECT_API_ERROR(api().Get(base), 404, "RESOURCE_DOES_NOT_EXIST");
}

// Without the artifact proxy, runs keep files under file:// roots and the
// registry's copies go to <destination>/models; local sources must lie inside
// the artifact root of the run named by run_id.
class RegistryNoProxyTest : public RegistryTest {
 protected:
  static void SetUpTestSuite() { StartSharedServer({"--no-serve-artifacts"}); }

  // The run's artifact directory on disk (its artifact_uri is file://...).
  std::filesystem::path RunDir(const std::string& run_id) {
    std::string uri = Json(GetRunJson(run_id)).Str("/run/info/artifact_uri").value_or("");
    EXPECT_EQ(uri.rfind("file://", 0), 0u) << uri;
    return std::filesystem::path(uri.substr(std::string_view("file://").size()));
  }
};

void WriteTestFile(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

TEST_F(RegistryNoProxyTest, CopiesLocalRunFilesIntoTheRegistry) {
  std::string experiment = CreateExperiment("noproxy");
  std::string run_id = CreateRun(experiment);
  ASSERT_FALSE(HasFatalFailure());
  std::filesystem::path run_dir = RunDir(run_id);
  WriteTestFile(run_dir / "model" / "MLmodel", "flavors: {}");
  WriteTestFile(run_dir / "model" / "w.bin", "weights");
  std::string name = CreateModel("noproxy");
  std::string v1 = CreateVersion(name, fmt::format("runs:/{}/model", run_id));
  // A local path inside the run's root, with run_id, is accepted and copied.
  std::string v2 = CreateVersion(name, (run_dir / "model").string(), fmt::format(R"("run_id":"{}")", run_id));
  ASSERT_EQ(v2, "2");
  std::string models_root = "file://" + std::filesystem::canonical(server().artifacts_dir()).string() + "/models/";
  for (const std::string& version : {v1, v2}) {
    std::string uri = api().Get("model-versions/get-download-uri", {{"name", name}, {"version", version}})
                          .json()
                          .Str("/artifact_uri")
                          .value_or("");
    EXPECT_EQ(uri.rfind(models_root, 0), 0u) << uri;
  }
  std::filesystem::remove_all(run_dir);
  ASSERT_OK_JSON(api().Post("runs/delete", fmt::format(R"({{"run_id":"{}"}})", run_id)));
  for (const std::string& version : {v1, v2}) {
    Reply file = api().Get("/model-versions/get-artifact", {{"name", name}, {"version", version}, {"path", "w.bin"}});
    EXPECT_EQ(file.status, 200) << file.Describe();
    EXPECT_EQ(file.body, "weights");
  }
  // Local paths outside the run's root are refused.
  std::string other_run = CreateRun(experiment);
  EXPECT_API_ERROR(api().Post("model-versions/create",
                              fmt::format(R"({{"name":"{}","source":"{}","run_id":"{}"}})", name,
                                          server().db_path().string(), other_run)),
                   400, "INVALID_PARAMETER_VALUE");
}

}  // namespace
}  // namespace cairn::integration
