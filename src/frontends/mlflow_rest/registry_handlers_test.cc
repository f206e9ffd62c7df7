// Unit tests of the registry, logged-model and lineage handlers over the
// in-memory FakeRegistryStore, a one-experiment fake TrackingStore and a real
// LocalArtifactRepository in a temp directory. The real server with the SQL
// store is covered by tests/integration/registry_*_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "artifacts/local/local_artifact_repository.h"
#include "base/ids.h"
#include "base/json_reader.h"
#include "frontends/mlflow_rest/mlflow_api.h"
#include "registry/testing/fake_registry_store.h"

namespace cairn::frontends {
namespace {

namespace fs = std::filesystem;

// Runs in experiment "1" with artifact roots mlflow-artifacts:/1/<id>/artifacts.
class FakeTrackingStore final : public tracking::TrackingStore {
 public:
  void AddRun(tracking::Run run) { runs_[run.info.run_id] = std::move(run); }

  Result<tracking::Run> GetRun(const std::string& run_id) override {
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return NotFound("Run '" + run_id + "' not found");
    return it->second;
  }
  Result<tracking::Experiment> GetExperiment(const std::string& id) override {
    if (id != "1") return NotFound("No experiment " + id);
    tracking::Experiment e;
    e.experiment_id = "1";
    e.name = "exp";
    e.artifact_location = "mlflow-artifacts:/1";
    return e;
  }
  Result<std::string> CreateExperiment(const tracking::CreateExperimentRequest&) override { return No(); }
  Result<tracking::Experiment> GetExperimentByName(const std::string&) override { return No(); }
  Result<tracking::Page<tracking::Experiment>> SearchExperiments(const tracking::SearchExperimentsRequest&) override {
    return No();
  }
  Status RenameExperiment(const std::string&, const std::string&) override { return No(); }
  Status DeleteExperiment(const std::string&) override { return No(); }
  Status RestoreExperiment(const std::string&) override { return No(); }
  Status SetExperimentTag(const std::string&, const tracking::Tag&) override { return No(); }
  Status DeleteExperimentTag(const std::string&, const std::string&) override { return No(); }
  Result<tracking::Run> CreateRun(const tracking::CreateRunRequest&) override { return No(); }
  Result<tracking::RunInfo> UpdateRun(const tracking::UpdateRunRequest&) override { return No(); }
  Status DeleteRun(const std::string& run_id) override {
    runs_.erase(run_id);
    return Status::Ok();
  }
  Status RestoreRun(const std::string&) override { return No(); }
  Status LogBatch(const std::string&, const std::vector<tracking::Metric>&, const std::vector<tracking::Param>&,
                  const std::vector<tracking::Tag>&) override {
    return No();
  }
  Status DeleteTag(const std::string&, const std::string&) override { return No(); }
  Status LogInputs(const std::string&, const std::vector<tracking::DatasetInput>&) override { return No(); }
  Result<tracking::Page<tracking::Run>> SearchRuns(const tracking::SearchRunsRequest&) override { return No(); }
  Result<tracking::Page<tracking::Metric>> GetMetricHistory(const tracking::MetricHistoryRequest&) override {
    return No();
  }
  Result<std::vector<tracking::Metric>> GetMetricHistoryBulkInterval(const tracking::BulkIntervalRequest&) override {
    return No();
  }
  Result<std::vector<tracking::DatasetSummary>> SearchDatasets(const std::vector<std::string>&) override {
    return No();
  }

