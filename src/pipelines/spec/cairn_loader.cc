#include "pipelines/spec/cairn_loader.h"
namespace cairn::pipelines {
bool LooksLikeCairnPipeline(const YamlNode& doc) { return doc.IsMap() && doc.Has("steps") && !doc.Has("root"); }
Result<Pipeline> LoadCairnDocuments(const std::vector<YamlNode>&, std::string_view) { return Unimplemented("todo"); }
Result<Pipeline> LoadCairnPipeline(std::string_view, std::string_view) { return Unimplemented("todo"); }
}  // namespace cairn::pipelines
