#include "pipelines/scheduler/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "base/ids.h"
#include "base/logging.h"
#include "pipelines/scheduler/run_execution.h"
#include "pipelines/scheduler/task_io.h"

namespace cairn::pipelines {

namespace fs = std::filesystem;

namespace {

constexpr char kLog[] = "pipelines";

// A spec's defaultPipelineRoot is usable here only when it is local.
std::string LocalRootOf(const std::string& root) {
  if (root.rfind("file://", 0) == 0) return root.substr(7);
  if (!root.empty() && root.front() == '/') return root;
  return "";
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options, SchedulerDeps deps)
    : options_([&] {
        if (options.max_parallel_tasks < 1) options.max_parallel_tasks = 1;
        if (options.lease_ms < 3) options.lease_ms = 3;
        options.lease_renew_ms = std::clamp<int64_t>(options.lease_renew_ms, 1, options.lease_ms / 3);
        if (options.poll_interval_ms < 1) options.poll_interval_ms = 1;
        return std::move(options);
      }()),
      deps_(std::move(deps)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Wake() {
  std::lock_guard<std::mutex> lock(mu_);
  wake_ = true;
  cv_.notify_one();
}

Status Scheduler::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) return Status();
  }
  const int64_t now = deps_.clock->NowMillis();
  CAIRN_ASSIGN_OR_RETURN(std::vector<PipelineRunRecord> claimed,
                         deps_.store->ClaimUnfinishedRuns(options_.owner_id, now, options_.lease_ms));
  next_lease_ms_ = now + options_.lease_renew_ms;
  AdoptClaimedRuns(std::move(claimed));
  deps_.executor->SetStateChangeCallback([this] { Wake(); });
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = false;
  running_ = true;
  wake_ = true;  // adopted runs need a first round
  thread_ = std::thread([this] { Loop(); });
  return Status();
}

void Scheduler::AdoptClaimedRuns(std::vector<PipelineRunRecord> runs) {
  for (PipelineRunRecord& record : runs) {
    const std::string run_id = record.run_id;
    auto run = RunExecution::Resume(options_, deps_, record);
    if (!run.ok()) {
      // The run cannot be rebuilt (e.g. its spec no longer loads): fail it
      // cleanly instead of leaving it RUNNING forever.
      CAIRN_LOG(kWarn, kLog, "run {} cannot be resumed: {}", run_id, run.status().ToString());
      record.state = RunState::kFailed;
      record.error = "could not be resumed after a restart: " + run.status().message();
      record.finished_ms = deps_.clock->NowMillis();
      if (Status s = deps_.store->SaveRun(record, {}); !s.ok()) {
        CAIRN_LOG(kWarn, kLog, "run {}: {}", run_id, s.ToString());
      }
      continue;
    }
    if (!options_.resume_runs) {
      (*run)->Abort("the server restarted while the run was active (resuming is disabled)");
      if (Status s = (*run)->Flush(); !s.ok()) CAIRN_LOG(kWarn, kLog, "run {}: {}", run_id, s.ToString());
      continue;
    }
    CAIRN_LOG(kInfo, kLog, "resuming pipeline run {}", run_id);
    std::lock_guard<std::mutex> lock(mu_);
    active_ids_.insert(run_id);
    incoming_.push_back(std::move(run).value());
  }
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_) return;
    stop_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
  deps_.executor->SetStateChangeCallback(nullptr);
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
  // Runs stay recorded as unfinished; the next Start (of this or a new
  // instance) resumes them.
  for (auto& [id, run] : active_) (void)run->Flush();
  active_.clear();
  incoming_.clear();
  active_ids_.clear();
  // Another replica may take the unfinished runs over now rather than when
  // their leases expire; this replica, restarted, takes them back anyway.
  if (Status s = deps_.store->ReleaseRunLeases(options_.owner_id); !s.ok()) {
    CAIRN_LOG(kWarn, kLog, "releasing run leases: {}", s.ToString());
  }
  done_cv_.notify_all();
}

