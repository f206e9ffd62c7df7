// Deployments on the platform server (`cairn server`): registry models
// deployed through /api/2.0/cairn/serving/deployments and served on the same
// port over OIP v2 / KServe V1 / /invocations. Covers XGBoost and ONNX
// (a graph written by the test), canary traffic splits, two versions loaded
// at once, hot switches under load without failed requests, the bounded
// queue's 429, and the API's errors.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "integration/serving_test_util.h"

namespace cairn::integration {
namespace {

constexpr std::string_view kDeployments = "/api/2.0/cairn/serving/deployments";

class DeploymentsTest : public ServingTest {
 protected:
  Reply Deploy(const std::string& body) { return api().Post(kDeployments, body); }
  Reply PatchDeployment(const std::string& name, const std::string& body) {
    return Patch(fmt::format("{}/{}", kDeployments, name), body);
  }
  // The model_version of one OIP inference on `name`.
  std::string ServedVersion(const std::string& name, const std::vector<float>& x, int rows) {
    Reply r = api().Post("/v2/models/" + name + "/infer", OipRequest("input-0", x, rows));
    return r.status == 200 ? r.json().Str("/model_version").value_or("?") : fmt::format("HTTP {}", r.status);
  }
};

TEST_F(DeploymentsTest, DeployedXgboostModelMatchesTheLibrary) {
  XgbModel model = XgbModel::Train(true, 6);
  std::string name = UniqueName("dep-xgb");
  std::string version = RegisterFiles(name, XgbFiles(model));
  ASSERT_FALSE(HasFatalFailure());
  Reply created = Deploy(fmt::format(R"({{"model_uri":"models:/{}/{}"}})", name, version));
  ASSERT_OK_JSON(created);
  Json d = created.json();
  EXPECT_EQ(d.Str("/deployment/name"), name);  // default: the registered model's name
  EXPECT_EQ(d.Str("/deployment/state"), "READY");
  EXPECT_EQ(d.Str("/deployment/model_version/version"), "1");
  EXPECT_EQ(d.Str("/deployment/model_version/platform"), "xgboost");
  EXPECT_FALSE(d.Str("/deployment/model_version/run_id").value_or("").empty());  // lineage: version -> run

  std::vector<float> x = AsSent(MakeFeatures(4, 11));
  std::vector<float> expected = model.Predict(x, 4);
  Reply reply = api().Post("/v2/models/" + name + "/infer", OipRequest("input-0", x, 4));
  ASSERT_OK_JSON(reply);
  EXPECT_EQ(reply.json().Str("/model_version"), "1");
  std::vector<double> got = OutputData(reply.json(), 0);
  ASSERT_EQ(got.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(static_cast<float>(got[i]), expected[i]);

  Reply list = api().Get(kDeployments);
  ASSERT_OK_JSON(list);
  EXPECT_NE(list.body.find(name), std::string::npos);
  EXPECT_EQ(api().Get("/v2/health/ready").status, 200);
  EXPECT_NE(api().Get("/v2/models").body.find(name), std::string::npos);
  Reply invocations = api().Post("/invocations?model=" + name,
                                 fmt::format(R"({{"instances":[[{},{},{},{}]]}})", x[0], x[1], x[2], x[3]));
  ASSERT_OK_JSON(invocations);
  EXPECT_EQ(static_cast<float>(invocations.json().Num("/predictions/0").value_or(-1)), expected[0]);

  ASSERT_OK_JSON(Delete(fmt::format("{}/{}", kDeployments, name), ""));
  EXPECT_EQ(api().Post("/v2/models/" + name + "/infer", OipRequest("input-0", x, 4)).status, 404);
}

TEST_F(DeploymentsTest, CanarySplitPromotionAndHotSwitchUnderLoad) {
  XgbModel v1 = XgbModel::Train(true, 4);
  XgbModel v2 = XgbModel::Train(false, 5);
  std::string name = UniqueName("dep-canary");
  ASSERT_EQ(RegisterFiles(name, XgbFiles(v1)), "1");
  ASSERT_EQ(RegisterFiles(name, XgbFiles(v2, /*ubj=*/true)), "2");
  ASSERT_OK_JSON(SetAlias(name, "prod", "1"));
  ASSERT_OK_JSON(Deploy(fmt::format(R"({{"name":"ep-{}","model_uri":"models:/{}@prod"}})", name, name)));
  const std::string ep = "ep-" + name;
  std::vector<float> x = AsSent(MakeFeatures(2, 3));

  // v2 as a 30% canary: both versions loaded and addressable.
  Reply patched = PatchDeployment(ep, fmt::format(R"({{"model_uri":"models:/{}/2","canary_traffic_percent":30}})", name));
  ASSERT_OK_JSON(patched);
  EXPECT_EQ(patched.json().Str("/deployment/canary/version"), "2");
  EXPECT_EQ(patched.json().Int("/deployment/canary_traffic_percent"), 30);
  std::map<std::string, int> counts;
  for (int i = 0; i < 100; ++i) counts[ServedVersion(ep, x, 2)]++;
  EXPECT_EQ(counts["1"], 70);
  EXPECT_EQ(counts["2"], 30);
  for (auto [version, model] : {std::pair{"1", &v1}, std::pair{"2", &v2}}) {
    Reply r = api().Post(fmt::format("/v2/models/{}/versions/{}/infer", ep, version), OipRequest("input-0", x, 2));
    ASSERT_OK_JSON(r);
    std::vector<float> expected = model->Predict(x, 2);
    std::vector<double> got = OutputData(r.json(), 0);
    ASSERT_EQ(got.size(), 2u);
    for (int i = 0; i < 2; ++i) EXPECT_EQ(static_cast<float>(got[i]), expected[i]) << "version " << version;
  }
  Reply meta = api().Get("/v2/models/" + ep);
  EXPECT_EQ(meta.json().Size("/versions"), 2u);

  // Promote the canary: everything goes to v2.
  ASSERT_OK_JSON(PatchDeployment(ep, R"({"canary_traffic_percent":100})"));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(ServedVersion(ep, x, 2), "2");

  // Hot switch back to the alias target (v1) while clients keep sending:
  // no request fails, and afterwards only v1 answers.
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0}, done{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&] {
      Api client(server().url());
      while (!stop) {
        Reply r = client.Post("/v2/models/" + ep + "/infer", OipRequest("input-0", x, 2));
        if (r.status != 200) failed++;
        done++;
      }
    });
  }
  while (done < 20) std::this_thread::yield();
  Reply switched = PatchDeployment(ep, fmt::format(R"({{"model_uri":"models:/{}@prod"}})", name));
  int after_switch = done;
  while (done < after_switch + 20) std::this_thread::yield();
  stop = true;
  for (auto& c : clients) c.join();
  ASSERT_OK_JSON(switched);
  EXPECT_EQ(switched.json().Str("/deployment/model_version/version"), "1");
  EXPECT_EQ(failed, 0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ServedVersion(ep, x, 2), "1");
}

