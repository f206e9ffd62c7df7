#include "tuning/controller/tuning_controller.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "base/ids.h"
#include "base/logging.h"
#include "pipelines/spec/value.h"
#include "tuning/spec/load.h"

namespace cairn::tuning {
namespace {

constexpr char kLog[] = "tuning";
using pipelines::Value;

std::string OverridesJson(const SubmitExperimentRequest& r) {
  Value::Struct s;
  if (r.max_trial_count) s.emplace_back("max_trial_count", Value::Int(*r.max_trial_count));
  if (r.parallel_trial_count) s.emplace_back("parallel_trial_count", Value::Int(*r.parallel_trial_count));
  if (r.max_failed_trial_count) s.emplace_back("max_failed_trial_count", Value::Int(*r.max_failed_trial_count));
  if (r.trial_timeout_s) s.emplace_back("trial_timeout_s", Value::Int(*r.trial_timeout_s));
  return s.empty() ? std::string() : Value::MakeStruct(std::move(s)).ToJson();
}

// The tracking experiment for the parent run: the one named, else one named
// after the tuning experiment (created when missing; "0" if that name is
// taken by a deleted experiment).
Result<std::string> TrackingExperiment(tracking::TrackingStore& tracking, const SubmitExperimentRequest& request,
                                       const std::string& fallback_name) {
  if (!request.tracking_experiment_id.empty()) {
    CAIRN_ASSIGN_OR_RETURN(tracking::Experiment e, tracking.GetExperiment(request.tracking_experiment_id));
    return e.experiment_id;
  }
  const std::string& name = request.tracking_experiment_name.empty() ? fallback_name : request.tracking_experiment_name;
  auto existing = tracking.GetExperimentByName(name);
  if (existing.ok()) {
    return existing->lifecycle_stage == tracking::LifecycleStage::kActive ? existing->experiment_id : std::string("0");
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  tracking::CreateExperimentRequest create;
  create.name = name;
  auto created = tracking.CreateExperiment(create);
  if (created.ok()) return *created;
  if (created.status().code() == StatusCode::kAlreadyExists) {
    // Created concurrently by another submit.
    CAIRN_ASSIGN_OR_RETURN(tracking::Experiment e, tracking.GetExperimentByName(name));
    return e.experiment_id;
  }
  return created.status();
}

}  // namespace

TuningController::TuningController(TuningOptions options, TuningDeps deps)
    : options_([&] {
        if (options.lease_ms < 3) options.lease_ms = 3;
        options.lease_renew_ms = std::clamp<int64_t>(options.lease_renew_ms, 1, options.lease_ms / 3);
        return std::move(options);
      }()),
      deps_(std::move(deps)) {}

TuningController::~TuningController() { Stop(); }

Result<std::unique_ptr<ExperimentRun>> TuningController::Rebuild(const ExperimentRecord& stored) {
  CAIRN_ASSIGN_OR_RETURN(ExperimentRecord record, deps_.store->GetExperiment(stored.experiment_id));
  record.owner = stored.owner;
  CAIRN_ASSIGN_OR_RETURN(ExperimentSpec spec, LoadExperimentSpec(record.spec_yaml, record.source_name));
  CAIRN_RETURN_IF_ERROR(ApplyOverrides(record.overrides_json, spec));
  CAIRN_ASSIGN_OR_RETURN(std::vector<TrialRecord> trials, deps_.store->ListTrials(record.experiment_id));
  return ExperimentRun::Create(options_, deps_, std::move(record), std::move(spec), std::move(trials));
}

void TuningController::Adopt(const std::vector<ExperimentRecord>& claimed) {
  for (const ExperimentRecord& stored : claimed) {
    auto run = Rebuild(stored);
    if (!run.ok()) {
      CAIRN_LOG(kWarn, kLog, "experiment {} cannot be resumed: {}", stored.name, run.status().ToString());
      ExperimentRecord failed = stored;
      failed.state = ExperimentState::kFailed;
      failed.reason = "ExperimentResumeFailed";
      failed.message = run.status().message();
      failed.finished_ms = deps_.clock->NowMillis();
      (void)deps_.store->SaveExperiment(failed, {});
      continue;
    }
    if (!options_.resume) {
      (*run)->Abandon("the server restarted with resuming turned off");
      continue;
    }
    CAIRN_LOG(kInfo, kLog, "resuming experiment {} ({})", stored.name, stored.experiment_id);
    std::lock_guard<std::mutex> lock(mu_);
    active_ids_.insert(stored.experiment_id);
    incoming_.push_back(std::move(run).value());
  }
}

Status TuningController::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return Status();
  }
  const int64_t now = deps_.clock->NowMillis();
  CAIRN_ASSIGN_OR_RETURN(std::vector<ExperimentRecord> claimed,
                         deps_.store->ClaimUnfinishedExperiments(options_.owner_id, now, options_.lease_ms));
  next_lease_ms_ = now + options_.lease_renew_ms;
  Adopt(claimed);
  deps_.executor->SetStateChangeCallback([this] { Wake(); });
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = false;
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
  return Status();
}

