#include "frontends/auth/access_check.h"

#include <fmt/format.h>

#include "artifacts/artifact_path.h"
#include "frontends/auth/response_filter.h"
#include "frontends/auth/run_experiments.h"
#include "frontends/http/url.h"
#include "mlflow_wire/endpoints.h"
#include "registry/model_uri.h"

namespace cairn::frontends::authz {
namespace {

using auth::Need;
using auth::Permission;
using auth::ResourceKind;

Status Denied(std::string message) { return Status(StatusCode::kPermissionDenied, std::move(message)); }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsRunId(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsYaml(const std::string& content_type) {
  return content_type.find("yaml") != std::string::npos;
}

// The first path segment after `prefix` (URL-decoded); "" if none.
Result<std::string> PathTail(const std::string& path, std::string_view prefix) {
  if (path.size() <= prefix.size()) return std::string();
  auto decoded = PercentDecode(std::string_view(path).substr(prefix.size()), false);
  if (!decoded) return InvalidArgument("Malformed percent-encoding in the request path.");
  return std::move(*decoded);
}

}  // namespace

Result<const RequestParams*> AccessCheck::Params() {
  if (!params_) {
    // Streamed bodies (uploads) and YAML submits carry their parameters in
    // the query string.
    if (!request_.body_file.empty() || IsYaml(request_.content_type)) {
      HttpRequest query_only;
      query_only.method = "GET";
      query_only.query = request_.query;
      CAIRN_ASSIGN_OR_RETURN(RequestParams p, RequestParams::FromRequest(query_only));
      params_.emplace(std::move(p));
    } else {
      CAIRN_ASSIGN_OR_RETURN(RequestParams p, RequestParams::FromRequest(request_));
      params_.emplace(std::move(p));
    }
  }
  return &*params_;
}

Result<std::string> AccessCheck::Param(std::string_view key) {
  CAIRN_ASSIGN_OR_RETURN(const RequestParams* p, Params());
  CAIRN_ASSIGN_OR_RETURN(auto value, p->GetString(key));
  return value.value_or("");
}

Status AccessCheck::Need(ResourceKind kind, const std::string& resource, auth::Need need) {
  target_ = fmt::format("{} {}", auth::ResourceKindName(kind), resource);
  auto key = std::make_pair(static_cast<int>(kind), resource);
  Permission granted;
  if (auto it = cache_.find(key); it != cache_.end()) {
    granted = it->second;
  } else {
    CAIRN_ASSIGN_OR_RETURN(granted, deps_.authorizer->Effective(identity_, kind, resource));
    cache_.emplace(key, granted);
  }
  if (auth::Allows(granted, need)) return Status::Ok();
  return Denied(fmt::format("Permission denied: {} on {} '{}' needs {} permission (you have {}).",
                            auth::NeedName(need), kind == ResourceKind::kExperiment ? "experiment" : "registered model",
                            resource, need == Need::kRead ? "READ" : need == Need::kUpdate ? "EDIT" : "MANAGE",
                            auth::PermissionName(granted)));
}

bool AccessCheck::CanRead(ResourceKind kind, const std::string& resource) {
  return Need(kind, resource, Need::kRead).ok();
}

Result<std::string> AccessCheck::FindRunExperiment(const std::string& run_id) {
  if (deps_.run_experiments != nullptr) return deps_.run_experiments->Find(run_id);
  CAIRN_ASSIGN_OR_RETURN(tracking::Run run, deps_.tracking->GetRun(run_id));
  return run.info.experiment_id;
}

std::string AccessCheck::RunExperiment(const std::string& run_id) {
  auto experiment = FindRunExperiment(run_id);
  return experiment.ok() ? std::move(experiment).value() : std::string();
}

// A task token may write its own run and the runs nested below it (tagged
// mlflow.parentRunId, followed up a bounded number of levels).
bool AccessCheck::RunInTaskScope(const std::string& run_id) {
  const std::string& scope = identity_.token->scope_run_id;
  std::string current = run_id;
  for (int depth = 0; depth < 16 && !current.empty(); ++depth) {
    if (current == scope) return true;
    auto run = deps_.tracking->GetRun(current);
    if (!run.ok() || run->info.experiment_id != identity_.token->scope_experiment_id) return false;
    std::string parent;
    for (const auto& tag : run->tags) {
      if (tag.key == tracking::kParentRunIdTag) parent = tag.value;
    }
    current = parent;
  }
  return false;
}

Status AccessCheck::NeedRun(const std::string& run_id, auth::Need need) {
  auto experiment = FindRunExperiment(run_id);
  // A missing run: the handler answers 404 and changes nothing.
  if (!experiment.ok()) return experiment.status().code() == StatusCode::kNotFound ? Status::Ok() : experiment.status();
  if (identity_.is_task()) {
    target_ = "run " + run_id;
    if (need != Need::kRead && need != Need::kUpdate) return Denied("Permission denied: task tokens cannot delete runs.");
    if (RunInTaskScope(run_id)) return Status::Ok();
    if (need == Need::kRead) return NeedExperiment(*experiment, need);
    return Denied(fmt::format("Permission denied: this task token may write only to run '{}' and its nested runs.",
                              identity_.token->scope_run_id));
  }
  return NeedExperiment(*experiment, need);
}

Status AccessCheck::NeedModelUri(const std::string& uri, auth::Need need) {
  auto parsed = registry::ParseModelUri(uri);
  if (!parsed.ok()) {
    // Other sources (file paths, s3://) are not resources users hold
    // permissions on: only admins may serve them.
    if (identity_.is_admin()) return Status::Ok();
    return Denied("Permission denied: only admins may deploy a model that is not a models:/ or runs:/ URI.");
  }
  switch (parsed->kind) {
    case registry::ModelUri::Kind::kRun: return NeedRun(parsed->run_id, need);
    case registry::ModelUri::Kind::kLoggedModel: {
      if (deps_.registry == nullptr) break;
      auto model = deps_.registry->GetLoggedModel(parsed->name);
      if (!model.ok()) return model.status().code() == StatusCode::kNotFound ? Status::Ok() : model.status();
      return NeedExperiment(model->experiment_id, need);
    }
    default: return Need(ResourceKind::kRegisteredModel, parsed->name, need);
  }
  return identity_.is_admin() ? Status::Ok() : Denied("Permission denied.");
}

// mlflow-artifacts proxy paths: "<experiment_id>/<run_id>/artifacts/..."
// for run files, "<experiment_id>/..." for other experiment files,
// "models/<model name>/..." for the registry's copies. Anything else (or
// the root) is admin-only. The path is validated first, so "..", absolute
// paths and backslashes never reach a repository.
Status AccessCheck::NeedArtifactPath(const std::string& raw_path, auth::Need need) {
  CAIRN_ASSIGN_OR_RETURN(std::string path, artifacts::ValidateArtifactPath(raw_path));
  target_ = "artifacts " + path;
  std::string_view rest = path;
  auto next = [&rest]() {
    size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    return std::string(seg);
  };
  std::string first = next();
  std::string second = next();
  if (IsDigits(first)) {
    if (IsRunId(second)) {
      if (identity_.is_task()) {
        if (need == Need::kDelete) return Denied("Permission denied: task tokens cannot delete artifacts.");
        if (first == identity_.token->scope_experiment_id && RunInTaskScope(second)) return Status::Ok();
        if (need == Need::kRead) return NeedExperiment(first, need);
        return Denied("Permission denied: this task token may write only to its own run's artifacts.");
      }
    }
    return NeedExperiment(first, need);
  }
  if (first == "models" && !second.empty()) return Need(ResourceKind::kRegisteredModel, second, need);
  if (identity_.is_admin()) return Status::Ok();
  return Denied(fmt::format("Permission denied: '{}' is not an experiment's or a model's artifact path.",
                            path.substr(0, 200)));
}

// The files a new model version is copied from must be readable by the
// caller: otherwise EDIT on any model would copy another team's run files
// into the registry, or server files (file://) and the server's S3 bucket
// into a version the caller can download.
Status AccessCheck::NeedVersionSource() {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, Param("run_id"));
  if (!run_id.empty()) CAIRN_RETURN_IF_ERROR(NeedRun(run_id, Need::kRead));
  CAIRN_ASSIGN_OR_RETURN(std::string source, Param("source"));
  if (source.empty() || identity_.is_admin()) return Status::Ok();
  if (registry::IsModelUri(source)) return NeedModelUri(source, Need::kRead);
  constexpr std::string_view kProxy = "mlflow-artifacts:";
  if (source.compare(0, kProxy.size(), kProxy) == 0) {
    std::string_view path = std::string_view(source).substr(kProxy.size());
    if (path.substr(0, 2) == "//") {  // mlflow-artifacts://host:port/path names this server
      path.remove_prefix(2);
      size_t slash = path.find('/');
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    }
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return NeedArtifactPath(std::string(path), Need::kRead);
  }
  // Another URI: allowed only inside the given run's own artifacts.
  if (!run_id.empty()) {
    auto run = deps_.tracking->GetRun(run_id);
    if (run.ok() && !run->info.artifact_uri.empty() && source.compare(0, run->info.artifact_uri.size(), run->info.artifact_uri) == 0 &&
        source.find("..") == std::string::npos) {
      return Status::Ok();
    }
  }
  return Denied("Permission denied: a model version's source must be a runs:/, models:/ or mlflow-artifacts:/ URI "
                "you may read, or lie inside the artifacts of its run_id (other sources are for admins).");
}

Status AccessCheck::NeedSubmit(bool name_required) {
  CAIRN_ASSIGN_OR_RETURN(std::string experiment_id, Param("experiment_id"));
  CAIRN_ASSIGN_OR_RETURN(std::string experiment_name, Param("experiment_name"));
  if (!experiment_id.empty()) return NeedExperiment(experiment_id, Need::kUpdate);
  if (!experiment_name.empty()) {
    auto existing = deps_.tracking->GetExperimentByName(experiment_name);
    if (existing.ok()) return NeedExperiment(existing->experiment_id, Need::kUpdate);
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    if (identity_.is_task()) return Denied("Permission denied: task tokens cannot create experiments.");
    creates_experiment_ = true;
    CAIRN_ASSIGN_OR_RETURN(new_workspace_, deps_.authorizer->WorkspaceForNew(identity_, request_.workspace));
    return Status::Ok();
  }
  if (name_required) {
    return InvalidArgument("With authentication on, a tuning submit must name its tracking experiment: give "
                           "experiment_id or experiment_name.");
  }
  return NeedExperiment("0", Need::kUpdate);  // the scheduler's default experiment
}

Status AccessCheck::Check(const Route& route, const Rule& rule) {
  switch (rule.target) {
    case Target::kPublic:
    case Target::kOptional:
    case Target::kSelf:
      return Status::Ok();
    case Target::kInference:
      return Status::Ok();  // authenticated by the layer
    case Target::kAuthenticated:
      if (rule.after == After::kGrantExperiment || rule.after == After::kGrantRegisteredModel) {
        if (identity_.is_task()) return Denied("Permission denied: task tokens cannot create experiments or models.");
        if (rule.after == After::kGrantExperiment && !identity_.is_admin()) {
          // An artifact location is where the server reads and writes run
          // files for its users: pointing one at server paths or at another
          // experiment's files is for admins.
          CAIRN_ASSIGN_OR_RETURN(std::string location, Param("artifact_location"));
          if (!location.empty()) {
            return Denied("Permission denied: only admins may choose an experiment's artifact_location.");
          }
        }
        CAIRN_ASSIGN_OR_RETURN(new_workspace_, deps_.authorizer->WorkspaceForNew(identity_, request_.workspace));
      }
      return Status::Ok();
    case Target::kAdmin:
      target_ = request_.path.substr(0, 200);
      if (identity_.is_admin()) return Status::Ok();
      return Denied("Permission denied: this endpoint is for admins only.");
    case Target::kExperiment: {
      CAIRN_ASSIGN_OR_RETURN(std::string id, Param(rule.param));
      if (id.empty()) id = "0";  // MLflow's default experiment, as the handlers use it
      if (identity_.is_task() && rule.need == Need::kUpdate && route.path.find("/runs/create") != std::string::npos) {
        // A task may start nested runs in its own experiment.
        if (id == identity_.token->scope_experiment_id) return Status::Ok();
      }
      return NeedExperiment(id, rule.need);
    }
    case Target::kExperimentByName: {
      CAIRN_ASSIGN_OR_RETURN(std::string name, Param(rule.param));
      auto experiment = deps_.tracking->GetExperimentByName(name);
      if (!experiment.ok()) return Status::Ok();  // the handler answers (404 or 400); nothing is read
      return NeedExperiment(experiment->experiment_id, rule.need);
    }
    case Target::kExperimentList: {
      CAIRN_ASSIGN_OR_RETURN(const RequestParams* p, Params());
      CAIRN_ASSIGN_OR_RETURN(auto ids, p->GetStringList(rule.param));
      for (const std::string& id : ids) CAIRN_RETURN_IF_ERROR(NeedExperiment(id, rule.need));
      return Status::Ok();
    }
    case Target::kRun: {
      CAIRN_ASSIGN_OR_RETURN(std::string run_id, Param(rule.param));
      if (run_id.empty()) {
        CAIRN_ASSIGN_OR_RETURN(run_id, Param(rule.param == "run_id" ? "run_uuid" : "run_id"));
      }
      if (run_id.empty()) return RequestParams::Missing("run_id");
      return NeedRun(run_id, rule.need);
    }
    case Target::kRunList: {
      CAIRN_ASSIGN_OR_RETURN(const RequestParams* p, Params());
      CAIRN_ASSIGN_OR_RETURN(auto ids, p->GetStringList(rule.param));
      for (const std::string& id : ids) CAIRN_RETURN_IF_ERROR(NeedRun(id, rule.need));
      return Status::Ok();
    }
    case Target::kRegisteredModel: {
      CAIRN_ASSIGN_OR_RETURN(std::string name, Param(rule.param));
      if (name.empty()) {
        // The registry audit over all models: admins only.
        if (identity_.is_admin()) return Status::Ok();
        return RequestParams::Missing(rule.param);
      }
      return Need(ResourceKind::kRegisteredModel, name, rule.need);
    }
    case Target::kModelVersionCreate: {
      CAIRN_ASSIGN_OR_RETURN(std::string name, Param(rule.param));
      if (name.empty()) return RequestParams::Missing(rule.param);
      CAIRN_RETURN_IF_ERROR(Need(ResourceKind::kRegisteredModel, name, rule.need));
      Status source = NeedVersionSource();
      if (source.ok()) target_ = "registered_model " + name;
      return source;
    }
    case Target::kLoggedModel: {
      if (deps_.registry == nullptr) return identity_.is_admin() ? Status::Ok() : Denied("Permission denied.");
      std::string prefix = route.path;
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      CAIRN_ASSIGN_OR_RETURN(std::string tail, PathTail(request_.path, prefix));
      std::string model_id = tail.substr(0, tail.find('/'));
      auth::Need need = request_.method == "GET" ? Need::kRead
                        : request_.method == "DELETE" && tail.find('/') == std::string::npos ? Need::kDelete
                                                                                             : Need::kUpdate;
      auto model = deps_.registry->GetLoggedModel(model_id);
      if (!model.ok()) return model.status().code() == StatusCode::kNotFound ? Status::Ok() : model.status();
      return NeedExperiment(model->experiment_id, need);
    }
    case Target::kArtifactPath: {
      if (!rule.param.empty()) {
        CAIRN_ASSIGN_OR_RETURN(std::string path, Param(rule.param));
        return NeedArtifactPath(path, rule.need);
      }
      CAIRN_ASSIGN_OR_RETURN(std::string tail, PathTail(request_.path, route.path));
      if (route.path.find("/mpu/") != std::string::npos) {
        // mpu/<create|complete|abort>/<path>
        size_t slash = tail.find('/');
        tail = slash == std::string::npos ? std::string() : tail.substr(slash + 1);
      }
      return NeedArtifactPath(tail, rule.need);
    }
    case Target::kPipelineSubmit:
      return NeedSubmit(false);
    case Target::kTuningSubmit:
      return NeedSubmit(true);
    case Target::kPipelineRun:
    case Target::kTuningExperiment: {
      auto& resolve =
          rule.target == Target::kPipelineRun ? deps_.pipeline_run_experiment : deps_.tuning_experiment_tracking;
      if (!resolve) return identity_.is_admin() ? Status::Ok() : Denied("Permission denied.");
      CAIRN_ASSIGN_OR_RETURN(std::string id, Param(rule.param));
      if (id.empty()) return RequestParams::Missing(rule.param);
      auto experiment = resolve(id);
      if (!experiment.ok()) return experiment.status().code() == StatusCode::kNotFound ? Status::Ok() : experiment.status();
      if (identity_.is_task() && rule.need != Need::kRead) return Denied("Permission denied: task tokens cannot control runs.");
      return NeedExperiment(*experiment, rule.need);
    }
    case Target::kDeploymentCreate: {
      CAIRN_ASSIGN_OR_RETURN(std::string uri, Param("model_uri"));
      if (uri.empty()) return Status::Ok();  // the handler answers 400
      return NeedModelUri(uri, rule.need);
    }
    case Target::kDeployment: {
      if (!deps_.deployment_model_uri) return identity_.is_admin() ? Status::Ok() : Denied("Permission denied.");
      CAIRN_ASSIGN_OR_RETURN(std::string name, PathTail(request_.path, route.path));
      auto uri = deps_.deployment_model_uri(name);
      if (!uri.ok()) return uri.status().code() == StatusCode::kNotFound ? Status::Ok() : uri.status();
      CAIRN_RETURN_IF_ERROR(NeedModelUri(*uri, rule.need));
      if (request_.method == "PATCH") {
        // Pointing a deployment at another model needs rights on that one too.
        CAIRN_ASSIGN_OR_RETURN(std::string next, Param("model_uri"));
        if (!next.empty()) return NeedModelUri(next, Need::kUpdate);
      }
      return Status::Ok();
    }
  }
  return Denied("Permission denied.");
}

namespace {

void Grant(const AuthLayerDeps& deps, const auth::Identity& identity, auth::ResourceKind kind,
           const std::string& resource, const std::string& workspace) {
  if (resource.empty()) return;
  if (!workspace.empty()) {
    if (Status s = deps.store->AssignResource(kind, resource, workspace); !s.ok()) {
      deps.audit->Record(identity.user.username, "", "assign workspace", resource, "failed", s.message());
    }
  }
  // The creator manages what they created (MLflow's rule); admins already can.
  if (identity.authenticated() && !identity.is_admin()) {
    Status s = deps.store->CreatePermission(kind, resource, identity.user.id, auth::Permission::kManage);
    if (!s.ok() && s.code() != StatusCode::kAlreadyExists) {
      deps.audit->Record(identity.user.username, "", "grant creator MANAGE", resource, "failed", s.message());
    }
  }
}

}  // namespace

void ApplyAfter(const AuthLayerDeps& deps, const auth::Identity& identity, AccessCheck& check, After after,
                const HttpRequest& request, HttpResponse& response) {
  using auth::ResourceKind;
  auto param = [&](std::string_view key) -> std::string {
    const RequestParams* p = check.params();
    if (p == nullptr) {
      auto parsed = RequestParams::FromRequest(request);
      if (!parsed.ok()) return {};
      auto v = parsed->GetString(key);
      return v.ok() ? v->value_or("") : "";
    }
    auto v = p->GetString(key);
    return v.ok() ? v->value_or("") : "";
  };
  auto experiment_readable = [&](const std::string& id) { return check.CanRead(ResourceKind::kExperiment, id); };
  auto model_readable = [&](const std::string& name) { return check.CanRead(ResourceKind::kRegisteredModel, name); };
  switch (after) {
    case After::kNone: return;
    case After::kGrantExperiment:
      Grant(deps, identity, ResourceKind::kExperiment, JsonStringField(response.body, "experiment_id"),
            check.new_workspace());
      return;
    case After::kGrantRegisteredModel:
      Grant(deps, identity, ResourceKind::kRegisteredModel, param("name"), check.new_workspace());
      return;
    case After::kRenameRegisteredModel: {
      std::string from = param("name"), to = param("new_name");
      if (!from.empty() && !to.empty()) (void)deps.store->RenameResource(ResourceKind::kRegisteredModel, from, to);
      return;
    }
    case After::kForgetRegisteredModel: {
      std::string name = param("name");
      if (!name.empty()) (void)deps.store->ForgetResource(ResourceKind::kRegisteredModel, name);
      return;
    }
    case After::kGrantSubmitted: {
      if (!check.creates_experiment()) return;
      std::string id = JsonStringField(response.body, "run.experiment_id");
      if (id.empty()) id = JsonStringField(response.body, "experiment.tracking_experiment_id");
      Grant(deps, identity, ResourceKind::kExperiment, id, check.new_workspace());
      return;
    }
    case After::kFilterExperiments:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "experiments", "experiment_id", experiment_readable);
      return;
    case After::kFilterRuns:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "runs", "info.experiment_id", experiment_readable);
      return;
    case After::kFilterRegisteredModels:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "registered_models", "name", model_readable);
      return;
    case After::kFilterModelVersions:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "model_versions", "name", model_readable);
      return;
    case After::kFilterPipelineRuns:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "runs", "experiment_id", experiment_readable);
      return;
    case After::kFilterTuning:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "experiments", "tracking_experiment_id", experiment_readable);
      return;
    case After::kFilterDeployments:
      if (identity.is_admin()) return;
      FilterJsonArray(response.body, "deployments", "model_uri", [&](const std::string& uri) {
        auto parsed = registry::ParseModelUri(uri);
        if (!parsed.ok()) return false;
        if (parsed->kind == registry::ModelUri::Kind::kRun) {
          std::string experiment = check.RunExperiment(parsed->run_id);
          return !experiment.empty() && experiment_readable(experiment);
        }
        if (parsed->kind == registry::ModelUri::Kind::kLoggedModel) return false;
        return model_readable(parsed->name);
      });
      return;
  }
}

}  // namespace cairn::frontends::authz
