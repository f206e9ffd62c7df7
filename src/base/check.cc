#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace cairn::internal {

void CheckFailed(const char* file, int line, const char* expr, const char* why) {
  std::fprintf(stderr, "CHECK failed at %s:%d: %s (%s)\n", file, line, expr, why);
  std::abort();
}

}  // namespace cairn::internal
