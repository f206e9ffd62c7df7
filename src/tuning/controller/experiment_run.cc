#include "tuning/controller/experiment_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "base/logging.h"
#include "pipelines/spec/value.h"
#include "tuning/spec/load.h"
#include "tuning/spec/trial_template.h"

namespace cairn::tuning {
namespace {

namespace fs = std::filesystem;
using pipelines::ExecutionState;
using pipelines::ExecutionStatus;
using pipelines::Value;

constexpr char kLog[] = "tuning";
// Bytes of stdout / metrics file read per collection round.
constexpr int64_t kReadChunk = 1 << 20;
constexpr size_t kMaxParamValue = 6000;

std::string AssignmentToJson(const Assignment& a) {
  Value::List items;
  for (const ParameterValue& p : a) {
    items.push_back(Value::MakeStruct({{"name", Value::String(p.name)}, {"value", Value::String(p.value)}}));
  }
  return Value::MakeList(std::move(items)).ToJson();
}

Assignment AssignmentFromJson(const std::string& json) {
  Assignment out;
  auto v = Value::ParseJson(json);
  if (!v.ok() || !v->is_list()) return out;
  for (const Value& item : v->as_list()) {
    const Value* n = item.Find("name");
    const Value* val = item.Find("value");
    if (n && n->is_string() && val && val->is_string()) out.push_back({n->as_string(), val->as_string()});
  }
  return out;
}

std::string LabelsToJson(const std::map<std::string, std::string>& labels) {
  Value::Struct s;
  for (const auto& [k, v] : labels) s.emplace_back(k, Value::String(v));
  return Value::MakeStruct(std::move(s)).ToJson();
}

std::map<std::string, std::string> LabelsFromJson(const std::string& json) {
  std::map<std::string, std::string> out;
  auto v = Value::ParseJson(json);
  if (!v.ok() || !v->is_struct()) return out;
  for (const auto& [k, val] : v->as_struct()) {
    if (val.is_string()) out[k] = val.as_string();
  }
  return out;
}

// MLflow metric keys: alphanumerics, underscores, dashes, periods, spaces, slashes.
bool ValidTrackingKey(const std::string& key) {
  if (key.empty() || key.size() > 250) return false;
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ' ' || c == '/')) {
      return false;
    }
  }
  return true;
}

TrialState ToTrialState(TrialPhase p) {
  switch (p) {
    case TrialPhase::kPending:
    case TrialPhase::kRunning: return TrialState::kRunning;
    case TrialPhase::kSucceeded: return TrialState::kSucceeded;
    case TrialPhase::kFailed: return TrialState::kFailed;
    case TrialPhase::kKilled: return TrialState::kKilled;
    case TrialPhase::kEarlyStopped: return TrialState::kEarlyStopped;
    case TrialPhase::kMetricsUnavailable: return TrialState::kMetricsUnavailable;
  }
  return TrialState::kFailed;
}

bool Active(TrialPhase p) { return p == TrialPhase::kPending || p == TrialPhase::kRunning; }

}  // namespace

Status ApplyOverrides(const std::string& overrides_json, ExperimentSpec& spec) {
  if (overrides_json.empty()) return Status();
  CAIRN_ASSIGN_OR_RETURN(Value v, Value::ParseJson(overrides_json));
  if (!v.is_struct()) return Status();
  for (const auto& [k, val] : v.as_struct()) {
    if (!val.is_int()) continue;
    if (k == "max_trial_count") spec.max_trial_count = static_cast<int>(val.as_int());
    if (k == "parallel_trial_count") spec.parallel_trial_count = static_cast<int>(val.as_int());
    if (k == "max_failed_trial_count") spec.max_failed_trial_count = static_cast<int>(val.as_int());
    if (k == "trial_timeout_s") spec.trial_timeout_s = val.as_int();
  }
  return Status();
}

ExperimentRun::ExperimentRun(const TuningOptions& options, const TuningDeps& deps, ExperimentRecord record,
                             ExperimentSpec spec)
    : options_(options), deps_(deps), record_(std::move(record)), spec_(std::move(spec)) {}

