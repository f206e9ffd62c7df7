// MLflow JSON encoding of tracking entities (proto3-JSON conventions: snake
// case, int64 as numbers, enums by name, empty/unset fields omitted). Shared
// by the server frontend and the client library. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/json_writer.h"
#include "tracking/entities.h"

namespace cairn::mlflow_wire {

// Each writes one JSON object value (the caller writes the key, if any).
void WriteExperiment(JsonWriter& w, const tracking::Experiment& experiment);
void WriteRunInfo(JsonWriter& w, const tracking::RunInfo& info);
void WriteRun(JsonWriter& w, const tracking::Run& run);
void WriteMetric(JsonWriter& w, const tracking::Metric& metric);  // run_id included when set
void WriteTags(JsonWriter& w, std::string_view field, const std::vector<tracking::Tag>& tags);  // omitted when empty
void WriteDatasetInput(JsonWriter& w, const tracking::DatasetInput& input);
void WriteDataset(JsonWriter& w, const tracking::Dataset& dataset);

// {"error_code": "...", "message": "..."}
std::string ErrorJson(std::string_view error_code, std::string_view message);

}  // namespace cairn::mlflow_wire
