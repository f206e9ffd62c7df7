// Unit tests of the inference core with a fake backend: MLmodel parsing,
// tensor checks, the dynamic batcher (rows go back to their callers, the
// queue bound), and request validation in ServedModel.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "serving/batcher.h"
#include "serving/drift.h"
#include "serving/mlmodel.h"
#include "serving/served_model.h"

namespace cairn::serving {
namespace {

// y = 2x, one FP32 input "x" [-1, 2], one output "y" [-1, 2]; counts calls
// and can be made slow.
class FakeDoublingBackend : public ModelBackend {
 public:
  FakeDoublingBackend() {
    metadata_.platform = "fake";
    metadata_.inputs = {{"x", DataType::kFp32, {-1, 2}}};
    metadata_.outputs = {{"y", DataType::kFp32, {-1, 2}}};
  }
  const ModelMetadata& metadata() const override { return metadata_; }
  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override {
    calls++;
    if (delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    auto values = inputs[0].ToFloats();
    for (auto& v : *values) v *= 2;
    return std::vector<Tensor>{Tensor::Fp32("y", inputs[0].shape, *values)};
  }
  std::atomic<int> calls{0};
  int delay_ms = 0;

 private:
  ModelMetadata metadata_;
};

TEST(MlModelTest, ReadsFlavorsAndSignatures) {
  auto model = ParseMlModel(R"(
flavors:
  xgboost: {data: model.xgb, model_format: xgb}
  python_function: {loader_module: mlflow.xgboost}
run_id: abc
signature:
  inputs: '[{"name": "a", "type": "double"}, {"name": "b", "type": "long"}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}, "name": "p"}]'
)");
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  EXPECT_EQ(model->FlavorField("xgboost", "data"), "model.xgb");
  EXPECT_TRUE(model->HasFlavor("python_function"));
  EXPECT_EQ(model->run_id, "abc");
  ASSERT_EQ(model->inputs.size(), 2u);
  EXPECT_EQ(model->inputs[1].datatype, DataType::kInt64);
  EXPECT_FALSE(model->tensor_signature);
  ASSERT_EQ(model->outputs.size(), 1u);
  EXPECT_EQ(model->outputs[0].shape, (std::vector<int64_t>{-1, 3}));
}

TEST(MlModelTest, MalformedFilesAreErrorsNotCrashes) {
  for (const char* text : {"flavors: [", "just a string", "flavors: {x: {}}\nsignature:\n  inputs: '[{'",
                           "flavors: {x: {}}\nsignature:\n  inputs: '[{\"type\": \"tensor\"}]'", "other: 1"}) {
    EXPECT_EQ(ParseMlModel(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(TensorTest, ElementCountRejectsOverflowAndNegatives) {
  EXPECT_EQ(ElementCount({2, 3}), 6);
  EXPECT_FALSE(ElementCount({-1, 3}));
  EXPECT_FALSE(ElementCount({INT64_MAX, 2}));
  EXPECT_FALSE(ElementCount({1 << 20, 1 << 20}, 1 << 27));
  EXPECT_EQ(ElementCount({}), 1);
}

TEST(TensorTest, ConvertsBetweenDatatypes) {
  Tensor t;
  t.datatype = DataType::kFp16;
  t.shape = {3};
  t.data.resize(6);
  SetFromDouble(t, 0, 1.5);
  SetFromDouble(t, 1, -2.0);
  SetFromDouble(t, 2, 0.0);
  EXPECT_EQ(t.AsDouble(0), 1.5);
  EXPECT_EQ(t.AsDouble(1), -2.0);
  EXPECT_EQ(*t.ToFloats(), (std::vector<float>{1.5f, -2.0f, 0.0f}));
}

TEST(BatcherTest, CombinesConcurrentRequestsAndReturnsEachItsRows) {
  FakeDoublingBackend backend;
  ModelStats stats;
  DynamicBatcher batcher(backend, {/*max_batch_size=*/32, /*max_queue_delay_us=*/20000, /*max_queue_size=*/64}, stats);
  batcher.Start();
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      int rows = 1 + t % 3;
      std::vector<float> x;
      for (int i = 0; i < rows * 2; ++i) x.push_back(static_cast<float>(t * 100 + i));
      auto out = batcher.Infer({Tensor::Fp32("x", {rows, 2}, x)});
      if (!out.ok() || (*out)[0].shape != std::vector<int64_t>{rows, 2}) {
        wrong++;
        return;
      }
      auto y = (*out)[0].ToFloats();
      for (int i = 0; i < rows * 2; ++i) {
        if ((*y)[i] != 2 * x[i]) wrong++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_LT(backend.calls.load(), kThreads);
  EXPECT_EQ(stats.queue_depth.load(), 0);
  batcher.Stop();
}

TEST(BatcherTest, FullQueueIsRejectedAtOnce) {
  FakeDoublingBackend backend;
  backend.delay_ms = 200;
  ModelStats stats;
  DynamicBatcher batcher(backend, {1, 0, /*max_queue_size=*/1}, stats);
  std::thread slow([&] { (void)batcher.Infer({Tensor::Fp32("x", {1, 2}, {1, 2})}); });
  while (backend.calls == 0) std::this_thread::yield();
  auto rejected = batcher.Infer({Tensor::Fp32("x", {1, 2}, {1, 2})});
  EXPECT_EQ(rejected.status().code(), StatusCode::kResourceExhausted);
  slow.join();
  EXPECT_EQ(stats.rejected.load(), 1u);
}

TEST(ServedModelTest, ValidatesRequestsBeforeTheBackend) {
  auto backend = std::make_unique<FakeDoublingBackend>();
  FakeDoublingBackend* fake = backend.get();
  auto model = ServedModel::Create({"models:/m/1", "m", "1", "run", ""}, std::move(backend), {});
  ASSERT_TRUE(model.ok());
  int warm_up_calls = fake->calls;
  auto request = [](Tensor t, std::vector<std::string> outputs = {}) {
    InferenceRequest r;
    r.inputs.push_back(std::move(t));
    r.outputs = std::move(outputs);
    return r;
  };
  EXPECT_EQ((*model)->Infer(request(Tensor::Fp32("z", {1, 2}, {1, 2}))).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*model)->Infer(request(Tensor::Fp32("x", {1, 3}, {1, 2, 3}))).status().code(), StatusCode::kInvalidArgument);
  Tensor ints;
  ints.name = "x";
  ints.datatype = DataType::kInt32;
  ints.shape = {1, 2};
  ints.data.resize(8);
  EXPECT_EQ((*model)->Infer(request(ints)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*model)->Infer(request(Tensor::Fp32("x", {1, 2}, {1, 2}), {"nope"})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(fake->calls, warm_up_calls);
  auto ok = (*model)->Infer(request(Tensor::Fp32("x", {1, 2}, {1, 2})));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->model_version, "1");
  EXPECT_EQ(*ok->outputs[0].ToFloats(), (std::vector<float>{2, 4}));
}

TEST(DriftTest, PsiAndKsSeparateShiftedFromUnshiftedData) {
  std::vector<double> reference, same, shifted;
  for (int i = 0; i < 1000; ++i) reference.push_back(i / 1000.0);
  for (int i = 0; i < 500; ++i) same.push_back((i + 0.5) / 500.0);
  for (int i = 0; i < 500; ++i) shifted.push_back(0.7 + (i + 0.5) / 500.0);
  std::sort(shifted.begin(), shifted.end());
  EXPECT_LT(PopulationStabilityIndex(reference, same), 0.01);
  EXPECT_LT(KolmogorovSmirnov(reference, same), 0.01);
  EXPECT_GT(PopulationStabilityIndex(reference, shifted), 1.0);
  EXPECT_NEAR(KolmogorovSmirnov(reference, shifted), 0.7, 0.01);
  EXPECT_EQ(KolmogorovSmirnov(reference, {}), 0.0);
  EXPECT_EQ(KolmogorovSmirnov({1, 2, 3}, {1, 2, 3}), 0.0);
  EXPECT_EQ(KolmogorovSmirnov({1, 2}, {3, 4}), 1.0);
}

TEST(DriftTest, MonitorReadsTheReferenceCsvByFeatureName) {
  auto dir = std::filesystem::temp_directory_path() / ("cairn-drift-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "reference.csv");
    csv << "b,a\n";
    for (int i = 0; i < 100; ++i) csv << i << "," << -i << "\n";
  }
  auto monitor = DriftMonitor::FromCsv(dir / "reference.csv", {"a", "b"}, 2);
  ASSERT_TRUE(monitor.ok()) << monitor.error().ToString();
  std::vector<float> rows;
  for (int i = 0; i < 50; ++i) {
    rows.push_back(static_cast<float>(-2 * i));  // a, same range
    rows.push_back(static_cast<float>(500 + i));  // b, far away
  }
  (*monitor)->Observe(Tensor::Fp32("x", {50, 2}, rows));
  auto drift = (*monitor)->Compute();
  ASSERT_EQ(drift.size(), 2u);
  EXPECT_EQ(drift[0].name, "a");
  EXPECT_LT(drift[0].ks, 0.6);
  EXPECT_EQ(drift[1].ks, 1.0);
  EXPECT_EQ((*monitor)->window_rows(), 50u);
  EXPECT_FALSE(DriftMonitor::FromCsv(dir / "reference.csv", {"c"}, 1).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::serving