Result<std::unique_ptr<ExperimentRun>> ExperimentRun::Create(const TuningOptions& options, const TuningDeps& deps,
                                                             ExperimentRecord record, ExperimentSpec spec,
                                                             std::vector<TrialRecord> trials) {
  std::unique_ptr<ExperimentRun> run(new ExperimentRun(options, deps, std::move(record), std::move(spec)));
  const ExperimentSpec& s = run->spec_;
  auto suggester =
      deps.make_suggester ? deps.make_suggester(MakeSuggesterConfig(s)) : MakeSuggester(MakeSuggesterConfig(s));
  if (!suggester.ok())
    return InvalidArgument(fmt::format("algorithm {}: {}", s.algorithm.name, suggester.status().message()));
  run->suggester_ = std::move(suggester).value();
  if (s.early_stopping) {
    auto stopper = deps.make_early_stopper ? deps.make_early_stopper(s.early_stopping->name, s.early_stopping->settings)
                                           : MakeEarlyStopper(s.early_stopping->name, s.early_stopping->settings);
    if (!stopper.ok()) {
      return InvalidArgument(fmt::format("early stopping {}: {}", s.early_stopping->name, stopper.status().message()));
    }
    run->stopper_ = std::move(stopper).value();
  }
  if (s.collector.kind != CollectorKind::kPush) {
    MetricsFormat format = s.collector.kind == CollectorKind::kFile ? s.collector.format : MetricsFormat::kText;
    CAIRN_ASSIGN_OR_RETURN(MetricsParser parser,
                           MetricsParser::Create(format, s.collector.filters, s.objective.AllMetrics()));
    run->parser_ = std::move(parser);
  }
  for (TrialRecord& rec : trials) {
    Trial t;
    t.assignment = AssignmentFromJson(rec.assignment_json);
    t.labels = LabelsFromJson(rec.labels_json);
    t.log = MetricLogFromJson(rec.metrics_json);
    t.rec = std::move(rec);
    run->trials_.push_back(std::move(t));
  }
  return run;
}

std::string ExperimentRun::MetricsFilePath(const Trial& t) const {
  const std::string& p = spec_.collector.file_path;
  fs::path relative = fs::path(p).is_absolute() ? fs::path(p).relative_path() : fs::path(p);
  return (fs::path(t.rec.working_dir) / relative).lexically_normal().string();
}

pipelines::TaskLaunch ExperimentRun::BuildLaunch(const Trial& t) const {
  pipelines::TaskLaunch launch;
  launch.attempt_key = fmt::format("tune/{}/{}", record_.experiment_id, t.rec.name);
  launch.attempt_dir = t.rec.attempt_dir;
  launch.working_dir = t.rec.working_dir;
  auto command = RenderTrialCommand(spec_, t.rec.name, t.assignment);
  if (command.ok()) {
    launch.argv = command->argv;
    launch.env = command->env;
    launch.image = command->image;
    launch.cpu_limit = command->cpu_limit;
    launch.memory_limit = command->memory_limit;
  }
  if (spec_.collector.kind == CollectorKind::kFile) {
    // The container path of the metrics file is mapped into the working
    // directory, in the collector and wherever the command names it.
    const std::string host = MetricsFilePath(t);
    for (std::string& arg : launch.argv) {
      for (size_t pos = arg.find(spec_.collector.file_path); pos != std::string::npos;
           pos = arg.find(spec_.collector.file_path, pos + host.size())) {
        arg.replace(pos, spec_.collector.file_path.size(), host);
      }
    }
    launch.env.emplace_back("CAIRN_METRICS_FILE", host);
  }
  for (const auto& kv : options_.trial_env) launch.env.push_back(kv);
  if (!options_.tracking_uri.empty()) launch.env.emplace_back("MLFLOW_TRACKING_URI", options_.tracking_uri);
  if (!t.rec.mlflow_run_id.empty()) launch.env.emplace_back("MLFLOW_RUN_ID", t.rec.mlflow_run_id);
  if (!record_.tracking_experiment_id.empty()) {
    launch.env.emplace_back("MLFLOW_EXPERIMENT_ID", record_.tracking_experiment_id);
  }
  launch.env.emplace_back("KATIB_TRIAL_NAME", t.rec.name);
  launch.env.emplace_back("CAIRN_TRIAL_NAME", t.rec.name);
  launch.env.emplace_back("CAIRN_TUNING_EXPERIMENT_ID", record_.experiment_id);
  int64_t timeout_s = spec_.trial_timeout_s;
  launch.timeout_ms = timeout_s > 0 ? timeout_s * 1000 : options_.default_trial_timeout_ms;
  return launch;
}

