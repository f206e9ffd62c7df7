#include "client/rest_pipelines_client.h"


#include "client/json_api_call.h"
#include "client/rest_tracking_store.h"
#include "pipelines/api/routes.h"
#include "pipelines/api/run_json.h"

namespace cairn::client {

namespace api = pipelines::api;
using pipelines::Value;

RestPipelinesClient::RestPipelinesClient(std::string base_url, std::unique_ptr<HttpClient> http)
    : base_url_(std::move(base_url)), http_(std::move(http)) {}

Result<std::unique_ptr<RestPipelinesClient>> RestPipelinesClient::Create(std::string_view tracking_uri,
                                                                         const HttpClientOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string base_url, NormalizeTrackingUri(tracking_uri));
  return std::make_unique<RestPipelinesClient>(std::move(base_url), CreateHttpClient(options));
}

Result<Value> RestPipelinesClient::Call(std::string_view method, std::string_view path, const QueryParams& query,
                         std::string body) {
  return CallJsonApi(*http_, base_url_, method, path, query, std::move(body));
}

Result<pipelines::PipelineRunRecord> RestPipelinesClient::Submit(const SubmitPipelineRequest& request) {
  Value::Struct params;
  for (const auto& [k, v] : request.parameters) params.emplace_back(k, v);
  Value::Struct body = {{"spec", Value::String(request.spec_yaml)},
                        {"parameters", Value::MakeStruct(std::move(params))},
                        {"cache_enabled", Value::Bool(request.cache_enabled)},
                        {"parallelism", Value::Int(request.parallelism)}};
  if (!request.source_name.empty()) body.emplace_back("source_name", Value::String(request.source_name));
  if (!request.display_name.empty()) body.emplace_back("display_name", Value::String(request.display_name));
  if (!request.experiment_id.empty()) body.emplace_back("experiment_id", Value::String(request.experiment_id));
  if (!request.experiment_name.empty()) body.emplace_back("experiment_name", Value::String(request.experiment_name));
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kSubmitRun.method, api::kSubmitRun.path, {},
                                           Value::MakeStruct(std::move(body)).ToJson()));
  const Value* run = reply.Find("run");
  if (run == nullptr) return Internal("The submit answer has no run.");
  return api::RunFromValue(*run);
}

Result<pipelines::RunPage> RestPipelinesClient::ListRuns(const pipelines::ListRunsRequest& request) {
  QueryParams query = {{"max_results", std::to_string(request.max_results)}};
  if (!request.page_token.empty()) query.emplace_back("page_token", request.page_token);
  if (request.state) query.emplace_back("state", std::string(pipelines::RunStateName(*request.state)));
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kListRuns.method, api::kListRuns.path, query, {}));
  pipelines::RunPage page;
  if (const Value* runs = reply.Find("runs"); runs != nullptr && runs->is_list()) {
    for (const Value& v : runs->as_list()) {
      CAIRN_ASSIGN_OR_RETURN(auto run, api::RunFromValue(v));
      page.runs.push_back(std::move(run));
    }
  }
  if (const Value* token = reply.Find("next_page_token"); token != nullptr && token->is_string()) {
    page.next_page_token = token->as_string();
  }
  return page;
}

Result<PipelineRunDetails> RestPipelinesClient::GetRun(const std::string& run_id, bool include_spec) {
  QueryParams query = {{"run_id", run_id}};
  if (include_spec) query.emplace_back("include_spec", "true");
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kGetRun.method, api::kGetRun.path, query, {}));
  PipelineRunDetails details;
  const Value* run = reply.Find("run");
  if (run == nullptr) return Internal("The get answer has no run.");
  CAIRN_ASSIGN_OR_RETURN(details.run, api::RunFromValue(*run));
  if (const Value* tasks = reply.Find("tasks"); tasks != nullptr && tasks->is_list()) {
    for (const Value& v : tasks->as_list()) {
      CAIRN_ASSIGN_OR_RETURN(auto task, api::TaskFromValue(v));
      task.run_id = run_id;
      details.tasks.push_back(std::move(task));
    }
  }
  return details;
}

Result<PipelineLogChunk> RestPipelinesClient::Logs(const std::string& run_id, const std::string& task,
                                                   pipelines::LogStream stream, int64_t offset, int64_t max_bytes) {
  QueryParams query = {{"run_id", run_id},
                       {"task", task},
                       {"stream", stream == pipelines::LogStream::kStderr ? "stderr" : "stdout"},
                       {"offset", std::to_string(offset)},
                       {"max_bytes", std::to_string(max_bytes)}};
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kGetLogs.method, api::kGetLogs.path, query, {}));
  PipelineLogChunk chunk;
  if (const Value* d = reply.Find("data"); d != nullptr && d->is_string()) chunk.data = d->as_string();
  if (const Value* n = reply.Find("next_offset"); n != nullptr && n->is_int()) chunk.next_offset = n->as_int();
  if (const Value* e = reply.Find("eof"); e != nullptr && e->is_bool()) chunk.eof = e->as_bool();
  if (const Value* s = reply.Find("task_state"); s != nullptr && s->is_string()) {
    chunk.task_state = pipelines::ParseNodeState(s->as_string()).value_or(pipelines::NodeState::kPending);
  }
  if (const Value* a = reply.Find("attempt"); a != nullptr && a->is_int()) {
    chunk.attempt = static_cast<int32_t>(a->as_int());
  }
  return chunk;
}

Status RestPipelinesClient::Cancel(const std::string& run_id) {
  return Call(api::kCancelRun.method, api::kCancelRun.path, {},
              Value::MakeStruct({{"run_id", Value::String(run_id)}}).ToJson())
      .status();
}

Result<PipelineValidation> RestPipelinesClient::Validate(const std::string& spec_yaml,
                                                         const std::string& source_name) {
  CAIRN_ASSIGN_OR_RETURN(
      Value reply,
      Call(api::kValidate.method, api::kValidate.path, {},
           Value::MakeStruct({{"spec", Value::String(spec_yaml)}, {"source_name", Value::String(source_name)}})
               .ToJson()));
  PipelineValidation out;
  if (const Value* v = reply.Find("valid"); v != nullptr && v->is_bool()) out.valid = v->as_bool();
  if (const Value* n = reply.Find("pipeline_name"); n != nullptr && n->is_string()) out.pipeline_name = n->as_string();
  if (const Value* problems = reply.Find("problems"); problems != nullptr && problems->is_list()) {
    for (const Value& p : problems->as_list()) {
      PipelineProblem problem;
      if (const Value* f = p.Find("location"); f != nullptr && f->is_string()) problem.location = f->as_string();
      if (const Value* f = p.Find("message"); f != nullptr && f->is_string()) problem.message = f->as_string();
      if (const Value* f = p.Find("severity"); f != nullptr && f->is_string()) problem.severity = f->as_string();
      out.problems.push_back(std::move(problem));
    }
  }
  return out;
}

}  // namespace cairn::client
