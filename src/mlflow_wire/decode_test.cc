#include "mlflow_wire/decode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mlflow_wire/encode.h"

namespace cairn::mlflow_wire {
namespace {

using tracking::DatasetInput;
using tracking::Experiment;
using tracking::LifecycleStage;
using tracking::Metric;

using tracking::RunInfo;
using tracking::RunStatus;

// Encodes with `write`, parses the text back and decodes with `read`.
template <typename T, typename WriteFn, typename ReadFn>
T RoundTrip(const T& value, WriteFn write, ReadFn read) {
  JsonWriter w;
  write(w, value);
  auto doc = JsonDocument::ParseObject(w.view());
  EXPECT_TRUE(doc.ok()) << doc.status().ToString() << " in " << w.view();
  auto decoded = read(doc->root());
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString() << " in " << w.view();
  return std::move(decoded).value();
}

void ExpectSameMetric(const Metric& a, const Metric& b) {
  EXPECT_EQ(a.key, b.key);
  if (std::isnan(a.value)) {
    EXPECT_TRUE(std::isnan(b.value));
  } else {
    EXPECT_EQ(a.value, b.value);
  }
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.run_id, b.run_id);
}

void ExpectSameInfo(const RunInfo& a, const RunInfo& b) {
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_EQ(a.run_name, b.run_name);
  EXPECT_EQ(a.experiment_id, b.experiment_id);
  EXPECT_EQ(a.user_id, b.user_id);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.start_time, b.start_time);
  EXPECT_EQ(a.end_time, b.end_time);
  EXPECT_EQ(a.artifact_uri, b.artifact_uri);
  EXPECT_EQ(a.lifecycle_stage, b.lifecycle_stage);
}

DatasetInput SampleInput() {
  DatasetInput input;
  input.tags = {{"mlflow.data.context", "training"}};
  input.dataset = {"iris", "abc123", "local", "file:///data/iris.csv", R"({"cols":["a"]})", ""};
  return input;
}

TEST(DecodeTest, ExperimentRoundTrip) {
  Experiment e;
  e.experiment_id = "7";
  e.name = "exp \"quoted\" \xC3\xA9";
  e.artifact_location = "mlflow-artifacts:/7";
  e.lifecycle_stage = LifecycleStage::kDeleted;
  e.creation_time = 1700000000123;
  e.last_update_time = 1700000000999;
  e.tags = {{"a", "1"}, {"b", ""}};
  Experiment back = RoundTrip(e, WriteExperiment, ReadExperiment);
  EXPECT_EQ(back.experiment_id, e.experiment_id);
  EXPECT_EQ(back.name, e.name);
  EXPECT_EQ(back.artifact_location, e.artifact_location);
  EXPECT_EQ(back.lifecycle_stage, e.lifecycle_stage);
  EXPECT_EQ(back.creation_time, e.creation_time);
  EXPECT_EQ(back.last_update_time, e.last_update_time);
  EXPECT_EQ(back.tags, e.tags);
}

TEST(DecodeTest, MinimalExperimentTakesDefaults) {
  Experiment e;
  e.experiment_id = "0";
  e.name = "Default";
  Experiment back = RoundTrip(e, WriteExperiment, ReadExperiment);
  EXPECT_EQ(back.lifecycle_stage, LifecycleStage::kActive);
  EXPECT_EQ(back.creation_time, 0);
  EXPECT_TRUE(back.tags.empty());
  EXPECT_TRUE(back.artifact_location.empty());
}

TEST(DecodeTest, RunInfoRoundTripWithAndWithoutEndTime) {
  RunInfo info;
  info.run_id = "0123456789abcdef0123456789abcdef";
  info.run_name = "brave-fox-42";
  info.experiment_id = "3";
  info.user_id = "alice";
  info.status = RunStatus::kFinished;
  info.start_time = 1000;
  info.end_time = 2000;
  info.artifact_uri = "mlflow-artifacts:/3/0123456789abcdef0123456789abcdef/artifacts";
  ExpectSameInfo(RoundTrip(info, WriteRunInfo, ReadRunInfo), info);
  info.end_time.reset();
  info.status = RunStatus::kKilled;
  ExpectSameInfo(RoundTrip(info, WriteRunInfo, ReadRunInfo), info);
}