std::vector<TrialObservation> ExperimentRun::Observations() const {
  std::vector<TrialObservation> out;
  const bool maximize = spec_.objective.type == ObjectiveType::kMaximize;
  for (const Trial& t : trials_) {
    TrialObservation o;
    o.name = t.rec.name;
    o.assignment = t.assignment;
    o.state = ToTrialState(t.rec.state);
    o.labels = t.labels;
    if (t.rec.objective && (t.rec.state == TrialPhase::kSucceeded || t.rec.state == TrialPhase::kEarlyStopped)) {
      o.loss = maximize ? -*t.rec.objective : *t.rec.objective;
    }
    if (auto it = t.log.find(spec_.objective.metric_name); it != t.log.end()) {
      for (const MetricPoint& p : it->second) o.intermediate_losses.emplace_back(p.step, maximize ? -p.value : p.value);
    }
    out.push_back(std::move(o));
  }
  return out;
}

void ExperimentRun::AddReports(Trial& t, const std::vector<MetricReport>& reports) {
  if (reports.empty()) return;
  const int64_t now = deps_.clock->NowMillis();
  std::vector<tracking::Metric> metrics;
  for (const MetricReport& r : reports) {
    auto& points = t.log[r.name];
    if (points.size() >= kMaxPointsPerMetric) continue;
    MetricPoint p{static_cast<int64_t>(points.size()), r.value, r.timestamp_ms > 0 ? r.timestamp_ms : now};
    points.push_back(p);
    if (ValidTrackingKey(r.name)) metrics.push_back({r.name, p.value, p.timestamp_ms, p.step, ""});
  }
  t.dirty = true;
  if (deps_.tracking != nullptr && !t.rec.mlflow_run_id.empty()) {
    for (size_t i = 0; i < metrics.size(); i += 1000) {
      std::vector<tracking::Metric> batch(metrics.begin() + i, metrics.begin() + std::min(metrics.size(), i + 1000));
      if (Status s = deps_.tracking->LogBatch(t.rec.mlflow_run_id, batch, {}, {}); !s.ok()) {
        CAIRN_LOG(kWarn, kLog, "trial {}: metrics not logged: {}", t.rec.name, s.ToString());
      }
    }
  }
}

void ExperimentRun::ParseNewOutput(Trial& t, int64_t& offset, bool final,
                                   const std::function<bool(int64_t, std::string&)>& read) {
  for (int round = 0; round < 64; ++round) {
    std::string data;
    if (!read(offset, data) || data.empty()) return;
    const bool eof = static_cast<int64_t>(data.size()) < kReadChunk;
    std::vector<MetricReport> reports;
    size_t consumed = parser_->Parse(data, final && eof, reports);
    // A line longer than a whole chunk is skipped rather than stalling.
    if (consumed == 0 && !eof) consumed = data.size();
    offset += static_cast<int64_t>(consumed);
    if (consumed > 0) t.dirty = true;
    AddReports(t, reports);
    if (eof || consumed == 0) return;
  }
}

void ExperimentRun::CollectMetrics(Trial& t, bool final) {
  const size_t before = t.log.count(spec_.objective.metric_name) ? t.log[spec_.objective.metric_name].size() : 0;
  if (spec_.collector.kind == CollectorKind::kPush) {
    // What the trial logged to its own run is the observation log.
    if (deps_.tracking == nullptr || t.rec.mlflow_run_id.empty()) return;
    for (const std::string& metric : spec_.objective.AllMetrics()) {
      tracking::MetricHistoryRequest request;
      request.run_id = t.rec.mlflow_run_id;
      request.metric_key = metric;
      auto history = deps_.tracking->GetMetricHistory(request);
      if (!history.ok() || history->items.empty()) continue;
      std::vector<MetricPoint> points;
      for (const tracking::Metric& m : history->items) {
        if (std::isfinite(m.value)) points.push_back({m.step, m.value, m.timestamp});
      }
      std::stable_sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
      if (points.size() > kMaxPointsPerMetric) points.resize(kMaxPointsPerMetric);
      if (t.log[metric].size() != points.size()) t.dirty = true;
      t.log[metric] = std::move(points);
    }
  } else if (parser_) {
    if (spec_.collector.kind == CollectorKind::kStdOut) {
      // Katib's collector tails the container's log, which holds both
      // streams (Python's logging writes to stderr).
      if (t.rec.handle.empty()) return;
      for (auto source : {std::pair{pipelines::LogStream::kStdout, &t.rec.collector_offset},
                          std::pair{pipelines::LogStream::kStderr, &t.rec.stderr_offset}}) {
        // Named, not a structured binding: the lambda captures it (clang 14).
        const pipelines::LogStream stream = source.first;
        int64_t* offset = source.second;
        ParseNewOutput(t, *offset, final, [&](int64_t from, std::string& data) {
          auto chunk = deps_.executor->Logs(t.rec.handle, stream, from, kReadChunk);
          if (!chunk.ok()) return false;
          data = std::move(chunk->data);
          return true;
        });
      }
    } else {
      const std::string path = MetricsFilePath(t);
      ParseNewOutput(t, t.rec.collector_offset, final, [&](int64_t from, std::string& data) {
        std::ifstream in(path, std::ios::binary);
        if (!in) return false;
        in.seekg(from);
        data.resize(kReadChunk);
        in.read(data.data(), kReadChunk);
        data.resize(static_cast<size_t>(in.gcount()));
        return true;
      });
    }
  }
  const size_t after = t.log.count(spec_.objective.metric_name) ? t.log[spec_.objective.metric_name].size() : 0;
  if (after != before && !final) CheckEarlyStop(t);
}

