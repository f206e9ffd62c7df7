#include "frontends/pipelines_api/pipelines_api.h"

#include <fmt/format.h>

#include <utility>

#include "frontends/cairn_api/value_api.h"
#include "frontends/http/request_params.h"
#include "frontends/http/status_mapping.h"
#include "frontends/http/url.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "pipelines/api/routes.h"
#include "pipelines/api/run_json.h"
#include "pipelines/graph.h"

namespace cairn::frontends {
namespace {

namespace api = pipelines::api;
using pipelines::Value;

Result<Value> JsonBody(const HttpRequest& request) {
  return JsonObjectBody(request, "or application/yaml for a spec on submit and validate");
}

Handler WrapStringHandler(std::function<Result<std::string>(const HttpRequest&)> handler) {
  return WrapRaw([handler = std::move(handler)](HttpRequest& request) -> HttpResponse {
    auto body = handler(request);
    if (!body.ok()) return ErrorResponse(body.status());
    return HttpResponse::Json(std::move(body).value());
  });
}

void Add(Router& router, const api::Route& route, Handler handler) {
  AddApiRoute(router, route.method, route.path, std::move(handler));
}

// A spec POSTed as the body itself (Content-Type application/yaml, as
// `curl --data-binary @pipeline.yaml` sends it) with the options in the
// query string: source_name, display_name, experiment_id, experiment_name,
// cache_enabled, parallelism, and repeated `param=KEY=VALUE` (typed by the
// pipeline's input definitions, like `cairn pipelines run --param`).
// Returns the equivalent JSON body and fills `text_params`.
Result<Value> YamlSubmitBody(const HttpRequest& request,
                             std::vector<std::pair<std::string, std::string>>& text_params) {
  if (request.body.empty()) return RequestParams::Missing("spec");
  auto query = ParseQuery(request.query);
  if (!query) return InvalidArgument("Malformed query string.");
  Value::Struct body;
  body.emplace_back("spec", Value::String(request.body));
  for (const auto& [key, value] : *query) {
    if (key == "param") {
      const size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0) {
        return InvalidArgument(fmt::format("Query parameter 'param' must be KEY=VALUE, got '{}'.", value));
      }
      text_params.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (key == "cache_enabled") {
      if (value != "true" && value != "false") return InvalidArgument("Parameter 'cache_enabled' must be a boolean.");
      body.emplace_back(key, Value::Bool(value == "true"));
    } else if (key == "parallelism") {
      auto n = ParseInt64(value);
      if (!n) return InvalidArgument("Parameter 'parallelism' must be an integer >= 0.");
      body.emplace_back(key, Value::Int(*n));
    } else if (key == "source_name" || key == "display_name" || key == "experiment_id" ||
               key == "experiment_name") {
      body.emplace_back(key, Value::String(value));
    } else {
      return InvalidArgument(fmt::format("Unknown query parameter '{}' for a YAML submit.", key));
    }
  }
  return Value::MakeStruct(std::move(body));
}

Result<Value> Submit(const PipelinesApiDeps& deps, const HttpRequest& request) {
  pipelines::SubmitRequest submit;
  Value body;
  if (IsYamlContentType(request.content_type)) {
    CAIRN_ASSIGN_OR_RETURN(body, YamlSubmitBody(request, submit.parameters));
  } else {
    CAIRN_ASSIGN_OR_RETURN(body, JsonBody(request));
  }
  CAIRN_ASSIGN_OR_RETURN(submit.spec_yaml, StringField(body, "spec", true));
  CAIRN_ASSIGN_OR_RETURN(submit.source_name, StringField(body, "source_name", false));
  CAIRN_ASSIGN_OR_RETURN(submit.display_name, StringField(body, "display_name", false));
  CAIRN_ASSIGN_OR_RETURN(submit.experiment_id, StringField(body, "experiment_id", false));
  CAIRN_ASSIGN_OR_RETURN(std::string experiment_name, StringField(body, "experiment_name", false));
  if (!experiment_name.empty()) {
    if (!submit.experiment_id.empty()) {
      return InvalidArgument("Give either experiment_id or experiment_name, not both.");
    }
    if (deps.tracking == nullptr) return InvalidArgument("experiment_name needs the tracking store.");
    auto experiment = deps.tracking->GetExperimentByName(experiment_name);
    if (!experiment.ok()) {
      if (experiment.status().code() != StatusCode::kNotFound) return experiment.status();
      tracking::CreateExperimentRequest create;
      create.name = experiment_name;
      CAIRN_ASSIGN_OR_RETURN(submit.experiment_id, deps.tracking->CreateExperiment(create));
    } else {
      submit.experiment_id = experiment->experiment_id;
    }
  }
  if (const Value* params = body.Find("parameters"); params != nullptr && !params->is_null()) {
    if (params->is_struct()) {
      for (const auto& [k, v] : params->as_struct()) submit.parameter_values.emplace_back(k, v);
    } else if (params->is_list()) {
      // [{"key": k, "value": v}], the shape MLflow uses for params.
      for (const Value& item : params->as_list()) {
        const Value* key = item.is_struct() ? item.Find("key") : nullptr;
        if (key == nullptr || !key->is_string()) return InvalidArgument("Each parameter needs a string 'key'.");
        const Value* value = item.Find("value");
        submit.parameter_values.emplace_back(key->as_string(), value != nullptr ? *value : Value());
      }
    } else {
      return InvalidArgument("Parameter 'parameters' must be an object.");
    }
  }
  if (const Value* cache = body.Find("cache_enabled"); cache != nullptr && !cache->is_null()) {
    if (!cache->is_bool()) return InvalidArgument("Parameter 'cache_enabled' must be a boolean.");
    submit.cache_enabled = cache->as_bool();
  }
  if (const Value* p = body.Find("parallelism"); p != nullptr && !p->is_null()) {
    if (!p->is_int() || p->as_int() < 0) return InvalidArgument("Parameter 'parallelism' must be an integer >= 0.");
    submit.parallelism = p->as_int();
  }
  CAIRN_ASSIGN_OR_RETURN(pipelines::PipelineRunRecord run, deps.scheduler->Submit(submit));
  return Value::MakeStruct({{"run", api::RunToValue(run, false)}});
}

Result<Value> List(const PipelinesApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(RequestParams params, RequestParams::FromRequest(request));
  pipelines::ListRunsRequest list;
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  if (max_results) list.max_results = *max_results;
  CAIRN_ASSIGN_OR_RETURN(auto token, params.GetString("page_token"));
  if (token) list.page_token = *token;
  CAIRN_ASSIGN_OR_RETURN(auto state, params.GetString("state"));
  if (state && !state->empty()) {
    auto parsed = pipelines::ParseRunState(*state);
    if (!parsed) {
      return InvalidArgument(fmt::format(
          "Invalid state '{}': expected PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLING or CANCELLED.",
          state->substr(0, 100)));
    }
    list.state = *parsed;
  }
  CAIRN_ASSIGN_OR_RETURN(pipelines::RunPage page, deps.store->ListRuns(list));
  Value::List runs;
  for (const auto& run : page.runs) runs.push_back(api::RunToValue(run, false));
  Value::Struct out = {{"runs", Value::MakeList(std::move(runs))}};
  if (!page.next_page_token.empty()) out.emplace_back("next_page_token", Value::String(page.next_page_token));
  return Value::MakeStruct(std::move(out));
}

// Written task by task: a run with 20,000 tasks must not build one big
// value tree per request.
Result<std::string> Get(const PipelinesApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(RequestParams params, RequestParams::FromRequest(request));
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, params.RequireString("run_id"));
  CAIRN_ASSIGN_OR_RETURN(auto include_spec, params.GetBool("include_spec"));
  CAIRN_ASSIGN_OR_RETURN(auto include_tasks, params.GetBool("include_tasks"));
  CAIRN_ASSIGN_OR_RETURN(pipelines::PipelineRunRecord run, deps.store->GetRun(run_id));
  std::string out = "{\"run\":" + api::RunToValue(run, include_spec.value_or(false)).ToJson();
  if (include_tasks.value_or(true)) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<pipelines::TaskRecord> tasks, deps.store->ListTasks(run_id));
    out += ",\"tasks\":[";
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (i > 0) out += ',';
      out += api::TaskToValue(tasks[i]).ToJson();
    }
    out += ']';
  }
  out += '}';
  return out;
}

