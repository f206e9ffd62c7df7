// Tracking domain types: experiments, runs, metrics, params, tags, datasets.
// Plain values (thread-compatible); no wire format here — frontends/ and
// client/ convert these to and from MLflow JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::tracking {

enum class LifecycleStage { kActive, kDeleted };
// Numbering follows MLflow's proto enum.
enum class RunStatus { kRunning = 1, kScheduled = 2, kFinished = 3, kFailed = 4, kKilled = 5 };
enum class ViewType { kActiveOnly = 1, kDeletedOnly = 2, kAll = 3 };

std::string_view LifecycleStageName(LifecycleStage stage);  // "active" | "deleted"
std::string_view RunStatusName(RunStatus status);           // "RUNNING", ...
std::optional<RunStatus> ParseRunStatus(std::string_view name);
std::string_view ViewTypeName(ViewType view);               // "ACTIVE_ONLY", ...
std::optional<ViewType> ParseViewType(std::string_view name);

struct Tag {
  std::string key;
  std::string value;
  friend bool operator==(const Tag&, const Tag&) = default;
};

struct Param {
  std::string key;
  std::string value;
  friend bool operator==(const Param&, const Param&) = default;
};

struct Metric {
  std::string key;
  double value = 0;       // may be NaN or +-Inf
  int64_t timestamp = 0;  // ms since epoch
  int64_t step = 0;
  // Set only where the API returns it (bulk history endpoints).
  std::string run_id;
};

struct Experiment {
  std::string experiment_id;  // decimal string; "0" is Default
  std::string name;
  std::string artifact_location;
  LifecycleStage lifecycle_stage = LifecycleStage::kActive;
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
  std::vector<Tag> tags;
};

struct RunInfo {
  std::string run_id;  // 32 hex chars
  std::string run_name;
  std::string experiment_id;
  std::string user_id;
  RunStatus status = RunStatus::kRunning;
  int64_t start_time = 0;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  LifecycleStage lifecycle_stage = LifecycleStage::kActive;
};

struct Dataset {
  std::string name;
  std::string digest;
  std::string source_type;
  std::string source;
  std::string schema;   // optional, empty when absent
  std::string profile;  // optional, empty when absent
};

struct DatasetInput {
  std::vector<Tag> tags;  // e.g. mlflow.data.context = "training"
  Dataset dataset;
};

struct Run {
  RunInfo info;
  std::vector<Metric> metrics;  // latest value per key
  std::vector<Param> params;
  std::vector<Tag> tags;
  std::vector<DatasetInput> dataset_inputs;
};

// One row of experiments/search-datasets.
struct DatasetSummary {
  std::string experiment_id;
  std::string name;
  std::string digest;
  std::string context;  // value of the input tag mlflow.data.context, if any
};

// Reserved tag keys the store maintains.
inline constexpr std::string_view kRunNameTag = "mlflow.runName";
inline constexpr std::string_view kUserTag = "mlflow.user";
inline constexpr std::string_view kParentRunIdTag = "mlflow.parentRunId";
inline constexpr std::string_view kDatasetContextTag = "mlflow.data.context";

}  // namespace cairn::tracking
