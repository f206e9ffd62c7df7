// Internal: cairn pipeline YAML loading from parsed documents. The public
// entry point is LoadCairnPipeline (graph.h); the format is documented in
// docs/pipelines.md.
#pragma once

#include <vector>

#include "base/result.h"
#include "pipelines/graph.h"
#include "pipelines/spec/yaml_reader.h"

namespace cairn::pipelines {

// True when the first document has `steps` (and no KFP `root`).
bool LooksLikeCairnPipeline(const YamlNode& first_document);

Result<Pipeline> LoadCairnDocuments(const std::vector<YamlNode>& docs, std::string_view source_name);

}  // namespace cairn::pipelines
