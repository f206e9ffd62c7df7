// SqlPipelineRunStore: pipelines::PipelineRunStore on the tracking
// database, SQLite or PostgreSQL (a sql::Backend; schema migrations 3 and 7:
// pipeline_runs, pipeline_tasks, pipeline_cache, leases).
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
#include "store/sql/backend.h"

namespace cairn::store::sql {

class SqlPipelineRunStore final : public pipelines::PipelineRunStore {
 public:
  explicit SqlPipelineRunStore(std::shared_ptr<Backend> db);
  ~SqlPipelineRunStore() override;
  SqlPipelineRunStore(const SqlPipelineRunStore&) = delete;
  SqlPipelineRunStore& operator=(const SqlPipelineRunStore&) = delete;

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
  const std::shared_ptr<Backend> db_;
};

}  // namespace cairn::store::sql
