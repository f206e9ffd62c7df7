// SqlExperimentStore: tuning::ExperimentStore on the tracking database,
// SQLite or PostgreSQL (a sql::Backend; schema migrations 4, 5 and 7:
// tuning_experiments, tuning_trials, leases).
//
// Contract, errors and durability: those of tuning/state/experiment_store.h.
// Trials are upserted (INSERT ... ON CONFLICT DO UPDATE), a batch in one
// transaction.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/sql/backend.h"
#include "tuning/state/experiment_store.h"

namespace cairn::store::sql {

class SqlExperimentStore final : public tuning::ExperimentStore {
 public:
  explicit SqlExperimentStore(std::shared_ptr<Backend> db);
  ~SqlExperimentStore() override;
  SqlExperimentStore(const SqlExperimentStore&) = delete;
  SqlExperimentStore& operator=(const SqlExperimentStore&) = delete;

  Status CreateExperiment(const tuning::ExperimentRecord& experiment) override;
  Result<tuning::ExperimentRecord> GetExperiment(const std::string& experiment_id) override;
  Result<tuning::ExperimentRecord> GetExperimentByName(const std::string& name) override;
  Result<tuning::ExperimentPage> ListExperiments(const tuning::ListExperimentsRequest& request) override;
  Status SaveExperiment(const tuning::ExperimentRecord& experiment,
                        const std::vector<tuning::TrialRecord>& trials) override;
  Status RequestStop(const std::string& experiment_id) override;
  Status PutTrials(const std::string& experiment_id, const std::vector<tuning::TrialRecord>& trials) override;
  Result<std::vector<tuning::TrialRecord>> ListTrials(const std::string& experiment_id) override;
  Result<std::vector<tuning::ExperimentRecord>> ClaimUnfinishedExperiments(const std::string& owner, int64_t now_ms,
                                                                           int64_t lease_ms) override;
  Result<std::vector<tuning::ExperimentLease>> RenewExperimentLeases(const std::string& owner, int64_t now_ms,
                                                                     int64_t lease_ms) override;
  Status ReleaseExperimentLeases(const std::string& owner) override;

 private:
  const std::shared_ptr<Backend> db_;
};

}  // namespace cairn::store::sql
