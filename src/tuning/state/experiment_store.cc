#include "tuning/state/experiment_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "tracking/page_token.h"

namespace cairn::tuning {

Status ExperimentLeaseLost(const std::string& experiment_id, const std::string& holder) {
  return Status(StatusCode::kConflict,
                fmt::format("Tuning experiment '{}' is now driven by '{}'; this controller's lease on it was lost.",
                            experiment_id, holder));
}

namespace {
constexpr std::string_view kExperimentStates[] = {"CREATED", "RUNNING", "SUCCEEDED", "FAILED", "STOPPED"};
constexpr std::string_view kTrialPhases[] = {"PENDING", "RUNNING", "SUCCEEDED", "FAILED",
                                             "KILLED",  "EARLY_STOPPED", "METRICS_UNAVAILABLE"};
}  // namespace

std::string_view ExperimentStateName(ExperimentState s) { return kExperimentStates[static_cast<int>(s)]; }

std::optional<ExperimentState> ParseExperimentState(std::string_view name) {
  for (int i = 0; i < 5; ++i) {
    if (kExperimentStates[i] == name) return static_cast<ExperimentState>(i);
  }
  return std::nullopt;
}

std::string_view TrialPhaseName(TrialPhase s) { return kTrialPhases[static_cast<int>(s)]; }

std::optional<TrialPhase> ParseTrialPhase(std::string_view name) {
  for (int i = 0; i < 7; ++i) {
    if (kTrialPhases[i] == name) return static_cast<TrialPhase>(i);
  }
  return std::nullopt;
}

namespace {

class MemoryExperimentStore final : public ExperimentStore {
 public:
  Status CreateExperiment(const ExperimentRecord& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (experiments_.count(e.experiment_id)) {
      return AlreadyExists(fmt::format("Experiment '{}' already exists.", e.experiment_id));
    }
    experiments_[e.experiment_id] = e;
    return Status();
  }
  Result<ExperimentRecord> GetExperiment(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = experiments_.find(id);
    if (it == experiments_.end()) return NotFound(fmt::format("Tuning experiment '{}' not found.", id));
    return it->second;
  }
  Result<ExperimentRecord> GetExperimentByName(const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    const ExperimentRecord* best = nullptr;
    for (const auto& [id, e] : experiments_) {
      if (e.name == name && (best == nullptr || e.created_ms >= best->created_ms)) best = &e;
    }
    if (best == nullptr) return NotFound(fmt::format("Tuning experiment '{}' not found.", name));
    return *best;
  }
  Result<ExperimentPage> ListExperiments(const ListExperimentsRequest& request) override {
    CAIRN_ASSIGN_OR_RETURN(int64_t offset, tracking::DecodePageToken(request.page_token));
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ExperimentRecord> all;
    for (const auto& [id, e] : experiments_) {
      if (request.state && e.state != *request.state) continue;
      all.push_back(e);
      all.back().spec_yaml.clear();
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.experiment_id > b.experiment_id;
    });
    ExperimentPage page;
    for (int64_t i = offset; i < static_cast<int64_t>(all.size()); ++i) {
      if (static_cast<int64_t>(page.experiments.size()) == request.max_results) {
        page.next_page_token = tracking::EncodePageToken(offset + request.max_results);
        break;
      }
      page.experiments.push_back(all[i]);
    }
    return page;
  }
  Status SaveExperiment(const ExperimentRecord& e, const std::vector<TrialRecord>& trials) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = experiments_.find(e.experiment_id);
    if (it == experiments_.end()) return NotFound(fmt::format("Tuning experiment '{}' not found.", e.experiment_id));
    if (!it->second.owner.empty() && it->second.owner != e.owner && !IsTerminal(it->second.state)) {
      return ExperimentLeaseLost(e.experiment_id, it->second.owner);
    }
    ExperimentRecord updated = e;
    updated.spec_yaml = it->second.spec_yaml;
    updated.created_ms = it->second.created_ms;
    updated.stop_requested = it->second.stop_requested;
    updated.lease_expires_ms = std::max(it->second.lease_expires_ms, e.lease_expires_ms);
    it->second = std::move(updated);
    for (const TrialRecord& t : trials) trials_[e.experiment_id][t.name] = t;
    return Status();
  }
  Status RequestStop(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = experiments_.find(id);
    if (it == experiments_.end()) return NotFound(fmt::format("Tuning experiment '{}' not found.", id));
    it->second.stop_requested = true;
    return Status();
  }
  Status PutTrials(const std::string& id, const std::vector<TrialRecord>& trials) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!experiments_.count(id)) return NotFound(fmt::format("Tuning experiment '{}' not found.", id));
    for (const TrialRecord& t : trials) trials_[id][t.name] = t;
    return Status();
  }
  Result<std::vector<TrialRecord>> ListTrials(const std::string& id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!experiments_.count(id)) return NotFound(fmt::format("Tuning experiment '{}' not found.", id));
    std::vector<TrialRecord> out;
    for (const auto& [name, t] : trials_[id]) out.push_back(t);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
    return out;
  }
  Result<std::vector<ExperimentRecord>> ClaimUnfinishedExperiments(const std::string& owner, int64_t now_ms,
                                                                   int64_t lease_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ExperimentRecord> out;
    for (auto& [id, e] : experiments_) {
      if (IsTerminal(e.state)) continue;
      if (!e.owner.empty() && e.owner != owner && e.lease_expires_ms >= now_ms) continue;
      e.owner = owner;
      e.lease_expires_ms = now_ms + lease_ms;
      out.push_back(e);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
    return out;
  }
  Result<std::vector<ExperimentLease>> RenewExperimentLeases(const std::string& owner, int64_t now_ms,
                                                             int64_t lease_ms) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ExperimentLease> held;
    for (auto& [id, e] : experiments_) {
      if (IsTerminal(e.state) || e.owner != owner) continue;
      e.lease_expires_ms = now_ms + lease_ms;
      held.push_back({id, e.stop_requested});
    }
    return held;
  }
  Status ReleaseExperimentLeases(const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, e] : experiments_) {
      if (e.owner == owner) e.lease_expires_ms = 0;
    }
    return Status();
  }

 private:
  std::mutex mu_;
  std::map<std::string, ExperimentRecord> experiments_;              // GUARDED_BY(mu_)
  std::map<std::string, std::map<std::string, TrialRecord>> trials_;  // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<ExperimentStore> CreateMemoryExperimentStore() { return std::make_unique<MemoryExperimentStore>(); }

}  // namespace cairn::tuning