void ExperimentRun::CheckEarlyStop(Trial& t) {
  if (!stopper_ || t.rec.state != TrialPhase::kRunning || !t.rec.stop_reason.empty()) return;
  std::vector<TrialObservation> all = Observations();
  const TrialObservation* self = nullptr;
  for (const TrialObservation& o : all) {
    if (o.name == t.rec.name) self = &o;
  }
  if (self != nullptr && stopper_->ShouldStop(*self, all)) {
    CAIRN_LOG(kInfo, kLog, "experiment {}: early stopping trial {}", record_.name, t.rec.name);
    StopTrial(t, "EarlyStopped");
  }
}

void ExperimentRun::StopTrial(Trial& t, const std::string& reason) {
  if (!t.rec.stop_reason.empty() || IsTerminal(t.rec.state)) return;
  t.rec.stop_reason = reason;
  t.dirty = true;
  if (t.rec.handle.empty()) {
    // Never launched: nothing to cancel.
    t.rec.state = TrialPhase::kKilled;
    t.rec.reason = reason;
    t.rec.finished_ms = deps_.clock->NowMillis();
    return;
  }
  // Persisted before Cancel, so a restart finishes it with this reason.
  if (Status s = deps_.store->PutTrials(record_.experiment_id, {t.rec}); !s.ok()) {
    CAIRN_LOG(kWarn, kLog, "trial {}: stop not persisted: {}", t.rec.name, s.ToString());
  }
  (void)deps_.executor->Cancel(t.rec.handle);
}

void ExperimentRun::FinishTrial(Trial& t, const ExecutionStatus& status) {
  CollectMetrics(t, /*final=*/true);
  t.rec.objective =
      MetricValue(t.log, spec_.objective.metric_name, spec_.objective.StrategyFor(spec_.objective.metric_name));
  t.rec.exit_code = status.exit_code;
  t.rec.finished_ms = deps_.clock->NowMillis();
  t.rec.message = status.message;
  if (t.rec.stop_reason == "EarlyStopped") {
    t.rec.state = TrialPhase::kEarlyStopped;
    t.rec.reason = "TrialEarlyStopped";
    t.rec.message = "stopped by the early stopping rule (" + spec_.early_stopping->name + ")";
  } else if (t.rec.stop_reason == "Killed") {
    t.rec.state = TrialPhase::kKilled;
    t.rec.reason = "TrialKilled";
    t.rec.message = "killed: the experiment ended";
  } else {
    switch (status.state) {
      case ExecutionState::kSucceeded:
        if (t.rec.objective) {
          t.rec.state = TrialPhase::kSucceeded;
          t.rec.reason = "TrialSucceeded";
        } else {
          t.rec.state = TrialPhase::kMetricsUnavailable;
          t.rec.reason = "TrialMetricsUnavailable";
          t.rec.message = fmt::format("the trial exited 0 but never reported the objective metric '{}' ({} collector)",
                                      spec_.objective.metric_name, CollectorKindName(spec_.collector.kind));
        }
        break;
      case ExecutionState::kTimedOut:
        t.rec.state = TrialPhase::kFailed;
        t.rec.reason = "TrialTimedOut";
        break;
      case ExecutionState::kCancelled:
        t.rec.state = TrialPhase::kKilled;
        t.rec.reason = "TrialKilled";
        break;
      case ExecutionState::kLost:
        // Its monitor vanished (e.g. the host rebooted): it cannot be
        // resumed, so it is marked and another trial takes its place.
        t.rec.state = TrialPhase::kKilled;
        t.rec.reason = "TrialLost";
        break;
      default:
        t.rec.state = TrialPhase::kFailed;
        t.rec.reason = "TrialFailed";
        break;
    }
  }
  t.dirty = true;
  suggest_ = true;
  CAIRN_LOG(kInfo, kLog, "experiment {}: trial {} {}{}", record_.name, t.rec.name, TrialPhaseName(t.rec.state),
            t.rec.objective ? fmt::format(" ({}={})", spec_.objective.metric_name, *t.rec.objective) : "");
  if (deps_.tracking != nullptr && !t.rec.mlflow_run_id.empty()) {
    (void)deps_.tracking->SetTag(t.rec.mlflow_run_id,
                                 {"cairn.tuning.trial_state", std::string(TrialPhaseName(t.rec.state))});
    tracking::UpdateRunRequest update;
    update.run_id = t.rec.mlflow_run_id;
    update.status = t.rec.state == TrialPhase::kSucceeded ? tracking::RunStatus::kFinished
                    : (t.rec.state == TrialPhase::kKilled || t.rec.state == TrialPhase::kEarlyStopped)
                        ? tracking::RunStatus::kKilled
                        : tracking::RunStatus::kFailed;
    update.end_time = t.rec.finished_ms;
    (void)deps_.tracking->UpdateRun(update);
    ArchiveLogs(t);
  }
}

