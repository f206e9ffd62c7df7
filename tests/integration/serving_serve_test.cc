// `cairn serve models:/NAME@ALIAS` end to end: an XGBoost model trained here
// through the C API, logged to a run of the real `cairn server`, registered
// and aliased, then served by a separate `cairn serve` process that
// downloads it over REST. Predictions are compared with the library's own,
// over OIP v2, KServe V1 and MLflow /invocations; bad input gets protocol
// errors and the server keeps serving.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "integration/serving_process.h"
#include "integration/serving_test_util.h"

namespace cairn::integration {
namespace {

class ServeCommandTest : public ServingTest {
 protected:
  // Registers a fresh classifier as version 1 of a new model with alias
  // "prod", and starts `cairn serve` on it.
  void StartServing(bool ubj = false, std::vector<std::string> extra_args = {}) {
    name_ = UniqueName("xgb");
    version_ = RegisterFiles(name_, XgbFiles(model_, ubj));
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_OK_JSON(SetAlias(name_, "prod", version_));
    std::vector<std::string> args = {"models:/" + name_ + "@prod", "--port", "0", "--tracking-uri", server().url(),
                                     "--workers", "1", "--handler-threads", "8"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto serve = ServeProcess::Start(args);
    ASSERT_TRUE(serve.ok()) << serve.error().ToString();
    serve_ = std::move(*serve);
    ASSERT_TRUE(WaitForStatus(serve_->url(), "/v2/health/ready", 200)) << serve_->Log();
    serving_api_ = std::make_unique<Api>(serve_->url());
  }

  void TearDown() override {
    if (HasFailure() && serve_) std::fprintf(stderr, "----- cairn serve log -----\n%s\n", serve_->Log().c_str());
    ServingTest::TearDown();
  }

  Api& serving() { return *serving_api_; }

  XgbModel model_ = XgbModel::Train(/*classifier=*/true, 8);
  std::string name_, version_;
  std::unique_ptr<ServeProcess> serve_;
  std::unique_ptr<Api> serving_api_;
};

TEST_F(ServeCommandTest, OipInferenceMatchesXgboostCalledDirectly) {
  StartServing();
  ASSERT_FALSE(HasFatalFailure());
  const int rows = 7;
  std::vector<float> x = AsSent(MakeFeatures(rows, 99));
  std::vector<float> expected = model_.Predict(x, rows);

  Reply server_meta = serving().Get("/v2");
  ASSERT_OK_JSON(server_meta);
  EXPECT_EQ(server_meta.json().Str("/name"), "cairn");
  EXPECT_EQ(serving().Get("/v2/health/live").status, 200);
  Reply ready = serving().Get("/v2/models/" + name_ + "/ready");
  EXPECT_EQ(ready.status, 200) << ready.Describe();
  EXPECT_EQ(ready.json().Bool("/ready"), true);
  EXPECT_EQ(serving().Get("/v2/models/" + name_ + "/versions/1/ready").status, 200);

  Reply meta = serving().Get("/v2/models/" + name_);
  ASSERT_OK_JSON(meta);
  EXPECT_EQ(meta.json().Str("/name"), name_);
  EXPECT_EQ(meta.json().Str("/platform"), "xgboost");
  EXPECT_EQ(meta.json().Str("/versions/0"), "1");
  EXPECT_EQ(meta.json().Canonical("/inputs"), CanonicalJson(R"([{"name":"input-0","datatype":"FP32","shape":[-1,4]}])"));
  EXPECT_EQ(meta.json().Canonical("/outputs"), CanonicalJson(R"([{"name":"predict","datatype":"FP32","shape":[-1]}])"));

  Reply reply = serving().Post("/v2/models/" + name_ + "/infer",
                               OipRequest("input-0", x, rows, R"(,"parameters":{"trace":"abc","n":3})"));
  ASSERT_OK_JSON(reply);
  Json json = reply.json();
  EXPECT_EQ(json.Str("/model_name"), name_);
  EXPECT_EQ(json.Str("/model_version"), "1");
  EXPECT_EQ(json.Str("/id"), "req-1");
  EXPECT_EQ(json.Str("/parameters/trace"), "abc");
  EXPECT_EQ(json.Str("/outputs/0/name"), "predict");
  EXPECT_EQ(json.Str("/outputs/0/datatype"), "FP32");
  EXPECT_EQ(json.Canonical("/outputs/0/shape"), "[7]");
  std::vector<double> got = OutputData(json, 0);
  ASSERT_EQ(got.size(), expected.size());
  for (int i = 0; i < rows; ++i) EXPECT_EQ(static_cast<float>(got[i]), expected[i]) << "row " << i;

  // The same through the versioned path, and the version header.
  Reply raw = SendRaw(serve_->port(), RawRequest("POST", "/v2/models/" + name_ + "/versions/1/infer",
                                                 OipRequest("input-0", x, rows), "Content-Type: application/json\r\n"));
  EXPECT_EQ(raw.status, 200) << raw.Describe();
  EXPECT_EQ(raw.headers["x-cairn-model-version"], "1");
  EXPECT_EQ(raw.headers["x-cairn-model-uri"], "models:/" + name_ + "@prod");
}

TEST_F(ServeCommandTest, UbjModelFileServesToo) {
  StartServing(/*ubj=*/true);
  ASSERT_FALSE(HasFatalFailure());
  std::vector<float> x = AsSent(MakeFeatures(3, 5));
  std::vector<float> expected = model_.Predict(x, 3);
  Reply reply = serving().Post("/v2/models/" + name_ + "/infer", OipRequest("input-0", x, 3));
  ASSERT_OK_JSON(reply);
  std::vector<double> got = OutputData(reply.json(), 0);
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(static_cast<float>(got[i]), expected[i]);
}

TEST_F(ServeCommandTest, KserveV1AndMlflowInvocationsMatchTheLibrary) {
  StartServing();
  ASSERT_FALSE(HasFatalFailure());
  std::vector<float> x = AsSent(MakeFeatures(2, 7));
  std::vector<float> expected = model_.Predict(x, 2);
  auto row = [&](int r) { return fmt::format("[{},{},{},{}]", x[r * 4], x[r * 4 + 1], x[r * 4 + 2], x[r * 4 + 3]); };
  auto check = [&](const Reply& reply, std::string_view what) {
    ASSERT_OK_JSON(reply) << what;
    ASSERT_EQ(reply.json().Size("/predictions"), 2u) << what << reply.Describe();
    for (int r = 0; r < 2; ++r) {
      EXPECT_EQ(static_cast<float>(reply.json().Num(fmt::format("/predictions/{}", r)).value_or(-1)), expected[r])
          << what << " row " << r;
    }
  };
  EXPECT_EQ(serving().Get("/v1/models/" + name_).json().Bool("/ready"), true);
  check(serving().Post("/v1/models/" + name_ + ":predict", fmt::format(R"({{"instances":[{},{}]}})", row(0), row(1))),
        "v1 instances");
  check(serving().Post("/invocations",
                       fmt::format(R"({{"dataframe_split":{{"columns":["f0","f1","f2","f3"],"data":[{},{}]}}}})", row(0), row(1))),
        "dataframe_split");
  // Columns in another order are matched by name (the MLmodel signature).
  check(serving().Post("/invocations",
                       fmt::format(R"({{"dataframe_split":{{"columns":["f3","f2","f1","f0"],"data":[[{},{},{},{}],[{},{},{},{}]]}}}})",
                                   x[3], x[2], x[1], x[0], x[7], x[6], x[5], x[4])),
        "dataframe_split reordered");
  check(serving().Post("/invocations",
                       fmt::format(R"({{"dataframe_records":[{{"f0":{},"f1":{},"f2":{},"f3":{}}},{{"f3":{},"f2":{},"f1":{},"f0":{}}}]}})",
                                   x[0], x[1], x[2], x[3], x[7], x[6], x[5], x[4])),
        "dataframe_records");
  check(serving().Post("/invocations", fmt::format(R"({{"instances":[{},{}]}})", row(0), row(1))), "instances");
  check(serving().Post("/invocations", fmt::format(R"({{"inputs":[{},{}]}})", row(0), row(1))), "inputs list");
  check(serving().Post("/invocations", fmt::format(R"({{"inputs":{{"input-0":[{},{}]}}}})", row(0), row(1))),
        "inputs object");
  check(serving().Send(client::HttpMethod::kPost, "/invocations",
                       fmt::format("f3,f2,f1,f0\n{},{},{},{}\n{},{},{},{}\n", x[3], x[2], x[1], x[0], x[7], x[6], x[5], x[4]),
                       {{"Content-Type", "text/csv"}}),
        "csv");
  EXPECT_EQ(serving().Get("/ping").status, 200);
}

// {"error": "<non-empty>"} with `status`.
::testing::AssertionResult IsProtocolError(const Reply& reply, int status) {
  if (reply.status != status) return ::testing::AssertionFailure() << "want " << status << ", got " << reply.Describe();
  Json json = reply.json();
  if (!json.ok() || json.Str("/error").value_or("").empty()) {
    return ::testing::AssertionFailure() << "no {\"error\": ...} body: " << reply.Describe();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(ServeCommandTest, BadInputGetsProtocolErrorsAndTheServerKeepsServing) {
  StartServing();
  ASSERT_FALSE(HasFatalFailure());
  const std::string infer = "/v2/models/" + name_ + "/infer";
  std::vector<float> x = AsSent(MakeFeatures(2, 3));
  struct Case {
    std::string what, path, body;
    int status;
  };
  std::vector<Case> cases = {
      {"malformed JSON", infer, R"({"inputs": [)", 400},
      {"not an object", infer, R"([1,2])", 400},
      {"no inputs", infer, R"({"id":"x"})", 400},
      {"empty inputs", infer, R"({"inputs":[]})", 400},
      {"wrong input name", infer, R"({"inputs":[{"name":"nope","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]})", 400},
      {"wrong datatype", infer, R"({"inputs":[{"name":"input-0","shape":[1,4],"datatype":"INT64","data":[1,2,3,4]}]})", 400},
      {"unknown datatype", infer, R"({"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP33","data":[1,2,3,4]}]})", 400},
      {"wrong shape", infer, R"({"inputs":[{"name":"input-0","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]})", 400},
      {"shape/data mismatch", infer, R"({"inputs":[{"name":"input-0","shape":[2,4],"datatype":"FP32","data":[1,2,3]}]})", 400},
      {"huge shape", infer,
       R"({"inputs":[{"name":"input-0","shape":[1000000000000,4],"datatype":"FP32","data":[1,2,3,4]}]})", 400},
      {"overflowing shape", infer,
       R"({"inputs":[{"name":"input-0","shape":[9223372036854775807,9223372036854775807],"datatype":"FP32","data":[1]}]})",
       400},
      {"negative dim", infer, R"({"inputs":[{"name":"input-0","shape":[-1,4],"datatype":"FP32","data":[1,2,3,4]}]})", 400},
      {"string in FP32", infer, R"({"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":["a",2,3,4]}]})", 400},
      {"duplicate input", infer,
       R"({"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]},{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]})",
       400},
      {"unknown output", infer,
       R"({"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"nope"}]})", 400},
      {"binary extension", infer,
       R"({"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]})", 501},
      {"unknown model", "/v2/models/no-such-model/infer", OipRequest("input-0", x, 2), 404},
      {"unknown version", "/v2/models/" + name_ + "/versions/42/infer", OipRequest("input-0", x, 2), 404},
      {"unknown action", "/v2/models/" + name_ + "/explode", "{}", 404},
      {"v1 not a list", "/v1/models/" + name_ + ":predict", R"({"instances": 3})", 400},
      {"v1 ragged", "/v1/models/" + name_ + ":predict", R"({"instances": [[1,2,3,4],[1,2]]})", 400},
      {"v1 unknown model", "/v1/models/nope:predict", R"({"instances": [[1,2,3,4]]})", 404},
      {"v1 explain", "/v1/models/" + name_ + ":explain", R"({"instances": [[1,2,3,4]]})", 501},
      {"invocations no format", "/invocations", R"({"data": [[1,2,3,4]]})", 400},
      {"invocations missing column", "/invocations", R"({"dataframe_records": [{"f0":1,"f1":2,"f2":3}]})", 400},
      {"invocations two formats", "/invocations", R"({"instances": [[1,2,3,4]], "inputs": [[1,2,3,4]]})", 400},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(IsProtocolError(serving().Post(c.path, c.body), c.status)) << c.what;
  }
  EXPECT_TRUE(IsProtocolError(serving().Get("/v2/models/no-such-model"), 404));
  EXPECT_TRUE(IsProtocolError(serving().Get("/v2/models/no-such-model/ready"), 404));
  // A body over --max-body-bytes is refused, and the connection with it.
  std::string huge(2 << 20, ' ');
  EXPECT_NE(serving().Post(infer, huge).status, 200);

  // Still serving, and the errors were counted.
  ASSERT_TRUE(serve_->Running());
  std::vector<float> expected = model_.Predict(x, 2);
  Reply ok = serving().Post(infer, OipRequest("input-0", x, 2));
  ASSERT_OK_JSON(ok);
  EXPECT_EQ(static_cast<float>(OutputData(ok.json(), 0).at(1)), expected[1]);
  Reply metrics = serving().Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  std::string series = fmt::format("{{model=\"{}\",version=\"1\"}}", name_);
  EXPECT_NE(metrics.body.find("cairn_inference_requests_total" + series), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("cairn_inference_errors_total" + series), std::string::npos);
  EXPECT_NE(metrics.body.find("cairn_inference_request_duration_seconds_bucket"), std::string::npos);
}

