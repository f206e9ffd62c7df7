// Placeholder resolution and the ExecutorInput builder (see resolver.h).
#include "pipelines/spec/resolver.h"

namespace cairn::pipelines {
namespace {

Status Missing(const Placeholder& p, std::string_view what) {
  return InvalidArgument("placeholder " + p.raw + ": no " + std::string(what) + " \"" + p.name + "\"");
}

Result<const RuntimeArtifact*> FirstArtifact(const std::map<std::string, std::vector<RuntimeArtifact>>& m,
                                             const Placeholder& p, std::string_view what) {
  auto it = m.find(p.name);
  if (it == m.end() || it->second.empty()) return Missing(p, what);
  return &it->second.front();
}

Result<std::string> Metadata(const RuntimeArtifact& a, const Placeholder& p) {
  if (p.key.empty()) return a.metadata.is_null() ? std::string("{}") : a.metadata.ToJson();
  const Value* v = a.metadata.Find(p.key);
  if (v == nullptr) return InvalidArgument("placeholder " + p.raw + ": no metadata key \"" + p.key + "\"");
  return v->RenderForArgv();
}

Result<std::string> ResolvePlaceholder(const Placeholder& p, const ExecutionContext& ctx) {
  const RuntimeInfo& rt = ctx.runtime;
  switch (p.kind) {
    case PlaceholderKind::kExecutorInput: return BuildExecutorInputJson(ctx);
    case PlaceholderKind::kInputParameter: {
      auto it = ctx.input_parameters.find(p.name);
      if (it == ctx.input_parameters.end()) return Missing(p, "input parameter");
      return it->second.RenderForArgv();
    }
    case PlaceholderKind::kInputArtifactPath: {
      CAIRN_ASSIGN_OR_RETURN(auto a, FirstArtifact(ctx.input_artifacts, p, "input artifact"));
      return a->local_path;
    }
    case PlaceholderKind::kInputArtifactUri: {
      CAIRN_ASSIGN_OR_RETURN(auto a, FirstArtifact(ctx.input_artifacts, p, "input artifact"));
      return a->uri;
    }
    case PlaceholderKind::kInputArtifactMetadata: {
      CAIRN_ASSIGN_OR_RETURN(auto a, FirstArtifact(ctx.input_artifacts, p, "input artifact"));
      return Metadata(*a, p);
    }
    case PlaceholderKind::kOutputParameterFile: {
      auto it = ctx.output_parameter_files.find(p.name);
      if (it == ctx.output_parameter_files.end()) return Missing(p, "output parameter");
      return it->second;
    }
    case PlaceholderKind::kOutputArtifactPath: {
      CAIRN_ASSIGN_OR_RETURN(auto a, FirstArtifact(ctx.output_artifacts, p, "output artifact"));
      return a->local_path;
    }
    case PlaceholderKind::kOutputArtifactUri: {
      CAIRN_ASSIGN_OR_RETURN(auto a, FirstArtifact(ctx.output_artifacts, p, "output artifact"));
      return a->uri;
    }
    case PlaceholderKind::kOutputArtifactMetadata: {
      CAIRN_ASSIGN_OR_RETURN(auto a, FirstArtifact(ctx.output_artifacts, p, "output artifact"));
      return Metadata(*a, p);
    }
    case PlaceholderKind::kOutputFile: return ctx.output_metadata_file;
    case PlaceholderKind::kPipelineJobName: return rt.pipeline_job_name;
    case PlaceholderKind::kPipelineJobResourceName: return rt.pipeline_job_resource_name;
    case PlaceholderKind::kPipelineJobUuid: return rt.pipeline_job_uuid;
    case PlaceholderKind::kPipelineTaskName: return rt.pipeline_task_name;
    case PlaceholderKind::kPipelineTaskUuid: return rt.pipeline_task_uuid;
    case PlaceholderKind::kPipelineRoot: return rt.pipeline_root;
    case PlaceholderKind::kPipelineJobCreateTime: return rt.pipeline_job_create_time_utc;
    case PlaceholderKind::kPipelineJobScheduleTime: return rt.pipeline_job_schedule_time_utc;
    case PlaceholderKind::kWorkspacePath:
      if (rt.workspace_path.empty()) return InvalidArgument("placeholder " + p.raw + ": the run has no workspace");
      return rt.workspace_path;
    case PlaceholderKind::kUnknown: break;
  }
  return InvalidArgument("unknown placeholder " + p.raw);
}

bool IsPresent(const std::string& name, const ExecutionContext& ctx) {
  if (ctx.input_parameters.contains(name)) return true;
  auto it = ctx.input_artifacts.find(name);
  return it != ctx.input_artifacts.end() && !it->second.empty();
}

Status Expand(const ArgNode& node, const ExecutionContext& ctx, std::vector<std::string>& out) {
  switch (node.kind) {
    case ArgNode::Kind::kText: {
      CAIRN_ASSIGN_OR_RETURN(auto s, ResolveString(node.text, ctx));
      out.push_back(std::move(s));
      return Status::Ok();
    }
    case ArgNode::Kind::kIfPresent: {
      const auto& branch = IsPresent(node.input_name, ctx) ? node.then_args : node.else_args;
      for (const auto& n : branch) CAIRN_RETURN_IF_ERROR(Expand(n, ctx, out));
      return Status::Ok();
    }
    case ArgNode::Kind::kConcat: {
      std::vector<std::string> parts;
      for (const auto& n : node.items) CAIRN_RETURN_IF_ERROR(Expand(n, ctx, parts));
      std::string joined;
      for (const auto& p : parts) joined += p;
      out.push_back(std::move(joined));
      return Status::Ok();
    }
  }
  return Internal("bad ArgNode");
}

Value ArtifactList(const std::vector<RuntimeArtifact>& artifacts) {
  Value list = Value::MakeList({});
  for (const auto& a : artifacts) {
    Value type = Value::MakeStruct({});
    type.Set("schemaTitle", Value::String(a.type.schema_title));
    type.Set("schemaVersion", Value::String(a.type.schema_version));
    Value item = Value::MakeStruct({});
    item.Set("name", Value::String(a.name));
    item.Set("type", std::move(type));
    item.Set("uri", Value::String(a.uri));
    item.Set("metadata", a.metadata.is_struct() ? a.metadata : Value::MakeStruct({}));
    list.mutable_list().push_back(std::move(item));
  }
  Value wrapper = Value::MakeStruct({});
  wrapper.Set("artifacts", std::move(list));
  return wrapper;
}

}  // namespace

Result<std::string> ResolveString(const StringTemplate& tmpl, const ExecutionContext& ctx) {
  std::string out;
  for (const auto& part : tmpl.parts) {
    if (const auto* s = std::get_if<std::string>(&part)) {
      out += *s;
    } else {
      CAIRN_ASSIGN_OR_RETURN(auto v, ResolvePlaceholder(std::get<Placeholder>(part), ctx));
      out += v;
    }
  }
  return out;
}

Result<std::vector<std::string>> ResolveArgs(const std::vector<ArgNode>& nodes, const ExecutionContext& ctx) {
  std::vector<std::string> out;
  for (const auto& n : nodes) CAIRN_RETURN_IF_ERROR(Expand(n, ctx, out));
  return out;
}

Result<std::vector<std::string>> ResolveArgv(const ContainerSpec& container, const ExecutionContext& ctx) {
  CAIRN_ASSIGN_OR_RETURN(auto argv, ResolveArgs(container.command, ctx));
  CAIRN_ASSIGN_OR_RETURN(auto args, ResolveArgs(container.args, ctx));
  argv.insert(argv.end(), std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  return argv;
}

std::string BuildExecutorInputJson(const ExecutionContext& ctx) {
  Value params = Value::MakeStruct({});
  for (const auto& [k, v] : ctx.input_parameters) params.Set(k, v);
  Value in_arts = Value::MakeStruct({});
  for (const auto& [k, v] : ctx.input_artifacts) in_arts.Set(k, ArtifactList(v));
  Value inputs = Value::MakeStruct({});
  inputs.Set("parameterValues", std::move(params));
  inputs.Set("artifacts", std::move(in_arts));

  Value out_params = Value::MakeStruct({});
  for (const auto& [k, file] : ctx.output_parameter_files) {
    Value f = Value::MakeStruct({});
    f.Set("outputFile", Value::String(file));
    out_params.Set(k, std::move(f));
  }
  Value out_arts = Value::MakeStruct({});
  for (const auto& [k, v] : ctx.output_artifacts) out_arts.Set(k, ArtifactList(v));
  Value outputs = Value::MakeStruct({});
  outputs.Set("parameters", std::move(out_params));
  outputs.Set("artifacts", std::move(out_arts));
  outputs.Set("outputFile", Value::String(ctx.output_metadata_file));

  Value root = Value::MakeStruct({});
  root.Set("inputs", std::move(inputs));
  root.Set("outputs", std::move(outputs));
  return root.ToJson();
}

}  // namespace cairn::pipelines
