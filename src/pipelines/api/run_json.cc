#include "pipelines/api/run_json.h"

#include <fmt/format.h>

#include "base/numeric.h"

namespace cairn::pipelines::api {
namespace {

Value JsonOr(const std::string& text, Value fallback) {
  if (text.empty()) return fallback;
  auto v = Value::ParseJson(text);
  return v.ok() ? std::move(v).value() : Value::String(text);
}

std::string GetString(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_string() ? f->as_string() : std::string();
}
int64_t GetInt(const Value& v, std::string_view key, int64_t fallback = 0) {
  const Value* f = v.Find(key);
  if (f == nullptr || !f->is_number()) return fallback;
  return f->is_int() ? f->as_int() : SaturatingInt64(f->as_double());
}
bool GetBool(const Value& v, std::string_view key, bool fallback = false) {
  const Value* f = v.Find(key);
  return f != nullptr && f->is_bool() ? f->as_bool() : fallback;
}
std::string GetJson(const Value& v, std::string_view key) {
  const Value* f = v.Find(key);
  return f == nullptr || f->is_null() ? std::string() : f->ToJson();
}

}  // namespace

Value RunToValue(const PipelineRunRecord& r, bool include_spec) {
  Value::Struct s = {
      {"run_id", Value::String(r.run_id)},
      {"display_name", Value::String(r.display_name)},
      {"pipeline_name", Value::String(r.pipeline_name)},
      {"source_name", Value::String(r.source_name)},
      {"state", Value::String(std::string(RunStateName(r.state)))},
      {"parameters", JsonOr(r.parameters_json, Value::MakeStruct({}))},
      {"outputs", JsonOr(r.outputs_json, Value::MakeStruct({}))},
      {"cache_enabled", Value::Bool(r.cache_enabled)},
      {"parallelism", Value::Int(r.parallelism)},
      {"pipeline_root", Value::String(r.pipeline_root)},
      {"experiment_id", Value::String(r.experiment_id)},
      {"mlflow_run_id", Value::String(r.mlflow_run_id)},
      {"error", Value::String(r.error)},
      {"cancel_requested", Value::Bool(r.cancel_requested)},
      {"created_time", Value::Int(r.created_ms)},
      {"started_time", Value::Int(r.started_ms)},
      {"finished_time", Value::Int(r.finished_ms)},
  };
  if (include_spec) s.emplace_back("spec", Value::String(r.spec_yaml));
  return Value::MakeStruct(std::move(s));
}

Value TaskToValue(const TaskRecord& t) {
  return Value::MakeStruct({
      {"node_id", Value::String(t.node_id)},
      {"parent_id", Value::String(t.parent_id)},
      {"task_key", Value::String(t.task_key)},
      {"display_name", Value::String(t.display_name)},
      {"component", Value::String(t.component)},
      {"kind", Value::String(std::string(NodeKindName(t.kind)))},
      {"state", Value::String(std::string(NodeStateName(t.state)))},
      {"iteration_index", Value::Int(t.iteration_index)},
      {"attempt", Value::Int(t.attempt)},
      {"executor", Value::String(t.executor)},
      {"image", Value::String(t.image)},
      {"command", JsonOr(t.command_json, Value::MakeList({}))},
      {"inputs", JsonOr(t.inputs_json, Value::MakeStruct({}))},
      {"outputs", JsonOr(t.outputs_json, Value::MakeStruct({}))},
      {"fingerprint", Value::String(t.fingerprint)},
      {"cached", Value::Bool(t.cached)},
      {"cached_from", Value::String(t.cached_from)},
      {"mlflow_run_id", Value::String(t.mlflow_run_id)},
      {"error", Value::String(t.error)},
      {"exit_code", Value::Int(t.exit_code)},
      {"created_time", Value::Int(t.created_ms)},
      {"started_time", Value::Int(t.started_ms)},
      {"finished_time", Value::Int(t.finished_ms)},
  });
}

Result<PipelineRunRecord> RunFromValue(const Value& v) {
  if (!v.is_struct()) return InvalidArgument("run: not an object");
  PipelineRunRecord r;
  r.run_id = GetString(v, "run_id");
  if (r.run_id.empty()) return InvalidArgument("run: missing run_id");
  r.display_name = GetString(v, "display_name");
  r.pipeline_name = GetString(v, "pipeline_name");
  r.source_name = GetString(v, "source_name");
  auto state = ParseRunState(GetString(v, "state"));
  if (!state) return InvalidArgument(fmt::format("run: unknown state '{}'", GetString(v, "state")));
  r.state = *state;
  r.parameters_json = GetJson(v, "parameters");
  r.outputs_json = GetJson(v, "outputs");
  r.cache_enabled = GetBool(v, "cache_enabled", true);
  r.parallelism = GetInt(v, "parallelism");
  r.pipeline_root = GetString(v, "pipeline_root");
  r.experiment_id = GetString(v, "experiment_id");
  r.mlflow_run_id = GetString(v, "mlflow_run_id");
  r.error = GetString(v, "error");
  r.cancel_requested = GetBool(v, "cancel_requested");
  r.created_ms = GetInt(v, "created_time");
  r.started_ms = GetInt(v, "started_time");
  r.finished_ms = GetInt(v, "finished_time");
  r.spec_yaml = GetString(v, "spec");
  return r;
}

Result<TaskRecord> TaskFromValue(const Value& v) {
  if (!v.is_struct()) return InvalidArgument("task: not an object");
  TaskRecord t;
  t.node_id = GetString(v, "node_id");
  if (t.node_id.empty()) return InvalidArgument("task: missing node_id");
  t.parent_id = GetString(v, "parent_id");
  t.task_key = GetString(v, "task_key");
  t.display_name = GetString(v, "display_name");
  t.component = GetString(v, "component");
  auto kind = ParseNodeKind(GetString(v, "kind"));
  auto state = ParseNodeState(GetString(v, "state"));
  if (!kind || !state) return InvalidArgument(fmt::format("task '{}': unknown kind or state", t.node_id));
  t.kind = *kind;
  t.state = *state;
  t.iteration_index = GetInt(v, "iteration_index", -1);
  t.attempt = static_cast<int32_t>(GetInt(v, "attempt"));
  t.executor = GetString(v, "executor");
  t.image = GetString(v, "image");
  t.command_json = GetJson(v, "command");
  t.inputs_json = GetJson(v, "inputs");
  t.outputs_json = GetJson(v, "outputs");
  t.fingerprint = GetString(v, "fingerprint");
  t.cached = GetBool(v, "cached");
  t.cached_from = GetString(v, "cached_from");
  t.mlflow_run_id = GetString(v, "mlflow_run_id");
  t.error = GetString(v, "error");
  t.exit_code = static_cast<int32_t>(GetInt(v, "exit_code", -1));
  t.created_ms = GetInt(v, "created_time");
  t.started_ms = GetInt(v, "started_time");
  t.finished_ms = GetInt(v, "finished_time");
  return t;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 0x2;
    if (ok && len == 2 && c < 0xc2) ok = false;  // overlong
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out;
}

}  // namespace cairn::pipelines::api