TEST_F(ServeCommandTest, DynamicBatchingGivesEachCallerItsOwnRows) {
  StartServing(false, {"--max-batch-size", "16", "--max-queue-delay-us", "20000"});
  ASSERT_FALSE(HasFatalFailure());
  constexpr int kClients = 8;
  std::vector<std::thread> threads;
  std::vector<int> failures(kClients, 0);
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      Api api(serve_->url());
      for (int i = 0; i < 5; ++i) {
        int rows = 1 + (t + i) % 3;
        std::vector<float> x = AsSent(MakeFeatures(rows, static_cast<uint32_t>(100 + t * 10 + i)));
        std::vector<float> expected = model_.Predict(x, rows);
        Reply reply = api.Post("/v2/models/" + name_ + "/infer", OipRequest("input-0", x, rows));
        std::vector<double> got = reply.status == 200 ? OutputData(reply.json(), 0) : std::vector<double>{};
        bool same = got.size() == expected.size();
        for (size_t k = 0; same && k < got.size(); ++k) same = static_cast<float>(got[k]) == expected[k];
        if (!same) failures[t]++;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kClients; ++t) EXPECT_EQ(failures[t], 0) << "client " << t;
  // Requests were combined: fewer executions than requests.
  std::string metrics = serving().Get("/metrics").body;
  auto value = [&](const std::string& metric) {
    std::string key = fmt::format("{}{{model=\"{}\",version=\"1\"}} ", metric, name_);
    size_t at = metrics.find(key);
    return at == std::string::npos ? -1.0 : std::strtod(metrics.c_str() + at + key.size(), nullptr);
  };
  EXPECT_EQ(value("cairn_inference_requests_total"), kClients * 5);
  EXPECT_LT(value("cairn_inference_exec_count_total"), kClients * 5) << metrics;
}

