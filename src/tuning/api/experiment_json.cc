#include "tuning/api/experiment_json.h"

#include "base/numeric.h"
#include "tuning/metrics/metric_log.h"

namespace cairn::tuning::api {

using pipelines::Value;

namespace {

Value OptionalDouble(const std::optional<double>& v) { return v ? Value::Double(*v) : Value::Null(); }

Value ParsedOr(const std::string& json, Value fallback) {
  if (json.empty()) return fallback;
  auto v = Value::ParseJson(json);
  return v.ok() ? std::move(v).value() : fallback;
}

std::string Str(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_string() ? f->as_string() : std::string();
}
int64_t Int(const Value& v, std::string_view key, int64_t fallback = 0) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_number() ? TruncToInt64(f->as_double()).value_or(fallback) : fallback;
}
std::optional<double> Dbl(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  if (f == nullptr || !f->is_number()) return std::nullopt;
  return f->as_double();
}

}  // namespace

Value ExperimentToValue(const ExperimentRecord& e, bool include_spec) {
  Value::Struct s = {
      {"experiment_id", Value::String(e.experiment_id)},
      {"name", Value::String(e.name)},
      {"namespace", Value::String(e.namespace_name)},
      {"source_name", Value::String(e.source_name)},
      {"format", Value::String(e.format)},
      {"algorithm", Value::String(e.algorithm)},
      {"objective_type", Value::String(e.objective_type)},
      {"objective_metric", Value::String(e.objective_metric)},
      {"max_trial_count", Value::Int(e.max_trial_count)},
      {"parallel_trial_count", Value::Int(e.parallel_trial_count)},
      {"state", Value::String(std::string(ExperimentStateName(e.state)))},
      {"reason", Value::String(e.reason)},
      {"message", Value::String(e.message)},
      {"tracking_experiment_id", Value::String(e.tracking_experiment_id)},
      {"mlflow_run_id", Value::String(e.mlflow_run_id)},
      {"best_trial_name", Value::String(e.best_trial_name)},
      {"best_objective", OptionalDouble(e.best_objective)},
      {"stop_requested", Value::Bool(e.stop_requested)},
      {"created_ms", Value::Int(e.created_ms)},
      {"started_ms", Value::Int(e.started_ms)},
      {"finished_ms", Value::Int(e.finished_ms)},
  };
  if (!e.overrides_json.empty()) s.emplace_back("overrides", ParsedOr(e.overrides_json, Value::MakeStruct({})));
  if (include_spec) s.emplace_back("spec", Value::String(e.spec_yaml));
  return Value::MakeStruct(std::move(s));
}

Value TrialToValue(const TrialRecord& t) {
  // Katib's observation: {min, max, latest} per metric.
  MetricLog log = MetricLogFromJson(t.metrics_json);
  Value::List observation;
  int64_t reports = 0;
  for (const auto& [name, points] : log) {
    if (points.empty()) continue;
    reports += static_cast<int64_t>(points.size());
    observation.push_back(Value::MakeStruct({{"name", Value::String(name)},
                                             {"min", OptionalDouble(ApplyStrategy(points, MetricStrategy::kMin))},
                                             {"max", OptionalDouble(ApplyStrategy(points, MetricStrategy::kMax))},
                                             {"latest", OptionalDouble(ApplyStrategy(points, MetricStrategy::kLatest))},
                                             {"reports", Value::Int(static_cast<int64_t>(points.size()))}}));
  }
  return Value::MakeStruct({
      {"name", Value::String(t.name)},
      {"index", Value::Int(t.index)},
      {"assignment", ParsedOr(t.assignment_json, Value::MakeList({}))},
      {"labels", ParsedOr(t.labels_json, Value::MakeStruct({}))},
      {"state", Value::String(std::string(TrialPhaseName(t.state)))},
      {"reason", Value::String(t.reason)},
      {"message", Value::String(t.message)},
      {"objective", OptionalDouble(t.objective)},
      {"observation", Value::MakeList(std::move(observation))},
      {"metric_reports", Value::Int(reports)},
      {"mlflow_run_id", Value::String(t.mlflow_run_id)},
      {"executor", Value::String(t.executor)},
      {"attempt_dir", Value::String(t.attempt_dir)},
      {"command", ParsedOr(t.command_json, Value::MakeList({}))},
      {"exit_code", Value::Int(t.exit_code)},
      {"created_ms", Value::Int(t.created_ms)},
      {"started_ms", Value::Int(t.started_ms)},
      {"finished_ms", Value::Int(t.finished_ms)},
  });
}