void TuningController::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stop_ = true;
    cv_.notify_all();
  }
  deps_.executor->SetStateChangeCallback({});
  if (thread_.joinable()) thread_.join();
  // Another replica may take the unfinished experiments over at once.
  if (Status s = deps_.store->ReleaseExperimentLeases(options_.owner_id); !s.ok()) {
    CAIRN_LOG(kWarn, kLog, "releasing experiment leases: {}", s.ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
}

void TuningController::MaintainLeases() {
  const int64_t now = deps_.clock->NowMillis();
  next_lease_ms_ = now + options_.lease_renew_ms;
  auto held = deps_.store->RenewExperimentLeases(options_.owner_id, now, options_.lease_ms);
  if (!held.ok()) {
    CAIRN_LOG(kWarn, kLog, "renewing experiment leases: {}", held.status().ToString());
    return;
  }
  std::map<std::string, bool> stop_requested;
  for (const ExperimentLease& lease : *held) stop_requested[lease.experiment_id] = lease.stop_requested;
  std::vector<std::string> lost;
  for (auto& [id, run] : active_) {
    auto it = stop_requested.find(id);
    if (it == stop_requested.end()) {
      // Taken over by another replica, or finished by this one's last Tick:
      // either way no longer this controller's to drive.
      lost.push_back(id);
      continue;
    }
    if (it->second && remote_stops_.insert(id).second) run->RequestStop();
  }
  std::set<std::string> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : lost) {
      CAIRN_LOG(kWarn, kLog, "experiment {} is held by another controller; no longer driving it", id);
      active_.erase(id);
      active_ids_.erase(id);
    }
    if (!lost.empty()) done_cv_.notify_all();
    known = active_ids_;
  }
  auto claimed = deps_.store->ClaimUnfinishedExperiments(options_.owner_id, now, options_.lease_ms);
  if (!claimed.ok()) {
    CAIRN_LOG(kWarn, kLog, "claiming experiments: {}", claimed.status().ToString());
    return;
  }
  std::vector<ExperimentRecord> orphans;
  for (const ExperimentRecord& record : *claimed) {
    if (known.count(record.experiment_id) == 0) orphans.push_back(record);
  }
  if (!orphans.empty()) {
    CAIRN_LOG(kInfo, kLog, "taking over {} experiment(s) whose controller stopped renewing its lease",
              orphans.size());
    Adopt(orphans);
  }
}

void TuningController::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = true;
  cv_.notify_all();
}

