// cairn's own registry API (docs/protocols/cairn-lineage.md):
//  * GET /api/2.0/cairn/models/lineage?name=N&version=V | &alias=A — one
//    document walking model version -> source run (params, metrics, tags,
//    code version) -> its dataset inputs, and up the mlflow.parentRunId chain;
//  * GET /api/2.0/cairn/registry/audit?name=N&max_results=K — the registry's
//    audit trail, newest first.
// The composition reads both stores and writes nothing.
#include <set>

#include <fmt/format.h>

#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "frontends/mlflow_rest/registry_handler_util.h"
#include "mlflow_wire/encode.h"
#include "mlflow_wire/registry_encode.h"
#include "registry/validation.h"

namespace cairn::frontends {
namespace {

namespace cep = mlflow_wire::cairn_endpoints;

// Parent chains are short in practice (pipeline -> task, tuner -> trial);
// the cap only bounds a corrupted or cyclic chain.
constexpr int kMaxParentDepth = 16;
constexpr int64_t kDefaultAuditResults = 100;
constexpr int64_t kMaxAuditResults = 10000;

struct CodeTag {
  std::string_view tag;
  std::string_view field;
};
constexpr CodeTag kCodeTags[] = {
    {"mlflow.source.git.commit", "git_commit"},   {"mlflow.source.git.repoURL", "git_repo_url"},
    {"mlflow.source.git.branch", "git_branch"},   {"mlflow.source.name", "source_name"},
    {"mlflow.source.type", "source_type"},        {"mlflow.project.entryPoint", "entry_point"},
    {"mlflow.docker.image.name", "docker_image"},
};

std::string_view TagValue(const std::vector<tracking::Tag>& tags, std::string_view key) {
  for (const auto& tag : tags) {
    if (tag.key == key) return tag.value;
  }
  return {};
}

class LineageWriter {
 public:
  LineageWriter(tracking::TrackingStore& tracking, JsonWriter& w) : tracking_(tracking), w_(w) {}

  // Writes "run": {...} for `run_id` (nothing if it cannot be read; the
  // reason goes to warnings()).
  void WriteRunField(std::string_view key, const std::string& run_id, int depth) {
    if (run_id.empty()) return;
    if (!seen_.insert(run_id).second) {
      warnings_.push_back(fmt::format("run '{}' is its own ancestor; the parent chain stops there", run_id));
      return;
    }
    auto run = tracking_.GetRun(run_id);
    if (!run.ok()) {
      warnings_.push_back(run.status().code() == StatusCode::kNotFound
                              ? fmt::format("run '{}' does not exist (any more)", run_id)
                              : fmt::format("run '{}' could not be read: {}", run_id, run.status().message()));
      return;
    }
    w_.Key(key);
    WriteRun(*run, depth);
  }

  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void WriteRun(const tracking::Run& run, int depth) {
    const auto& info = run.info;
    w_.StartObject().Field("run_id", info.run_id).Field("experiment_id", info.experiment_id);
    if (auto experiment = tracking_.GetExperiment(info.experiment_id); experiment.ok()) {
      w_.Field("experiment_name", experiment->name);
    }
    w_.FieldIfNotEmpty("run_name", info.run_name)
        .Field("status", tracking::RunStatusName(info.status))
        .Field("lifecycle_stage", tracking::LifecycleStageName(info.lifecycle_stage))
        .FieldIfNotEmpty("user_id", info.user_id)
        .Field("start_time", info.start_time);
    if (info.end_time) w_.Field("end_time", *info.end_time);
    w_.FieldIfNotEmpty("artifact_uri", info.artifact_uri);
    if (!run.params.empty()) {
      w_.Key("params").StartArray();
      for (const auto& p : run.params) w_.StartObject().Field("key", p.key).Field("value", p.value).EndObject();
      w_.EndArray();
    }
    if (!run.metrics.empty()) {
      w_.Key("metrics").StartArray();
      for (const auto& m : run.metrics) mlflow_wire::WriteMetric(w_, m);
      w_.EndArray();
    }
    mlflow_wire::WriteTags(w_, "tags", run.tags);
    bool any_code = false;
    for (const auto& code : kCodeTags) any_code |= !TagValue(run.tags, code.tag).empty();
    if (any_code) {
      w_.Key("code").StartObject();
      for (const auto& code : kCodeTags) w_.FieldIfNotEmpty(code.field, TagValue(run.tags, code.tag));
      w_.EndObject();
    }
    if (!run.dataset_inputs.empty()) {
      w_.Key("datasets").StartArray();
      for (const auto& input : run.dataset_inputs) {
        const auto& d = input.dataset;
        w_.StartObject()
            .Field("name", d.name)
            .Field("digest", d.digest)
            .FieldIfNotEmpty("source_type", d.source_type)
            .FieldIfNotEmpty("source", d.source)
            .FieldIfNotEmpty("context", TagValue(input.tags, tracking::kDatasetContextTag))
            .EndObject();
      }
      w_.EndArray();
    }
    std::string parent(TagValue(run.tags, tracking::kParentRunIdTag));
    if (!parent.empty()) {
      if (depth + 1 >= kMaxParentDepth) {
        warnings_.push_back(fmt::format("parent chain cut after {} runs", kMaxParentDepth));
      } else {
        WriteRunField("parent_run", parent, depth + 1);
      }
    }
    w_.EndObject();
  }

