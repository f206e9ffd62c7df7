#include "client/log_batch_builder.h"

#include <string_view>

namespace cairn::client {
namespace {

// Bytes `text` takes as a JSON string body, escapes included.
size_t JsonStringSize(std::string_view text) {
  size_t n = 2;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      n += 2;
    } else if (c < 0x20) {
      n += 6;  // \u00XX worst case
    } else {
      ++n;
    }
  }
  return n;
}

// Field names, punctuation and numbers ({"key":,"value":,"timestamp":,
// "step":} with 20-digit numbers) rounded up.
constexpr size_t kMetricOverhead = 100;
constexpr size_t kKeyValueOverhead = 24;

}  // namespace

bool LogBatchBuilder::Fits(size_t kind_count, size_t kind_limit, size_t bytes) const {
  if (chunk_.empty()) return true;
  return kind_count < kind_limit && chunk_.size() < limits_.max_entities && bytes_ + bytes <= limits_.max_body_bytes;
}

bool LogBatchBuilder::AddMetric(const tracking::Metric& metric) {
  size_t bytes = JsonStringSize(metric.key) + kMetricOverhead;
  if (!Fits(chunk_.metrics.size(), limits_.max_metrics, bytes)) return false;
  chunk_.metrics.push_back(metric);
  chunk_.metrics.back().run_id.clear();  // not part of a log-batch request
  bytes_ += bytes;
  return true;
}

bool LogBatchBuilder::AddParam(const tracking::Param& param) {
  for (const auto& existing : chunk_.params) {
    if (existing.key == param.key) return existing.value == param.value;
  }
  size_t bytes = JsonStringSize(param.key) + JsonStringSize(param.value) + kKeyValueOverhead;
  if (!Fits(chunk_.params.size(), limits_.max_params, bytes)) return false;
  chunk_.params.push_back(param);
  bytes_ += bytes;
  return true;
}

bool LogBatchBuilder::AddTag(const tracking::Tag& tag) {
  size_t bytes = JsonStringSize(tag.key) + JsonStringSize(tag.value) + kKeyValueOverhead;
  for (auto& existing : chunk_.tags) {
    if (existing.key != tag.key) continue;
    size_t old_bytes = JsonStringSize(existing.key) + JsonStringSize(existing.value) + kKeyValueOverhead;
    if (bytes_ - old_bytes + bytes > limits_.max_body_bytes && chunk_.size() > 1) return false;
    bytes_ = bytes_ - old_bytes + bytes;
    existing.value = tag.value;
    return true;
  }
  if (!Fits(chunk_.tags.size(), limits_.max_tags, bytes)) return false;
  chunk_.tags.push_back(tag);
  bytes_ += bytes;
  return true;
}

LogBatchChunk LogBatchBuilder::Take() {
  LogBatchChunk out = std::move(chunk_);
  chunk_ = LogBatchChunk();
  bytes_ = 0;
  return out;
}

std::vector<LogBatchChunk> SplitLogBatch(const std::vector<tracking::Metric>& metrics,
                                         const std::vector<tracking::Param>& params,
                                         const std::vector<tracking::Tag>& tags, const BatchLimits& limits) {
  std::vector<LogBatchChunk> chunks;
  LogBatchBuilder builder(limits);
  auto add = [&](auto&& try_add) {
    if (!try_add()) {
      chunks.push_back(builder.Take());
      try_add();  // an empty builder accepts anything
    }
  };
  for (const auto& p : params) add([&] { return builder.AddParam(p); });
  for (const auto& t : tags) add([&] { return builder.AddTag(t); });
  for (const auto& m : metrics) add([&] { return builder.AddMetric(m); });
  if (!builder.empty() || chunks.empty()) chunks.push_back(builder.Take());
  return chunks;
}

}  // namespace cairn::client