Result<Value> Logs(const PipelinesApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(RequestParams params, RequestParams::FromRequest(request));
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, params.RequireString("run_id"));
  CAIRN_ASSIGN_OR_RETURN(std::string task_id, params.RequireString("task"));
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
  CAIRN_ASSIGN_OR_RETURN(pipelines::TaskRecord task, deps.store->GetTask(run_id, task_id));
  pipelines::LogChunk chunk;
  chunk.next_offset = offset.value_or(0);
  chunk.eof = true;
  if (!task.handle.empty()) {
    CAIRN_ASSIGN_OR_RETURN(chunk, deps.executor->Logs(task.handle, stream, offset.value_or(0), limit));
  }
  return Value::MakeStruct({{"data", Value::String(api::SanitizeUtf8(chunk.data))},
                            {"next_offset", Value::Int(chunk.next_offset)},
                            {"eof", Value::Bool(chunk.eof)},
                            {"task_state", Value::String(std::string(pipelines::NodeStateName(task.state)))},
                            {"attempt", Value::Int(task.attempt)}});
}

Result<Value> Cancel(const PipelinesApiDeps& deps, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(Value body, JsonBody(request));
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, StringField(body, "run_id", true));
  CAIRN_RETURN_IF_ERROR(deps.scheduler->Cancel(run_id));
  return Value::MakeStruct({});
}