void ExperimentRun::ArchiveLogs(const Trial& t) {
  if (!deps_.artifact_sink || t.rec.attempt_dir.empty()) return;
  auto run = deps_.tracking->GetRun(t.rec.mlflow_run_id);
  if (!run.ok()) return;
  for (const char* name : {"stdout.log", "stderr.log"}) {
    const std::string path = (fs::path(t.rec.attempt_dir) / name).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    if (Status s = deps_.artifact_sink(run->info.artifact_uri, path, "logs"); !s.ok()) {
      CAIRN_LOG(kWarn, kLog, "trial {}: {} not archived: {}", t.rec.name, name, s.ToString());
    }
  }
}

void ExperimentRun::PollTrial(Trial& t) {
  auto status = deps_.executor->Poll(t.rec.handle);
  if (!status.ok()) {
    ExecutionStatus lost;
    lost.state = ExecutionState::kLost;
    lost.message = status.status().message();
    FinishTrial(t, lost);
    return;
  }
  if (!pipelines::IsTerminal(status->state)) {
    CollectMetrics(t, /*final=*/false);
    return;
  }
  FinishTrial(t, *status);
}

Result<std::optional<pipelines::TaskLaunch>> ExperimentRun::PrepareLaunch(Trial& t) {
  if (deps_.tracking != nullptr && t.rec.mlflow_run_id.empty()) {
    tracking::CreateRunRequest request;
    request.experiment_id = record_.tracking_experiment_id;
    request.run_name = t.rec.name;
    request.start_time = deps_.clock->NowMillis();
    request.tags = {{"mlflow.runName", t.rec.name},
                    {"mlflow.source.type", "TUNING"},
                    {"cairn.tuning.experiment_id", record_.experiment_id},
                    {"cairn.tuning.experiment", record_.name},
                    {"cairn.tuning.trial", t.rec.name},
                    {"cairn.tuning.executor", std::string(deps_.executor->Name())}};
    if (!record_.mlflow_run_id.empty()) request.tags.push_back({"mlflow.parentRunId", record_.mlflow_run_id});
    auto run = deps_.tracking->CreateRun(request);
    if (run.ok()) {
      t.rec.mlflow_run_id = run->info.run_id;
      // Persisted before the launch: a restarted server gives the process
      // it finds the same run.
      (void)deps_.store->PutTrials(record_.experiment_id, {t.rec});
      std::vector<tracking::Param> params;
      for (const ParameterValue& p : t.assignment) {
        if (ValidTrackingKey(p.name)) params.push_back({p.name, p.value.substr(0, kMaxParamValue)});
      }
      if (Status s = deps_.tracking->LogBatch(t.rec.mlflow_run_id, {}, params, {}); !s.ok()) {
        CAIRN_LOG(kWarn, kLog, "trial {}: params not logged: {}", t.rec.name, s.ToString());
      }
    } else {
      CAIRN_LOG(kWarn, kLog, "trial {}: tracking run not created: {}", t.rec.name, run.status().ToString());
    }
  }
  pipelines::TaskLaunch launch = BuildLaunch(t);
  if (launch.argv.empty()) return InvalidArgument("the trial template renders no command");
  std::error_code ec;
  fs::create_directories(launch.working_dir, ec);
  if (spec_.collector.kind == CollectorKind::kFile)
    fs::create_directories(fs::path(MetricsFilePath(t)).parent_path(), ec);
  // A PENDING trial may have been launched by a server that crashed before
  // it recorded the handle.
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> found, deps_.executor->Find(launch));
  if (found) {
    MarkLaunched(t, *found);
    return std::optional<pipelines::TaskLaunch>();
  }
  return std::optional<pipelines::TaskLaunch>(std::move(launch));
}

