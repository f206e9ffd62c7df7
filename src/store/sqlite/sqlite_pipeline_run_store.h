// SqlitePipelineRunStore: pipelines::PipelineRunStore on the tracking
// database (SqliteDatabase: one writer with group commit, one read pool;
// schema migration 3: pipeline_runs, pipeline_tasks, pipeline_cache).
//
// Contract, errors and durability: those of pipelines/run_state/run_store.h.
// Task records are upserted (INSERT ... ON CONFLICT DO UPDATE), a batch in
// one transaction, so the scheduler can persist a 10,000-iteration fan-out
// in one commit.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pipelines/run_state/run_store.h"
#include "store/sqlite/sqlite_database.h"

namespace cairn::store::sqlite {

class SqlitePipelineRunStore final : public pipelines::PipelineRunStore {
 public:
  explicit SqlitePipelineRunStore(std::shared_ptr<SqliteDatabase> db);
  ~SqlitePipelineRunStore() override;
  SqlitePipelineRunStore(const SqlitePipelineRunStore&) = delete;
  SqlitePipelineRunStore& operator=(const SqlitePipelineRunStore&) = delete;

  Status CreateRun(const pipelines::PipelineRunRecord& run) override;
  Result<pipelines::PipelineRunRecord> GetRun(const std::string& run_id) override;
  Result<pipelines::RunPage> ListRuns(const pipelines::ListRunsRequest& request) override;
  Status SaveRun(const pipelines::PipelineRunRecord& run, const std::vector<pipelines::TaskRecord>& tasks) override;
  Status RequestCancel(const std::string& run_id) override;
  Status PutTasks(const std::string& run_id, const std::vector<pipelines::TaskRecord>& tasks) override;
  Result<std::vector<pipelines::TaskRecord>> ListTasks(const std::string& run_id) override;
  Result<pipelines::TaskRecord> GetTask(const std::string& run_id, const std::string& node_id) override;
  Result<std::vector<pipelines::PipelineRunRecord>> ClaimUnfinishedRuns(const std::string& owner, int64_t now_ms,
                                                                        int64_t lease_ms) override;
  Result<std::vector<pipelines::RunLease>> RenewRunLeases(const std::string& owner, int64_t now_ms,
                                                          int64_t lease_ms) override;
  Status ReleaseRunLeases(const std::string& owner) override;
  Status PutCacheEntry(const pipelines::CacheEntry& entry) override;
  Result<std::optional<pipelines::CacheEntry>> FindCacheEntry(const std::string& pipeline_name,
                                                             const std::string& fingerprint) override;

 private:
  const std::shared_ptr<SqliteDatabase> db_;
};

}  // namespace cairn::store::sqlite