Result<ExperimentRecord> TuningController::Submit(const SubmitExperimentRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(ExperimentSpec spec, LoadExperimentSpec(request.spec_text, request.source_name));
  const std::string overrides = OverridesJson(request);
  CAIRN_RETURN_IF_ERROR(ApplyOverrides(overrides, spec));
  if (spec.parallel_trial_count < 1) return InvalidArgument("parallel_trial_count must be >= 1.");
  if (spec.max_trial_count < 0 || spec.max_failed_trial_count < 0 || spec.trial_timeout_s < 0) {
    return InvalidArgument("max_trial_count, max_failed_trial_count and trial_timeout_s must be >= 0.");
  }
  ExperimentRecord record;
  record.experiment_id = NewUuidHex();
  record.name = request.name.empty() ? spec.name : request.name;
  if (record.name.empty() || record.name.size() > 200 || record.name.find('/') != std::string::npos) {
    return InvalidArgument("The experiment name must be 1..200 characters without '/'.");
  }
  record.namespace_name = spec.namespace_name;
  record.source_name = request.source_name;
  record.spec_yaml = request.spec_text;
  record.overrides_json = overrides;
  record.format = spec.format == ExperimentSpec::Format::kKatib ? "katib" : "cairn";
  record.algorithm = spec.algorithm.name;
  record.objective_type = spec.objective.type == ObjectiveType::kMaximize ? "maximize" : "minimize";
  record.objective_metric = spec.objective.metric_name;
  record.max_trial_count = spec.max_trial_count;
  record.parallel_trial_count = spec.parallel_trial_count;
  record.state = ExperimentState::kCreated;
  record.owner = options_.owner_id;
  record.created_ms = deps_.clock->NowMillis();
  record.lease_expires_ms = record.created_ms + options_.lease_ms;

  // Built before anything is stored: a suggester that refuses the space is
  // a bad spec, not a failed experiment.
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ExperimentRun> probe,
                         ExperimentRun::Create(options_, deps_, record, spec, {}));
  probe.reset();

  if (deps_.tracking != nullptr) {
    auto experiment = TrackingExperiment(*deps_.tracking, request, record.name);
    if (!experiment.ok()) {
      return InvalidArgument(fmt::format("Cannot track the experiment: {}", experiment.status().message()));
    }
    record.tracking_experiment_id = *experiment;
    tracking::CreateRunRequest create;
    create.experiment_id = record.tracking_experiment_id;
    create.run_name = record.name;
    create.start_time = record.created_ms;
    create.tags = {{"mlflow.runName", record.name},
                   {"mlflow.source.name", request.source_name},
                   {"mlflow.source.type", "TUNING"},
                   {"cairn.tuning.experiment_id", record.experiment_id},
                   {"cairn.tuning.experiment", record.name},
                   {"cairn.tuning.algorithm", record.algorithm},
                   {"cairn.tuning.format", record.format}};
    CAIRN_ASSIGN_OR_RETURN(tracking::Run run, deps_.tracking->CreateRun(create));
    record.mlflow_run_id = run.info.run_id;
    std::vector<tracking::Param> params = {
        {"algorithm", record.algorithm},
        {"objective", fmt::format("{} {}", record.objective_type, record.objective_metric)},
        {"parallelTrialCount", std::to_string(spec.parallel_trial_count)},
        {"maxTrialCount", std::to_string(spec.max_trial_count)},
        {"maxFailedTrialCount", std::to_string(spec.max_failed_trial_count)}};
    if (spec.objective.goal) params.push_back({"goal", fmt::format("{}", *spec.objective.goal)});
    for (const auto& [k, v] : spec.algorithm.settings) {
      params.push_back({"algorithm." + k, v.substr(0, 6000)});
    }
    if (Status s = deps_.tracking->LogBatch(record.mlflow_run_id, {}, params, {}); !s.ok()) {
      CAIRN_LOG(kWarn, kLog, "experiment {}: params not logged: {}", record.name, s.ToString());
    }
    if (deps_.artifact_sink) {
      // The spec as submitted, next to the experiment's tracking data.
      std::error_code ec;
      const std::filesystem::path dir = std::filesystem::path(options_.root) / record.experiment_id;
      std::filesystem::create_directories(dir, ec);
      const std::string path = (dir / "experiment.yaml").string();
      std::ofstream(path, std::ios::binary | std::ios::trunc) << request.spec_text;
      if (Status s = deps_.artifact_sink(run.info.artifact_uri, path, ""); !s.ok()) {
        CAIRN_LOG(kWarn, kLog, "experiment {}: spec not archived: {}", record.name, s.ToString());
      }
    }
  }
  CAIRN_RETURN_IF_ERROR(deps_.store->CreateExperiment(record));
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ExperimentRun> run,
                         ExperimentRun::Create(options_, deps_, record, std::move(spec), {}));
  std::lock_guard<std::mutex> lock(mu_);
  active_ids_.insert(record.experiment_id);
  incoming_.push_back(std::move(run));
  wake_ = true;
  cv_.notify_all();
  return record;
}

Status TuningController::StopExperiment(const std::string& experiment_id) {
  CAIRN_ASSIGN_OR_RETURN(ExperimentRecord record, deps_.store->GetExperiment(experiment_id));
  if (IsTerminal(record.state)) return Status();
  CAIRN_RETURN_IF_ERROR(deps_.store->RequestStop(experiment_id));
  std::lock_guard<std::mutex> lock(mu_);
  stops_.insert(experiment_id);
  wake_ = true;
  cv_.notify_all();
  return Status();
}