void Scheduler::MaintainLeases() {
  const int64_t now = deps_.clock->NowMillis();
  next_lease_ms_ = now + options_.lease_renew_ms;
  auto held = deps_.store->RenewRunLeases(options_.owner_id, now, options_.lease_ms);
  if (!held.ok()) {
    // Keep driving: the leases last lease_ms, and the next round retries.
    CAIRN_LOG(kWarn, kLog, "renewing run leases: {}", held.status().ToString());
    return;
  }
  std::map<std::string, bool> cancel_requested;
  for (const RunLease& lease : *held) cancel_requested[lease.run_id] = lease.cancel_requested;
  std::vector<std::string> lost;
  for (auto& [id, run] : active_) {
    auto it = cancel_requested.find(id);
    if (it == cancel_requested.end()) {
      // Taken over by another replica (this one stalled past its lease):
      // stop driving it; its attempts keep running for the new owner.
      if (!run->finished()) lost.push_back(id);
      continue;
    }
    // A cancel that came in through another replica.
    if (it->second && remote_cancels_.insert(id).second) run->RequestCancel();
  }
  std::set<std::string> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : lost) {
      CAIRN_LOG(kWarn, kLog, "run {} was taken over by another scheduler; no longer driving it", id);
      active_.erase(id);
      active_ids_.erase(id);
    }
    if (!lost.empty()) done_cv_.notify_all();
    known = active_ids_;
  }
  auto claimed = deps_.store->ClaimUnfinishedRuns(options_.owner_id, now, options_.lease_ms);
  if (!claimed.ok()) {
    CAIRN_LOG(kWarn, kLog, "claiming runs: {}", claimed.status().ToString());
    return;
  }
  std::vector<PipelineRunRecord> orphans;
  for (PipelineRunRecord& record : *claimed) {
    if (known.count(record.run_id) == 0) orphans.push_back(std::move(record));
  }
  if (!orphans.empty()) {
    CAIRN_LOG(kInfo, kLog, "taking over {} run(s) whose scheduler stopped renewing its lease", orphans.size());
    AdoptClaimedRuns(std::move(orphans));
  }
}

