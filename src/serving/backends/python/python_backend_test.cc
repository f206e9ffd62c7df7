// The python backend against a real python3: the frame protocol, the
// missing-mlflow error (the host python has no mlflow), and — with the
// stand-in mlflow package (testing/stand_in_mlflow.h says why) — loading,
// predicting, Python exceptions, worker crashes, timeouts and restarts.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "serving/backends/builtin_backends.h"
#include "serving/backends/python/python_backend.h"
#include "serving/backends/python/testing/stand_in_mlflow.h"
#include "serving/backends/python/worker_process.h"
#include "serving/backends/python/worker_protocol.h"
#include "serving/mlmodel.h"

namespace cairn::serving {
namespace {

namespace fs = std::filesystem;

TEST(WorkerProtocolTest, FramesCarryABigEndianLength) {
  std::string frame = python::Frame("{\"op\":\"load\"}");
  ASSERT_EQ(frame.size(), 4u + 13u);
  EXPECT_EQ(frame.substr(0, 4), std::string("\0\0\0\x0d", 4));
  EXPECT_EQ(python::FrameLength(frame), 13u);
  EXPECT_EQ(python::FrameLength(std::string("\x01\x02\x03\x04", 4)), 0x01020304u);
}

TEST(WorkerProtocolTest, PredictRequestSendsNonFiniteFloatsAsNull) {
  Tensor t = Tensor::Fp32("input-0", {1, 3}, {1.5f, NAN, INFINITY});
  std::string json = python::PredictRequest({t}, python::InputLayout::kColumns, {"a", "b", "c"});
  EXPECT_EQ(json,
            R"({"op":"predict","layout":"columns","columns":["a","b","c"],)"
            R"("inputs":[{"name":"input-0","datatype":"FP32","shape":[1,3],"data":[1.5,null,null]}]})");
}

TEST(WorkerProtocolTest, ParsesOutputsOfEveryKind) {
  auto reply = python::ParseReply(
      R"({"ok":true,"outputs":[{"name":"i","datatype":"INT64","shape":[2],"data":[9007199254740993,-1]},)"
      R"({"name":"f","datatype":"FP32","shape":[1,2],"data":[0.25,null]},)"
      R"({"name":"s","datatype":"BYTES","shape":[1],"data":["x"]}]})");
  ASSERT_TRUE(reply.ok()) << reply.error().ToString();
  ASSERT_TRUE(reply->ok);
  ASSERT_EQ(reply->outputs.size(), 3u);
  EXPECT_EQ(reply->outputs[0].At<int64_t>(0), 9007199254740993);  // exact beyond 2^53
  EXPECT_EQ(reply->outputs[0].At<int64_t>(1), -1);
  EXPECT_EQ(reply->outputs[1].shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(reply->outputs[1].At<float>(0), 0.25f);
  EXPECT_TRUE(std::isnan(reply->outputs[1].At<float>(1)));
  EXPECT_EQ(reply->outputs[2].strings, std::vector<std::string>{"x"});
}

TEST(WorkerProtocolTest, RejectsRepliesTheWorkerCannotHaveSent) {
  EXPECT_FALSE(python::ParseReply("not json").ok());
  EXPECT_FALSE(python::ParseReply(R"({"outputs":[]})").ok());
  EXPECT_FALSE(python::ParseReply(R"({"ok":true,"outputs":[{"name":"x","datatype":"FP32","shape":[3],"data":[1]}]})").ok());
  auto error = python::ParseReply(R"({"ok":false,"error":"ValueError: no"})");
  ASSERT_TRUE(error.ok());
  EXPECT_FALSE(error->ok);
  EXPECT_EQ(error->error, "ValueError: no");
}

TEST(WorkerProcessTest, ExchangesBytesAndReportsExit) {
  std::vector<std::string> lines;
  auto p = python::WorkerProcess::Start({"sh", "-c", "echo to-stderr >&2; read x; printf 'got:%s' \"$x\"; exit 3"},
                                        {"PATH=/usr/bin:/bin"}, [&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  auto deadline = python::WorkerProcess::Clock::now() + std::chrono::seconds(10);
  ASSERT_TRUE((*p)->Write("hello\n", deadline).ok());
  std::string out;
  ASSERT_TRUE((*p)->ReadExact(9, out, deadline).ok());
  EXPECT_EQ(out, "got:hello");
  Status eof = (*p)->ReadExact(1, out, deadline);
  EXPECT_EQ(eof.code(), StatusCode::kUnavailable);
  while (!(*p)->Exited()) usleep(1000);
  EXPECT_EQ((*p)->ExitDescription(), "exit status 3");
  for (int i = 0; i < 1000 && (*p)->StderrTail().empty(); ++i) usleep(1000);
  EXPECT_EQ((*p)->StderrTail(), "to-stderr\n");
}

TEST(WorkerProcessTest, ReadsTimeOutAndMissingProgramsAreNotFound) {
  auto p = python::WorkerProcess::Start({"sleep", "30"}, {"PATH=/usr/bin:/bin"}, nullptr);
  ASSERT_TRUE(p.ok());
  std::string out;
  Status s = (*p)->ReadExact(1, out, python::WorkerProcess::Clock::now() + std::chrono::milliseconds(50));
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  (*p)->Kill();
  EXPECT_EQ((*p)->ExitDescription(), "killed by signal 9");
  auto missing = python::WorkerProcess::Start({"cairn-no-such-program"}, {"PATH=/usr/bin:/bin"}, nullptr);
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
}

TEST(BuiltinBackendsTest, NativeFlavorsComeBeforePythonFunction) {
  BackendRegistry registry;
  RegisterBuiltinBackends(registry);
  EXPECT_EQ(registry.flavors(), (std::vector<std::string>{"xgboost", "onnx", "python_function"}));
}

class PythonBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "cairn-pyfunc-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    python::testing::WriteTestPyfuncModel(root_ / "model");
    python::testing::WriteStandInMlflow(root_ / "site");
    const char* old = std::getenv("PYTHONPATH");
    if (old) old_pythonpath_ = old;
  }
  void TearDown() override {
    if (old_pythonpath_.empty()) {
      ::unsetenv("PYTHONPATH");
    } else {
      ::setenv("PYTHONPATH", old_pythonpath_.c_str(), 1);
    }
    fs::remove_all(root_);
  }

  Result<std::unique_ptr<ModelBackend>> Load(bool with_stand_in, std::chrono::milliseconds timeout = std::chrono::seconds(30),
                                             size_t max_reply_bytes = size_t{256} << 20) {
    if (with_stand_in) {
      ::setenv("PYTHONPATH", (root_ / "site").c_str(), 1);
    } else {
      ::unsetenv("PYTHONPATH");
    }
    BackendRegistry registry;
    registry.Register(CreatePythonBackendFactory(
        {.python = GetParam(), .predict_timeout = timeout, .max_reply_bytes = max_reply_bytes}));
    return registry.Load(root_ / "model");
  }

  static Tensor Rows(const std::vector<double>& values) {
    Tensor t;
    t.name = "input-0";
    t.datatype = DataType::kFp64;
    t.shape = {static_cast<int64_t>(values.size() / 4), 4};
    t.data.resize(values.size() * 8);
    std::memcpy(t.data.data(), values.data(), t.data.size());
    return t;
  }

  fs::path root_;
  std::string old_pythonpath_;
};

// The real missing-package path: the interpreters here have no mlflow (the
// test machines cannot install it), and the stand-in is not on PYTHONPATH.
TEST_P(PythonBackendTest, WithoutMlflowTheLoadFailsNamingThePackage) {
  auto backend = Load(/*with_stand_in=*/false);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(backend.error().message(), "the python backend needs the Python package 'mlflow' importable by " +
                                           GetParam() + " (pip install mlflow)");
}

TEST_P(PythonBackendTest, PredictsLikeThePythonModel) {
  auto backend = Load(/*with_stand_in=*/true);
  ASSERT_TRUE(backend.ok()) << backend.error().ToString();
  const ModelMetadata& meta = (*backend)->metadata();
  EXPECT_EQ(meta.platform, "mlflow_pyfunc");
  ASSERT_EQ(meta.inputs.size(), 1u);
  EXPECT_EQ(meta.inputs[0].name, "input-0");
  EXPECT_EQ(meta.inputs[0].datatype, DataType::kFp64);
  EXPECT_EQ(meta.inputs[0].shape, (std::vector<int64_t>{-1, 4}));
  EXPECT_EQ(meta.feature_names, (std::vector<std::string>{"f0", "f1", "f2", "f3"}));
  ASSERT_EQ(meta.outputs.size(), 1u);
  EXPECT_EQ(meta.outputs[0].name, "predict");

  std::vector<double> x = {0.1, 0.2, 0.3, 0.4, 1.5, -2.25, 3.0, 1e-3, 7, 8, 9, 10};
  auto out = (*backend)->Infer({Rows(x)});
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  ASSERT_EQ(out->size(), 1u);
  const Tensor& y = (*out)[0];
  EXPECT_EQ(y.name, "predict");
  EXPECT_EQ(y.datatype, DataType::kFp64);
  ASSERT_EQ(y.shape, (std::vector<int64_t>{3}));
  for (int r = 0; r < 3; ++r) EXPECT_DOUBLE_EQ(y.At<double>(r), python::testing::TestModelReference(&x[r * 4])) << r;
}

TEST_P(PythonBackendTest, PythonErrorsCrashesAndHangsFailOneRequestEach) {
  auto backend = Load(/*with_stand_in=*/true, std::chrono::milliseconds(1500));
  ASSERT_TRUE(backend.ok()) << backend.error().ToString();
  std::vector<double> good = {1, 2, 3, 4};
  auto check_good = [&] {
    auto out = (*backend)->Infer({Rows(good)});
    ASSERT_TRUE(out.ok()) << out.error().ToString();
    EXPECT_DOUBLE_EQ((*out)[0].At<double>(0), python::testing::TestModelReference(good.data()));
  };

  auto raised = (*backend)->Infer({Rows({55, 0, 0, 0})});
  ASSERT_FALSE(raised.ok());
  EXPECT_EQ(raised.error().code(), StatusCode::kInternal);
  EXPECT_EQ(raised.error().message(), "the python model failed: ValueError: bad row 55");
  check_good();

  auto crashed = (*backend)->Infer({Rows({77, 0, 0, 0})});
  ASSERT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.error().code(), StatusCode::kInternal);
  EXPECT_NE(crashed.error().message().find("the python worker died (exit status 1)"), std::string::npos)
      << crashed.error().message();
  check_good();  // a new worker

  auto start = std::chrono::steady_clock::now();
  auto hung = (*backend)->Infer({Rows({99, 0, 0, 0})});
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.error().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(hung.error().message().find("did not answer within 1500 ms"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  check_good();
}

TEST_P(PythonBackendTest, RepliesOverTheLimitFailTheRequestAndRestartTheWorker) {
  // Warm-up-sized replies (one row) fit in 200 bytes; 100 rows do not.
  auto backend = Load(/*with_stand_in=*/true, std::chrono::seconds(30), /*max_reply_bytes=*/200);
  ASSERT_TRUE(backend.ok()) << backend.error().ToString();
  std::vector<double> many(400, 1.0);
  auto big = (*backend)->Infer({Rows(many)});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code(), StatusCode::kInternal);
  EXPECT_NE(big.error().message().find("over the 200 byte limit"), std::string::npos) << big.error().message();
  EXPECT_TRUE((*backend)->Infer({Rows({1, 2, 3, 4})}).ok());
}

TEST_P(PythonBackendTest, RepeatedCrashesBackOff) {
  auto backend = Load(/*with_stand_in=*/true);
  ASSERT_TRUE(backend.ok()) << backend.error().ToString();
  EXPECT_EQ((*backend)->Infer({Rows({77, 0, 0, 0})}).error().code(), StatusCode::kInternal);
  EXPECT_EQ((*backend)->Infer({Rows({77, 0, 0, 0})}).error().code(), StatusCode::kInternal);
  // Two failures in a row: the next start waits 250 ms.
  auto refused = (*backend)->Infer({Rows({1, 2, 3, 4})});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
  usleep(300 * 1000);
  EXPECT_TRUE((*backend)->Infer({Rows({1, 2, 3, 4})}).ok());
}

TEST_P(PythonBackendTest, TensorSignaturesPassArraysUnderTheirNames) {
  std::ofstream(root_ / "model" / "MLmodel")
      << "flavors:\n  python_function: {loader_module: python_model}\nsignature:\n"
         "  inputs: '[{\"name\": \"x\", \"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1, 4]}}]'\n"
         "  outputs: '[{\"name\": \"y\", \"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1]}}]'\n";
  auto backend = Load(/*with_stand_in=*/true);
  ASSERT_TRUE(backend.ok()) << backend.error().ToString();
  const ModelMetadata& meta = (*backend)->metadata();
  ASSERT_EQ(meta.inputs.size(), 1u);
  EXPECT_EQ(meta.inputs[0].name, "x");
  EXPECT_TRUE(meta.feature_names.empty());
  EXPECT_EQ(meta.outputs[0].name, "y");
  std::vector<double> x = {1, 2, 3, 4, -1, 0.5, 0.25, 8};
  Tensor input = Rows(x);
  input.name = "x";
  auto out = (*backend)->Infer({input});
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ((*out)[0].name, "y");  // the bare list is named by the signature
  ASSERT_EQ((*out)[0].shape, (std::vector<int64_t>{2}));
  for (int r = 0; r < 2; ++r) EXPECT_DOUBLE_EQ((*out)[0].At<double>(r), python::testing::TestModelReference(&x[r * 4]));
}

// python3 on PATH (here pyenv's, without numpy and pandas: plain lists), and
// Debian's /usr/bin/python3 where it exists (numpy, no pandas: arrays).
std::vector<std::string> Interpreters() {
  std::vector<std::string> out = {"python3"};
  if (fs::exists("/usr/bin/python3")) out.push_back("/usr/bin/python3");
  return out;
}

INSTANTIATE_TEST_SUITE_P(Interpreters, PythonBackendTest, ::testing::ValuesIn(Interpreters()),
                         [](const auto& info) { return info.index == 0 ? std::string("PathPython3") : std::string("UsrBinPython3"); });

}  // namespace
}  // namespace cairn::serving
