// Internal: KFP v2 IR loading from already-parsed YAML documents. The public
// entry point is LoadKfpIr (graph.h); this split lets LoadPipeline detect the
// format and parse the YAML once.
#pragma once

#include <vector>

#include "base/result.h"
#include "pipelines/graph.h"
#include "pipelines/spec/yaml_reader.h"

namespace cairn::pipelines {

// True when the first document looks like KFP IR (pipelineInfo, root,
// components, deploymentSpec or a PipelineJob's pipelineSpec).
bool LooksLikeKfpIr(const YamlNode& first_document);

Result<Pipeline> LoadKfpIrDocuments(const std::vector<YamlNode>& docs, std::string_view source_name);

// Parses one KFP parameter source map (componentInputParameter,
// runtimeValue.constant, taskOutputParameter, taskFinalStatus); shared with
// PlatformSpec secretNameParameter.
Result<ParameterBinding> ParseKfpParameterSource(const YamlNode& node);

}  // namespace cairn::pipelines