  tracking::TrackingStore& tracking_;
  JsonWriter& w_;
  std::set<std::string> seen_;
  std::vector<std::string> warnings_;
};

void WriteLineageVersion(JsonWriter& w, const registry::ModelVersion& v) {
  w.StartObject().Field("name", v.name).Field("version", std::to_string(v.version));
  w.Key("aliases").StartArray();
  for (const auto& alias : v.aliases) w.String(alias);
  w.EndArray();
  w.Field("current_stage", registry::StageName(v.current_stage))
      .Field("status", registry::ModelVersionStatusName(v.status))
      .FieldIfNotEmpty("source", v.source)
      .FieldIfNotEmpty("storage_location", v.storage_location.empty() ? v.source : v.storage_location)
      .FieldIfNotEmpty("run_id", v.run_id)
      .FieldIfNotEmpty("model_id", v.model_id)
      .FieldIfNotEmpty("user_id", v.user_id)
      .Field("creation_timestamp", v.creation_timestamp)
      .Field("last_updated_timestamp", v.last_updated_timestamp)
      .FieldIfNotEmpty("description", v.description);
  mlflow_wire::WriteRegistryTags(w, "tags", v.tags);
  w.EndObject();
}

Result<std::string> ModelLineage(const RegistryContext& context, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, params.RequireString("name"));
  CAIRN_ASSIGN_OR_RETURN(auto version_text, params.GetString("version"));
  CAIRN_ASSIGN_OR_RETURN(auto alias, params.GetString("alias"));
  bool has_version = version_text && !version_text->empty();
  bool has_alias = alias && !alias->empty();
  if (has_version == has_alias) {
    return InvalidArgument("Exactly one of the parameters 'version' and 'alias' is required.");
  }
  registry::ModelVersion version;
  if (has_version) {
    CAIRN_ASSIGN_OR_RETURN(int64_t number, registry::ParseVersion(*version_text));
    CAIRN_ASSIGN_OR_RETURN(version, context.registry.GetModelVersion(name, number));
  } else {
    CAIRN_ASSIGN_OR_RETURN(version, context.registry.GetVersionByAlias(name, *alias));
  }
  JsonWriter w;
  w.StartObject().Key("model_version");
  WriteLineageVersion(w, version);
  LineageWriter lineage(context.tracking, w);
  lineage.WriteRunField("run", version.run_id, 0);
  std::vector<std::string> warnings = lineage.warnings();
  if (!version.model_id.empty()) {
    if (auto logged = context.registry.GetLoggedModel(version.model_id); logged.ok()) {
      w.Key("logged_model");
      mlflow_wire::WriteLoggedModel(w, *logged);
    } else {
      warnings.push_back(fmt::format("logged model '{}' could not be read: {}", version.model_id,
                                     logged.status().message()));
    }
  }
  if (!warnings.empty()) {
    w.Key("warnings").StartArray();
    for (const auto& warning : warnings) w.String(warning);
    w.EndArray();
  }
  w.EndObject();
  return w.str();
}

Result<std::string> RegistryAudit(const RegistryContext& context, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto name, params.GetString("name"));
  CAIRN_ASSIGN_OR_RETURN(auto max_results, params.GetInt64("max_results"));
  int64_t limit = max_results.value_or(kDefaultAuditResults);
  CAIRN_RETURN_IF_ERROR(registry::ValidateSearchMaxResults(limit, kMaxAuditResults));
  CAIRN_ASSIGN_OR_RETURN(auto events, context.registry.ListAuditEvents(name.value_or(""), limit));
  JsonWriter w;
  w.StartObject().Key("events").StartArray();
  for (const auto& event : events) mlflow_wire::WriteAuditEvent(w, event);
  w.EndArray().EndObject();
  return w.str();
}

}  // namespace

void RegisterLineageRoutes(Router& router, const RegistryContext& context) {
  AddCairnRoute(router, cep::kModelLineage, [context](const RequestParams& params, const HttpRequest&) {
    return ModelLineage(context, params);
  });
  AddCairnRoute(router, cep::kRegistryAudit, [context](const RequestParams& params, const HttpRequest&) {
    return RegistryAudit(context, params);
  });
}

}  // namespace cairn::frontends
