// Pipeline specs (KFP IR or cairn YAML, detected as the server does) must load
// into a graph or fail with a clean error, and a loaded graph must validate
// without crashing: cycles, dangling references and bad placeholders are
// reported, never followed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipelines/graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto pipeline = cairn::pipelines::LoadPipeline(text, "fuzz.yaml");
  if (pipeline.ok()) (void)cairn::pipelines::ValidatePipeline(*pipeline);
  return 0;
}
