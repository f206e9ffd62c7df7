#include "frontends/inference_http/deployments_api.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/json_writer.h"
#include "frontends/http/request_params.h"
#include "frontends/http/status_mapping.h"
#include "frontends/http/url.h"

namespace cairn::frontends {
namespace {

using serving::Deployment;
using serving::ServedModel;

void WriteVersion(JsonWriter& w, const ServedModel& m) {
  w.StartObject();
  w.Field("model_uri", m.origin().model_uri);
  w.Field("registered_model_name", m.origin().registered_name);
  w.Field("version", m.origin().version);
  w.Field("run_id", m.origin().run_id);
  w.Field("source", m.origin().artifact_uri);
  w.Field("platform", m.metadata().platform);
  w.EndObject();
}

void WriteDeployment(JsonWriter& w, const Deployment& d) {
  w.StartObject();
  w.Field("name", d.name);
  w.Field("model_uri", d.model_uri);
  w.Field("state", "READY");
  w.Key("model_version");
  WriteVersion(w, *d.primary);
  if (d.canary) {
    w.Key("canary");
    WriteVersion(w, *d.canary);
  }
  w.Field("canary_traffic_percent", int64_t{d.canary_traffic_percent});
  w.Field("log_requests", d.request_log != nullptr);
  w.Key("batching").StartObject();
  w.Field("max_batch_size", int64_t{d.batching.max_batch_size});
  w.Field("max_queue_delay_us", d.batching.max_queue_delay_us);
  w.Field("max_queue_size", int64_t{d.batching.max_queue_size});
  w.EndObject();
  w.Key("endpoints").StartObject();
  w.Field("v2", "/v2/models/" + d.name);
  w.Field("v1", "/v1/models/" + d.name + ":predict");
  w.Field("invocations", "/invocations?model=" + d.name);
  w.EndObject();
  w.Field("creation_timestamp", d.created_ms);
  w.Field("last_updated_timestamp", d.updated_ms);
  w.EndObject();
}

HttpResponse One(const Deployment& d) {
  JsonWriter w;
  w.StartObject().Key("deployment");
  WriteDeployment(w, d);
  w.EndObject();
  return HttpResponse::Json(w.str());
}

// Batching fields of a create or update body; nullopt when none is given.
Result<std::optional<serving::BatchingOptions>> ReadBatching(const RequestParams& p, serving::BatchingOptions base) {
  bool any = false;
  CAIRN_ASSIGN_OR_RETURN(auto size, p.GetInt64("max_batch_size"));
  CAIRN_ASSIGN_OR_RETURN(auto delay, p.GetInt64("max_queue_delay_us"));
  CAIRN_ASSIGN_OR_RETURN(auto queue, p.GetInt64("max_queue_size"));
  if (size) any = true, base.max_batch_size = static_cast<int>(std::clamp<int64_t>(*size, -1, 1 << 20));
  if (delay) any = true, base.max_queue_delay_us = *delay;
  if (queue) any = true, base.max_queue_size = static_cast<int>(std::clamp<int64_t>(*queue, -1, 1 << 30));
  if (!any) return std::optional<serving::BatchingOptions>();
  return std::optional<serving::BatchingOptions>(base);
}

Result<std::string> NameFromPath(const HttpRequest& request) {
  std::string_view rest = std::string_view(request.path).substr(std::string_view(kDeploymentsPath).size());
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  auto name = PercentDecode(rest, false);
  if (!name || name->empty() || name->find('/') != std::string::npos) {
    return Status(StatusCode::kEndpointNotFound, fmt::format("no endpoint {} {}", request.method, request.path));
  }
  return *name;
}

template <typename F>
Handler Guarded(F body) {
  return [body](HttpRequest& request) -> HttpResponse {
    try {
      Result<HttpResponse> r = body(request);
      return r.ok() ? std::move(r).value() : ErrorResponse(r.error());
    } catch (const std::exception& e) {
      return ErrorResponse(Internal("internal error", e.what()));
    }
  };
}

}  // namespace

std::string DeploymentJson(const Deployment& deployment) {
  JsonWriter w;
  WriteDeployment(w, deployment);
  return w.str();
}

void RegisterDeploymentsApi(Router& router, serving::ModelRepository& repo) {
  const std::string base = kDeploymentsPath;
  router.Add(Route{"POST", base, false, false, Guarded([&repo](HttpRequest& r) -> Result<HttpResponse> {
                     CAIRN_ASSIGN_OR_RETURN(auto p, RequestParams::FromRequest(r));
                     serving::DeploymentSpec spec;
                     CAIRN_ASSIGN_OR_RETURN(spec.model_uri, p.RequireString("model_uri"));
                     CAIRN_ASSIGN_OR_RETURN(auto name, p.GetString("name"));
                     spec.name = name.value_or("");
                     CAIRN_ASSIGN_OR_RETURN(auto batching, ReadBatching(p, spec.batching));
                     if (batching) spec.batching = *batching;
                     CAIRN_ASSIGN_OR_RETURN(auto log, p.GetBool("log_requests"));
                     spec.log_requests = log.value_or(false);
                     CAIRN_ASSIGN_OR_RETURN(Deployment d, repo.Create(std::move(spec)));
                     return One(d);
                   })});
  router.Add(Route{"GET", base, false, false, Guarded([&repo](HttpRequest&) -> Result<HttpResponse> {
                     JsonWriter w;
                     w.StartObject().Key("deployments").StartArray();
                     for (const auto& d : repo.List()) WriteDeployment(w, d);
                     w.EndArray().EndObject();
                     return HttpResponse::Json(w.str());
                   })});
  router.Add(Route{"GET", base + "/", true, false, Guarded([&repo](HttpRequest& r) -> Result<HttpResponse> {
                     CAIRN_ASSIGN_OR_RETURN(std::string name, NameFromPath(r));
                     CAIRN_ASSIGN_OR_RETURN(Deployment d, repo.Get(name));
                     return One(d);
                   })});
  router.Add(Route{"PATCH", base + "/", true, false, Guarded([&repo](HttpRequest& r) -> Result<HttpResponse> {
                     CAIRN_ASSIGN_OR_RETURN(std::string name, NameFromPath(r));
                     CAIRN_ASSIGN_OR_RETURN(auto p, RequestParams::FromRequest(r));
                     CAIRN_ASSIGN_OR_RETURN(Deployment current, repo.Get(name));
                     serving::DeploymentUpdate update;
                     CAIRN_ASSIGN_OR_RETURN(update.model_uri, p.GetString("model_uri"));
                     CAIRN_ASSIGN_OR_RETURN(auto percent, p.GetInt64("canary_traffic_percent"));
                     if (percent) {
                       if (*percent < 0 || *percent > 100) return InvalidArgument("canary_traffic_percent must be in 0..100");
                       update.canary_traffic_percent = static_cast<int>(*percent);
                     }
                     CAIRN_ASSIGN_OR_RETURN(update.batching, ReadBatching(p, current.batching));
                     if (!update.model_uri && !update.canary_traffic_percent && !update.batching) {
                       return InvalidArgument("give model_uri, canary_traffic_percent or batching fields to change");
                     }
                     CAIRN_ASSIGN_OR_RETURN(Deployment d, repo.Update(name, update));
                     return One(d);
                   })});
  router.Add(Route{"DELETE", base + "/", true, false, Guarded([&repo](HttpRequest& r) -> Result<HttpResponse> {
                     CAIRN_ASSIGN_OR_RETURN(std::string name, NameFromPath(r));
                     CAIRN_RETURN_IF_ERROR(repo.Delete(name));
                     return HttpResponse::Json("{}");
                   })});
}

}  // namespace cairn::frontends
