#include "pipelines/scheduler/task_io.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/numeric.h"
#include "pipelines/scheduler/sha256.h"

namespace cairn::pipelines {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// What a task may write as one output parameter or ExecutorOutput: values
// live in the database and in every consumer's command line, so a task
// that writes gigabytes there fails instead of taking the server's memory.
constexpr std::uintmax_t kMaxOutputFileBytes = 16u << 20;

enum class ReadResult { kOk, kMissing, kTooLarge };

ReadResult ReadWholeFile(const std::string& path, std::string* out) {
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return ReadResult::kMissing;
  if (size > kMaxOutputFileBytes) return ReadResult::kTooLarge;
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReadResult::kMissing;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return ReadResult::kOk;
}

Result<RuntimeArtifact> ArtifactFromValue(const Value& v) {
  if (!v.is_struct()) return InvalidArgument("artifact is not an object");
  RuntimeArtifact a;
  if (const Value* name = v.Find("name"); name && name->is_string()) a.name = name->as_string();
  if (const Value* uri = v.Find("uri"); uri && uri->is_string()) a.uri = uri->as_string();
  if (const Value* type = v.Find("type"); type && type->is_struct()) {
    if (const Value* t = type->Find("schemaTitle"); t && t->is_string()) a.type.schema_title = t->as_string();
    if (const Value* t = type->Find("schemaVersion"); t && t->is_string()) a.type.schema_version = t->as_string();
  }
  if (const Value* md = v.Find("metadata")) a.metadata = *md;
  a.local_path = a.uri;
  return a;
}

// The raw text of a command/args element, structured placeholders included,
// for the fingerprint (KFP hashes the unresolved command line).
void AppendRaw(const ArgNode& node, std::string& out) {
  switch (node.kind) {
    case ArgNode::Kind::kText:
      out += node.text.raw;
      break;
    case ArgNode::Kind::kIfPresent:
      out += "IfPresent(" + node.input_name + ")[";
      for (const ArgNode& n : node.then_args) {
        AppendRaw(n, out);
        out += '\x1f';
      }
      out += "][";
      for (const ArgNode& n : node.else_args) {
        AppendRaw(n, out);
        out += '\x1f';
      }
      out += "]";
      break;
    case ArgNode::Kind::kConcat:
      out += "Concat[";
      for (const ArgNode& n : node.items) {
        AppendRaw(n, out);
        out += '\x1f';
      }
      out += "]";
      break;
  }
}

}  // namespace

Value ArtifactToValue(const RuntimeArtifact& a) {
  Value type = Value::MakeStruct({{"schemaTitle", Value::String(a.type.schema_title)},
                                  {"schemaVersion", Value::String(a.type.schema_version)}});
  return Value::MakeStruct({{"name", Value::String(a.name)},
                            {"uri", Value::String(a.uri)},
                            {"type", std::move(type)},
                            {"metadata", a.metadata.is_null() ? Value::MakeStruct({}) : a.metadata}});
}

Value TaskIoToValue(const TaskIo& io) {
  Value::Struct params;
  for (const auto& [k, v] : io.parameters) params.emplace_back(k, v);
  Value::Struct artifacts;
  for (const auto& [k, list] : io.artifacts) {
    Value::List items;
    for (const RuntimeArtifact& a : list) items.push_back(ArtifactToValue(a));
    artifacts.emplace_back(k, Value::MakeList(std::move(items)));
  }
  return Value::MakeStruct({{"parameters", Value::MakeStruct(std::move(params))},
                            {"artifacts", Value::MakeStruct(std::move(artifacts))}});
}

std::string TaskIoToJson(const TaskIo& io) { return TaskIoToValue(io).ToJson(); }

Result<TaskIo> TaskIoFromJson(std::string_view json) {
  TaskIo io;
  if (Trim(json).empty()) return io;
  CAIRN_ASSIGN_OR_RETURN(Value v, Value::ParseJson(json));
  if (!v.is_struct()) return InvalidArgument("task inputs/outputs are not an object");
  if (const Value* params = v.Find("parameters"); params && params->is_struct()) {
    for (const auto& [k, value] : params->as_struct()) io.parameters[k] = value;
  }
  if (const Value* artifacts = v.Find("artifacts"); artifacts && artifacts->is_struct()) {
    for (const auto& [k, list] : artifacts->as_struct()) {
      if (!list.is_list()) return InvalidArgument("artifact list expected");
      auto& out = io.artifacts[k];
      for (const Value& item : list.as_list()) {
        CAIRN_ASSIGN_OR_RETURN(RuntimeArtifact a, ArtifactFromValue(item));
        out.push_back(std::move(a));
      }
    }
  }
  return io;
}

