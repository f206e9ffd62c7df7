// SqliteExperimentStore: tuning::ExperimentStore on the tracking database
// (SqliteDatabase: one writer with group commit, one read pool; schema
// migration 4: tuning_experiments, tuning_trials).
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

#include "store/sqlite/sqlite_database.h"
#include "tuning/state/experiment_store.h"

namespace cairn::store::sqlite {

class SqliteExperimentStore final : public tuning::ExperimentStore {
 public:
  explicit SqliteExperimentStore(std::shared_ptr<SqliteDatabase> db);
  ~SqliteExperimentStore() override;
  SqliteExperimentStore(const SqliteExperimentStore&) = delete;
  SqliteExperimentStore& operator=(const SqliteExperimentStore&) = delete;

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
  const std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace cairn::store::sqlite
