// LogBatchBuilder: packs metrics, params and tags into runs/log-batch requests
// that stay inside MLflow's limits (<= 1000 metrics, <= 100 params, <= 100
// tags, <= 1000 entities, body < 1 MB), so large batches become several
// requests instead of a 400. Used by RestTrackingStore::LogBatch and
// BatchingLogger. Thread-compatible.
#pragma once

#include <cstddef>
#include <vector>

#include "tracking/entities.h"
#include "tracking/validation.h"

namespace cairn::client {

struct BatchLimits {
  size_t max_metrics = tracking::kMaxMetricsPerBatch;
  size_t max_params = tracking::kMaxParamsPerBatch;
  size_t max_tags = tracking::kMaxTagsPerBatch;
  size_t max_entities = tracking::kMaxEntitiesPerBatch;
  // Estimated JSON body size; below the server's 1 000 000-byte cap with
  // room for the envelope and estimation error.
  size_t max_body_bytes = 900000;
};

struct LogBatchChunk {
  std::vector<tracking::Metric> metrics;
  std::vector<tracking::Param> params;
  std::vector<tracking::Tag> tags;
  size_t size() const { return metrics.size() + params.size() + tags.size(); }
  bool empty() const { return size() == 0; }
};

class LogBatchBuilder {
 public:
  explicit LogBatchBuilder(BatchLimits limits = {}) : limits_(limits) {}

  // Each returns false, leaving the batch unchanged, when the entity does not
  // fit; the caller then sends Take() and adds it to the next batch. An empty
  // batch accepts anything, so one oversized entity still goes out (and
  // gets the server's error) instead of blocking the queue.
  bool AddMetric(const tracking::Metric& metric);
  // A param already in the batch with the same value is accepted and dropped
  // (the server would reject duplicate keys in one request); with another
  // value it does not fit, so the server reports the change on its own.
  bool AddParam(const tracking::Param& param);
  // A tag already in the batch takes the new value in place (last write wins,
  // as it would across two requests).
  bool AddTag(const tracking::Tag& tag);

  bool empty() const { return chunk_.empty(); }
  size_t size() const { return chunk_.size(); }
  // Returns the batch and starts a new one.
  LogBatchChunk Take();

 private:
  bool Fits(size_t kind_count, size_t kind_limit, size_t bytes) const;

  BatchLimits limits_;
  LogBatchChunk chunk_;
  size_t bytes_ = 0;
};

// Splits one logical batch into requests: params first, then tags, then
// metrics (MLflow's client order). Always at least one chunk, possibly empty.
std::vector<LogBatchChunk> SplitLogBatch(const std::vector<tracking::Metric>& metrics,
                                         const std::vector<tracking::Param>& params,
                                         const std::vector<tracking::Tag>& tags, const BatchLimits& limits = {});

}  // namespace cairn::client
