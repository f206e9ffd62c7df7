// Katib Experiment and cairn study specs: load (which validates) or fail
// with a clean error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tuning/spec/load.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cairn::tuning::LoadExperimentSpec(text, "fuzz.yaml");
  return 0;
}
