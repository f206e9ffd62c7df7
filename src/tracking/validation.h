// MLflow's input validation rules and limits (specs/mlflow-rest.md section 4),
// applied by the API frontends before a request reaches a store. Each returns
// kInvalidArgument with MLflow's wording on failure. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tracking/entities.h"

namespace cairn::tracking {

inline constexpr size_t kMaxMetricsPerBatch = 1000;
inline constexpr size_t kMaxParamsPerBatch = 100;
inline constexpr size_t kMaxTagsPerBatch = 100;
inline constexpr size_t kMaxEntitiesPerBatch = 1000;
inline constexpr size_t kMaxBatchBodyBytes = 1000000;
inline constexpr size_t kMaxKeyLength = 250;
inline constexpr size_t kMaxParamValueLength = 6000;
inline constexpr size_t kMaxRunTagValueLength = 8000;
inline constexpr size_t kMaxExperimentNameLength = 500;
inline constexpr size_t kMaxExperimentTagValueLength = 5000;
inline constexpr size_t kMaxDatasetsPerCall = 1000;
inline constexpr int64_t kMaxSearchResults = 50000;

// Key characters: alphanumerics, '_', '-', '.', '/', ' ', ':'; the key must be
// a normalised relative path (no leading '/', no '..' or '.' segments, no
// '//', no trailing '/'), at most 250 chars. `what` is "metric", "param" or
// "tag" for the message.
Status ValidateKey(std::string_view key, std::string_view what);
Status ValidateParam(const Param& param);
Status ValidateMetric(const Metric& metric);  // key; timestamp >= 0
Status ValidateRunTag(const Tag& tag);
Status ValidateExperimentTag(const Tag& tag);
Status ValidateExperimentName(std::string_view name);
// Counts, per-kind limits, and no duplicate param keys within the batch.
Status ValidateBatch(const std::vector<Metric>& metrics, const std::vector<Param>& params,
                     const std::vector<Tag>& tags);
Status ValidateDatasetInputs(const std::vector<DatasetInput>& inputs);
// `[A-Za-z0-9][\w-]{0,255}`.
Status ValidateRunId(std::string_view run_id);
// Artifact location given at experiment creation: no "runs:/" scheme, no
// URL fragment or params, no ".." in the query string.
Status ValidateArtifactLocation(std::string_view location);
// 1..kMaxSearchResults.
Status ValidateMaxResults(int64_t max_results, int64_t limit, std::string_view what);

}  // namespace cairn::tracking
