// JSON form of pipeline runs and tasks in the REST API (routes.h), shared by
// the server (encode) and the client library (decode). Stored JSON columns
// (parameters, inputs, outputs, command) are embedded as JSON values, not
// strings; times are milliseconds since the epoch.
//
//   run:  {run_id, display_name, pipeline_name, source_name, state, parameters, outputs,
//          cache_enabled, parallelism, pipeline_root, experiment_id, mlflow_run_id, error,
//          cancel_requested, created_time, started_time, finished_time, spec?}
//   task: {node_id, parent_id, task_key, display_name, component, kind, state,
//          iteration_index, attempt, executor, image, command, inputs, outputs, fingerprint,
//          cached, cached_from, mlflow_run_id, error, exit_code, created_time, started_time,
//          finished_time}
// Thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "pipelines/run_state/run_store.h"
#include "pipelines/spec/value.h"

namespace cairn::pipelines::api {

Value RunToValue(const PipelineRunRecord& run, bool include_spec);
Value TaskToValue(const TaskRecord& task);
// kInvalidArgument naming the field for a malformed object.
Result<PipelineRunRecord> RunFromValue(const Value& value);
Result<TaskRecord> TaskFromValue(const Value& value);

// `text` with invalid UTF-8 sequences replaced by U+FFFD (logs are bytes;
// JSON strings must be UTF-8).
std::string SanitizeUtf8(std::string_view text);

}  // namespace cairn::pipelines::api
