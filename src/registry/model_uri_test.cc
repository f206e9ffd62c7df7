#include "registry/model_uri.h"

#include <gtest/gtest.h>

#include "registry/testing/fake_registry_store.h"

namespace cairn::registry {
namespace {

using Kind = ModelUri::Kind;

// Only GetRun answers; everything else is unused here.
class OneRunTrackingStore final : public tracking::TrackingStore {
 public:
  Result<tracking::Run> GetRun(const std::string& run_id) override {
    if (run_id != "abc") return NotFound("Run 'x' not found");
    tracking::Run run;
    run.info.run_id = "abc";
    run.info.artifact_uri = "mlflow-artifacts:/1/abc/artifacts";
    return run;
  }
  Result<std::string> CreateExperiment(const tracking::CreateExperimentRequest&) override { return No(); }
  Result<tracking::Experiment> GetExperiment(const std::string&) override { return No(); }
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
  Status DeleteRun(const std::string&) override { return No(); }
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
};

TEST(ModelUriTest, ParsesEveryForm) {
  auto v = ParseModelUri("models:/iris/3");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->kind, Kind::kVersion);
  EXPECT_EQ(v->name, "iris");
  EXPECT_EQ(v->version, 3);

  auto a = ParseModelUri("models:/iris@champion");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, Kind::kAlias);
  EXPECT_EQ(a->name, "iris");
  EXPECT_EQ(a->alias, "champion");

  auto s = ParseModelUri("models:/iris/production");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, Kind::kStage);
  EXPECT_EQ(s->stage, Stage::kProduction);

  auto l = ParseModelUri("models:/iris/Latest");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->kind, Kind::kLatest);

  auto m = ParseModelUri("models:/m-0123abcd");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->kind, Kind::kLoggedModel);
  EXPECT_EQ(m->model_id, "m-0123abcd");

  auto r = ParseModelUri("runs:/abc/model/data/");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, Kind::kRun);
  EXPECT_EQ(r->run_id, "abc");
  EXPECT_EQ(r->path, "model/data");

  auto root = ParseModelUri("runs:/abc");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(root->path, "");

  // An empty host part is the same as none.
  auto empty_host = ParseModelUri("models:///iris/1");
  ASSERT_TRUE(empty_host.ok());
  EXPECT_EQ(empty_host->name, "iris");
}

TEST(ModelUriTest, RejectsMalformedUris) {
  for (const char* bad : {"models:", "models:/", "models:iris/1", "models://profile@databricks/iris/1",
                          "models:/iris/1/extra", "models:/iris/Deployed", "models:/iris/0", "models:/iris/007",
                          "models:/iris@", "models:/@champion", "models:/iris@bad alias", "models:/iris/1?x=1",
                          "runs:/", "runs:/abc/../secret", "runs:/abc/a\\b", "s3://bucket/model", "/tmp/model",
                          "models:/iris/99999999999999999999"}) {
    auto parsed = ParseModelUri(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
  EXPECT_TRUE(IsModelUri("runs:/x"));
  EXPECT_TRUE(IsModelUri("models:/x/1"));
  EXPECT_FALSE(IsModelUri("mlflow-artifacts:/x"));
}

TEST(ModelUriTest, ResolvesAgainstTheStores) {
  testing::FakeRegistryStore registry;
  OneRunTrackingStore tracking;
  Actor actor;
  ASSERT_TRUE(registry.CreateRegisteredModel(actor, "iris", {}, "").ok());
  CreateModelVersionRequest request;
  request.name = "iris";
  request.source = "runs:/abc/model";
  request.storage_location = "mlflow-artifacts:/models/iris/u1";
  ASSERT_TRUE(registry.CreateModelVersion(actor, request).ok());
  request.storage_location = "mlflow-artifacts:/models/iris/u2";
  ASSERT_TRUE(registry.CreateModelVersion(actor, request).ok());
  request.storage_location = "";
  request.source = "s3://bucket/v3";
  ASSERT_TRUE(registry.CreateModelVersion(actor, request).ok());
  ASSERT_TRUE(registry.SetAlias(actor, "iris", "champion", 1).ok());
  ASSERT_TRUE(registry.TransitionStage(actor, "iris", 2, Stage::kProduction, false).ok());

  auto resolve = [&](std::string_view uri) -> Result<std::string> {
    CAIRN_ASSIGN_OR_RETURN(auto parsed, ParseModelUri(uri));
    return ResolveArtifactUri(registry, tracking, parsed);
  };
  EXPECT_EQ(*resolve("models:/iris/1"), "mlflow-artifacts:/models/iris/u1");
  EXPECT_EQ(*resolve("models:/iris@champion"), "mlflow-artifacts:/models/iris/u1");
  EXPECT_EQ(*resolve("models:/iris/Production"), "mlflow-artifacts:/models/iris/u2");
  EXPECT_EQ(*resolve("models:/iris/latest"), "s3://bucket/v3");
  EXPECT_EQ(*resolve("runs:/abc/model"), "mlflow-artifacts:/1/abc/artifacts/model");
  EXPECT_EQ(*resolve("runs:/abc"), "mlflow-artifacts:/1/abc/artifacts");

  EXPECT_EQ(resolve("models:/iris/Staging").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(resolve("models:/iris/9").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(resolve("models:/iris@nobody").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(resolve("models:/nope/latest").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(resolve("runs:/zzz/model").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(resolve("models:/m-unknown").status().code(), StatusCode::kNotFound);

  auto parsed = ParseModelUri("runs:/abc/model");
  EXPECT_EQ(ResolveModelVersion(registry, *parsed).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::registry