 private:
  static Status No() { return Unimplemented("not in this fake"); }
  std::map<std::string, tracking::Run> runs_;
};

tracking::Run MakeRun(const std::string& id, const std::string& parent = "") {
  tracking::Run run;
  run.info.run_id = id;
  run.info.experiment_id = "1";
  run.info.run_name = "run-" + id;
  run.info.start_time = 5;
  run.info.artifact_uri = "mlflow-artifacts:/1/" + id + "/artifacts";
  run.params = {{"lr", "0.1"}};
  run.tags = {{"mlflow.source.git.commit", "deadbeef"}, {"mlflow.source.name", "train.py"}};
  if (!parent.empty()) run.tags.push_back({"mlflow.parentRunId", parent});
  tracking::DatasetInput input;
  input.tags = {{"mlflow.data.context", "training"}};
  input.dataset = {"iris", "d1", "local", "file:///data/iris.csv", "", ""};
  run.dataset_inputs = {input};
  return run;
}

class RegistryHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cairn-registry-handlers-" + NewUuidHex());
    auto repo = artifacts::LocalArtifactRepository::Create((dir_ / "artifacts").string());
    ASSERT_TRUE(repo.ok());
    repo_ = std::move(*repo);
    artifacts::ArtifactRepository* proxied = repo_.get();
    artifacts_.Register("mlflow-artifacts", [proxied](std::string_view rest) -> Result<artifacts::ResolvedLocation> {
      while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
      return artifacts::ResolvedLocation{proxied, std::string(rest)};
    });
    artifacts_.Register("file", artifacts::MakeLocalFileResolver());
    tracking_.AddRun(MakeRun("parent"));
    tracking_.AddRun(MakeRun("abc", "parent"));
    MlflowApiDeps deps;
    deps.store = &tracking_;
    deps.artifacts = &artifacts_;
    deps.proxied_artifacts = proxied;
    deps.registry = &registry_;
    deps.model_storage_root = "mlflow-artifacts:/models";
    deps.scratch_dir = (dir_ / "scratch").string();
    RegisterMlflowApi(router_, deps);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void WriteArtifact(const std::string& relative, const std::string& content) {
    fs::path path = dir_ / "artifacts" / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
  }

  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    std::string authorization = "") {
    HttpRequest request;
    request.method = std::move(method);
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    request.body = std::move(body);
    if (!request.body.empty()) request.content_type = "application/json";
    request.authorization = std::move(authorization);
    auto match = router_.Find(request.method, request.path);
    if (match.kind != Router::MatchKind::kFound) {
      HttpResponse none;
      none.status = match.kind == Router::MatchKind::kWrongMethod ? 405 : 404;
      return none;
    }
    return match.route->handler(request);
  }
  HttpResponse Api(std::string method, std::string path, std::string body = "") {
    return Call(std::move(method), "/api/2.0/mlflow" + path, std::move(body));
  }

  static std::string ErrorCode(const HttpResponse& response) {
    auto doc = JsonDocument::ParseObject(response.body);
    if (!doc.ok()) return "<not json>";
    auto code = doc->root().GetString("error_code");
    return code.ok() && code->has_value() ? **code : "";
  }

  fs::path dir_;
  std::unique_ptr<artifacts::LocalArtifactRepository> repo_;
  artifacts::ArtifactRepositoryRegistry artifacts_;
  FakeTrackingStore tracking_;
  registry::testing::FakeRegistryStore registry_;
  Router router_;
};

TEST_F(RegistryHandlersTest, RegisteredModelLifecycle) {
  auto created = Call("POST", "/api/2.0/mlflow/registered-models/create",
                      R"({"name":"iris","description":"flowers","tags":[{"key":"team","value":"ml"}]})",
                      "Basic YW5hOnNlY3JldA==");  // ana:secret
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find(R"("user_id":"ana")"), std::string::npos) << created.body;
  auto duplicate = Api("POST", "/registered-models/create", R"({"name":"iris"})");
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(ErrorCode(duplicate), "RESOURCE_ALREADY_EXISTS");
  auto ajax = Call("GET", "/ajax-api/2.0/mlflow/registered-models/get?name=iris");
  EXPECT_EQ(ajax.status, 200) << ajax.body;
  auto missing = Api("GET", "/registered-models/get?name=nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "RESOURCE_DOES_NOT_EXIST");
  auto updated = Api("PATCH", "/registered-models/update", R"({"name":"iris","description":"new"})");
  EXPECT_EQ(updated.status, 200);
  EXPECT_NE(updated.body.find(R"("description":"new")"), std::string::npos);
  auto renamed = Api("POST", "/registered-models/rename", R"({"name":"iris","new_name":"iris2"})");
  EXPECT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(Api("GET", "/registered-models/search?filter=name%20%3D%20%27iris2%27").status, 200);
  EXPECT_EQ(Api("DELETE", "/registered-models/delete", R"({"name":"iris2"})").status, 200);
  EXPECT_EQ(Api("GET", "/registered-models/get?name=iris2").status, 404);
  EXPECT_EQ(ErrorCode(Api("POST", "/registered-models/create", "{not json")), "INVALID_PARAMETER_VALUE");
}