Value ImportanceToValue(const std::vector<ParameterImportance>& importance) {
  Value::List items;
  for (const ParameterImportance& p : importance) {
    items.push_back(Value::MakeStruct({{"name", Value::String(p.name)},
                                       {"importance", Value::Double(p.importance)},
                                       {"eta_squared", Value::Double(p.eta_squared)}}));
  }
  return Value::MakeList(std::move(items));
}

Result<ExperimentRecord> ExperimentFromValue(const Value& v) {
  if (!v.is_struct()) return Internal("Malformed experiment in the response.");
  ExperimentRecord e;
  e.experiment_id = Str(v, "experiment_id");
  e.name = Str(v, "name");
  e.namespace_name = Str(v, "namespace");
  e.source_name = Str(v, "source_name");
  e.format = Str(v, "format");
  e.algorithm = Str(v, "algorithm");
  e.objective_type = Str(v, "objective_type");
  e.objective_metric = Str(v, "objective_metric");
  e.max_trial_count = Int(v, "max_trial_count");
  e.parallel_trial_count = Int(v, "parallel_trial_count");
  auto state = ParseExperimentState(Str(v, "state"));
  if (!state) return Internal("Malformed experiment state in the response.");
  e.state = *state;
  e.reason = Str(v, "reason");
  e.message = Str(v, "message");
  e.tracking_experiment_id = Str(v, "tracking_experiment_id");
  e.mlflow_run_id = Str(v, "mlflow_run_id");
  e.best_trial_name = Str(v, "best_trial_name");
  e.best_objective = Dbl(v, "best_objective");
  if (const Value* b = v.Find("stop_requested"); b != nullptr && b->is_bool()) e.stop_requested = b->as_bool();
  e.created_ms = Int(v, "created_ms");
  e.started_ms = Int(v, "started_ms");
  e.finished_ms = Int(v, "finished_ms");
  e.spec_yaml = Str(v, "spec");
  if (const Value* o = v.Find("overrides"); o != nullptr && o->is_struct()) e.overrides_json = o->ToJson();
  return e;
}

Result<TrialRecord> TrialFromValue(const Value& v) {
  if (!v.is_struct()) return Internal("Malformed trial in the response.");
  TrialRecord t;
  t.name = Str(v, "name");
  t.index = Int(v, "index");
  if (const Value* a = v.Find("assignment")) t.assignment_json = a->ToJson();
  if (const Value* l = v.Find("labels")) t.labels_json = l->ToJson();
  auto state = ParseTrialPhase(Str(v, "state"));
  if (!state) return Internal("Malformed trial state in the response.");
  t.state = *state;
  t.reason = Str(v, "reason");
  t.message = Str(v, "message");
  t.objective = Dbl(v, "objective");
  t.mlflow_run_id = Str(v, "mlflow_run_id");
  t.executor = Str(v, "executor");
  t.attempt_dir = Str(v, "attempt_dir");
  if (const Value* c = v.Find("command")) t.command_json = c->ToJson();
  t.exit_code = static_cast<int32_t>(Int(v, "exit_code", -1));
  t.created_ms = Int(v, "created_ms");
  t.started_ms = Int(v, "started_ms");
  t.finished_ms = Int(v, "finished_ms");
  return t;
}

}  // namespace cairn::tuning::api
