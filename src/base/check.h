// Assertions for bugs (not for bad input, which gets a Status).
// CAIRN_CHECK is always on; CAIRN_DCHECK only in debug builds.
#pragma once

namespace cairn::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr, const char* why);
}  // namespace cairn::internal

#define CAIRN_CHECK(cond, why)                                                       \
  do {                                                                               \
    if (!(cond)) ::cairn::internal::CheckFailed(__FILE__, __LINE__, #cond, why);     \
  } while (0)

#ifdef NDEBUG
#define CAIRN_DCHECK(cond, why) \
  do {                          \
  } while (0)
#else
#define CAIRN_DCHECK(cond, why) CAIRN_CHECK(cond, why)
#endif
