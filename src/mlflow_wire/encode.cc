#include "mlflow_wire/encode.h"

namespace cairn::mlflow_wire {

using tracking::LifecycleStageName;

void WriteTags(JsonWriter& w, std::string_view field, const std::vector<tracking::Tag>& tags) {
  if (tags.empty()) return;
  w.Key(field).StartArray();
  for (const auto& tag : tags) {
    w.StartObject().Field("key", tag.key).Field("value", tag.value).EndObject();
  }
  w.EndArray();
}

void WriteExperiment(JsonWriter& w, const tracking::Experiment& e) {
  w.StartObject()
      .Field("experiment_id", e.experiment_id)
      .Field("name", e.name)
      .FieldIfNotEmpty("artifact_location", e.artifact_location)
      .Field("lifecycle_stage", LifecycleStageName(e.lifecycle_stage));
  if (e.last_update_time) w.Field("last_update_time", e.last_update_time);
  if (e.creation_time) w.Field("creation_time", e.creation_time);
  WriteTags(w, "tags", e.tags);
  w.EndObject();
}

void WriteRunInfo(JsonWriter& w, const tracking::RunInfo& info) {
  w.StartObject()
      .Field("run_id", info.run_id)
      .Field("run_uuid", info.run_id)
      .FieldIfNotEmpty("run_name", info.run_name)
      .Field("experiment_id", info.experiment_id)
      .FieldIfNotEmpty("user_id", info.user_id)
      .Field("status", tracking::RunStatusName(info.status))
      .Field("start_time", info.start_time);
  if (info.end_time) w.Field("end_time", *info.end_time);
  w.FieldIfNotEmpty("artifact_uri", info.artifact_uri)
      .Field("lifecycle_stage", LifecycleStageName(info.lifecycle_stage))
      .EndObject();
}

void WriteMetric(JsonWriter& w, const tracking::Metric& m) {
  w.StartObject().Field("key", m.key).DoubleField("value", m.value).Field("timestamp", m.timestamp).Field("step", m.step);
  w.FieldIfNotEmpty("run_id", m.run_id);
  w.EndObject();
}

void WriteDataset(JsonWriter& w, const tracking::Dataset& d) {
  w.StartObject()
      .Field("name", d.name)
      .Field("digest", d.digest)
      .Field("source_type", d.source_type)
      .Field("source", d.source)
      .FieldIfNotEmpty("schema", d.schema)
      .FieldIfNotEmpty("profile", d.profile)
      .EndObject();
}

void WriteDatasetInput(JsonWriter& w, const tracking::DatasetInput& input) {
  w.StartObject();
  WriteTags(w, "tags", input.tags);
  w.Key("dataset");
  WriteDataset(w, input.dataset);
  w.EndObject();
}

void WriteRun(JsonWriter& w, const tracking::Run& run) {
  w.StartObject().Key("info");
  WriteRunInfo(w, run.info);
  w.Key("data").StartObject();
  if (!run.metrics.empty()) {
    w.Key("metrics").StartArray();
    for (const auto& m : run.metrics) WriteMetric(w, m);
    w.EndArray();
  }
  if (!run.params.empty()) {
    w.Key("params").StartArray();
    for (const auto& p : run.params) w.StartObject().Field("key", p.key).Field("value", p.value).EndObject();
    w.EndArray();
  }
  WriteTags(w, "tags", run.tags);
  w.EndObject();
  w.Key("inputs").StartObject();
  if (!run.dataset_inputs.empty()) {
    w.Key("dataset_inputs").StartArray();
    for (const auto& input : run.dataset_inputs) WriteDatasetInput(w, input);
    w.EndArray();
  }
  w.EndObject();
  w.EndObject();
}

std::string ErrorJson(std::string_view error_code, std::string_view message) {
  JsonWriter w;
  w.StartObject().Field("error_code", error_code).Field("message", message).EndObject();
  return w.str();
}

}  // namespace cairn::mlflow_wire
