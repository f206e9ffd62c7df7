// Placeholder resolution: turns a container's command/args templates into the
// final argv, and builds the KFP ExecutorInput JSON ({{$}}), from values the
// scheduler has already resolved. Pure functions: no I/O, no clock.
//
// Contract (KFP launcher semantics):
// * An input parameter absent from `input_parameters` is "not present" for
//   IfPresent; the scheduler applies component defaults before calling, so a
//   defaulted optional input counts as present (as in KFP).
// * A placeholder naming an absent input/output, or kUnknown, is an error
//   (kInvalidArgument naming the placeholder), never an empty string.
// * Artifact placeholders use the first artifact of the named input/output.
// * Values render with Value::RenderForArgv.
// Thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "pipelines/graph.h"

namespace cairn::pipelines {

struct RuntimeArtifact {
  std::string name;  // artifact name (KFP: MLMD name, often the output key)
  ArtifactType type;
  std::string uri;         // remote/canonical URI
  std::string local_path;  // where the container reads/writes it
  Value metadata;          // struct or null
};

// Values for the runtime placeholders ({{$.pipeline_job_name}}, ...).
struct RuntimeInfo {
  std::string pipeline_job_name;
  std::string pipeline_job_resource_name;
  std::string pipeline_job_uuid;
  std::string pipeline_task_name;
  std::string pipeline_task_uuid;
  std::string pipeline_root;
  std::string pipeline_job_create_time_utc;    // RFC 3339
  std::string pipeline_job_schedule_time_utc;  // RFC 3339
  std::string workspace_path;
};

// Everything a placeholder can refer to for one task execution.
struct ExecutionContext {
  std::map<std::string, Value> input_parameters;
  std::map<std::string, std::vector<RuntimeArtifact>> input_artifacts;
  std::map<std::string, std::string> output_parameter_files;  // name -> file path
  std::map<std::string, std::vector<RuntimeArtifact>> output_artifacts;
  std::string output_metadata_file;  // {{$.outputs.output_file}} (ExecutorOutput)
  RuntimeInfo runtime;
};

// One string with placeholders (also used for resources, f-string constants).
Result<std::string> ResolveString(const StringTemplate& tmpl, const ExecutionContext& ctx);

// Expands a command or args list (IfPresent splices, Concat joins).
Result<std::vector<std::string>> ResolveArgs(const std::vector<ArgNode>& nodes,
                                             const ExecutionContext& ctx);

// command followed by args.
Result<std::vector<std::string>> ResolveArgv(const ContainerSpec& container,
                                             const ExecutionContext& ctx);

// The ExecutorInput JSON (camelCase, as kfp.dsl.executor_main reads it):
// {"inputs":{"parameterValues":{k:v},"artifacts":{k:{"artifacts":[{name,type:
// {schemaTitle,schemaVersion},uri,metadata}]}}},"outputs":{"parameters":{k:
// {"outputFile":f}},"artifacts":{k:{"artifacts":[...]}},"outputFile":f}}
std::string BuildExecutorInputJson(const ExecutionContext& ctx);

}  // namespace cairn::pipelines
