// The search-filter parser must turn any text into clauses or a clean
// kInvalidArgument: no crash, no hang, no undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tracking/search_filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cairn::tracking::ParseRunFilter(text);
  (void)cairn::tracking::ParseExperimentFilter(text);
  (void)cairn::tracking::ParseRunOrderBy({std::string(text)});
  (void)cairn::tracking::ParseExperimentOrderBy({std::string(text)});
  return 0;
}
