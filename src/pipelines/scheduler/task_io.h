// Task inputs and outputs as the scheduler keeps them, their JSON form in
// TaskRecord::inputs_json / outputs_json and cache entries, and the pieces
// of the KFP runtime contract that read what a task wrote:
//  * output parameter files (parsed by the declared type, as the KFP
//    launcher does: STRING raw, numbers and booleans trimmed, LIST / STRUCT
//    as JSON);
//  * the ExecutorOutput file ({"parameterValues":{...},"artifacts":{k:
//    {"artifacts":[{name,uri,metadata}]}}}), which has priority;
//  * the cache fingerprint (KFP CacheKey: input values and artifacts, output
//    spec, image and the unresolved command line).
// Pure functions over plain values and files. Thread-compatible.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pipelines/graph.h"
#include "pipelines/spec/resolver.h"

namespace cairn::pipelines {

struct TaskIo {
  std::map<std::string, Value> parameters;
  std::map<std::string, std::vector<RuntimeArtifact>> artifacts;
};

// {"parameters":{k:v},"artifacts":{k:[{"name","uri","type":{"schemaTitle",
// "schemaVersion"},"metadata"}]}}; local_path is not stored (== uri here).
Value TaskIoToValue(const TaskIo& io);
std::string TaskIoToJson(const TaskIo& io);
Result<TaskIo> TaskIoFromJson(std::string_view json);

// One artifact as JSON (also used by the REST API).
Value ArtifactToValue(const RuntimeArtifact& artifact);

// Parses what a task wrote into an output parameter file.
Result<Value> ParseOutputParameterText(std::string_view text, ParameterType type);
// Parses a `--param k=v` argument for an input of `type`: STRING raw,
// numbers / booleans / LIST / STRUCT as JSON; an unspecified type takes JSON
// when it parses and the raw string otherwise.
Result<Value> ParseParameterArgument(std::string_view text, ParameterType type);

// Reads <outputs> from what the task left behind: the ExecutorOutput file
// (if present) and, for every declared output parameter it does not set,
// the output parameter file. `planned` holds the output artifacts as
// handed to the task (uri, type, spec metadata); the ExecutorOutput may
// update their metadata and uri. kFailedPrecondition names a missing or
// unparsable output.
Result<TaskIo> CollectOutputs(const Interface& outputs, const std::map<std::string, std::string>& parameter_files,
                              const std::map<std::string, std::vector<RuntimeArtifact>>& planned,
                              const std::string& executor_output_file);

// The cache fingerprint of one container execution (see header comment); a
// custom cache key replaces it with sha256(component_ref \0 key).
std::string CacheFingerprint(const Task& task, const Component& component, const ContainerSpec& container,
                             const TaskIo& inputs);

}  // namespace cairn::pipelines
