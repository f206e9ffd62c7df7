// The python backend end to end through the real binary:
//  * the host python3 has no mlflow: a pyfunc deployment on the platform
//    server fails with a clear 503 naming the package, the server stays up
//    and an XGBoost deployment next to it keeps serving; `cairn serve` of
//    the same model exits with the message;
//  * with the stand-in mlflow package on PYTHONPATH (see
//    src/serving/backends/python/testing/stand_in_mlflow.h for what it
//    stands in for and why), `cairn serve` of a pyfunc model directory
//    answers OIP v2, KServe V1 and /invocations with the Python model's own
//    numbers, a Python exception is a 500 with its message, and a worker
//    that exits or hangs fails one request (500 / 504) while the next one
//    is answered by a restarted worker.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <filesystem>

#include "integration/serving_process.h"
#include "integration/serving_test_util.h"
#include "serving/backends/python/testing/stand_in_mlflow.h"

namespace cairn::integration {
namespace {

namespace fs = std::filesystem;
namespace standin = serving::python::testing;

constexpr std::string_view kDeployments = "/api/2.0/cairn/serving/deployments";

class PythonBackendTest : public ServingTest {
 protected:
  void SetUp() override {
    ServingTest::SetUp();
    root_ = fs::temp_directory_path() / fmt::format("cairn-pyfunc-it-{}-{}", ::getpid(), counter_++);
    fs::remove_all(root_);
    standin::WriteTestPyfuncModel(root_ / "pyfunc-model");
    standin::WriteStandInMlflow(root_ / "site");
  }
  void TearDown() override {
    if (HasFailure() && serve_) std::fprintf(stderr, "----- cairn serve log -----\n%s\n", serve_->Log().c_str());
    serve_.reset();
    fs::remove_all(root_);
    ServingTest::TearDown();
  }

  // `cairn serve` of the pyfunc model directory with the stand-in mlflow on
  // the child's PYTHONPATH (set only around the start: ServeProcess copies
  // the environment then).
  void StartServing() {
    const char* old = std::getenv("PYTHONPATH");
    std::string saved = old ? old : "";
    ::setenv("PYTHONPATH", (root_ / "site").c_str(), 1);
    auto serve = ServeProcess::Start({(root_ / "pyfunc-model").string(), "--name", "pyf", "--port", "0",
                                      "--python", "python3", "--python-timeout-s", "2", "--workers", "1"});
    if (old) {
      ::setenv("PYTHONPATH", saved.c_str(), 1);
    } else {
      ::unsetenv("PYTHONPATH");
    }
    ASSERT_TRUE(serve.ok()) << serve.error().ToString();
    serve_ = std::move(*serve);
    ASSERT_TRUE(WaitForStatus(serve_->url(), "/v2/health/ready", 200)) << serve_->Log();
  }

  static std::string Rows(const std::vector<double>& x) {
    std::string out;
    for (size_t r = 0; r * 4 < x.size(); ++r) {
      out += fmt::format("{}[{},{},{},{}]", r ? "," : "", x[r * 4], x[r * 4 + 1], x[r * 4 + 2], x[r * 4 + 3]);
    }
    return out;
  }
  static std::string Oip(const std::vector<double>& x) {
    return fmt::format(R"({{"inputs":[{{"name":"input-0","shape":[{},4],"datatype":"FP64","data":[{}]}}]}})",
                       x.size() / 4, fmt::join(x, ","));
  }

