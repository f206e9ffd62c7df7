// TrackingStore: the seam between the tracking API and where its metadata
// lives (SQLite by default, PostgreSQL later, a REST client remotely).
//
// Contract (tests/contract/tracking_store_contract_test.cc runs it against
// every implementation):
//  * Implementations are thread-safe: any number of threads may call any
//    method concurrently.
//  * A method that returns OK has made its change durable against a process
//    crash before returning (an acknowledged write is never lost).
//  * Errors: kNotFound for unknown ids/names/keys; kAlreadyExists for a taken
//    experiment name (also when that experiment is deleted);
//    kInvalidArgument for bad filters, order_by, page tokens, for changing a
//    param's value, and for writes to a run or experiment that is not active.
//  * Wire-level validation (key characters, length limits, batch sizes) is
//    the caller's job: see tracking/validation.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/status.h"
#include "tracking/entities.h"

namespace cairn::tracking {

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // empty: no further page
};

struct CreateExperimentRequest {
  std::string name;
  // Empty: the store uses "<default_artifact_root>/<experiment_id>".
  std::string artifact_location;
  std::vector<Tag> tags;
};

struct SearchExperimentsRequest {
  ViewType view_type = ViewType::kActiveOnly;
  std::string filter;                 // MLflow filter over name/creation_time/last_update_time/tags
  std::vector<std::string> order_by;  // e.g. "name ASC"; default "creation_time DESC, experiment_id ASC"
  int64_t max_results = 1000;         // validated by caller: 1..50000
  std::string page_token;
};

struct CreateRunRequest {
  std::string experiment_id;  // empty: Default experiment "0"
  std::string user_id;
  std::string run_name;  // empty: taken from tag mlflow.runName, else generated
  int64_t start_time = 0;  // 0: now
  std::vector<Tag> tags;
};

struct UpdateRunRequest {
  std::string run_id;
  std::optional<RunStatus> status;
  std::optional<int64_t> end_time;
  std::optional<std::string> run_name;  // also rewrites tag mlflow.runName
};

struct SearchRunsRequest {
  std::vector<std::string> experiment_ids;  // empty: no runs
  std::string filter;
  ViewType view_type = ViewType::kActiveOnly;
  int64_t max_results = 1000;  // validated by caller: 1..50000
  std::vector<std::string> order_by;
  std::string page_token;
};

struct MetricHistoryRequest {
  std::string run_id;
  std::string metric_key;
  std::optional<int64_t> max_results;  // nullopt: the whole history in one page
  std::string page_token;
};

struct BulkIntervalRequest {
  std::vector<std::string> run_ids;  // 1..100
  std::string metric_key;
  std::optional<int64_t> start_step;  // both or neither
  std::optional<int64_t> end_step;
  int64_t max_results = 2500;  // 1..2500
};

class TrackingStore {
 public:
  virtual ~TrackingStore() = default;

  // --- experiments ---
  virtual Result<std::string> CreateExperiment(const CreateExperimentRequest& request) = 0;
  virtual Result<Experiment> GetExperiment(const std::string& experiment_id) = 0;
  // Returns deleted experiments too (their names stay reserved).
  virtual Result<Experiment> GetExperimentByName(const std::string& name) = 0;
  virtual Result<Page<Experiment>> SearchExperiments(const SearchExperimentsRequest& request) = 0;
  // kFailedPrecondition if the experiment is deleted (MLflow's INVALID_STATE).
  virtual Status RenameExperiment(const std::string& experiment_id, const std::string& new_name) = 0;
  // Soft delete; marks all its runs deleted too.
  virtual Status DeleteExperiment(const std::string& experiment_id) = 0;
  // Re-activates the experiment and all its runs.
  virtual Status RestoreExperiment(const std::string& experiment_id) = 0;
  virtual Status SetExperimentTag(const std::string& experiment_id, const Tag& tag) = 0;
  virtual Status DeleteExperimentTag(const std::string& experiment_id, const std::string& key) = 0;

  // --- runs ---
  // The experiment must be active. artifact_uri is
  // "<experiment artifact_location>/<run_id>/artifacts".
  virtual Result<Run> CreateRun(const CreateRunRequest& request) = 0;
  // Returns deleted runs too.
  virtual Result<Run> GetRun(const std::string& run_id) = 0;
  virtual Result<RunInfo> UpdateRun(const UpdateRunRequest& request) = 0;
  virtual Status DeleteRun(const std::string& run_id) = 0;
  virtual Status RestoreRun(const std::string& run_id) = 0;

  // Writes metrics, params and tags in one transaction (the narrow core that
  // log-metric, log-parameter and set-tag go through). The run must be
  // active. Exact duplicate metric points are ignored; a param logged again
  // with the same value is OK, with another value kInvalidArgument. Latest
  // metric values move when (step, timestamp, value) is >= the current one.
  virtual Status LogBatch(const std::string& run_id, const std::vector<Metric>& metrics,
                          const std::vector<Param>& params, const std::vector<Tag>& tags) = 0;
  // kNotFound if the tag does not exist.
  virtual Status DeleteTag(const std::string& run_id, const std::string& key) = 0;
  // Datasets are de-duplicated per experiment by (name, digest).
  virtual Status LogInputs(const std::string& run_id, const std::vector<DatasetInput>& inputs) = 0;

  virtual Result<Page<Run>> SearchRuns(const SearchRunsRequest& request) = 0;

  // --- metrics ---
  // Ordered by (timestamp, step, value). kNotFound for an unknown run.
  virtual Result<Page<Metric>> GetMetricHistory(const MetricHistoryRequest& request) = 0;
  // Points of `metric_key` across runs, sampled to at most max_results steps
  // per run while always keeping each run's min and max step. Each Metric
  // carries its run_id.
  virtual Result<std::vector<Metric>> GetMetricHistoryBulkInterval(const BulkIntervalRequest& request) = 0;

  virtual Result<std::vector<DatasetSummary>> SearchDatasets(const std::vector<std::string>& experiment_ids) = 0;

  // --- convenience, non-virtual, all through LogBatch ---
  Status LogMetric(const std::string& run_id, const Metric& metric) { return LogBatch(run_id, {metric}, {}, {}); }
  Status LogParam(const std::string& run_id, const Param& param) { return LogBatch(run_id, {}, {param}, {}); }
  Status SetTag(const std::string& run_id, const Tag& tag) { return LogBatch(run_id, {}, {}, {tag}); }
};

}  // namespace cairn::tracking
