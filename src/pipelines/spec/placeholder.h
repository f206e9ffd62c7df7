// Placeholder templates: the parsed form of KFP container command/args
// strings such as "--out={{$.outputs.parameters['x'].output_file}}" and of the
// structured JSON placeholders {"IfPresent": ...} / {"Concat": [...]}.
//
// Parsing never fails on unknown "{{$...}}" text: it becomes a Placeholder of
// kind kUnknown so the loader can keep going and ValidatePipeline can report
// it with a location. Resolution (spec/resolver.h) refuses kUnknown.
// Thread-compatible: plain values.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace cairn::pipelines {

enum class PlaceholderKind {
  kExecutorInput,           // {{$}}: the whole ExecutorInput JSON
  kInputParameter,          // {{$.inputs.parameters['name']}}
  kInputArtifactPath,       // {{$.inputs.artifacts['name'].path}}
  kInputArtifactUri,        // {{$.inputs.artifacts['name'].uri}}
  kInputArtifactMetadata,   // {{$.inputs.artifacts['name'].metadata}} / .metadata['key']
  kOutputParameterFile,     // {{$.outputs.parameters['name'].output_file}}
  kOutputArtifactPath,      // {{$.outputs.artifacts['name'].path}}
  kOutputArtifactUri,       // {{$.outputs.artifacts['name'].uri}}
  kOutputArtifactMetadata,  // {{$.outputs.artifacts['name'].metadata}} / .metadata['key']
  kOutputFile,              // {{$.outputs.output_file}}: the ExecutorOutput JSON path
  kPipelineJobName,         // {{$.pipeline_job_name}}
  kPipelineJobResourceName, // {{$.pipeline_job_resource_name}}
  kPipelineJobUuid,         // {{$.pipeline_job_uuid}}
  kPipelineTaskName,        // {{$.pipeline_task_name}}
  kPipelineTaskUuid,        // {{$.pipeline_task_uuid}}
  kPipelineRoot,            // {{$.pipeline_root}}
  kPipelineJobCreateTime,   // {{$.pipeline_job_create_time_utc}}
  kPipelineJobScheduleTime, // {{$.pipeline_job_schedule_time_utc}}
  kWorkspacePath,           // {{$.workspace_path}}
  kUnknown,                 // anything else inside {{$...}}; an error to resolve
};

struct Placeholder {
  PlaceholderKind kind = PlaceholderKind::kUnknown;
  std::string name;  // input/output name for the per-name kinds
  std::string key;   // metadata key for .metadata['key']; empty = whole metadata
  std::string raw;   // the original "{{$...}}" text
  friend bool operator==(const Placeholder&, const Placeholder&) = default;
};

// A string with embedded placeholders: literal text and placeholders in order.
struct StringTemplate {
  using Part = std::variant<std::string, Placeholder>;
  std::vector<Part> parts;
  std::string raw;
  bool has_placeholders() const;
  friend bool operator==(const StringTemplate&, const StringTemplate&) = default;
};

// One element of a command/args list.
struct ArgNode {
  enum class Kind {
    kText,       // `text` (may hold placeholders); expands to one argv element
    kIfPresent,  // `input_name` present ? splice `then_args` : splice `else_args`
    kConcat,     // `items` rendered and joined into one argv element
  };
  Kind kind = Kind::kText;
  StringTemplate text;
  std::string input_name;
  std::vector<ArgNode> then_args;
  std::vector<ArgNode> else_args;
  std::vector<ArgNode> items;
  friend bool operator==(const ArgNode&, const ArgNode&) = default;
};

// Splits `text` into literals and placeholders. "{{$" without a closing "}}"
// stays literal text. Never fails.
StringTemplate ParseStringTemplate(std::string_view text);

// Parses one command/args element: a JSON object string {"IfPresent": ...}
// or {"Concat": [...]} becomes a structured node (nesting bounded by
// kMaxArgNesting), anything else a kText node. Errors only for a malformed
// structured placeholder (JSON object with one of those keys but a bad shape).
Result<ArgNode> ParseArgNode(std::string_view text);
inline constexpr int kMaxArgNesting = 32;

// Every placeholder in `node` (recursively), for validation.
void CollectPlaceholders(const ArgNode& node, std::vector<const Placeholder*>& out);
void CollectPlaceholders(const StringTemplate& tmpl, std::vector<const Placeholder*>& out);

}  // namespace cairn::pipelines
