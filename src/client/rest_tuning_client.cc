#include "client/rest_tuning_client.h"


#include <cctype>

#include "client/json_api_call.h"
#include "client/rest_tracking_store.h"
#include "tuning/api/experiment_json.h"
#include "tuning/api/routes.h"

namespace cairn::client {

namespace api = tuning::api;
using pipelines::Value;

namespace {
bool LooksLikeId(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}
}  // namespace

RestTuningClient::RestTuningClient(std::string base_url, std::unique_ptr<HttpClient> http)
    : base_url_(std::move(base_url)), http_(std::move(http)) {}

Result<std::unique_ptr<RestTuningClient>> RestTuningClient::Create(std::string_view tracking_uri,
                                                                   const HttpClientOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::string base_url, NormalizeTrackingUri(tracking_uri));
  return std::make_unique<RestTuningClient>(std::move(base_url), CreateHttpClient(options));
}

Result<Value> RestTuningClient::Call(std::string_view method, std::string_view path, const QueryParams& query,
                         std::string body) {
  return CallJsonApi(*http_, base_url_, method, path, query, std::move(body));
}

Result<tuning::ExperimentRecord> RestTuningClient::Submit(const SubmitExperimentRequest& r) {
  Value::Struct body = {{"spec", Value::String(r.spec_text)}};
  if (!r.source_name.empty()) body.emplace_back("source_name", Value::String(r.source_name));
  if (!r.name.empty()) body.emplace_back("name", Value::String(r.name));
  if (r.max_trial_count) body.emplace_back("max_trial_count", Value::Int(*r.max_trial_count));
  if (r.parallel_trial_count) body.emplace_back("parallel_trial_count", Value::Int(*r.parallel_trial_count));
  if (r.max_failed_trial_count) body.emplace_back("max_failed_trial_count", Value::Int(*r.max_failed_trial_count));
  if (r.trial_timeout_seconds) body.emplace_back("trial_timeout_seconds", Value::Int(*r.trial_timeout_seconds));
  if (!r.experiment_id.empty()) body.emplace_back("experiment_id", Value::String(r.experiment_id));
  if (!r.experiment_name.empty()) body.emplace_back("experiment_name", Value::String(r.experiment_name));
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kSubmitExperiment.method, api::kSubmitExperiment.path, {},
                                           Value::MakeStruct(std::move(body)).ToJson()));
  const Value* e = reply.Find("experiment");
  if (e == nullptr) return Internal("The submit answer has no experiment.");
  return api::ExperimentFromValue(*e);
}

Result<tuning::ExperimentPage> RestTuningClient::List(const tuning::ListExperimentsRequest& request) {
  QueryParams query = {{"max_results", std::to_string(request.max_results)}};
  if (!request.page_token.empty()) query.emplace_back("page_token", request.page_token);
  if (request.state) query.emplace_back("state", std::string(tuning::ExperimentStateName(*request.state)));
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kListExperiments.method, api::kListExperiments.path, query, {}));
  tuning::ExperimentPage page;
  if (const Value* items = reply.Find("experiments"); items != nullptr && items->is_list()) {
    for (const Value& v : items->as_list()) {
      CAIRN_ASSIGN_OR_RETURN(auto e, api::ExperimentFromValue(v));
      page.experiments.push_back(std::move(e));
    }
  }
  if (const Value* token = reply.Find("next_page_token"); token != nullptr && token->is_string()) {
    page.next_page_token = token->as_string();
  }
  return page;
}

Result<ExperimentDetails> RestTuningClient::Get(const std::string& id_or_name, bool include_trials) {
  QueryParams query = {{LooksLikeId(id_or_name) ? "experiment_id" : "name", id_or_name},
                       {"include_trials", include_trials ? "true" : "false"}};
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kGetExperiment.method, api::kGetExperiment.path, query, {}));
  ExperimentDetails out;
  const Value* e = reply.Find("experiment");
  if (e == nullptr) return Internal("The get answer has no experiment.");
  CAIRN_ASSIGN_OR_RETURN(out.experiment, api::ExperimentFromValue(*e));
  if (const Value* trials = reply.Find("trials"); trials != nullptr && trials->is_list()) {
    for (const Value& v : trials->as_list()) {
      CAIRN_ASSIGN_OR_RETURN(auto t, api::TrialFromValue(v));
      out.trials.push_back(std::move(t));
    }
  }
  out.raw = std::move(reply);
  return out;
}

Status RestTuningClient::Stop(const std::string& experiment_id) {
  return Call(api::kStopExperiment.method, api::kStopExperiment.path, {},
              Value::MakeStruct({{"experiment_id", Value::String(experiment_id)}}).ToJson())
      .status();
}

Result<tuning::ExperimentRecord> RestTuningClient::Resume(const std::string& experiment_id, int64_t max_trial_count) {
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kResumeExperiment.method, api::kResumeExperiment.path, {},
                                           Value::MakeStruct({{"experiment_id", Value::String(experiment_id)},
                                                              {"max_trial_count", Value::Int(max_trial_count)}})
                                               .ToJson()));
  const Value* e = reply.Find("experiment");
  if (e == nullptr) return Internal("The resume answer has no experiment.");
  return api::ExperimentFromValue(*e);
}

Result<TrialLogChunk> RestTuningClient::Logs(const std::string& experiment_id, const std::string& trial,
                                             pipelines::LogStream stream, int64_t offset, int64_t max_bytes) {
  QueryParams query = {{"experiment_id", experiment_id},
                       {"trial", trial},
                       {"stream", stream == pipelines::LogStream::kStderr ? "stderr" : "stdout"},
                       {"offset", std::to_string(offset)},
                       {"max_bytes", std::to_string(max_bytes)}};
  CAIRN_ASSIGN_OR_RETURN(Value reply, Call(api::kTrialLogs.method, api::kTrialLogs.path, query, {}));
  TrialLogChunk chunk;
  if (const Value* d = reply.Find("data"); d != nullptr && d->is_string()) chunk.data = d->as_string();
  if (const Value* n = reply.Find("next_offset"); n != nullptr && n->is_int()) chunk.next_offset = n->as_int();
  if (const Value* e = reply.Find("eof"); e != nullptr && e->is_bool()) chunk.eof = e->as_bool();
  if (const Value* s = reply.Find("trial_state"); s != nullptr && s->is_string()) {
    chunk.trial_state = tuning::ParseTrialPhase(s->as_string()).value_or(tuning::TrialPhase::kPending);
  }
  return chunk;
}

}  // namespace cairn::client
