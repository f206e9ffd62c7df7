// MLflow JSON decoding of tracking entities: the inverse of encode.h, used by
// the client library to read server responses. Lenient where proto3-JSON is
// (absent fields take their defaults) and strict about types: a field of the
// wrong JSON type, or an enum name this build does not know, is
// kInvalidArgument naming the field. Pure, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_reader.h"
#include "base/result.h"
#include "tracking/entities.h"

namespace cairn::mlflow_wire {

// One entry of an artifact listing (tracking `artifacts/list` and the
// mlflow-artifacts proxy listing). A wire shape, not a domain type: MLflow's
// FileInfo message.
struct FileInfo {
  std::string path;  // relative to the listed root (tracking) or a basename (proxy)
  bool is_dir = false;
  std::optional<int64_t> file_size;  // absent for directories
  friend bool operator==(const FileInfo&, const FileInfo&) = default;
};

Result<tracking::Experiment> ReadExperiment(const JsonObjectView& object);
// Accepts `run_id` or the deprecated `run_uuid`; one of them is required.
Result<tracking::RunInfo> ReadRunInfo(const JsonObjectView& object);
// {info, data: {metrics, params, tags}, inputs: {dataset_inputs}}; `info` is required.
Result<tracking::Run> ReadRun(const JsonObjectView& object);
Result<tracking::Metric> ReadMetric(const JsonObjectView& object);
Result<tracking::Dataset> ReadDataset(const JsonObjectView& object);
Result<tracking::DatasetInput> ReadDatasetInput(const JsonObjectView& object);
Result<tracking::DatasetSummary> ReadDatasetSummary(const JsonObjectView& object);
Result<FileInfo> ReadFileInfo(const JsonObjectView& object);

// The array `field` of `{key, value}` objects; empty when absent.
Result<std::vector<tracking::Tag>> ReadTags(const JsonObjectView& object, std::string_view field);
Result<std::vector<tracking::Param>> ReadParams(const JsonObjectView& object, std::string_view field);

// The array `field` of objects decoded by `read`; empty when absent.
template <typename T, typename ReadFn>
Result<std::vector<T>> ReadArray(const JsonObjectView& object, std::string_view field, ReadFn read) {
  auto array = object.GetArray(field);
  if (!array.ok()) return array.error();
  std::vector<T> out;
  if (!array->has_value()) return out;
  auto objects = (*array)->Objects(field);
  if (!objects.ok()) return objects.error();
  out.reserve(objects->size());
  for (const JsonObjectView& item : *objects) {
    Result<T> value = read(item);
    if (!value.ok()) return value.error();
    out.push_back(std::move(value).value());
  }
  return out;
}

// Parses "active" / "deleted"; nullopt otherwise.
std::optional<tracking::LifecycleStage> ParseLifecycleStage(std::string_view name);

}  // namespace cairn::mlflow_wire
