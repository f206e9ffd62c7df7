#include "frontends/dashboard/downsample.h"

#include <algorithm>
#include <cmath>

namespace cairn::frontends::dashboard {

std::vector<size_t> DownsampleMinMax(std::span<const double> xs, std::span<const double> ys,
                                     const DownsampleOptions& options) {
  const size_t n = std::min(xs.size(), ys.size());
  size_t lo = 0;
  size_t hi = n;  // [lo, hi) is the requested range
  if (options.start) lo = size_t(std::lower_bound(xs.begin(), xs.begin() + n, *options.start) - xs.begin());
  if (options.end) hi = size_t(std::upper_bound(xs.begin(), xs.begin() + n, *options.end) - xs.begin());
  std::vector<size_t> kept;
  if (hi < lo) hi = lo;
  const bool left_neighbour = options.start && lo > 0;
  const bool right_neighbour = options.end && hi < n;
  if (left_neighbour) kept.push_back(lo - 1);

  const int64_t buckets = std::max<int64_t>(1, options.buckets);
  const size_t count = hi - lo;
  if (count <= size_t(4 * buckets)) {
    for (size_t i = lo; i < hi; ++i) kept.push_back(i);
  } else {
    // Equal-width buckets over [x0, x1]; the last bucket is closed. The
    // arithmetic is written to match the TypeScript mirror operation for
    // operation, so both pick the same points.
    const double x0 = xs[lo];
    const double x1 = xs[hi - 1];
    const double width = (x1 - x0) / double(buckets);
    auto bucket_of = [&](double x) -> int64_t {
      if (!(width > 0)) return 0;
      auto b = int64_t(std::floor((x - x0) / width));
      return std::clamp<int64_t>(b, 0, buckets - 1);
    };
    size_t i = lo;
    std::vector<size_t> picks;
    while (i < hi) {
      const int64_t b = bucket_of(xs[i]);
      const size_t first = i;
      size_t last = i;
      std::optional<size_t> min_i, max_i;
      for (; i < hi && bucket_of(xs[i]) == b; ++i) {
        last = i;
        const double y = ys[i];
        if (std::isnan(y)) continue;
        if (!min_i || y < ys[*min_i]) min_i = i;
        if (!max_i || y > ys[*max_i]) max_i = i;
      }
      picks.assign({first, last});
      if (min_i) picks.push_back(*min_i);
      if (max_i) picks.push_back(*max_i);
      std::sort(picks.begin(), picks.end());
      picks.erase(std::unique(picks.begin(), picks.end()), picks.end());
      kept.insert(kept.end(), picks.begin(), picks.end());
    }
  }
  if (right_neighbour) kept.push_back(hi);
  return kept;
}

}  // namespace cairn::frontends::dashboard