Result<PipelineRunRecord> Scheduler::Submit(const SubmitRequest& request) {
  if (request.spec_yaml.size() > kMaxSpecBytes) {
    return InvalidArgument(fmt::format("The pipeline spec is larger than {} bytes.", kMaxSpecBytes));
  }
  const std::string source = request.source_name.empty() ? "pipeline.yaml" : request.source_name;
  CAIRN_ASSIGN_OR_RETURN(Pipeline pipeline, LoadPipeline(request.spec_yaml, source));
  std::vector<SpecProblem> problems = ValidatePipeline(pipeline);
  if (HasErrors(problems)) {
    std::string message = fmt::format("The pipeline '{}' is not valid:", source);
    int shown = 0;
    for (const SpecProblem& p : problems) {
      if (p.severity != Severity::kError) continue;
      if (++shown > 20) {
        message += "\n  ...";
        break;
      }
      message += fmt::format("\n  {}: {}", p.location, p.message);
    }
    return InvalidArgument(message);
  }
  // Parameters, typed by the pipeline's inputs.
  const auto& inputs = pipeline.root->inputs.parameters;
  auto known = [&](const std::string& name) -> Result<const ParameterSpec*> {
    auto it = inputs.find(name);
    if (it != inputs.end()) return &it->second;
    std::string names;
    for (const auto& [k, spec] : inputs) names += (names.empty() ? "" : ", ") + k;
    return InvalidArgument(fmt::format("Unknown pipeline parameter '{}'; the pipeline takes: {}.", name,
                                       names.empty() ? "no parameters" : names));
  };
  TaskIo root_inputs;
  for (const auto& [name, text] : request.parameters) {
    CAIRN_ASSIGN_OR_RETURN(const ParameterSpec* spec, known(name));
    auto value = ParseParameterArgument(text, spec->type);
    if (!value.ok()) {
      return InvalidArgument(fmt::format("Parameter '{}' must be a {}: {}", name, ParameterTypeName(spec->type),
                                         value.status().message()));
    }
    root_inputs.parameters[name] = std::move(value).value();
  }
  for (const auto& [name, value] : request.parameter_values) {
    CAIRN_ASSIGN_OR_RETURN(const ParameterSpec* spec, known(name));
    Value v = value;
    if (v.is_string() && spec->type != ParameterType::kString && spec->type != ParameterType::kUnspecified) {
      auto parsed = ParseParameterArgument(v.as_string(), spec->type);
      if (parsed.ok()) v = std::move(parsed).value();
    }
    if (!ValueMatchesType(v, spec->type)) {
      return InvalidArgument(fmt::format("Parameter '{}' must be a {}, got {}.", name, ParameterTypeName(spec->type),
                                         ValueKindName(v.kind())));
    }
    root_inputs.parameters[name] = std::move(v);
  }
  for (const auto& [name, spec] : inputs) {
    if (root_inputs.parameters.count(name) != 0) continue;
    if (spec.default_value) {
      root_inputs.parameters[name] = *spec.default_value;
    } else if (!spec.optional) {
      return InvalidArgument(fmt::format("Missing value for pipeline parameter '{}'.", name));
    }
  }
  Value::Struct params_json;
  for (const auto& [k, v] : root_inputs.parameters) params_json.emplace_back(k, v);

  PipelineRunRecord record;
  record.run_id = NewUuidHex();
  record.display_name = request.display_name.empty()
                            ? (pipeline.display_name.empty() ? pipeline.name : pipeline.display_name)
                            : request.display_name;
  record.pipeline_name = pipeline.name;
  record.source_name = source;
  record.spec_yaml = request.spec_yaml;
  record.parameters_json = Value::MakeStruct(std::move(params_json)).ToJson();
  record.state = RunState::kPending;
  record.cache_enabled = request.cache_enabled;
  record.parallelism = request.parallelism < 0 ? 0 : request.parallelism;
  std::string local_root = LocalRootOf(pipeline.pipeline_root);
  record.pipeline_root = local_root.empty() ? options_.pipeline_root : local_root;
  record.experiment_id = request.experiment_id.empty() ? "0" : request.experiment_id;
  record.owner = options_.owner_id;
  record.created_ms = deps_.clock->NowMillis();
  record.lease_expires_ms = record.created_ms + options_.lease_ms;

  if (deps_.tracking != nullptr) {
    tracking::CreateRunRequest create;
    create.experiment_id = record.experiment_id;
    create.run_name = record.display_name;
    create.start_time = record.created_ms;
    create.tags = {{"mlflow.runName", record.display_name},
                   {"mlflow.source.name", source},
                   {"mlflow.source.type", "PIPELINE"},
                   {"cairn.pipeline.run_id", record.run_id},
                   {"cairn.pipeline.name", record.pipeline_name},
                   {"cairn.pipeline.format", pipeline.format == SpecFormat::kKfpIr ? "kfp-ir" : "cairn"}};
    auto run = deps_.tracking->CreateRun(create);
    if (!run.ok()) {
      if (run.status().code() == StatusCode::kNotFound || run.status().code() == StatusCode::kInvalidArgument) {
        return InvalidArgument(fmt::format("Cannot track the run in experiment '{}': {}", record.experiment_id,
                                           run.status().message()));
      }
      return run.status();
    }
    record.mlflow_run_id = run->info.run_id;
    std::vector<tracking::Param> params;
    for (const auto& [k, v] : root_inputs.parameters) {
      std::string value = v.RenderForArgv();
      if (value.size() > 6000) value.resize(6000);
      params.push_back({k, value});
    }
    if (!params.empty()) {
      if (Status s = deps_.tracking->LogBatch(record.mlflow_run_id, {}, params, {}); !s.ok()) {
        CAIRN_LOG(kWarn, kLog, "run {}: parameters not logged: {}", record.run_id, s.ToString());
      }
    }
    if (deps_.artifact_sink) {
      // The spec as submitted, next to the run's tracking data.
      std::string dir = RunExecution::RunDirectory(record.pipeline_root, record.pipeline_name, record.run_id);
      std::error_code ec;
      fs::create_directories(dir, ec);
      std::string path = dir + "/pipeline.yaml";
      {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << request.spec_yaml;
      }
      if (!ec) (void)deps_.artifact_sink(run->info.artifact_uri, path, "");
    }
  }
  CAIRN_RETURN_IF_ERROR(deps_.store->CreateRun(record));
  CAIRN_ASSIGN_OR_RETURN(auto execution,
                         RunExecution::Create(options_, deps_, record, std::move(pipeline), std::move(root_inputs)));
  {
    std::lock_guard<std::mutex> lock(mu_);
    active_ids_.insert(record.run_id);
    incoming_.push_back(std::move(execution));
    wake_ = true;
    cv_.notify_one();
  }
  return record;
}