TEST_F(ServeCommandTest, FollowsTheAliasToANewVersionWithoutDroppingRequests) {
  StartServing(false, {"--poll-seconds", "1"});
  ASSERT_FALSE(HasFatalFailure());
  XgbModel v2 = XgbModel::Train(/*classifier=*/false, 3);
  ASSERT_EQ(RegisterFiles(name_, XgbFiles(v2)), "2");
  std::vector<float> x = AsSent(MakeFeatures(2, 8));
  ASSERT_OK_JSON(SetAlias(name_, "prod", "2"));
  // Requests keep succeeding while the server notices the alias moved,
  // loads version 2 and switches.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string version;
  int failures = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    Reply r = serving().Post("/v2/models/" + name_ + "/infer", OipRequest("input-0", x, 2));
    if (r.status != 200) {
      failures++;
      continue;
    }
    version = r.json().Str("/model_version").value_or("");
    if (version == "2") {
      std::vector<float> expected = v2.Predict(x, 2);
      EXPECT_EQ(static_cast<float>(OutputData(r.json(), 0).at(0)), expected[0]);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(version, "2") << serve_->Log();
  EXPECT_EQ(failures, 0);
}

TEST_F(ServeCommandTest, ServesALocalModelDirectoryWithoutATrackingServer) {
  // Triton's layout: <repository>/<model>/<version>/ holding the files.
  auto root = std::filesystem::temp_directory_path() / fmt::format("cairn-local-model-{}", ::getpid());
  auto dir = root / "local-xgb" / "7";
  std::filesystem::create_directories(dir);
  for (const auto& [file, bytes] : XgbFiles(model_)) std::ofstream(dir / file, std::ios::binary) << bytes;
  auto serve = ServeProcess::Start({"file://" + dir.string(), "--port", "0", "--tracking-uri", "http://127.0.0.1:1"});
  ASSERT_TRUE(serve.ok()) << serve.error().ToString();
  ASSERT_TRUE(WaitForStatus((*serve)->url(), "/v2/health/ready", 200)) << (*serve)->Log();
  std::vector<float> x = AsSent(MakeFeatures(3, 12));
  Reply reply = Api((*serve)->url()).Post("/v2/models/local-xgb/infer", OipRequest("input-0", x, 3));
  ASSERT_OK_JSON(reply);
  EXPECT_EQ(reply.json().Str("/model_version"), "7");
  std::vector<float> expected = model_.Predict(x, 3);
  std::vector<double> got = OutputData(reply.json(), 0);
  ASSERT_EQ(got.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(static_cast<float>(got[i]), expected[i]);

  // A plain directory with just an ONNX file (no MLmodel) serves too.
  auto onnx_dir = root / "plain-onnx";
  std::filesystem::create_directories(onnx_dir);
  OnnxWeights weights = OnnxWeights::Make(0.5f);
  std::ofstream(onnx_dir / "graph.onnx", std::ios::binary) << BuildOnnxModel(weights);
  auto plain = ServeProcess::Start({onnx_dir.string(), "--port", "0"});
  ASSERT_TRUE(plain.ok()) << plain.error().ToString();
  ASSERT_TRUE(WaitForStatus((*plain)->url(), "/v2/health/ready", 200)) << (*plain)->Log();
  Reply onnx = Api((*plain)->url()).Post("/v2/models/plain-onnx/infer", OipRequest("X", x, 3, R"(,"outputs":[{"name":"Y"}])"));
  ASSERT_OK_JSON(onnx);
  std::vector<float> y, z;
  OnnxReference(weights, x, 3, y, z);
  std::vector<double> got_y = OutputData(onnx.json(), 0);
  ASSERT_EQ(got_y.size(), y.size());
  for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(got_y[i], y[i], 1e-5);
  std::filesystem::remove_all(root);
}

TEST_F(ServeCommandTest, UnknownModelOrFlavorFailsFastWithAClearMessage) {
  auto missing = ServeProcess::Start({"models:/no-such-model@prod", "--port", "0", "--tracking-uri", server().url()});
  ASSERT_TRUE(missing.ok()) << missing.error().ToString();
  auto status = (*missing)->WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << (*missing)->Log();
  EXPECT_NE((*missing)->Log().find("no-such-model"), std::string::npos) << (*missing)->Log();

  std::string name = UniqueName("sklearn");
  std::string version = RegisterFiles(name, {{"MLmodel", "flavors:\n  sklearn:\n    pickled_model: model.pkl\n"}});
  ASSERT_FALSE(HasFatalFailure());
  auto unsupported =
      ServeProcess::Start({"models:/" + name + "/" + version, "--port", "0", "--tracking-uri", server().url()});
  ASSERT_TRUE(unsupported.ok());
  status = (*unsupported)->WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value());
  EXPECT_NE((*unsupported)->Log().find("no backend can load flavor(s) [sklearn]"), std::string::npos)
      << (*unsupported)->Log();
}

}  // namespace
}  // namespace cairn::integration
