#include "mlflow_wire/decode.h"

#include <fmt/format.h>

namespace cairn::mlflow_wire {
namespace {

using tracking::LifecycleStage;

// Absent fields decode to their proto3 default, which is also what encode.h
// omits: that keeps encode -> decode an identity.
Status ReadString(const JsonObjectView& object, std::string_view key, std::string* out) {
  auto value = object.GetString(key);
  if (!value.ok()) return value.error();
  if (value->has_value()) *out = std::move(**value);
  return Status::Ok();
}

Status ReadInt64(const JsonObjectView& object, std::string_view key, int64_t* out) {
  auto value = object.GetInt64(key);
  if (!value.ok()) return value.error();
  if (value->has_value()) *out = **value;
  return Status::Ok();
}

Status ReadLifecycle(const JsonObjectView& object, LifecycleStage* out) {
  std::string name;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "lifecycle_stage", &name));
  if (name.empty()) return Status::Ok();
  auto stage = ParseLifecycleStage(name);
  if (!stage) return InvalidArgument(fmt::format("Unknown lifecycle_stage '{}'.", name));
  *out = *stage;
  return Status::Ok();
}

template <typename T>
Result<std::vector<T>> ReadKeyValues(const JsonObjectView& object, std::string_view field) {
  return ReadArray<T>(object, field, [](const JsonObjectView& item) -> Result<T> {
    T kv;
    CAIRN_RETURN_IF_ERROR(ReadString(item, "key", &kv.key));
    CAIRN_RETURN_IF_ERROR(ReadString(item, "value", &kv.value));
    return kv;
  });
}

}  // namespace

std::optional<LifecycleStage> ParseLifecycleStage(std::string_view name) {
  if (name == "active") return LifecycleStage::kActive;
  if (name == "deleted") return LifecycleStage::kDeleted;
  return std::nullopt;
}

Result<std::vector<tracking::Tag>> ReadTags(const JsonObjectView& object, std::string_view field) {
  return ReadKeyValues<tracking::Tag>(object, field);
}

Result<std::vector<tracking::Param>> ReadParams(const JsonObjectView& object, std::string_view field) {
  return ReadKeyValues<tracking::Param>(object, field);
}

Result<tracking::Experiment> ReadExperiment(const JsonObjectView& object) {
  tracking::Experiment e;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "experiment_id", &e.experiment_id));
  if (e.experiment_id.empty()) return InvalidArgument("Experiment without experiment_id.");
  CAIRN_RETURN_IF_ERROR(ReadString(object, "name", &e.name));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "artifact_location", &e.artifact_location));
  CAIRN_RETURN_IF_ERROR(ReadLifecycle(object, &e.lifecycle_stage));
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "creation_time", &e.creation_time));
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "last_update_time", &e.last_update_time));
  CAIRN_ASSIGN_OR_RETURN(e.tags, ReadTags(object, "tags"));
  return e;
}

Result<tracking::RunInfo> ReadRunInfo(const JsonObjectView& object) {
  tracking::RunInfo info;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "run_id", &info.run_id));
  if (info.run_id.empty()) CAIRN_RETURN_IF_ERROR(ReadString(object, "run_uuid", &info.run_id));
  if (info.run_id.empty()) return InvalidArgument("Run info without run_id.");
  CAIRN_RETURN_IF_ERROR(ReadString(object, "run_name", &info.run_name));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "experiment_id", &info.experiment_id));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "user_id", &info.user_id));
  std::string status;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "status", &status));
  if (!status.empty()) {
    auto parsed = tracking::ParseRunStatus(status);
    if (!parsed) return InvalidArgument(fmt::format("Unknown run status '{}'.", status));
    info.status = *parsed;
  }
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "start_time", &info.start_time));
  CAIRN_ASSIGN_OR_RETURN(info.end_time, object.GetInt64("end_time"));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "artifact_uri", &info.artifact_uri));
  CAIRN_RETURN_IF_ERROR(ReadLifecycle(object, &info.lifecycle_stage));
  return info;
}

Result<tracking::Metric> ReadMetric(const JsonObjectView& object) {
  tracking::Metric m;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "key", &m.key));
  CAIRN_ASSIGN_OR_RETURN(auto value, object.GetDouble("value"));
  m.value = value.value_or(0);
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "timestamp", &m.timestamp));
  CAIRN_RETURN_IF_ERROR(ReadInt64(object, "step", &m.step));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "run_id", &m.run_id));
  return m;
}

Result<tracking::Dataset> ReadDataset(const JsonObjectView& object) {
  tracking::Dataset d;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "name", &d.name));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "digest", &d.digest));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "source_type", &d.source_type));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "source", &d.source));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "schema", &d.schema));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "profile", &d.profile));
  return d;
}

Result<tracking::DatasetInput> ReadDatasetInput(const JsonObjectView& object) {
  tracking::DatasetInput input;
  CAIRN_ASSIGN_OR_RETURN(input.tags, ReadTags(object, "tags"));
  CAIRN_ASSIGN_OR_RETURN(auto dataset, object.GetObject("dataset"));
  if (!dataset) return InvalidArgument("Dataset input without dataset.");
  CAIRN_ASSIGN_OR_RETURN(input.dataset, ReadDataset(*dataset));
  return input;
}

Result<tracking::DatasetSummary> ReadDatasetSummary(const JsonObjectView& object) {
  tracking::DatasetSummary s;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "experiment_id", &s.experiment_id));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "name", &s.name));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "digest", &s.digest));
  CAIRN_RETURN_IF_ERROR(ReadString(object, "context", &s.context));
  return s;
}

Result<tracking::Run> ReadRun(const JsonObjectView& object) {
  tracking::Run run;
  CAIRN_ASSIGN_OR_RETURN(auto info, object.GetObject("info"));
  if (!info) return InvalidArgument("Run without info.");
  CAIRN_ASSIGN_OR_RETURN(run.info, ReadRunInfo(*info));
  CAIRN_ASSIGN_OR_RETURN(auto data, object.GetObject("data"));
  if (data) {
    CAIRN_ASSIGN_OR_RETURN(run.metrics, ReadArray<tracking::Metric>(*data, "metrics", ReadMetric));
    CAIRN_ASSIGN_OR_RETURN(run.params, ReadParams(*data, "params"));
    CAIRN_ASSIGN_OR_RETURN(run.tags, ReadTags(*data, "tags"));
  }
  CAIRN_ASSIGN_OR_RETURN(auto inputs, object.GetObject("inputs"));
  if (inputs) {
    CAIRN_ASSIGN_OR_RETURN(run.dataset_inputs,
                           ReadArray<tracking::DatasetInput>(*inputs, "dataset_inputs", ReadDatasetInput));
  }
  return run;
}

Result<FileInfo> ReadFileInfo(const JsonObjectView& object) {
  FileInfo f;
  CAIRN_RETURN_IF_ERROR(ReadString(object, "path", &f.path));
  CAIRN_ASSIGN_OR_RETURN(auto is_dir, object.GetBool("is_dir"));
  f.is_dir = is_dir.value_or(false);
  CAIRN_ASSIGN_OR_RETURN(f.file_size, object.GetInt64("file_size"));
  return f;
}

}  // namespace cairn::mlflow_wire
