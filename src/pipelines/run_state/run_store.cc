#include "pipelines/run_state/run_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <tuple>

#include "tracking/page_token.h"

namespace cairn::pipelines {

namespace {
constexpr std::string_view kRunStateNames[] = {"PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLING",
                                               "CANCELLED"};
constexpr std::string_view kNodeStateNames[] = {"PENDING", "RUNNING",       "SUCCEEDED", "FAILED",
                                                "SKIPPED", "NOT_TRIGGERED", "CANCELLED"};
constexpr std::string_view kNodeKindNames[] = {"CONTAINER", "IMPORTER", "DAG", "LOOP", "ITERATION"};

template <typename E, size_t N>
std::optional<E> ParseName(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}
}  // namespace

std::string_view RunStateName(RunState state) { return kRunStateNames[static_cast<int>(state)]; }
std::optional<RunState> ParseRunState(std::string_view name) { return ParseName<RunState>(kRunStateNames, name); }
std::string_view NodeStateName(NodeState state) { return kNodeStateNames[static_cast<int>(state)]; }
std::optional<NodeState> ParseNodeState(std::string_view name) {
  return ParseName<NodeState>(kNodeStateNames, name);
}
std::string_view NodeKindName(NodeKind kind) { return kNodeKindNames[static_cast<int>(kind)]; }
std::optional<NodeKind> ParseNodeKind(std::string_view name) { return ParseName<NodeKind>(kNodeKindNames, name); }

Status RunLeaseLost(const std::string& run_id, const std::string& holder) {
  return Status(StatusCode::kConflict,
                fmt::format("Pipeline run '{}' is now driven by '{}'; this scheduler's lease on it was lost.", run_id,
                            holder));
}

namespace {

class MemoryPipelineRunStore final : public PipelineRunStore {
 public:
  Status CreateRun(const PipelineRunRecord& run) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (runs_.count(run.run_id) != 0) return AlreadyExists(fmt::format("Pipeline run '{}' already exists.", run.run_id));
    runs_[run.run_id] = Stored{run, {}};
    return Status();
  }

  Result<PipelineRunRecord> GetRun(const std::string& run_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return NotFoundRun(run_id);
    return it->second.run;
  }

  Result<RunPage> ListRuns(const ListRunsRequest& request) override {
    if (request.max_results < 1 || request.max_results > 1000) {
      return InvalidArgument("max_results must be between 1 and 1000.");
    }
    CAIRN_ASSIGN_OR_RETURN(int64_t offset, tracking::DecodePageToken(request.page_token));
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<const PipelineRunRecord*> all;
    for (const auto& [id, stored] : runs_) {
      if (request.state && stored.run.state != *request.state) continue;
      all.push_back(&stored.run);
    }
    std::sort(all.begin(), all.end(), [](const PipelineRunRecord* a, const PipelineRunRecord* b) {
      return std::tie(b->created_ms, b->run_id) < std::tie(a->created_ms, a->run_id);
    });
    RunPage page;
    for (int64_t i = offset; i < static_cast<int64_t>(all.size()) && i < offset + request.max_results; ++i) {
      page.runs.push_back(*all[i]);
      page.runs.back().spec_yaml.clear();
    }
    if (offset + request.max_results < static_cast<int64_t>(all.size())) {
      page.next_page_token = tracking::EncodePageToken(offset + request.max_results);
    }
    return page;
  }

  Status SaveRun(const PipelineRunRecord& run, const std::vector<TaskRecord>& tasks) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(run.run_id);
    if (it == runs_.end()) return NotFoundRun(run.run_id);
    PipelineRunRecord& stored = it->second.run;
    if (!stored.owner.empty() && stored.owner != run.owner && !IsTerminal(stored.state)) {
      return RunLeaseLost(run.run_id, stored.owner);
    }
    PipelineRunRecord updated = run;
    updated.spec_yaml = stored.spec_yaml;
    updated.created_ms = stored.created_ms;
    updated.cancel_requested = stored.cancel_requested;
    updated.lease_expires_ms = std::max(stored.lease_expires_ms, run.lease_expires_ms);
    stored = std::move(updated);
    for (const TaskRecord& task : tasks) {
      TaskRecord copy = task;
      copy.run_id = run.run_id;
      it->second.tasks[task.node_id] = std::move(copy);
    }
    return Status();
  }

