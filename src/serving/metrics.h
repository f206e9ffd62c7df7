// Counters and histograms of one served model version, updated lock-free on
// the request path and rendered as Prometheus text by the frontend
// (frontends/inference_http/metrics_text.cc). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace cairn::serving {

// Cumulative-bucket histogram with fixed upper bounds.
template <size_t N>
class Histogram {
 public:
  explicit constexpr Histogram(const std::array<double, N>& bounds) : bounds_(bounds) {}
  void Observe(double value) {
    for (size_t i = 0; i < N; ++i) {
      if (value <= bounds_[i]) {
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        break;
      }
    }
    count_.fetch_add(1, std::memory_order_relaxed);
    // Sum in nanounits keeps it an integer atomic.
    sum_micro_.fetch_add(static_cast<int64_t>(value * 1e6), std::memory_order_relaxed);
  }
  const std::array<double, N>& bounds() const { return bounds_; }
  // Count of observations <= bounds()[i] (not cumulative; the renderer sums).
  uint64_t bucket(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6; }

 private:
  std::array<double, N> bounds_;
  std::array<std::atomic<uint64_t>, N> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_micro_{0};
};

inline constexpr std::array<double, 12> kLatencyBoundsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                                  0.01,   0.025,   0.05,   0.1,   0.5,    2.5};
inline constexpr std::array<double, 9> kBatchSizeBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256};

struct ModelStats {
  std::atomic<uint64_t> requests{0};        // inference requests received
  std::atomic<uint64_t> errors{0};          // of which failed
  std::atomic<uint64_t> rejected{0};        // of which turned away (queue full)
  std::atomic<uint64_t> inferences{0};      // rows inferred
  std::atomic<uint64_t> executions{0};      // backend calls (batches)
  std::atomic<int64_t> queue_depth{0};      // requests waiting or running now
  Histogram<12> request_latency{kLatencyBoundsSeconds};  // seconds, whole request in the core
  Histogram<12> queue_latency{kLatencyBoundsSeconds};    // seconds waiting for a batch
  Histogram<12> compute_latency{kLatencyBoundsSeconds};  // seconds in the backend per batch
  Histogram<9> batch_size{kBatchSizeBounds};             // rows per backend call
};

}  // namespace cairn::serving