TEST_F(RegistryHandlersTest, CopyOnRegisterSurvivesRunAndArtifactDeletion) {
  WriteArtifact("1/abc/artifacts/model/MLmodel", "flavors: {}");
  WriteArtifact("1/abc/artifacts/model/data/weights.bin", "0123456789");
  ASSERT_EQ(Api("POST", "/registered-models/create", R"({"name":"iris"})").status, 200);
  auto created = Api("POST", "/model-versions/create", R"({"name":"iris","source":"runs:/abc/model"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find(R"("version":"1")"), std::string::npos);
  EXPECT_NE(created.body.find(R"("run_id":"abc")"), std::string::npos) << created.body;
  EXPECT_NE(created.body.find(R"("source":"runs:/abc/model")"), std::string::npos);

  auto uri = Api("GET", "/model-versions/get-download-uri?name=iris&version=1");
  ASSERT_EQ(uri.status, 200);
  auto doc = JsonDocument::ParseObject(uri.body);
  std::string storage = **doc->root().GetString("artifact_uri");
  EXPECT_EQ(storage.rfind("mlflow-artifacts:/models/iris/", 0), 0u) << storage;

  // Remove the run's files and the run itself: the version still serves them.
  fs::remove_all(dir_ / "artifacts" / "1" / "abc");
  ASSERT_TRUE(tracking_.DeleteRun("abc").ok());
  auto file = Call("GET", "/model-versions/get-artifact?name=iris&version=1&path=data/weights.bin");
  ASSERT_EQ(file.status, 200) << file.body;
  std::ifstream in(file.file_path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "0123456789");

  // A source that is the run's own artifact URI is copied too.
  WriteArtifact("1/parent/artifacts/m/model.pkl", "pkl");
  auto by_uri = Api("POST", "/model-versions/create",
                    R"({"name":"iris","source":"mlflow-artifacts:/1/parent/artifacts/m","run_id":"parent"})");
  ASSERT_EQ(by_uri.status, 200) << by_uri.body;
  auto uri2 = Api("GET", "/model-versions/get-download-uri?name=iris&version=2");
  EXPECT_NE(uri2.body.find("mlflow-artifacts:/models/iris/"), std::string::npos) << uri2.body;

  // A single file keeps its name under the version's directory.
  auto single = Api("POST", "/model-versions/create", R"({"name":"iris","source":"runs:/parent/m/model.pkl"})");
  ASSERT_EQ(single.status, 200) << single.body;
  auto uri3 = Api("GET", "/model-versions/get-download-uri?name=iris&version=3");
  EXPECT_NE(uri3.body.find("/model.pkl\""), std::string::npos) << uri3.body;

  // A run on a store this server has no repository for: referenced.
  tracking::Run s3_run = MakeRun("s3run");
  s3_run.info.artifact_uri = "s3://bucket/1/s3run/artifacts";
  tracking_.AddRun(s3_run);
  ASSERT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"runs:/s3run/model"})").status, 200);
  EXPECT_NE(Api("GET", "/model-versions/get-download-uri?name=iris&version=4").body.find(
                "s3://bucket/1/s3run/artifacts/model"),
            std::string::npos);

  // Other sources are referenced, not copied.
  auto s3 = Api("POST", "/model-versions/create", R"({"name":"iris","source":"s3://bucket/model"})");
  ASSERT_EQ(s3.status, 200);
  EXPECT_NE(Api("GET", "/model-versions/get-download-uri?name=iris&version=5").body.find("s3://bucket/model"),
            std::string::npos);
}

