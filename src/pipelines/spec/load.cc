// Format detection and file loading (LoadPipeline, LoadPipelineFile).
#include <fstream>
#include <sstream>

#include "pipelines/graph.h"
#include "pipelines/spec/cairn_loader.h"
#include "pipelines/spec/kfp_loader.h"
#include "pipelines/spec/yaml_reader.h"

namespace cairn::pipelines {

Result<Pipeline> LoadPipeline(std::string_view yaml, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(auto docs, ParseYamlDocuments(yaml, source_name));
  if (docs.empty() || docs[0].IsNull()) return InvalidArgument(std::string(source_name) + ": empty pipeline spec");
  if (LooksLikeCairnPipeline(docs[0])) return LoadCairnDocuments(docs, source_name);
  if (LooksLikeKfpIr(docs[0])) return LoadKfpIrDocuments(docs, source_name);
  return docs[0].Error(
      "not a pipeline spec: expected KFP IR (pipelineInfo, root, components) or a cairn pipeline (steps)");
}

Result<Pipeline> LoadPipelineFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open pipeline spec " + path);
  std::string text;
  char buf[64 * 1024];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxSpecBytes) {
      return InvalidArgument(path + ": spec is larger than " + std::to_string(kMaxSpecBytes) + " bytes");
    }
  }
  if (in.bad()) return InvalidArgument("cannot read pipeline spec " + path);
  return LoadPipeline(text, path);
}

}  // namespace cairn::pipelines
