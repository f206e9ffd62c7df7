// Double -> integer conversions that are defined for every input. A plain
// static_cast of a double outside the target's range (1e300, NaN, inf) is
// undefined behaviour, and such doubles arrive from specs, task outputs,
// metrics lines and stored JSON.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>

namespace cairn {

// `v` truncated toward zero, or nullopt when it is NaN or the result would
// not fit an int64.
inline std::optional<int64_t> TruncToInt64(double v) {
  // -2^63 and 2^63 are exact doubles; every double in between truncates
  // into range. NaN fails both comparisons.
  if (!(v >= -0x1p63 && v < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(v);
}

// `v` when it is a whole number that fits an int64, else nullopt.
inline std::optional<int64_t> ExactInt64(double v) {
  auto t = TruncToInt64(v);
  if (!t || static_cast<double>(*t) != v) return std::nullopt;
  return t;
}

// `v` truncated toward zero and clamped to the int64 range; NaN gives 0.
inline int64_t SaturatingInt64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 0x1p63) return INT64_MAX;
  if (v <= -0x1p63) return INT64_MIN;
  return static_cast<int64_t>(v);
}

}  // namespace cairn
