#include "frontends/inference_http/inference_api.h"

#include <fmt/format.h>

#include <chrono>
#include <exception>

#include "base/json_writer.h"
#include "frontends/http/url.h"
#include "frontends/inference_http/inference_errors.h"
#include "frontends/inference_http/metrics_text.h"
#include "frontends/inference_http/oip_codec.h"
#include "frontends/inference_http/tabular_codec.h"

namespace cairn::frontends {
namespace {

using serving::ModelRepository;
using serving::ServedModel;

constexpr std::string_view kV2Models = "/v2/models/";
constexpr std::string_view kV1Models = "/v1/models/";

// A handler with the catch-all every handler needs: library exceptions
// become INTERNAL errors in the protocol's shape.
Handler Guard(std::function<HttpResponse(HttpRequest&)> body) {
  return [body = std::move(body)](HttpRequest& request) -> HttpResponse {
    try {
      return body(request);
    } catch (const std::exception& e) {
      return InferenceErrorResponse(Internal("internal error while handling the request", e.what()));
    } catch (...) {
      return InferenceErrorResponse(Internal("internal error while handling the request"));
    }
  };
}

// The path below `prefix`, split at '/' and percent-decoded.
Result<std::vector<std::string>> Segments(std::string_view path, std::string_view prefix) {
  std::vector<std::string> out;
  std::string_view rest = path.substr(prefix.size());
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    auto decoded = PercentDecode(rest.substr(0, slash), false);
    if (!decoded) return InvalidArgument("malformed percent-encoding in the path");
    out.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

struct ModelPath {
  std::string name;
  std::string version;
  std::string action;  // "", "ready", "infer"
};

// {m}, {m}/ready, {m}/infer, {m}/versions/{v}, {m}/versions/{v}/ready|infer
std::optional<ModelPath> ParseModelPath(const std::vector<std::string>& s) {
  if (s.empty() || s[0].empty()) return std::nullopt;
  ModelPath p{s[0], "", ""};
  size_t i = 1;
  if (s.size() >= 3 && s[1] == "versions") {
    if (s[2].empty()) return std::nullopt;
    p.version = s[2];
    i = 3;
  }
  if (i + 1 == s.size()) {
    p.action = s[i];
    if (p.action != "ready" && p.action != "infer" && p.action != "drift") return std::nullopt;
  } else if (i != s.size()) {
    return std::nullopt;
  }
  return p;
}

HttpResponse WithVersion(HttpResponse response, const ServedModel& model) {
  response.headers.emplace_back("X-Cairn-Model-Version", model.origin().version);
  response.headers.emplace_back("X-Cairn-Model-Uri", model.origin().model_uri);
  return response;
}

// The inference answer, recorded in the deployment's request log when it
// has one. Bodies of answered requests were valid JSON and are embedded as
// is; a rejected body is embedded as a string (it may not be JSON).
HttpResponse Answer(HttpResponse response, const ServedModel& model, std::string_view protocol,
                    const std::string& deployment, const std::string& request_body) {
  response = WithVersion(std::move(response), model);
  if (const auto& log = model.request_log()) {
    JsonWriter w;
    w.StartObject();
    w.Field("timestamp_ms", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::chrono::system_clock::now().time_since_epoch())
                                                     .count()));
    w.Field("deployment", deployment).Field("model_version", model.origin().version);
    w.Field("protocol", protocol).Field("status", int64_t{response.status});
    if (response.status != 200) w.Field("request", request_body);
    w.EndObject();
    std::string line = w.str();
    line.pop_back();  // reopen the object for the raw JSON members
    if (response.status == 200) line += ",\"request\":" + request_body;
    line += ",\"response\":" + response.body + "}";
    log->Append(line);
  }
  return response;
}

std::vector<std::string> LoadedVersions(ModelRepository& repo, const std::string& name) {
  std::vector<std::string> versions;
  if (auto d = repo.Get(name); d.ok()) {
    versions.push_back(d->primary->origin().version);
    if (d->canary) versions.push_back(d->canary->origin().version);
  }
  return versions;
}

HttpResponse ModelsList(ModelRepository& repo) {
  JsonWriter w;
  w.StartObject().Key("models").StartArray();
  for (const auto& d : repo.List()) w.String(d.name);
  w.EndArray().EndObject();
  return HttpResponse::Json(w.str());
}

HttpResponse ReadyJson(const std::string& name, bool ready) {
  JsonWriter w;
  w.StartObject().Field("name", name).Field("ready", ready).EndObject();
  return HttpResponse::Json(w.str(), ready ? 200 : 503);
}

// cairn's extension: GET /v2/models/{m}[/versions/{v}]/drift.
HttpResponse DriftResponse(const std::string& name, const ServedModel& model) {
  const serving::DriftMonitor* drift = model.drift();
  if (!drift) {
    return InferenceErrorResponse(NotFound(fmt::format(
        "model '{}' version {} has no reference dataset (reference.csv next to its MLmodel file)", name,
        model.origin().version)));
  }
  JsonWriter w;
  w.StartObject();
  w.Field("model_name", name).Field("model_version", model.origin().version);
  w.Field("reference_rows", static_cast<int64_t>(drift->reference_rows()));
  w.Field("window_rows", static_cast<int64_t>(drift->window_rows()));
  w.Key("features").StartArray();
  for (const auto& f : drift->Compute()) {
    w.StartObject().Field("name", f.name).DoubleField("psi", f.psi).DoubleField("ks", f.ks).EndObject();
  }
  w.EndArray().EndObject();
  return HttpResponse::Json(w.str());
}

HttpResponse V2Get(ModelRepository& repo, const HttpRequest& request) {
  auto segments = Segments(request.path, kV2Models);
  if (!segments.ok()) return InferenceErrorResponse(segments.error());
  auto path = ParseModelPath(*segments);
  if (!path || path->action == "infer") {
    return InferenceErrorResponse(Status(StatusCode::kEndpointNotFound, fmt::format("no endpoint GET {}", request.path)));
  }
  auto model = repo.Route(path->name, path->version);
  if (path->action == "ready") {
    if (!model.ok() && model.error().code() == StatusCode::kUnavailable) return ReadyJson(path->name, false);
    if (!model.ok()) return InferenceErrorResponse(model.error());
    return ReadyJson(path->name, true);
  }
  if (!model.ok()) return InferenceErrorResponse(model.error());
  if (path->action == "drift") return WithVersion(DriftResponse(path->name, **model), **model);
  std::vector<std::string> versions =
      path->version.empty() ? LoadedVersions(repo, path->name) : std::vector<std::string>{path->version};
  return WithVersion(HttpResponse::Json(OipModelMetadataJson(path->name, versions, (*model)->metadata())), **model);
}

HttpResponse V2Infer(ModelRepository& repo, const HttpRequest& request) {
  auto segments = Segments(request.path, kV2Models);
  if (!segments.ok()) return InferenceErrorResponse(segments.error());
  auto path = ParseModelPath(*segments);
  if (!path || path->action != "infer") {
    return InferenceErrorResponse(Status(StatusCode::kEndpointNotFound, fmt::format("no endpoint POST {}", request.path)));
  }
  auto model = repo.Route(path->name, path->version);
  if (!model.ok()) return InferenceErrorResponse(model.error());
  auto parsed = ParseOipInferRequest(request.body);
  if (!parsed.ok()) {
    (*model)->stats().requests.fetch_add(1, std::memory_order_relaxed);
    (*model)->stats().errors.fetch_add(1, std::memory_order_relaxed);
    return Answer(InferenceErrorResponse(parsed.error()), **model, "v2", path->name, request.body);
  }
  auto response = (*model)->Infer(std::move(parsed).value());
  if (!response.ok()) return Answer(InferenceErrorResponse(response.error()), **model, "v2", path->name, request.body);
  response->model_name = path->name;
  return Answer(HttpResponse::Json(OipInferResponseJson(*response)), **model, "v2", path->name, request.body);
}

using Parser = Result<serving::InferenceRequest> (*)(std::string_view, const serving::ModelMetadata&);
using Writer = std::string (*)(const serving::InferenceResponse&);

HttpResponse TabularInfer(ModelRepository& repo, const std::string& name, const std::string& body, Parser parse,
                          Writer write, std::string_view protocol) {
  auto model = repo.Route(name);
  if (!model.ok()) return InferenceErrorResponse(model.error());
  auto parsed = parse(body, (*model)->metadata());
  if (!parsed.ok()) {
    (*model)->stats().requests.fetch_add(1, std::memory_order_relaxed);
    (*model)->stats().errors.fetch_add(1, std::memory_order_relaxed);
    return Answer(InferenceErrorResponse(parsed.error()), **model, protocol, name, body);
  }
  auto response = (*model)->Infer(std::move(parsed).value());
  if (!response.ok()) return Answer(InferenceErrorResponse(response.error()), **model, protocol, name, body);
  response->model_name = name;
  return Answer(HttpResponse::Json(write(*response)), **model, protocol, name, body);
}

HttpResponse V1Get(ModelRepository& repo, const HttpRequest& request) {
  auto segments = Segments(request.path, kV1Models);
  if (!segments.ok()) return InferenceErrorResponse(segments.error());
  if (segments->size() != 1 || (*segments)[0].empty()) {
    return InferenceErrorResponse(Status(StatusCode::kEndpointNotFound, fmt::format("no endpoint GET {}", request.path)));
  }
  auto model = repo.Route((*segments)[0]);
  if (!model.ok() && model.error().code() == StatusCode::kUnavailable) return ReadyJson((*segments)[0], false);
  if (!model.ok()) return InferenceErrorResponse(model.error());
  return ReadyJson((*segments)[0], true);
}

HttpResponse V1Post(ModelRepository& repo, const HttpRequest& request) {
  auto segments = Segments(request.path, kV1Models);
  if (!segments.ok()) return InferenceErrorResponse(segments.error());
  if (segments->size() != 1) {
    return InferenceErrorResponse(Status(StatusCode::kEndpointNotFound, fmt::format("no endpoint POST {}", request.path)));
  }
  const std::string& target = (*segments)[0];
  size_t colon = target.rfind(':');
  std::string verb = colon == std::string::npos ? "" : target.substr(colon + 1);
  std::string name = colon == std::string::npos ? target : target.substr(0, colon);
  if (verb == "explain") return InferenceErrorResponse(Unimplemented("this server has no explainers (:explain)"));
  if (verb != "predict" || name.empty()) {
    return InferenceErrorResponse(Status(StatusCode::kEndpointNotFound, fmt::format("no endpoint POST {}", request.path)));
  }
  return TabularInfer(repo, name, request.body, &ParseV1PredictRequest, &V1PredictionsJson, "v1");
}

HttpResponse Invocations(ModelRepository& repo, const HttpRequest& request) {
  // MLflow's server has one model; here /invocations goes to the only
  // deployment, or to ?model=<name> when there are several.
  std::string name;
  if (auto query = ParseQuery(request.query); query) {
    for (const auto& [k, v] : *query) {
      if (k == "model") name = v;
    }
  }
  if (name.empty()) {
    auto all = repo.List();
    if (all.size() != 1) {
      return InferenceErrorResponse(all.empty() ? Unavailable("no model is deployed")
                                                : InvalidArgument("several models are deployed: name one with "
                                                                  "/invocations?model=<name>"));
    }
    name = all[0].name;
  }
  if (request.content_type.find("csv") != std::string::npos) {
    return TabularInfer(repo, name, request.body, &ParseInvocationsCsv, &InvocationsPredictionsJson, "invocations");
  }
  if (!request.content_type.empty() && request.content_type.find("json") == std::string::npos) {
    return InferenceErrorResponse(Status(StatusCode::kUnimplemented,
                                         fmt::format("content type '{}' is not supported; send application/json or "
                                                     "text/csv",
                                                     request.content_type)));
  }
  return TabularInfer(repo, name, request.body, &ParseInvocationsRequest, &InvocationsPredictionsJson, "invocations");
}

}  // namespace