void ExperimentRun::MarkLaunched(Trial& t, const std::string& handle) {
  t.rec.handle = handle;
  t.rec.executor = std::string(deps_.executor->Name());
  t.rec.state = TrialPhase::kRunning;
  t.rec.started_ms = deps_.clock->NowMillis();
  t.dirty = true;
}

void ExperimentRun::FailLaunch(Trial& t, const Status& status) {
  t.rec.state = TrialPhase::kFailed;
  t.rec.reason = "TrialLaunchFailed";
  t.rec.message = status.message();
  t.rec.finished_ms = deps_.clock->NowMillis();
  t.dirty = true;
}

void ExperimentRun::LaunchTrials(const std::vector<Trial*>& trials) {
  std::vector<Trial*> batch;
  std::vector<pipelines::TaskLaunch> launches;
  for (Trial* t : trials) {
    auto launch = PrepareLaunch(*t);
    if (!launch.ok()) {
      FailLaunch(*t, launch.status());
    } else if (launch->has_value()) {
      batch.push_back(t);
      launches.push_back(std::move(**launch));
    }
  }
  if (launches.empty()) return;
  // One batch: on Slurm the round's trials are one job array, at most
  // parallelTrialCount of them running at once.
  std::vector<Result<std::string>> handles = deps_.executor->SubmitBatch(launches, spec_.parallel_trial_count);
  CAIRN_CHECK(handles.size() == batch.size(), "SubmitBatch answers once per launch");
  for (size_t i = 0; i < batch.size(); ++i) {
    if (handles[i].ok()) {
      MarkLaunched(*batch[i], *handles[i]);
    } else {
      FailLaunch(*batch[i], handles[i].status());
    }
  }
}

void ExperimentRun::CreateNewTrials(int count) {
  if (count <= 0 || !suggest_) return;
  std::vector<TrialObservation> observations = Observations();
  if (suggester_->Exhausted(observations)) return;
  auto suggestions = suggester_->Suggest(observations, count);
  suggest_ = false;
  if (!suggestions.ok()) {
    ending_state_ = ExperimentState::kFailed;
    ending_reason_ = "SuggestionFailed";
    ending_message_ = fmt::format("the {} algorithm failed: {}", spec_.algorithm.name, suggestions.status().message());
    return;
  }
  if (suggestions->empty()) return;
  suggest_ = true;  // more may come once these are recorded
  std::vector<TrialRecord> pending;
  const int64_t now = deps_.clock->NowMillis();
  for (Suggestion& s : *suggestions) {
    Trial t;
    t.rec.experiment_id = record_.experiment_id;
    t.rec.index = static_cast<int64_t>(trials_.size());
    t.rec.name = fmt::format("{}-{:04d}", record_.name, t.rec.index + 1);
    t.rec.assignment_json = AssignmentToJson(s.assignment);
    t.rec.labels_json = LabelsToJson(s.labels);
    t.rec.state = TrialPhase::kPending;
    t.rec.attempt_dir = (fs::path(options_.root) / record_.experiment_id / t.rec.name).string();
    t.rec.working_dir = (fs::path(t.rec.attempt_dir) / "work").string();
    t.rec.created_ms = now;
    t.assignment = std::move(s.assignment);
    t.labels = std::move(s.labels);
    auto command = RenderTrialCommand(spec_, t.rec.name, t.assignment);
    if (command.ok()) {
      Value::List argv;
      for (const std::string& a : command->argv) argv.push_back(Value::String(a));
      t.rec.command_json = Value::MakeList(std::move(argv)).ToJson();
    } else {
      t.rec.state = TrialPhase::kFailed;
      t.rec.reason = "TrialTemplateError";
      t.rec.message = command.status().message();
      t.rec.finished_ms = now;
    }
    pending.push_back(t.rec);
    trials_.push_back(std::move(t));
  }
  // Recorded before anything is launched: the suggester's answer is then
  // part of the history a restart rebuilds from.
  if (Status s = deps_.store->PutTrials(record_.experiment_id, pending); !s.ok()) {
    CAIRN_LOG(kWarn, kLog, "experiment {}: new trials not persisted ({}); retrying", record_.name, s.ToString());
    trials_.resize(trials_.size() - pending.size());
    return;
  }
  std::vector<Trial*> launch;
  for (size_t i = trials_.size() - pending.size(); i < trials_.size(); ++i) {
    if (trials_[i].rec.state == TrialPhase::kPending) launch.push_back(&trials_[i]);
  }
  LaunchTrials(launch);
}