TEST(DecodeTest, MetricRoundTripIncludingNonFinite) {
  for (double v : {0.0, -1.5, 1e300, std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    Metric m{"loss", v, 1234, 56, ""};
    ExpectSameMetric(RoundTrip(m, WriteMetric, ReadMetric), m);
  }
  Metric with_run{"acc", 0.5, 1, 2, "run1"};
  ExpectSameMetric(RoundTrip(with_run, WriteMetric, ReadMetric), with_run);
}

TEST(DecodeTest, DatasetInputRoundTrip) {
  DatasetInput input = SampleInput();
  DatasetInput back = RoundTrip(input, WriteDatasetInput, ReadDatasetInput);
  EXPECT_EQ(back.tags, input.tags);
  EXPECT_EQ(back.dataset.name, input.dataset.name);
  EXPECT_EQ(back.dataset.digest, input.dataset.digest);
  EXPECT_EQ(back.dataset.source_type, input.dataset.source_type);
  EXPECT_EQ(back.dataset.source, input.dataset.source);
  EXPECT_EQ(back.dataset.schema, input.dataset.schema);
  EXPECT_EQ(back.dataset.profile, input.dataset.profile);
}

TEST(DecodeTest, RunRoundTrip) {
  tracking::Run run;
  run.info.run_id = "r1";
  run.info.experiment_id = "1";
  run.info.start_time = 5;
  run.metrics = {{"a", 1.0, 10, 0, ""}, {"b", 2.5, 11, 3, ""}};
  run.params = {{"lr", "0.01"}, {"layers", "3"}};
  run.tags = {{"mlflow.runName", "x"}};
  run.dataset_inputs = {SampleInput()};
  tracking::Run back = RoundTrip(run, WriteRun, ReadRun);
  ExpectSameInfo(back.info, run.info);
  ASSERT_EQ(back.metrics.size(), 2u);
  ExpectSameMetric(back.metrics[1], run.metrics[1]);
  EXPECT_EQ(back.params, run.params);
  EXPECT_EQ(back.tags, run.tags);
  ASSERT_EQ(back.dataset_inputs.size(), 1u);
  EXPECT_EQ(back.dataset_inputs[0].dataset.name, "iris");
}

TEST(DecodeTest, EmptyRunRoundTrip) {
  tracking::Run run;
  run.info.run_id = "r2";
  tracking::Run back = RoundTrip(run, WriteRun, ReadRun);
  EXPECT_TRUE(back.metrics.empty());
  EXPECT_TRUE(back.params.empty());
  EXPECT_TRUE(back.dataset_inputs.empty());
}

Result<JsonDocument> Parse(std::string_view text) { return JsonDocument::ParseObject(text); }

TEST(DecodeTest, FileInfo) {
  auto doc = Parse(R"({"files":[{"path":"model/MLmodel","is_dir":false,"file_size":120},{"path":"model/data","is_dir":true}]})");
  ASSERT_TRUE(doc.ok());
  auto files = ReadArray<FileInfo>(doc->root(), "files", ReadFileInfo);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0], (FileInfo{"model/MLmodel", false, 120}));
  EXPECT_EQ((*files)[1], (FileInfo{"model/data", true, std::nullopt}));
  auto none = ReadArray<FileInfo>(Parse("{}")->root(), "files", ReadFileInfo);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(DecodeTest, AcceptsDeprecatedRunUuidAndNumericStrings) {
  auto doc = Parse(R"({"run_uuid":"abc","experiment_id":4,"start_time":"17","status":"FAILED"})");
  ASSERT_TRUE(doc.ok());
  auto info = ReadRunInfo(doc->root());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->run_id, "abc");
  EXPECT_EQ(info->experiment_id, "4");
  EXPECT_EQ(info->start_time, 17);
  EXPECT_EQ(info->status, RunStatus::kFailed);
}

TEST(DecodeTest, RejectsWrongTypesAndUnknownEnums) {
  EXPECT_EQ(ReadExperiment(Parse(R"({"experiment_id":"1","tags":{}})")->root()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadExperiment(Parse(R"({"experiment_id":"1","lifecycle_stage":"gone"})")->root()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadExperiment(Parse(R"({"name":"no id"})")->root()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRunInfo(Parse(R"({"run_id":"a","status":"DONE"})")->root()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRunInfo(Parse(R"({"experiment_id":"1"})")->root()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadMetric(Parse(R"({"key":"a","value":true})")->root()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRun(Parse(R"({"data":{}})")->root()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadRun(Parse(R"({"info":{"run_id":"a"},"data":{"metrics":[1]}})")->root()).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadDatasetInput(Parse(R"({"tags":[]})")->root()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::mlflow_wire
