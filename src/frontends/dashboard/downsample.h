// Min/max-preserving downsampling of one metric series for charts (M4: per
// x-bucket the first, minimum, maximum and last point), so that a line drawn
// through the kept points has the same envelope, at chart resolution, as the
// full series. web/src/lib/downsample.ts mirrors this function exactly (same
// bucket arithmetic, same ties), and both have tests with the same cases.
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace cairn::frontends::dashboard {

struct DownsampleOptions {
  int64_t buckets = 1000;  // >= 1
  // Inclusive x range to keep; unset: open on that side. The nearest point
  // outside each given bound is kept too, so a zoomed line reaches the edges.
  std::optional<double> start;
  std::optional<double> end;
};

// `xs` must be sorted ascending; `ys[i]` is the value at `xs[i]` and may be
// NaN or infinite (NaN never wins min/max, it only appears as a first/last
// point of its bucket). Returns the indices of the points to keep, ascending.
// When the range holds at most 4 * buckets points, all of them are kept.
std::vector<size_t> DownsampleMinMax(std::span<const double> xs, std::span<const double> ys,
                                     const DownsampleOptions& options);

}  // namespace cairn::frontends::dashboard