TEST_F(RegistryHandlersTest, BadVersionInputChangesNothing) {
  ASSERT_EQ(Api("POST", "/registered-models/create", R"({"name":"iris"})").status, 200);
  for (const char* bad : {"abc", "0", "-1", "1.5"}) {
    auto response = Api("GET", std::string("/model-versions/get?name=iris&version=") + bad);
    EXPECT_EQ(response.status, 400) << bad << " " << response.body;
    EXPECT_EQ(ErrorCode(response), "INVALID_PARAMETER_VALUE");
  }
  // Unknown model: 404 and no copy made.
  WriteArtifact("1/abc/artifacts/model/MLmodel", "x");
  EXPECT_EQ(Api("POST", "/model-versions/create", R"({"name":"nope","source":"runs:/abc/model"})").status, 404);
  EXPECT_FALSE(fs::exists(dir_ / "artifacts" / "models"));
  // Local paths need a run whose (local) artifact root contains them.
  EXPECT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"/etc"})").status, 400);
  EXPECT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"/etc","run_id":"abc"})").status, 400);
  EXPECT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"s3://b/../x"})").status, 400);
  EXPECT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"runs:/abc/../x"})").status, 400);
  EXPECT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"runs:/zzz/model"})").status, 404);
  EXPECT_EQ(Api("GET", "/model-versions/search").body, "{}");
}

TEST_F(RegistryHandlersTest, AliasesAndStages) {
  ASSERT_EQ(Api("POST", "/registered-models/create", R"({"name":"iris"})").status, 200);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"s3://b/m"})").status, 200);
  }
  EXPECT_EQ(Api("POST", "/registered-models/alias", R"({"name":"iris","alias":"champion","version":"1"})").status,
            200);
  for (const char* reserved : {"latest", "LATEST", "v1", "V22", "bad alias"}) {
    auto response = Api("POST", "/registered-models/alias",
                        std::string(R"({"name":"iris","version":"1","alias":")") + reserved + "\"}");
    EXPECT_EQ(response.status, 400) << reserved;
  }
  auto got = Api("GET", "/registered-models/alias?name=iris&alias=champion");
  ASSERT_EQ(got.status, 200);
  EXPECT_NE(got.body.find(R"("aliases":["champion"])"), std::string::npos) << got.body;
  // Moving the alias.
  EXPECT_EQ(Api("POST", "/registered-models/alias", R"({"name":"iris","alias":"champion","version":2})").status, 200);
  EXPECT_NE(Api("GET", "/registered-models/alias?name=iris&alias=champion").body.find(R"("version":"2")"),
            std::string::npos);
  auto model = Api("GET", "/registered-models/get?name=iris");
  EXPECT_NE(model.body.find(R"("aliases":[{"alias":"champion","version":"2"}])"), std::string::npos) << model.body;
  EXPECT_EQ(Api("DELETE", "/registered-models/alias", R"({"name":"iris","alias":"champion"})").status, 200);
  EXPECT_EQ(Api("GET", "/registered-models/alias?name=iris&alias=champion").status, 404);

  auto staged = Api("POST", "/model-versions/transition-stage",
                    R"({"name":"iris","version":"1","stage":"production","archive_existing_versions":false})");
  ASSERT_EQ(staged.status, 200) << staged.body;
  EXPECT_NE(staged.body.find(R"("current_stage":"Production")"), std::string::npos);
  EXPECT_EQ(Api("POST", "/model-versions/transition-stage", R"({"name":"iris","version":"1","stage":"Gone",)"
                                                            R"("archive_existing_versions":false})")
                .status,
            400);
  EXPECT_EQ(Api("POST", "/model-versions/transition-stage", R"({"name":"iris","version":"1","stage":"Staging"})")
                .status,
            400);
  auto latest = Api("POST", "/registered-models/get-latest-versions", R"({"name":"iris","stages":["Production"]})");
  EXPECT_NE(latest.body.find(R"("version":"1")"), std::string::npos) << latest.body;
  EXPECT_EQ(Api("GET", "/registered-models/get-latest-versions?name=iris&stages=None").status, 200);
}