void ExperimentRun::UpdateBest() {
  const bool maximize = spec_.objective.type == ObjectiveType::kMaximize;
  const Trial* best = nullptr;
  for (const Trial& t : trials_) {
    if (t.rec.state != TrialPhase::kSucceeded || !t.rec.objective) continue;
    if (best == nullptr ||
        (maximize ? *t.rec.objective > *best->rec.objective : *t.rec.objective < *best->rec.objective)) {
      best = &t;
    }
  }
  if (best != nullptr && best->rec.name != record_.best_trial_name) {
    record_.best_trial_name = best->rec.name;
    record_.best_objective = best->rec.objective;
    record_dirty_ = true;
  }
}

void ExperimentRun::Finish(ExperimentState state, const std::string& reason, const std::string& message) {
  record_.state = state;
  record_.reason = reason;
  record_.message = message;
  record_.finished_ms = deps_.clock->NowMillis();
  record_dirty_ = true;
  CAIRN_LOG(kInfo, kLog, "experiment {} {}: {}", record_.name, ExperimentStateName(state), message);
  if (deps_.tracking != nullptr && !record_.mlflow_run_id.empty()) {
    std::vector<tracking::Tag> tags = {{"cairn.tuning.state", std::string(ExperimentStateName(state))},
                                       {"cairn.tuning.reason", reason}};
    std::vector<tracking::Metric> metrics;
    if (!record_.best_trial_name.empty()) {
      tags.push_back({"cairn.tuning.best_trial", record_.best_trial_name});
      if (record_.best_objective && ValidTrackingKey(spec_.objective.metric_name)) {
        metrics.push_back({"best_" + spec_.objective.metric_name, *record_.best_objective, record_.finished_ms, 0, ""});
      }
    }
    (void)deps_.tracking->LogBatch(record_.mlflow_run_id, metrics, {}, tags);
    tracking::UpdateRunRequest update;
    update.run_id = record_.mlflow_run_id;
    update.status = state == ExperimentState::kSucceeded ? tracking::RunStatus::kFinished
                    : state == ExperimentState::kStopped ? tracking::RunStatus::kKilled
                                                         : tracking::RunStatus::kFailed;
    update.end_time = record_.finished_ms;
    (void)deps_.tracking->UpdateRun(update);
  }
}

void ExperimentRun::Persist() {
  std::vector<TrialRecord> dirty;
  for (Trial& t : trials_) {
    if (!t.dirty) continue;
    t.rec.metrics_json = MetricLogToJson(t.log);
    dirty.push_back(t.rec);
  }
  if (dirty.empty() && !record_dirty_) return;
  if (Status s = deps_.store->SaveExperiment(record_, dirty); !s.ok()) {
    CAIRN_LOG(kWarn, kLog, "experiment {}: state not persisted ({}); retrying", record_.name, s.ToString());
    return;
  }
  for (Trial& t : trials_) t.dirty = false;
  record_dirty_ = false;
}

void ExperimentRun::Abandon(const std::string& message) {
  for (Trial& t : trials_) {
    if (!Active(t.rec.state)) continue;
    if (!t.rec.handle.empty()) (void)deps_.executor->Cancel(t.rec.handle);
    t.rec.state = TrialPhase::kKilled;
    t.rec.reason = "TrialKilled";
    t.rec.message = message;
    t.rec.finished_ms = deps_.clock->NowMillis();
    t.dirty = true;
  }
  Finish(ExperimentState::kFailed, "ExperimentAbandoned", message);
  Persist();
}

int TrialSlots::Take(int want) {
  if (want <= 0) return 0;
  if (!limited_) return want;
  const int granted = std::min(want, free_);
  free_ -= granted;
  return granted;
}

