#include "frontends/tuning_api/tuning_api.h"

#include <fmt/format.h>

#include <map>
#include <utility>

#include "frontends/cairn_api/value_api.h"
#include "frontends/http/request_params.h"
#include "frontends/http/status_mapping.h"
#include "frontends/http/url.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "pipelines/api/run_json.h"
#include "pipelines/spec/value.h"
#include "tuning/analysis/importance.h"
#include "tuning/api/experiment_json.h"
#include "tuning/api/routes.h"
#include "tuning/spec/load.h"

namespace cairn::frontends {
namespace {

namespace api = tuning::api;
using pipelines::Value;

bool IsYamlBody(const HttpRequest& request) {
  const std::string& ct = request.content_type;
  return ct.find("yaml") != std::string::npos || ct.find("text/plain") != std::string::npos;
}

Result<Value> JsonBody(const HttpRequest& request) {
  return JsonObjectBody(request, "or application/yaml for a raw spec");
}

Result<std::optional<int64_t>> IntField(const Value& body, std::string_view key, int64_t min) {
  const Value* v = body.Find(key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  if (!v->is_int() || v->as_int() < min || v->as_int() > 1000000000) {
    return InvalidArgument(fmt::format("Parameter '{}' must be an integer >= {}.", key, min));
  }
  return std::optional<int64_t>(v->as_int());
}

// The spec text of a submit/validate body: `spec` as text (YAML or JSON),
// `spec` as a JSON object, or the body itself when it is the Experiment.
Result<std::string> SpecText(const Value& body) {
  const Value* spec = body.Find("spec");
  if (body.Find("apiVersion") != nullptr || body.Find("kind") != nullptr) return body.ToJson();
  if (spec == nullptr || spec->is_null()) return RequestParams::Missing("spec");
  if (spec->is_string()) {
    if (spec->as_string().empty()) return RequestParams::Missing("spec");
    return spec->as_string();
  }
  if (spec->is_struct()) return spec->ToJson();
  return InvalidArgument("Parameter 'spec' must be the spec text or a JSON object.");
}

void Add(Router& router, const api::Route& route, Handler handler) {
  AddApiRoute(router, route.method, route.path, std::move(handler));
}

// A spec POSTed as the body itself (Content-Type application/yaml, as
// `curl --data-binary @experiment.yaml` sends it), with the options in the
// query string; returns the equivalent JSON body.
Result<Value> YamlSubmitBody(const HttpRequest& request) {
  if (request.body.empty()) return RequestParams::Missing("spec");
  auto query = ParseQuery(request.query);
  if (!query) return InvalidArgument("Malformed query string.");
  Value::Struct body = {{"spec", Value::String(request.body)}};
  for (const auto& [key, value] : *query) {
    if (key == "source_name" || key == "name" || key == "experiment_id" || key == "experiment_name") {
      body.emplace_back(key, Value::String(value));
    } else if (key == "max_trial_count" || key == "parallel_trial_count" || key == "max_failed_trial_count" ||
               key == "trial_timeout_seconds") {
      auto n = tuning::ParseSpecNumber(value);
      if (!n || *n != static_cast<double>(static_cast<int64_t>(*n))) {
        return InvalidArgument(fmt::format("Parameter '{}' must be an integer.", key));
      }
      body.emplace_back(key, Value::Int(static_cast<int64_t>(*n)));
    } else {
      return InvalidArgument(fmt::format("Unknown query parameter '{}' for a YAML submit.", key.substr(0, 100)));
    }
  }
  return Value::MakeStruct(std::move(body));
}

Result<Value> Submit(const TuningApiDeps& deps, const HttpRequest& request) {
  tuning::SubmitExperimentRequest submit;
  Value body;
  if (IsYamlBody(request)) {
    CAIRN_ASSIGN_OR_RETURN(body, YamlSubmitBody(request));
  } else {
    CAIRN_ASSIGN_OR_RETURN(body, JsonBody(request));
  }
  CAIRN_ASSIGN_OR_RETURN(submit.spec_text, SpecText(body));
  if (body.Find("apiVersion") == nullptr) {
    CAIRN_ASSIGN_OR_RETURN(submit.source_name, StringField(body, "source_name", false));
    CAIRN_ASSIGN_OR_RETURN(submit.name, StringField(body, "name", false));
    CAIRN_ASSIGN_OR_RETURN(submit.tracking_experiment_id, StringField(body, "experiment_id", false));
    CAIRN_ASSIGN_OR_RETURN(submit.tracking_experiment_name, StringField(body, "experiment_name", false));
    if (!submit.tracking_experiment_id.empty() && !submit.tracking_experiment_name.empty()) {
      return InvalidArgument("Give either experiment_id or experiment_name, not both.");
    }
    CAIRN_ASSIGN_OR_RETURN(auto max_trials, IntField(body, "max_trial_count", 0));
    CAIRN_ASSIGN_OR_RETURN(auto parallel, IntField(body, "parallel_trial_count", 1));
    CAIRN_ASSIGN_OR_RETURN(auto max_failed, IntField(body, "max_failed_trial_count", 0));
    CAIRN_ASSIGN_OR_RETURN(auto timeout, IntField(body, "trial_timeout_seconds", 0));
    if (max_trials) submit.max_trial_count = static_cast<int>(*max_trials);
    if (parallel) submit.parallel_trial_count = static_cast<int>(*parallel);
    if (max_failed) submit.max_failed_trial_count = static_cast<int>(*max_failed);
    if (timeout) submit.trial_timeout_s = *timeout;
  }
  if (submit.source_name.empty()) submit.source_name = "experiment.yaml";
  if (submit.spec_text.size() > tuning::kMaxExperimentSpecBytes) {
    return InvalidArgument(fmt::format("The spec is larger than {} bytes.", tuning::kMaxExperimentSpecBytes));
  }
  CAIRN_ASSIGN_OR_RETURN(tuning::ExperimentRecord record, deps.controller->Submit(submit));
  return Value::MakeStruct({{"experiment", api::ExperimentToValue(record, false)}});
}

Result<Value> List(const TuningApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(RequestParams params, RequestParams::FromRequest(request));
  tuning::ListExperimentsRequest list;
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  if (max_results) {
    if (*max_results < 1 || *max_results > 1000) {
      return InvalidArgument("Parameter 'max_results' must be between 1 and 1000.");
    }
    list.max_results = *max_results;
  }
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  if (token) list.page_token = *token;
  CAIRN_ASSIGN_OR_RETURN(auto state, params.GetString("state"));
  if (state && !state->empty()) {
    auto parsed = tuning::ParseExperimentState(*state);
    if (!parsed) {
      return InvalidArgument(fmt::format("Invalid state '{}': expected CREATED, RUNNING, SUCCEEDED, FAILED or STOPPED.",
                                         state->substr(0, 100)));
    }
    list.state = *parsed;
  }
  CAIRN_ASSIGN_OR_RETURN(tuning::ExperimentPage page, deps.store->ListExperiments(list));
  Value::List items;
  for (const auto& e : page.experiments) items.push_back(api::ExperimentToValue(e, false));
  Value::Struct out = {{"experiments", Value::MakeList(std::move(items))}};
  if (!page.next_page_token.empty()) out.emplace_back("next_page_token", Value::String(page.next_page_token));
  return Value::MakeStruct(std::move(out));
}

// experiment_id, or name (the newest experiment of that name).
Result<tuning::ExperimentRecord> FindExperiment(const TuningApiDeps& deps, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto id, params.GetString("experiment_id"));
  if (id && !id->empty()) return deps.store->GetExperiment(*id);
  CAIRN_ASSIGN_OR_RETURN(auto name, params.GetString("name"));
  if (name && !name->empty()) return deps.store->GetExperimentByName(*name);
  return RequestParams::Missing("experiment_id");
}

Result<Value> Get(const TuningApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(RequestParams params, RequestParams::FromRequest(request));
  CAIRN_ASSIGN_OR_RETURN(auto include_spec, params.GetBool("include_spec"));
  CAIRN_ASSIGN_OR_RETURN(auto include_trials, params.GetBool("include_trials"));
  CAIRN_ASSIGN_OR_RETURN(tuning::ExperimentRecord e, FindExperiment(deps, params));
  CAIRN_ASSIGN_OR_RETURN(std::vector<tuning::TrialRecord> trials, deps.store->ListTrials(e.experiment_id));
  Value::Struct out = {{"experiment", api::ExperimentToValue(e, include_spec.value_or(false))}};
  std::map<std::string, int64_t> counts;
  for (const auto& t : trials) counts[std::string(tuning::TrialPhaseName(t.state))]++;
  Value::Struct count_values;
  for (const auto& [k, n] : counts) count_values.emplace_back(k, Value::Int(n));
  out.emplace_back("trial_counts", Value::MakeStruct(std::move(count_values)));
  for (const auto& t : trials) {
    if (t.name == e.best_trial_name) out.emplace_back("best_trial", api::TrialToValue(t));
  }
  out.emplace_back("parameter_importance", api::ImportanceToValue(tuning::ComputeParameterImportance(trials)));
  if (include_trials.value_or(true)) {
    Value::List items;
    for (const auto& t : trials) items.push_back(api::TrialToValue(t));
    out.emplace_back("trials", Value::MakeList(std::move(items)));
  }
  return Value::MakeStruct(std::move(out));
}

Result<Value> Stop(const TuningApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(Value body, JsonBody(request));
  CAIRN_ASSIGN_OR_RETURN(std::string id, StringField(body, "experiment_id", true));
  CAIRN_RETURN_IF_ERROR(deps.controller->StopExperiment(id));
  return Value::MakeStruct({});
}

Result<Value> Resume(const TuningApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(Value body, JsonBody(request));
  CAIRN_ASSIGN_OR_RETURN(std::string id, StringField(body, "experiment_id", true));
  CAIRN_ASSIGN_OR_RETURN(auto max_trials, IntField(body, "max_trial_count", 1));
  if (!max_trials) return RequestParams::Missing("max_trial_count");
  CAIRN_ASSIGN_OR_RETURN(tuning::ExperimentRecord record,
                         deps.controller->ResumeExperiment(id, static_cast<int>(*max_trials)));
  return Value::MakeStruct({{"experiment", api::ExperimentToValue(record, false)}});
}

Result<Value> Logs(const TuningApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(RequestParams params, RequestParams::FromRequest(request));
  CAIRN_ASSIGN_OR_RETURN(tuning::ExperimentRecord e, FindExperiment(deps, params));
  CAIRN_ASSIGN_OR_RETURN(std::string trial_name, params.RequireString("trial"));
  CAIRN_ASSIGN_OR_RETURN(auto stream_name, params.GetString("stream"));
  pipelines::LogStream stream = pipelines::LogStream::kStdout;
  if (stream_name && *stream_name == "stderr") {
    stream = pipelines::LogStream::kStderr;
  } else if (stream_name && !stream_name->empty() && *stream_name != "stdout") {
    return InvalidArgument("Parameter 'stream' must be 'stdout' or 'stderr'.");
  }
  CAIRN_ASSIGN_OR_RETURN(auto offset, params.GetInt64("offset"));
  CAIRN_ASSIGN_OR_RETURN(auto max_bytes, params.GetInt64("max_bytes"));
  if (offset && *offset < 0) return InvalidArgument("Parameter 'offset' must be >= 0.");
  int64_t limit = max_bytes.value_or(api::kDefaultLogBytes);
  if (limit < 1 || limit > api::kMaxLogBytes) {
    return InvalidArgument(fmt::format("Parameter 'max_bytes' must be between 1 and {}.", api::kMaxLogBytes));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<tuning::TrialRecord> trials, deps.store->ListTrials(e.experiment_id));
  const tuning::TrialRecord* trial = nullptr;
  for (const auto& t : trials) {
    if (t.name == trial_name) trial = &t;
  }
  if (trial == nullptr) {
    return NotFound(fmt::format("Trial '{}' not found in experiment '{}'.", trial_name.substr(0, 200), e.name));
  }
  pipelines::LogChunk chunk;
  chunk.next_offset = offset.value_or(0);
  chunk.eof = true;
  if (!trial->handle.empty()) {
    CAIRN_ASSIGN_OR_RETURN(chunk, deps.executor->Logs(trial->handle, stream, offset.value_or(0), limit));
  }
  return Value::MakeStruct({{"data", Value::String(pipelines::api::SanitizeUtf8(chunk.data))},
                            {"next_offset", Value::Int(chunk.next_offset)},
                            {"eof", Value::Bool(chunk.eof)},
                            {"trial_state", Value::String(std::string(tuning::TrialPhaseName(trial->state)))}});
}

Result<Value> Validate(const HttpRequest& request) {
  std::string spec;
  std::string source = "experiment.yaml";
  if (IsYamlBody(request)) {
    spec = request.body;
  } else {
    CAIRN_ASSIGN_OR_RETURN(Value body, JsonBody(request));
    CAIRN_ASSIGN_OR_RETURN(spec, SpecText(body));
    CAIRN_ASSIGN_OR_RETURN(std::string s, StringField(body, "source_name", false));
    if (!s.empty()) source = s;
  }
  tuning::LoadedSpec loaded = tuning::LoadExperimentSpecWithProblems(spec, source);
  Value::List problems;
  for (const auto& p : loaded.problems) {
    problems.push_back(Value::MakeStruct({{"location", Value::String(p.location)},
                                          {"message", Value::String(p.message)},
                                          {"severity", Value::String("error")}}));
  }
  return Value::MakeStruct({{"valid", Value::Bool(loaded.problems.empty())},
                            {"name", Value::String(loaded.spec.name)},
                            {"problems", Value::MakeList(std::move(problems))}});
}

}  // namespace

void RegisterTuningApi(Router& router, const TuningApiDeps& deps) {
  Add(router, api::kSubmitExperiment, ValueHandler([deps](const HttpRequest& r) { return Submit(deps, r); }));
  Add(router, api::kListExperiments, ValueHandler([deps](const HttpRequest& r) { return List(deps, r); }));
  Add(router, api::kGetExperiment, ValueHandler([deps](const HttpRequest& r) { return Get(deps, r); }));
  Add(router, api::kStopExperiment, ValueHandler([deps](const HttpRequest& r) { return Stop(deps, r); }));
  Add(router, api::kResumeExperiment, ValueHandler([deps](const HttpRequest& r) { return Resume(deps, r); }));
  Add(router, api::kTrialLogs, ValueHandler([deps](const HttpRequest& r) { return Logs(deps, r); }));
  Add(router, api::kValidate, ValueHandler([](const HttpRequest& r) { return Validate(r); }));
}

}  // namespace cairn::frontends