  fs::path root_;
  std::unique_ptr<ServeProcess> serve_;
  static inline int counter_ = 0;
};

TEST_F(PythonBackendTest, WithoutMlflowTheDeploymentFailsClearlyAndOthersKeepServing) {
  XgbModel xgb = XgbModel::Train(true, 4);
  std::string xgb_name = UniqueName("py-neighbour");
  ASSERT_OK_JSON(api().Post(kDeployments,
                            fmt::format(R"({{"model_uri":"models:/{}/{}"}})", xgb_name, RegisterFiles(xgb_name, XgbFiles(xgb)))));

  std::string name = UniqueName("pyfunc");
  std::string version = RegisterFiles(name, {{"MLmodel", standin::kTestPyfuncMlModel},
                                             {"python_model.py", standin::kTestPythonModel}});
  ASSERT_FALSE(HasFatalFailure());
  Reply refused = api().Post(kDeployments, fmt::format(R"({{"model_uri":"models:/{}/{}"}})", name, version));
  EXPECT_EQ(refused.status, 503) << refused.Describe();
  EXPECT_EQ(refused.json().Str("/message").value_or(refused.json().Str("/error").value_or("")),
            "the python backend needs the Python package 'mlflow' importable by python3 (pip install mlflow)")
      << refused.Describe();
  EXPECT_EQ(api().Post("/v2/models/" + name + "/infer", Oip({1, 2, 3, 4})).status, 404);

  // The server is up and the neighbour still answers with XGBoost's numbers.
  EXPECT_EQ(api().Get("/v2/health/live").status, 200);
  std::vector<float> x = AsSent(MakeFeatures(2, 21));
  Reply reply = api().Post("/v2/models/" + xgb_name + "/infer", OipRequest("input-0", x, 2));
  ASSERT_OK_JSON(reply);
  std::vector<float> expected = xgb.Predict(x, 2);
  std::vector<double> got = OutputData(reply.json(), 0);
  ASSERT_EQ(got.size(), 2u);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(static_cast<float>(got[i]), expected[i]);
  ASSERT_OK_JSON(Delete(fmt::format("{}/{}", kDeployments, xgb_name), ""));

  // `cairn serve` of the same model stops with the message.
  auto serve = ServeProcess::Start({"models:/" + name + "/" + version, "--port", "0", "--tracking-uri", server().url()});
  ASSERT_TRUE(serve.ok()) << serve.error().ToString();
  auto status = (*serve)->WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << (*serve)->Log();
  EXPECT_NE((*serve)->Log().find("needs the Python package 'mlflow'"), std::string::npos) << (*serve)->Log();
}

TEST_F(PythonBackendTest, PredictionsMatchThePythonModelOverEveryProtocol) {
  StartServing();
  ASSERT_FALSE(HasFatalFailure());
  Api serving(serve_->url());
  Reply meta = serving.Get("/v2/models/pyf");
  ASSERT_OK_JSON(meta);
  EXPECT_EQ(meta.json().Str("/platform"), "mlflow_pyfunc");
  EXPECT_EQ(meta.json().Canonical("/inputs"), CanonicalJson(R"([{"name":"input-0","datatype":"FP64","shape":[-1,4]}])"));

  const std::vector<double> x = {0.5, 1.25, -3, 8, 10, 20, 30, 40, 0.125, 0, 1e-3, -7.5};
  std::vector<double> expected;
  for (size_t r = 0; r < 3; ++r) expected.push_back(standin::TestModelReference(&x[r * 4]));

  Reply oip = serving.Post("/v2/models/pyf/infer", Oip(x));
  ASSERT_OK_JSON(oip);
  EXPECT_EQ(oip.json().Str("/outputs/0/name"), "predict");
  EXPECT_EQ(oip.json().Str("/outputs/0/datatype"), "FP64");
  EXPECT_EQ(oip.json().Canonical("/outputs/0/shape"), "[3]");
  EXPECT_EQ(OutputData(oip.json(), 0), expected);

  auto check = [&](const Reply& reply, std::string_view what) {
    ASSERT_OK_JSON(reply) << what;
    ASSERT_EQ(reply.json().Size("/predictions"), 3u) << what << reply.Describe();
    for (size_t r = 0; r < 3; ++r) {
      EXPECT_EQ(reply.json().Num(fmt::format("/predictions/{}", r)), expected[r]) << what << " row " << r;
    }
  };
  check(serving.Post("/v1/models/pyf:predict", fmt::format(R"({{"instances":[{}]}})", Rows(x))), "v1 instances");
  check(serving.Post("/invocations",
                     fmt::format(R"({{"dataframe_split":{{"columns":["f0","f1","f2","f3"],"data":[{}]}}}})", Rows(x))),
        "dataframe_split");
  std::string records;
  for (size_t r = 0; r < 3; ++r) {
    records += fmt::format(R"({}{{"f3":{},"f2":{},"f1":{},"f0":{}}})", r ? "," : "", x[r * 4 + 3], x[r * 4 + 2],
                           x[r * 4 + 1], x[r * 4]);
  }
  check(serving.Post("/invocations", fmt::format(R"({{"dataframe_records":[{}]}})", records)), "dataframe_records");
  // The model's print() went to the server log, not into the protocol.
  EXPECT_NE(serve_->Log().find("predicting 3 rows"), std::string::npos) << serve_->Log();
}

TEST_F(PythonBackendTest, ErrorsCrashesAndHangsFailOneRequestAndTheWorkerRestarts) {
  StartServing();
  ASSERT_FALSE(HasFatalFailure());
  Api serving(serve_->url());
  const std::vector<double> good = {1, 2, 3, 4};
  auto expect_good = [&](std::string_view after) {
    Reply reply = serving.Post("/v2/models/pyf/infer", Oip(good));
    ASSERT_OK_JSON(reply) << "after " << after;
    EXPECT_EQ(OutputData(reply.json(), 0), std::vector<double>{standin::TestModelReference(good.data())});
  };
  expect_good("start");

  Reply raised = serving.Post("/v2/models/pyf/infer", Oip({55, 0, 0, 0}));
  EXPECT_EQ(raised.status, 500) << raised.Describe();
  EXPECT_NE(raised.json().Str("/error").value_or("").find("ValueError: bad row 55"), std::string::npos)
      << raised.Describe();
  expect_good("a Python exception");

  Reply crashed = serving.Post("/v2/models/pyf/infer", Oip({77, 0, 0, 0}));
  EXPECT_EQ(crashed.status, 500) << crashed.Describe();
  EXPECT_NE(crashed.json().Str("/error").value_or("").find("the python worker died (exit status 1)"), std::string::npos)
      << crashed.Describe();
  expect_good("a crash");

  auto start = std::chrono::steady_clock::now();
  Reply hung = serving.Post("/invocations", R"({"dataframe_split":{"columns":["f0","f1","f2","f3"],"data":[[99,0,0,0]]}})");
  EXPECT_EQ(hung.status, 504) << hung.Describe();
  EXPECT_NE(hung.json().Str("/error").value_or("").find("did not answer within 2000 ms"), std::string::npos)
      << hung.Describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  expect_good("a hang");
  EXPECT_EQ(serving.Get("/v2/health/ready").status, 200);
}

}  // namespace
}  // namespace cairn::integration