Result<Value> Validate(const HttpRequest& request) {
  Value body;
  if (IsYamlContentType(request.content_type)) {
    std::vector<std::pair<std::string, std::string>> unused;
    CAIRN_ASSIGN_OR_RETURN(body, YamlSubmitBody(request, unused));
  } else {
    CAIRN_ASSIGN_OR_RETURN(body, JsonBody(request));
  }
  CAIRN_ASSIGN_OR_RETURN(std::string spec, StringField(body, "spec", true));
  CAIRN_ASSIGN_OR_RETURN(std::string source, StringField(body, "source_name", false));
  if (source.empty()) source = "pipeline.yaml";
  if (spec.size() > pipelines::kMaxSpecBytes) {
    return InvalidArgument(fmt::format("The pipeline spec is larger than {} bytes.", pipelines::kMaxSpecBytes));
  }
  Value::List problems;
  std::string name;
  bool valid = true;
  auto loaded = pipelines::LoadPipeline(spec, source);
  if (!loaded.ok()) {
    valid = false;
    problems.push_back(Value::MakeStruct({{"location", Value::String("")},
                                          {"message", Value::String(loaded.status().message())},
                                          {"severity", Value::String("error")}}));
  } else {
    name = loaded->name;
    for (const auto& p : pipelines::ValidatePipeline(*loaded)) {
      if (p.severity == pipelines::Severity::kError) valid = false;
      problems.push_back(Value::MakeStruct({{"location", Value::String(p.location)},
                                            {"message", Value::String(p.message)},
                                            {"severity", Value::String(std::string(pipelines::SeverityName(p.severity)))}}));
    }
  }
  return Value::MakeStruct({{"valid", Value::Bool(valid)},
                            {"pipeline_name", Value::String(name)},
                            {"problems", Value::MakeList(std::move(problems))}});
}

}  // namespace

void RegisterPipelinesApi(Router& router, const PipelinesApiDeps& deps) {
  Add(router, api::kSubmitRun, ValueHandler([deps](const HttpRequest& r) { return Submit(deps, r); }));
  Add(router, api::kListRuns, ValueHandler([deps](const HttpRequest& r) { return List(deps, r); }));
  Add(router, api::kGetRun, WrapStringHandler([deps](const HttpRequest& r) { return Get(deps, r); }));
  Add(router, api::kGetLogs, ValueHandler([deps](const HttpRequest& r) { return Logs(deps, r); }));
  Add(router, api::kCancelRun, ValueHandler([deps](const HttpRequest& r) { return Cancel(deps, r); }));
  Add(router, api::kValidate, ValueHandler([](const HttpRequest& r) { return Validate(r); }));
}

}  // namespace cairn::frontends