int ExperimentRun::ActiveTrials() const {
  int active = 0;
  for (const Trial& t : trials_) active += Active(t.rec.state) ? 1 : 0;
  return active;
}

bool ExperimentRun::Tick(TrialSlots& slots) {
  if (IsTerminal(record_.state)) {
    Persist();  // a failed write of the final state is retried
    return !record_dirty_;
  }
  if (record_.state == ExperimentState::kCreated) {
    record_.state = ExperimentState::kRunning;
    record_.started_ms = deps_.clock->NowMillis();
    record_dirty_ = true;
  }
  if ((stop_requested_ || record_.stop_requested) && !ending_state_) {
    ending_state_ = ExperimentState::kStopped;
    ending_reason_ = "ExperimentStopped";
    ending_message_ = "stopped by a user";
  }

  std::vector<Trial*> launch;
  for (Trial& t : trials_) {
    if (t.rec.state == TrialPhase::kRunning) {
      PollTrial(t);
    } else if (t.rec.state == TrialPhase::kPending) {
      if (ending_state_ || !t.rec.stop_reason.empty()) {
        StopTrial(t, "Killed");
      } else {
        launch.push_back(&t);
      }
    }
  }
  LaunchTrials(launch);  // before CreateNewTrials can move trials_
  UpdateBest();

  int active = 0, failed = 0, completed = 0;
  for (const Trial& t : trials_) {
    if (Active(t.rec.state)) ++active;
    if (IsTerminal(t.rec.state)) ++completed;
    if (t.rec.state == TrialPhase::kFailed || t.rec.state == TrialPhase::kMetricsUnavailable) ++failed;
  }
  if (!ending_state_) {
    const auto& goal = spec_.objective.goal;
    const bool maximize = spec_.objective.type == ObjectiveType::kMaximize;
    if (goal && record_.best_objective &&
        (maximize ? *record_.best_objective >= *goal : *record_.best_objective <= *goal)) {
      ending_state_ = ExperimentState::kSucceeded;
      ending_reason_ = "ExperimentGoalReached";
      ending_message_ =
          fmt::format("trial {} reached the goal: {} = {} ({} {})", record_.best_trial_name,
                      spec_.objective.metric_name, *record_.best_objective, maximize ? ">=" : "<=", *goal);
    } else if (spec_.max_failed_trial_count > 0 && failed >= spec_.max_failed_trial_count) {
      ending_state_ = ExperimentState::kFailed;
      ending_reason_ = "ExperimentMaxFailedTrialsReached";
      ending_message_ = fmt::format("{} trials failed (maxFailedTrialCount {})", failed, spec_.max_failed_trial_count);
    } else if (spec_.max_trial_count > 0 && completed >= spec_.max_trial_count) {
      ending_state_ = ExperimentState::kSucceeded;
      ending_reason_ = "ExperimentMaxTrialsReached";
      ending_message_ = fmt::format("{} trials completed (maxTrialCount {})", completed, spec_.max_trial_count);
    }
  }
  if (!ending_state_) {
    int want = spec_.parallel_trial_count - active;
    if (spec_.max_trial_count > 0) {
      want = std::min(want, spec_.max_trial_count - static_cast<int>(trials_.size()));
    }
    const size_t before = trials_.size();
    const int granted = slots.Take(want);
    CreateNewTrials(granted);
    const int created = static_cast<int>(trials_.size() - before);
    slots.Return(granted - created);
    // Waiting for a slot held by another experiment is not the end.
    const bool throttled = want > 0 && granted == 0;
    if (!ending_state_ && created == 0 && active == 0 && !throttled) {
      // Nothing runs and nothing new comes: the search is over (grid walked,
      // or an algorithm with nothing more to offer). Never a stuck experiment.
      ending_state_ = ExperimentState::kSucceeded;
      ending_reason_ = "ExperimentSuggestionEndReached";
      ending_message_ = fmt::format("the {} algorithm has no more suggestions after {} trials", spec_.algorithm.name,
                                    trials_.size());
    }
  }
  if (ending_state_) {
    bool any_active = false;
    for (Trial& t : trials_) {
      if (Active(t.rec.state)) {
        StopTrial(t, "Killed");
        any_active = any_active || Active(t.rec.state);
      }
    }
    if (!any_active) {
      Finish(*ending_state_, ending_reason_, ending_message_);
      Persist();
      return !record_dirty_;
    }
  }
  Persist();
  return false;
}

}  // namespace cairn::tuning
