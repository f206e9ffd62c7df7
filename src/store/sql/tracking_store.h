// SqlTrackingStore: the TrackingStore on a SQL database (SQLite or
// PostgreSQL, through the sql::Backend it shares with the other stores).
//
// Transactions come from the Backend (backend.h): on SQLite one writer
// connection with group commit and a read pool (store/sqlite/), on
// PostgreSQL one pooled connection per transaction (store/postgres/).
//
// Contract, errors and durability: exactly those of tracking::TrackingStore
// (tracking/tracking_store.h); MLflow-specific details:
//  * experiment ids that are not decimal integers are kNotFound;
//  * DeleteExperiment on a deleted experiment and RestoreExperiment on an
//    active one are kNotFound (MLflow's SQL store looks them up by stage);
//  * SetExperimentTag / DeleteExperimentTag on a deleted experiment are
//    kInvalidArgument; RenameExperiment on one is kFailedPrecondition;
//  * DeleteRun / RestoreRun work in any state.
//
// Thread-safety: thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/sql/backend.h"
#include "store/sql/connection.h"
#include "tracking/tracking_store.h"

namespace cairn::store::sql {

class SqlTrackingStore final : public tracking::TrackingStore {
 public:
  // A store over an opened (possibly shared) database.
  explicit SqlTrackingStore(std::shared_ptr<Backend> db);
  ~SqlTrackingStore() override;
  SqlTrackingStore(const SqlTrackingStore&) = delete;
  SqlTrackingStore& operator=(const SqlTrackingStore&) = delete;

  // --- experiments (tracking_store.cc) ---
  Result<std::string> CreateExperiment(const tracking::CreateExperimentRequest& request) override;
  Result<tracking::Experiment> GetExperiment(const std::string& experiment_id) override;
  Result<tracking::Experiment> GetExperimentByName(const std::string& name) override;
  Result<tracking::Page<tracking::Experiment>> SearchExperiments(
      const tracking::SearchExperimentsRequest& request) override;
  Status RenameExperiment(const std::string& experiment_id, const std::string& new_name) override;
  Status DeleteExperiment(const std::string& experiment_id) override;
  Status RestoreExperiment(const std::string& experiment_id) override;
  Status SetExperimentTag(const std::string& experiment_id, const tracking::Tag& tag) override;
  Status DeleteExperimentTag(const std::string& experiment_id, const std::string& key) override;

  // --- runs (tracking_store_runs.cc) ---
  Result<tracking::Run> CreateRun(const tracking::CreateRunRequest& request) override;
  Result<tracking::Run> GetRun(const std::string& run_id) override;
  Result<tracking::RunInfo> UpdateRun(const tracking::UpdateRunRequest& request) override;
  Status DeleteRun(const std::string& run_id) override;
  Status RestoreRun(const std::string& run_id) override;
  Status LogBatch(const std::string& run_id, const std::vector<tracking::Metric>& metrics,
                  const std::vector<tracking::Param>& params, const std::vector<tracking::Tag>& tags) override;
  Status DeleteTag(const std::string& run_id, const std::string& key) override;
  Status LogInputs(const std::string& run_id, const std::vector<tracking::DatasetInput>& inputs) override;
  Result<tracking::Page<tracking::Run>> SearchRuns(const tracking::SearchRunsRequest& request) override;

  // --- metrics and datasets (tracking_store_metrics.cc) ---
  Result<tracking::Page<tracking::Metric>> GetMetricHistory(const tracking::MetricHistoryRequest& request) override;
  Result<std::vector<tracking::Metric>> GetMetricHistoryBulkInterval(
      const tracking::BulkIntervalRequest& request) override;
  Result<std::vector<tracking::DatasetSummary>> SearchDatasets(
      const std::vector<std::string>& experiment_ids) override;

 private:
  int64_t NowMillis() const { return db_->NowMillis(); }
  // Runs `fn` in a write transaction (see Backend::Write).
  Status Write(const Backend::TxFn& fn) { return db_->Write(fn); }
  // Runs `fn` on a read connection inside one read transaction (a consistent
  // snapshot across its queries).
  Status Read(const Backend::TxFn& fn) { return db_->Read(fn); }

  const std::shared_ptr<Backend> db_;
  const std::string default_artifact_root_;
};

}  // namespace cairn::store::sql