Result<ExperimentRecord> TuningController::ResumeExperiment(const std::string& experiment_id, int max_trial_count) {
  CAIRN_ASSIGN_OR_RETURN(ExperimentRecord record, deps_.store->GetExperiment(experiment_id));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_ids_.count(experiment_id) || !IsTerminal(record.state)) {
      return InvalidArgument(fmt::format("Experiment '{}' is still running.", record.name));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(ExperimentSpec spec, LoadExperimentSpec(record.spec_yaml, record.source_name));
  if (spec.resume_policy == ResumePolicy::kNever) {
    return InvalidArgument(fmt::format(
        "Experiment '{}' has resumePolicy Never; only LongRunning or FromVolume experiments can be resumed.",
        record.name));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<TrialRecord> trials, deps_.store->ListTrials(experiment_id));
  if (max_trial_count <= static_cast<int>(trials.size())) {
    return InvalidArgument(fmt::format("max_trial_count must be above the {} trials the experiment has.",
                                       trials.size()));
  }
  auto parsed = Value::ParseJson(record.overrides_json.empty() ? "{}" : record.overrides_json);
  Value overrides = parsed.ok() && parsed->is_struct() ? std::move(parsed).value() : Value::MakeStruct({});
  overrides.Set("max_trial_count", Value::Int(max_trial_count));
  record.overrides_json = overrides.ToJson();
  record.max_trial_count = max_trial_count;
  record.state = ExperimentState::kRunning;
  record.reason = "ExperimentRestarting";
  record.message = fmt::format("resumed up to {} trials", max_trial_count);
  record.finished_ms = 0;
  record.owner = options_.owner_id;
  record.lease_expires_ms = deps_.clock->NowMillis() + options_.lease_ms;
  CAIRN_RETURN_IF_ERROR(deps_.store->SaveExperiment(record, {}));
  if (deps_.tracking != nullptr && !record.mlflow_run_id.empty()) {
    tracking::UpdateRunRequest update;
    update.run_id = record.mlflow_run_id;
    update.status = tracking::RunStatus::kRunning;
    (void)deps_.tracking->UpdateRun(update);
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<ExperimentRun> run, Rebuild(record));
  std::lock_guard<std::mutex> lock(mu_);
  active_ids_.insert(experiment_id);
  incoming_.push_back(std::move(run));
  wake_ = true;
  cv_.notify_all();
  return record;
}

Result<ExperimentRecord> TuningController::WaitForExperiment(const std::string& experiment_id, int64_t timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_lock<std::mutex> lock(mu_);
  while (active_ids_.count(experiment_id) && std::chrono::steady_clock::now() < deadline) {
    done_cv_.wait_until(lock, deadline);
  }
  lock.unlock();
  return deps_.store->GetExperiment(experiment_id);
}

void TuningController::Loop() {
  while (true) {
    std::set<std::string> stops;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms), [this] { return wake_ || stop_; });
      if (stop_) return;
      wake_ = false;
      if (deps_.clock->NowMillis() >= next_lease_ms_) {
        // Unlocked: it talks to the store; the experiments it adopts land
        // in incoming_, taken just below.
        lock.unlock();
        try {
          MaintainLeases();
        } catch (const std::exception& e) {
          CAIRN_LOG(kError, kLog, "lease round failed: {}", e.what());
        }
        lock.lock();
      }
      while (!incoming_.empty()) {
        auto run = std::move(incoming_.front());
        incoming_.pop_front();
        std::string id = run->record().experiment_id;
        active_[id] = std::move(run);
      }
      stops.swap(stops_);
    }
    for (const std::string& id : stops) {
      if (auto it = active_.find(id); it != active_.end()) it->second->RequestStop();
    }
    std::vector<std::string> finished;
    TrialSlots slots = TrialSlots::Unlimited();
    if (options_.max_running_trials > 0) {
      int running = 0;
      for (const auto& [id, run] : active_) running += run->ActiveTrials();
      slots = TrialSlots::Limited(options_.max_running_trials - running);
    }
    // Each round starts one experiment further on, so under a cap the free
    // slots go to every experiment in turn.
    std::vector<std::pair<const std::string, std::unique_ptr<ExperimentRun>>*> order;
    for (auto& entry : active_) order.push_back(&entry);
    if (!order.empty()) {
      std::rotate(order.begin(), order.begin() + static_cast<ptrdiff_t>(rotation_++ % order.size()), order.end());
    }
    for (auto* entry : order) {
      const std::string& id = entry->first;
      ExperimentRun* run = entry->second.get();
      bool done = false;
      try {
        done = run->Tick(slots);
      } catch (const std::exception& e) {
        // A bug must not take the server down; the experiment fails visibly.
        CAIRN_LOG(kError, kLog, "experiment {}: internal error: {}", id, e.what());
        run->Abandon(fmt::format("internal error: {}", e.what()));
        done = true;
      }
      if (done) finished.push_back(id);
    }
    if (!finished.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      for (const std::string& id : finished) {
        active_.erase(id);
        active_ids_.erase(id);
      }
      done_cv_.notify_all();
    }
  }
}

}  // namespace cairn::tuning