void RegisterInferenceApi(Router& router, const InferenceApiDeps& deps) {
  ModelRepository& repo = *deps.repository;
  const bool require_model = deps.ready_requires_model;
  auto add = [&](std::string method, std::string path, bool prefix, std::function<HttpResponse(HttpRequest&)> fn) {
    router.Add(Route{std::move(method), std::move(path), prefix, false, Guard(std::move(fn))});
  };
  add("GET", "/v2", false, [deps](HttpRequest&) {
    JsonWriter w;
    w.StartObject().Field("name", deps.server_name).Field("version", deps.version);
    w.Key("extensions").StartArray().String("metrics").EndArray().EndObject();
    return HttpResponse::Json(w.str());
  });
  add("GET", "/v2/health/live", false, [](HttpRequest&) { return HttpResponse::Json(R"({"live":true})"); });
  add("GET", "/v2/health/ready", false, [&repo, require_model](HttpRequest&) {
    bool ready = repo.Ready(require_model);
    return HttpResponse::Json(ready ? R"({"ready":true})" : R"({"ready":false})", ready ? 200 : 503);
  });
  add("GET", "/v2/models", false, [&repo](HttpRequest&) { return ModelsList(repo); });
  add("GET", std::string(kV2Models), true, [&repo](HttpRequest& r) { return V2Get(repo, r); });
  add("POST", std::string(kV2Models), true, [&repo](HttpRequest& r) { return V2Infer(repo, r); });
  add("GET", "/v1/models", false, [&repo](HttpRequest&) { return ModelsList(repo); });
  add("GET", std::string(kV1Models), true, [&repo](HttpRequest& r) { return V1Get(repo, r); });
  add("POST", std::string(kV1Models), true, [&repo](HttpRequest& r) { return V1Post(repo, r); });
  add("POST", "/invocations", false, [&repo](HttpRequest& r) { return Invocations(repo, r); });
  add("GET", "/ping", false, [&repo, require_model](HttpRequest&) {
    bool ready = repo.Ready(require_model);
    return HttpResponse::Json(ready ? "{}" : R"({"error":"not ready"})", ready ? 200 : 503);
  });
  add("GET", "/metrics", false, [&repo](HttpRequest&) {
    HttpResponse r = HttpResponse::Text(RenderPrometheusMetrics(repo.List()));
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
  if (deps.add_health_routes) {
    add("GET", "/health", false, [](HttpRequest&) { return HttpResponse::Text("OK"); });
    add("GET", "/version", false, [deps](HttpRequest&) { return HttpResponse::Text(deps.version); });
  }
}

}  // namespace cairn::frontends