TEST_F(DeploymentsTest, OnnxModelWithNamedOutputs) {
  OnnxWeights weights = OnnxWeights::Make(1.5f);
  std::string name = UniqueName("dep-onnx");
  ASSERT_EQ(RegisterFiles(name, OnnxFiles(weights)), "1");
  Reply created = Deploy(fmt::format(R"({{"model_uri":"models:/{}/1","max_batch_size":8,"max_queue_delay_us":1000}})", name));
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Str("/deployment/model_version/platform"), "onnx");

  Reply meta = api().Get("/v2/models/" + name);
  ASSERT_OK_JSON(meta);
  EXPECT_EQ(meta.json().Canonical("/inputs"), CanonicalJson(R"([{"name":"X","datatype":"FP32","shape":[-1,4]}])"));
  EXPECT_EQ(meta.json().Canonical("/outputs"),
            CanonicalJson(R"([{"name":"Y","datatype":"FP32","shape":[-1,3]},{"name":"Z","datatype":"FP32","shape":[-1,2]}])"));

  const int rows = 3;
  std::vector<float> x = AsSent(MakeFeatures(rows, 21));
  std::vector<float> y, z;
  OnnxReference(weights, x, rows, y, z);
  Reply all = api().Post("/v2/models/" + name + "/infer", OipRequest("X", x, rows));
  ASSERT_OK_JSON(all);
  ASSERT_EQ(all.json().Size("/outputs"), 2u);
  EXPECT_EQ(all.json().Str("/outputs/0/name"), "Y");
  EXPECT_EQ(all.json().Canonical("/outputs/0/shape"), "[3,3]");
  std::vector<double> got_y = OutputData(all.json(), 0);
  ASSERT_EQ(got_y.size(), y.size());
  for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(got_y[i], y[i], 1e-5) << i;

  // Only the output asked for.
  Reply only_z = api().Post("/v2/models/" + name + "/infer", OipRequest("X", x, rows, R"(,"outputs":[{"name":"Z"}])"));
  ASSERT_OK_JSON(only_z);
  ASSERT_EQ(only_z.json().Size("/outputs"), 1u);
  EXPECT_EQ(only_z.json().Str("/outputs/0/name"), "Z");
  std::vector<double> got_z = OutputData(only_z.json(), 0);
  ASSERT_EQ(got_z.size(), z.size());
  for (size_t i = 0; i < z.size(); ++i) EXPECT_NEAR(got_z[i], z[i], 1e-5) << i;

  // V1: one object of outputs per instance.
  Reply v1 = api().Post("/v1/models/" + name + ":predict",
                        fmt::format(R"({{"instances":[[{},{},{},{}]]}})", x[0], x[1], x[2], x[3]));
  ASSERT_OK_JSON(v1);
  EXPECT_NEAR(v1.json().Num("/predictions/0/Z/1").value_or(1e9), z[1], 1e-5) << v1.Describe();
  // FP64 is not what the graph takes.
  EXPECT_EQ(api().Post("/v2/models/" + name + "/infer",
                       R"({"inputs":[{"name":"X","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}]})").status, 400);
}