  Status RequestCancel(const std::string& run_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return NotFoundRun(run_id);
    it->second.run.cancel_requested = true;
    return Status();
  }

  Status PutTasks(const std::string& run_id, const std::vector<TaskRecord>& tasks) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return NotFoundRun(run_id);
    for (const TaskRecord& task : tasks) {
      TaskRecord copy = task;
      copy.run_id = run_id;
      it->second.tasks[task.node_id] = std::move(copy);
    }
    return Status();
  }

  Result<std::vector<TaskRecord>> ListTasks(const std::string& run_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return NotFoundRun(run_id);
    std::vector<TaskRecord> tasks;
    tasks.reserve(it->second.tasks.size());
    for (const auto& [id, task] : it->second.tasks) tasks.push_back(task);
    return tasks;
  }

  Result<TaskRecord> GetTask(const std::string& run_id, const std::string& node_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(run_id);
    if (it == runs_.end()) return NotFoundRun(run_id);
    auto task = it->second.tasks.find(node_id);
    if (task == it->second.tasks.end()) {
      return NotFound(fmt::format("Task '{}' not found in pipeline run '{}'.", node_id, run_id));
    }
    return task->second;
  }

  Result<std::vector<PipelineRunRecord>> ClaimUnfinishedRuns(const std::string& owner, int64_t now_ms,
                                                             int64_t lease_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<PipelineRunRecord*> claimed;
    for (auto& [id, stored] : runs_) {
      PipelineRunRecord& run = stored.run;
      if (IsTerminal(run.state)) continue;
      if (!run.owner.empty() && run.owner != owner && run.lease_expires_ms >= now_ms) continue;
      run.owner = owner;
      run.lease_expires_ms = now_ms + lease_ms;
      claimed.push_back(&run);
    }
    std::sort(claimed.begin(), claimed.end(), [](const PipelineRunRecord* a, const PipelineRunRecord* b) {
      return std::tie(a->created_ms, a->run_id) < std::tie(b->created_ms, b->run_id);
    });
    std::vector<PipelineRunRecord> out;
    for (auto* run : claimed) out.push_back(*run);
    return out;
  }

  Result<std::vector<RunLease>> RenewRunLeases(const std::string& owner, int64_t now_ms, int64_t lease_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<RunLease> held;
    for (auto& [id, stored] : runs_) {
      if (IsTerminal(stored.run.state) || stored.run.owner != owner) continue;
      stored.run.lease_expires_ms = now_ms + lease_ms;
      held.push_back({id, stored.run.cancel_requested});
    }
    return held;
  }

  Status ReleaseRunLeases(const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, stored] : runs_) {
      if (stored.run.owner == owner) stored.run.lease_expires_ms = 0;
    }
    return Status();
  }

  Status PutCacheEntry(const CacheEntry& entry) override {
    std::lock_guard<std::mutex> lock(mu_);
    cache_[{entry.pipeline_name, entry.fingerprint}] = entry;
    return Status();
  }

  Result<std::optional<CacheEntry>> FindCacheEntry(const std::string& pipeline_name,
                                                  const std::string& fingerprint) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find({pipeline_name, fingerprint});
    if (it == cache_.end()) return std::optional<CacheEntry>();
    return std::optional<CacheEntry>(it->second);
  }

 private:
  static Status NotFoundRun(const std::string& run_id) {
    return NotFound(fmt::format("Pipeline run '{}' not found.", run_id));
  }

  struct Stored {
    PipelineRunRecord run;
    std::map<std::string, TaskRecord> tasks;
  };
  std::mutex mu_;
  std::map<std::string, Stored> runs_;                                  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, CacheEntry> cache_;     // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<PipelineRunStore> CreateMemoryPipelineRunStore() {
  return std::make_unique<MemoryPipelineRunStore>();
}

}  // namespace cairn::pipelines