TEST_F(RegistryHandlersTest, LoggedModelsByPath) {
  auto created = Api("POST", "/logged-models",
                     R"({"experiment_id":"1","name":"clf","params":[{"key":"lr","value":"0.1"}]})");
  ASSERT_EQ(created.status, 200) << created.body;
  auto doc = JsonDocument::ParseObject(created.body);
  auto model = *doc->root().GetObject("model");
  std::string id = **(*model->GetObject("info"))->GetString("model_id");
  EXPECT_EQ(Api("GET", "/logged-models/" + id).status, 200);
  EXPECT_EQ(Api("PATCH", "/logged-models/" + id + "/tags", R"({"tags":[{"key":"a","value":"b"}]})").status, 200);
  EXPECT_EQ(Api("DELETE", "/logged-models/" + id + "/tags/a").status, 200);
  EXPECT_EQ(Api("DELETE", "/logged-models/" + id + "/tags/a").status, 404);
  EXPECT_EQ(Api("POST", "/logged-models/" + id + "/params", R"({"params":[{"key":"k","value":"v"}]})").status, 200);
  auto finalized = Api("PATCH", "/logged-models/" + id, R"({"status":"LOGGED_MODEL_READY"})");
  EXPECT_NE(finalized.body.find("LOGGED_MODEL_READY"), std::string::npos) << finalized.body;
  EXPECT_EQ(Api("PATCH", "/logged-models/" + id, R"({"status":"DONE"})").status, 400);
  auto search = Api("POST", "/logged-models/search", R"({"experiment_ids":["1"]})");
  EXPECT_NE(search.body.find(id), std::string::npos) << search.body;
  EXPECT_EQ(Api("GET", "/logged-models/" + id + "/artifacts/directories").status, 200);
  EXPECT_EQ(Api("GET", "/logged-models/" + id + "/nothing").status, 404);
  EXPECT_EQ(Api("POST", "/logged-models", R"({"experiment_id":"99"})").status, 404);
  EXPECT_EQ(Api("DELETE", "/logged-models/" + id).status, 200);
  EXPECT_EQ(Api("GET", "/logged-models/" + id).status, 404);
}

TEST_F(RegistryHandlersTest, LineageWalksToRunsAndDatasets) {
  ASSERT_EQ(Api("POST", "/registered-models/create", R"({"name":"iris"})").status, 200);
  ASSERT_EQ(Api("POST", "/model-versions/create", R"({"name":"iris","source":"s3://b/m","run_id":"abc"})").status,
            200);
  ASSERT_EQ(Api("POST", "/registered-models/alias", R"({"name":"iris","alias":"prod","version":"1"})").status, 200);
  auto lineage = Call("GET", "/api/2.0/cairn/models/lineage?name=iris&alias=prod");
  ASSERT_EQ(lineage.status, 200) << lineage.body;
  const std::string& body = lineage.body;
  EXPECT_NE(body.find(R"("aliases":["prod"])"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("run":{"run_id":"abc")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("git_commit":"deadbeef")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("parent_run":{"run_id":"parent")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("context":"training")"), std::string::npos) << body;
  EXPECT_EQ(Call("GET", "/api/2.0/cairn/models/lineage?name=iris").status, 400);
  EXPECT_EQ(Call("GET", "/api/2.0/cairn/models/lineage?name=iris&version=7").status, 404);

  auto audit = Call("GET", "/api/2.0/cairn/registry/audit?name=iris&max_results=2");
  ASSERT_EQ(audit.status, 200);
  EXPECT_NE(audit.body.find(R"("action":"set_alias")"), std::string::npos) << audit.body;
  EXPECT_EQ(audit.body.find("create_registered_model"), std::string::npos) << audit.body;
  EXPECT_EQ(Call("GET", "/api/2.0/cairn/registry/audit?max_results=0").status, 400);
}

}  // namespace
}  // namespace cairn::frontends