TEST_F(DeploymentsTest, FullQueueAnswers429AndTheApiReportsErrors) {
  XgbModel model = XgbModel::Train(true, 3);
  std::string name = UniqueName("dep-queue");
  ASSERT_EQ(RegisterFiles(name, XgbFiles(model)), "1");
  // One queued request at a time, each waiting 300 ms for a batch to fill.
  ASSERT_OK_JSON(Deploy(fmt::format(
      R"({{"model_uri":"models:/{}/1","max_batch_size":64,"max_queue_delay_us":300000,"max_queue_size":1}})", name)));
  std::vector<float> x = AsSent(MakeFeatures(1, 1));
  std::vector<int> statuses(4);
  std::vector<std::string> bodies(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      Api client(server().url());
      Reply r = client.Post("/v2/models/" + name + "/infer", OipRequest("input-0", x, 1));
      statuses[i] = r.status;
      bodies[i] = r.body;
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0, rejected = 0;
  for (int i = 0; i < 4; ++i) {
    if (statuses[i] == 200) ok++;
    if (statuses[i] == 429) {
      rejected++;
      EXPECT_NE(bodies[i].find("\"error\""), std::string::npos) << bodies[i];
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(rejected, 1);
  EXPECT_EQ(ok + rejected, 4);

  // The deployments API's errors.
  EXPECT_API_ERROR(Deploy(fmt::format(R"({{"model_uri":"models:/{}/1"}})", name)), 400, "RESOURCE_ALREADY_EXISTS");
  EXPECT_API_ERROR(Deploy(R"({"model_uri":"models:/no-such-model/1"})"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Deploy(fmt::format(R"({{"name":"x1","model_uri":"models:/{}/9"}})", name)), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(Deploy(R"({"model_uri":"s3://bucket/model"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Deploy(R"({"name":"no-uri"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Deploy(fmt::format(R"({{"name":"bad/name","model_uri":"models:/{}/1"}})", name)), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get(std::string(kDeployments) + "/nope"), 404, "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(PatchDeployment(name, R"({"canary_traffic_percent":150})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(Delete(std::string(kDeployments) + "/nope", ""), 404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(DeploymentsTest, DriftAgainstTheReferenceDatasetLoggedWithTheModel) {
  XgbModel model = XgbModel::Train(true, 3);
  std::string name = UniqueName("dep-drift");
  auto files = XgbFiles(model);
  // The reference dataset: 400 rows like the training data, columns in
  // another order than the signature (matched by name).
  std::vector<float> ref = MakeFeatures(400, 5);
  std::string csv = "f3,f2,f1,f0\n";
  for (int r = 0; r < 400; ++r) csv += fmt::format("{},{},{},{}\n", ref[r * 4 + 3], ref[r * 4 + 2], ref[r * 4 + 1], ref[r * 4]);
  files["reference.csv"] = csv;
  ASSERT_EQ(RegisterFiles(name, files), "1");
  ASSERT_OK_JSON(Deploy(fmt::format(R"({{"model_uri":"models:/{}/1"}})", name)));

  // Served traffic: f1 shifted by +2 (outside the reference's [0, 1)).
  std::vector<float> x = AsSent(MakeFeatures(200, 77));
  for (int r = 0; r < 200; ++r) x[r * 4 + 1] += 2.0f;
  ASSERT_OK_JSON(api().Post("/v2/models/" + name + "/infer", OipRequest("input-0", x, 200)));
  Reply drift = api().Get("/v2/models/" + name + "/drift");
  ASSERT_OK_JSON(drift);
  Json d = drift.json();
  EXPECT_EQ(d.Int("/reference_rows"), 400);
  EXPECT_EQ(d.Int("/window_rows"), 200);
  ASSERT_EQ(d.Size("/features"), 4u);
  EXPECT_EQ(d.Str("/features/1/name"), "f1");
  EXPECT_EQ(d.Num("/features/1/ks"), 1.0);
  EXPECT_GT(d.Num("/features/1/psi").value_or(0), 1.0);
  for (int f : {0, 2, 3}) {
    EXPECT_LT(d.Num(fmt::format("/features/{}/ks", f)).value_or(1), 0.2) << "f" << f;
    EXPECT_LT(d.Num(fmt::format("/features/{}/psi", f)).value_or(1), 0.25) << "f" << f;
  }
  Reply metrics = api().Get("/metrics");
  EXPECT_NE(metrics.body.find(fmt::format("cairn_inference_drift_ks{{model=\"{}\",version=\"1\",feature=\"f1\"}} 1", name)),
            std::string::npos)
      << metrics.body;

  // A model without a reference dataset says so.
  std::string plain = UniqueName("dep-nodrift");
  ASSERT_EQ(RegisterFiles(plain, XgbFiles(model)), "1");
  ASSERT_OK_JSON(Deploy(fmt::format(R"({{"model_uri":"models:/{}/1"}})", plain)));
  Reply none = api().Get("/v2/models/" + plain + "/drift");
  EXPECT_EQ(none.status, 404);
  EXPECT_NE(none.body.find("reference"), std::string::npos);
}

TEST_F(DeploymentsTest, RequestLogLandsInTheArtifactStore) {
  XgbModel model = XgbModel::Train(true, 3);
  std::string name = UniqueName("dep-log");
  ASSERT_EQ(RegisterFiles(name, XgbFiles(model)), "1");
  Reply created = Deploy(fmt::format(R"({{"model_uri":"models:/{}/1","log_requests":true}})", name));
  ASSERT_OK_JSON(created);
  EXPECT_EQ(created.json().Bool("/deployment/log_requests"), true);
  std::vector<float> x = AsSent(MakeFeatures(2, 4));
  ASSERT_OK_JSON(api().Post("/v2/models/" + name + "/infer", OipRequest("input-0", x, 2)));
  EXPECT_EQ(api().Post("/v2/models/" + name + "/infer", R"({"inputs": [)").status, 400);
  ASSERT_OK_JSON(api().Post("/v1/models/" + name + ":predict", R"({"instances":[[0.1,0.2,0.3,0.4]]})"));

  // Read back through the mlflow-artifacts proxy, like any artifact.
  Reply log = api().Get(fmt::format("{}/serving-logs/{}.jsonl", kArtifactsPrefix, name));
  ASSERT_EQ(log.status, 200) << log.Describe();
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = log.body.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(log.body.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 3u) << log.body;
  Json first(lines[0]);
  ASSERT_TRUE(first.ok()) << lines[0];
  EXPECT_EQ(first.Str("/deployment"), name);
  EXPECT_EQ(first.Str("/model_version"), "1");
  EXPECT_EQ(first.Str("/protocol"), "v2");
  EXPECT_EQ(first.Int("/status"), 200);
  EXPECT_EQ(first.Str("/request/inputs/0/name"), "input-0");
  EXPECT_EQ(first.Size("/response/outputs/0/data"), 2u);
  Json second(lines[1]);
  EXPECT_EQ(second.Int("/status"), 400);
  EXPECT_EQ(second.Str("/request"), R"({"inputs": [)");
  EXPECT_FALSE(second.Str("/response/error").value_or("").empty());
  Json third(lines[2]);
  EXPECT_EQ(third.Str("/protocol"), "v1");
  EXPECT_EQ(third.Size("/response/predictions"), 1u);
}

TEST_F(DeploymentsTest, DeploymentsAreServedAgainAfterARestart) {
  XgbModel v1 = XgbModel::Train(true, 3);
  XgbModel v2 = XgbModel::Train(false, 3);
  std::string name = UniqueName("dep-restart");
  ASSERT_EQ(RegisterFiles(name, XgbFiles(v1)), "1");
  ASSERT_EQ(RegisterFiles(name, XgbFiles(v2)), "2");
  ASSERT_OK_JSON(Deploy(fmt::format(R"({{"model_uri":"models:/{}/1","max_batch_size":4,"max_queue_delay_us":100}})", name)));
  ASSERT_OK_JSON(PatchDeployment(name, fmt::format(R"({{"model_uri":"models:/{}/2","canary_traffic_percent":25}})", name)));

  ASSERT_TRUE(server().Restart().ok());
  ASSERT_TRUE(WaitForStatus(server().url(), "/v2/health/ready", 200)) << server().Log();
  Api after(server().url());
  Reply d = after.Get(std::string(kDeployments) + "/" + name);
  ASSERT_OK_JSON(d);
  EXPECT_EQ(d.json().Str("/deployment/model_version/version"), "1");
  EXPECT_EQ(d.json().Str("/deployment/canary/version"), "2");
  EXPECT_EQ(d.json().Int("/deployment/canary_traffic_percent"), 25);
  EXPECT_EQ(d.json().Int("/deployment/batching/max_batch_size"), 4);
  std::vector<float> x = AsSent(MakeFeatures(2, 6));
  Reply r = after.Post("/v2/models/" + name + "/versions/2/infer", OipRequest("input-0", x, 2));
  ASSERT_OK_JSON(r);
  EXPECT_EQ(static_cast<float>(OutputData(r.json(), 0).at(0)), v2.Predict(x, 2)[0]);

  // A deleted deployment stays deleted.
  ASSERT_OK_JSON(after.Send(client::HttpMethod::kDelete, std::string(kDeployments) + "/" + name, ""));
  ASSERT_TRUE(server().Restart().ok());
  ASSERT_TRUE(WaitForStatus(server().url(), "/v2/health/ready", 200));
  EXPECT_EQ(Api(server().url()).Get(std::string(kDeployments) + "/" + name).status, 404);
}

}  // namespace
}  // namespace cairn::integration