Result<Value> ParseOutputParameterText(std::string_view text, ParameterType type) {
  switch (type) {
    case ParameterType::kString:
    case ParameterType::kUnspecified:
      return Value::String(std::string(text));
    case ParameterType::kNumberInteger: {
      auto v = Value::ParseJson(Trim(text));
      if (v.ok() && v->is_int()) return *v;
      if (v.ok() && v->is_double()) {
        if (auto exact = ExactInt64(v->as_double())) return Value::Int(*exact);
      }
      return InvalidArgument(fmt::format("'{}' is not an integer", Trim(text).substr(0, 100)));
    }
    case ParameterType::kNumberDouble: {
      auto v = Value::ParseJson(Trim(text));
      if (v.ok() && v->is_number()) return Value::Double(v->as_double());
      return InvalidArgument(fmt::format("'{}' is not a number", Trim(text).substr(0, 100)));
    }
    case ParameterType::kBoolean: {
      std::string_view t = Trim(text);
      if (t == "true" || t == "True" || t == "1") return Value::Bool(true);
      if (t == "false" || t == "False" || t == "0") return Value::Bool(false);
      return InvalidArgument(fmt::format("'{}' is not a boolean", t.substr(0, 100)));
    }
    case ParameterType::kList:
    case ParameterType::kStruct:
    case ParameterType::kTaskFinalStatus:
    case ParameterType::kTaskConfig: {
      auto v = Value::ParseJson(Trim(text));
      if (!v.ok()) return InvalidArgument(fmt::format("not valid JSON: {}", v.status().message()));
      if (type == ParameterType::kList && !v->is_list()) return InvalidArgument("expected a JSON list");
      if (type == ParameterType::kStruct && !v->is_struct()) return InvalidArgument("expected a JSON object");
      return *v;
    }
  }
  return Value::String(std::string(text));
}

Result<Value> ParseParameterArgument(std::string_view text, ParameterType type) {
  if (type == ParameterType::kUnspecified) {
    auto v = Value::ParseJson(text);
    if (v.ok()) return *v;
    return Value::String(std::string(text));
  }
  return ParseOutputParameterText(text, type);
}