Status Scheduler::Cancel(const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(PipelineRunRecord record, deps_.store->GetRun(run_id));
  if (IsTerminal(record.state)) return Status();
  CAIRN_RETURN_IF_ERROR(deps_.store->RequestCancel(run_id));
  std::lock_guard<std::mutex> lock(mu_);
  cancels_.insert(run_id);
  wake_ = true;
  cv_.notify_one();
  return Status();
}

Result<PipelineRunRecord> Scheduler::WaitForRun(const std::string& run_id, int64_t timeout_ms) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [&] { return active_ids_.count(run_id) == 0; });
  }
  return deps_.store->GetRun(run_id);
}

void Scheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    // Sleep until woken (submit, cancel, an attempt ended), the next retry
    // is due, the poll interval passed while attempts run, or the leases
    // need renewing (even while idle: a dead replica's runs may need
    // adopting).
    const int64_t now = deps_.clock->NowMillis();
    int64_t wait_ms = std::max<int64_t>(next_lease_ms_ - now, 0);
    if (running_attempts_ > 0) wait_ms = std::min(wait_ms, options_.poll_interval_ms);
    for (const auto& [id, run] : active_) {
      int64_t next = run->NextTimerMs();
      if (next > 0) wait_ms = std::min(wait_ms, std::max<int64_t>(next - now, 0));
    }
    if (wait_ms > 0) cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [&] { return stop_ || wake_; });
    if (stop_) break;
    wake_ = false;
    if (deps_.clock->NowMillis() >= next_lease_ms_) {
      // Unlocked: it talks to the store; the runs it adopts land in
      // incoming_, taken just below.
      lock.unlock();
      try {
        MaintainLeases();
      } catch (const std::exception& e) {
        CAIRN_LOG(kError, kLog, "lease round failed: {}", e.what());
      }
      lock.lock();
    }
    std::deque<std::unique_ptr<RunExecution>> incoming;
    incoming.swap(incoming_);
    std::set<std::string> cancels;
    cancels.swap(cancels_);
    lock.unlock();

    try {
      for (auto& run : incoming) {
        std::string id = run->run_id();
        active_[id] = std::move(run);
      }
      for (const std::string& id : cancels) {
        auto it = active_.find(id);
        if (it != active_.end()) it->second->RequestCancel();
      }
      int64_t running = 0;
      for (auto& [id, run] : active_) {
        run->PollAttempts();
        running += run->running_attempts();
      }
      int64_t slots = std::max<int64_t>(options_.max_parallel_tasks - running, 0);
      running = 0;
      for (auto& [id, run] : active_) {
        slots -= run->Advance(slots);
        if (slots < 0) slots = 0;
        if (Status s = run->Flush(); !s.ok()) {
          CAIRN_LOG(kWarn, kLog, "run {}: cannot persist state: {}", id, s.ToString());
        }
        running += run->running_attempts();
      }
      running_attempts_ = running;
    } catch (const std::exception& e) {
      // A bug must not take the server down; the runs stay recorded.
      CAIRN_LOG(kError, kLog, "scheduler iteration failed: {}", e.what());
    }

    lock.lock();
    bool any_done = false;
    for (auto it = active_.begin(); it != active_.end();) {
      if (it->second->finished() && it->second->running_attempts() == 0) {
        active_ids_.erase(it->first);
        it = active_.erase(it);
        any_done = true;
      } else {
        ++it;
      }
    }
    if (any_done) done_cv_.notify_all();
  }
}

}  // namespace cairn::pipelines