Result<TaskIo> CollectOutputs(const Interface& outputs, const std::map<std::string, std::string>& parameter_files,
                              const std::map<std::string, std::vector<RuntimeArtifact>>& planned,
                              const std::string& executor_output_file) {
  TaskIo io;
  io.artifacts = planned;
  std::string text;
  ReadResult read = executor_output_file.empty() ? ReadResult::kMissing : ReadWholeFile(executor_output_file, &text);
  if (read == ReadResult::kTooLarge) {
    return FailedPrecondition(fmt::format("The executor output file '{}' is larger than {} bytes.",
                                          executor_output_file, kMaxOutputFileBytes));
  }
  if (read == ReadResult::kOk && !Trim(text).empty()) {
    auto parsed = Value::ParseJson(text);
    if (!parsed.ok() || !parsed->is_struct()) {
      return FailedPrecondition(fmt::format("The executor output file '{}' is not a JSON object.", executor_output_file));
    }
    if (const Value* params = parsed->Find("parameterValues"); params && params->is_struct()) {
      for (const auto& [k, v] : params->as_struct()) io.parameters[k] = v;
    }
    if (const Value* artifacts = parsed->Find("artifacts"); artifacts && artifacts->is_struct()) {
      for (const auto& [k, entry] : artifacts->as_struct()) {
        const Value* list = entry.is_struct() ? entry.Find("artifacts") : nullptr;
        if (list == nullptr || !list->is_list()) continue;
        auto& out = io.artifacts[k];
        for (size_t i = 0; i < list->as_list().size(); ++i) {
          const Value& item = list->as_list()[i];
          if (!item.is_struct()) continue;
          if (i >= out.size()) {
            RuntimeArtifact extra;
            extra.name = k;
            if (auto spec = outputs.artifacts.find(k); spec != outputs.artifacts.end()) extra.type = spec->second.type;
            out.push_back(extra);
          }
          RuntimeArtifact& a = out[i];
          if (const Value* md = item.Find("metadata"); md && md->is_struct()) {
            if (!a.metadata.is_struct()) a.metadata = Value::MakeStruct({});
            for (const auto& [mk, mv] : md->as_struct()) a.metadata.Set(mk, mv);
          }
          if (const Value* uri = item.Find("uri"); uri && uri->is_string() && !uri->as_string().empty()) {
            a.uri = uri->as_string();
            a.local_path = a.uri;
          }
          if (const Value* name = item.Find("name"); name && name->is_string() && !name->as_string().empty()) {
            a.name = name->as_string();
          }
        }
      }
    }
  }
  for (const auto& [name, spec] : outputs.parameters) {
    if (io.parameters.count(name) != 0) continue;
    auto file = parameter_files.find(name);
    if (file == parameter_files.end()) continue;
    std::string content;
    ReadResult param_read = ReadWholeFile(file->second, &content);
    if (param_read == ReadResult::kMissing) {
      return FailedPrecondition(
          fmt::format("The task did not write its output parameter '{}' (expected in {}).", name, file->second));
    }
    if (param_read == ReadResult::kTooLarge) {
      return FailedPrecondition(
          fmt::format("Output parameter '{}' is larger than {} bytes.", name, kMaxOutputFileBytes));
    }
    auto value = ParseOutputParameterText(content, spec.type);
    if (!value.ok()) {
      return FailedPrecondition(fmt::format("Output parameter '{}' is not a valid {}: {}", name,
                                            ParameterTypeName(spec.type), value.status().message()));
    }
    io.parameters[name] = std::move(value).value();
  }
  return io;
}

std::string CacheFingerprint(const Task& task, const Component& component, const ContainerSpec& container,
                             const TaskIo& inputs) {
  if (!task.caching.cache_key.empty()) {
    std::string key = task.component_ref;
    key += '\0';
    key += task.caching.cache_key;
    return Sha256Hex(key);
  }
  Value::Struct params;
  for (const auto& [k, v] : inputs.parameters) params.emplace_back(k, v);
  Value::Struct artifacts;
  for (const auto& [k, list] : inputs.artifacts) {
    Value::List uris;
    for (const RuntimeArtifact& a : list) uris.push_back(Value::String(a.uri));
    artifacts.emplace_back(k, Value::MakeList(std::move(uris)));
  }
  Value::Struct out_params;
  for (const auto& [k, spec] : component.outputs.parameters) {
    out_params.emplace_back(k, Value::String(std::string(ParameterTypeName(spec.type))));
  }
  Value::Struct out_artifacts;
  for (const auto& [k, spec] : component.outputs.artifacts) {
    out_artifacts.emplace_back(k, Value::MakeStruct({{"schemaTitle", Value::String(spec.type.schema_title)},
                                                     {"schemaVersion", Value::String(spec.type.schema_version)},
                                                     {"isList", Value::Bool(spec.is_list)}}));
  }
  Value::List cmd;
  for (const ArgNode& n : container.command) {
    std::string raw;
    AppendRaw(n, raw);
    cmd.push_back(Value::String(std::move(raw)));
  }
  Value::List args;
  for (const ArgNode& n : container.args) {
    std::string raw;
    AppendRaw(n, raw);
    args.push_back(Value::String(std::move(raw)));
  }
  Value key = Value::MakeStruct({
      {"inputParameterValues", Value::MakeStruct(std::move(params))},
      {"inputArtifacts", Value::MakeStruct(std::move(artifacts))},
      {"outputParametersSpec", Value::MakeStruct(std::move(out_params))},
      {"outputArtifactsSpec", Value::MakeStruct(std::move(out_artifacts))},
      {"containerSpec", Value::MakeStruct({{"image", Value::String(container.image)},
                                           {"command", Value::MakeList(std::move(cmd))},
                                           {"args", Value::MakeList(std::move(args))}})},
  });
  return Sha256Hex(key.ToJson());
}

}  // namespace cairn::pipelines
