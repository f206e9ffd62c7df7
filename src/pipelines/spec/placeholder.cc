// Placeholder template parsing: "{{$...}}" strings and the structured
// IfPresent / Concat JSON placeholders.
#include "pipelines/spec/placeholder.h"

#include <utility>

#include "pipelines/spec/value.h"

namespace cairn::pipelines {
namespace {

// Parses "['name']" or "[\"name\"]" at the start of `s`; advances `s`.
bool ConsumeBracketName(std::string_view& s, std::string& name) {
  if (s.size() < 4 || s[0] != '[') return false;
  const char quote = s[1];
  if (quote != '\'' && quote != '"') return false;
  const size_t close = s.find(quote, 2);
  if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ']') return false;
  name = std::string(s.substr(2, close - 2));
  s.remove_prefix(close + 2);
  return true;
}

bool ConsumePrefix(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// `inner` is the text between "{{" and "}}", starting with "$".
Placeholder ClassifyPlaceholder(std::string_view inner, std::string raw) {
  Placeholder p;
  p.raw = std::move(raw);
  p.kind = PlaceholderKind::kUnknown;
  std::string_view s = inner;
  if (s == "$") {
    p.kind = PlaceholderKind::kExecutorInput;
    return p;
  }
  static constexpr std::pair<std::string_view, PlaceholderKind> kRuntime[] = {
      {"$.pipeline_job_name", PlaceholderKind::kPipelineJobName},
      {"$.pipeline_job_resource_name", PlaceholderKind::kPipelineJobResourceName},
      {"$.pipeline_job_uuid", PlaceholderKind::kPipelineJobUuid},
      {"$.pipeline_task_name", PlaceholderKind::kPipelineTaskName},
      {"$.pipeline_task_uuid", PlaceholderKind::kPipelineTaskUuid},
      {"$.pipeline_root", PlaceholderKind::kPipelineRoot},
      {"$.pipeline_job_create_time_utc", PlaceholderKind::kPipelineJobCreateTime},
      {"$.pipeline_job_schedule_time_utc", PlaceholderKind::kPipelineJobScheduleTime},
      {"$.workspace_path", PlaceholderKind::kWorkspacePath},
      {"$.outputs.output_file", PlaceholderKind::kOutputFile},
  };
  for (const auto& [text, kind] : kRuntime) {
    if (s == text) {
      p.kind = kind;
      return p;
    }
  }
  const bool inputs = ConsumePrefix(s, "$.inputs.");
  if (!inputs && !ConsumePrefix(s, "$.outputs.")) return p;
  if (ConsumePrefix(s, "parameters")) {
    if (!ConsumeBracketName(s, p.name)) return p;
    if (inputs && s.empty()) {
      p.kind = PlaceholderKind::kInputParameter;
    } else if (!inputs && s == ".output_file") {
      p.kind = PlaceholderKind::kOutputParameterFile;
    }
    return p;
  }
  if (!ConsumePrefix(s, "artifacts") || !ConsumeBracketName(s, p.name)) return p;
  if (s == ".path") {
    p.kind = inputs ? PlaceholderKind::kInputArtifactPath : PlaceholderKind::kOutputArtifactPath;
  } else if (s == ".uri") {
    p.kind = inputs ? PlaceholderKind::kInputArtifactUri : PlaceholderKind::kOutputArtifactUri;
  } else if (ConsumePrefix(s, ".metadata")) {
    if (!s.empty() && !(ConsumeBracketName(s, p.key) && s.empty())) return p;
    p.kind = inputs ? PlaceholderKind::kInputArtifactMetadata : PlaceholderKind::kOutputArtifactMetadata;
  }
  return p;
}

Result<ArgNode> ArgNodeFromValue(const Value& v, int depth);
Result<ArgNode> ParseArgNodeAt(std::string_view text, int depth);

Result<std::vector<ArgNode>> ArgListFromValue(const Value& v, int depth, std::string_view what) {
  std::vector<ArgNode> out;
  if (v.is_null()) return out;
  if (!v.is_list()) {
    CAIRN_ASSIGN_OR_RETURN(auto node, ArgNodeFromValue(v, depth));
    out.push_back(std::move(node));
    return out;
  }
  for (const auto& item : v.as_list()) {
    auto node = ArgNodeFromValue(item, depth);
    if (!node.ok()) return InvalidArgument(std::string(what) + ": " + node.error().message());
    out.push_back(std::move(node).value());
  }
  return out;
}

Result<ArgNode> ArgNodeFromValue(const Value& v, int depth) {
  if (depth > kMaxArgNesting) return InvalidArgument("structured placeholder nested too deeply");
  if (v.is_string()) {
    if (depth > 0) return ParseArgNodeAt(v.as_string(), depth);  // may itself be JSON text
    ArgNode n;
    n.text = ParseStringTemplate(v.as_string());
    return n;
  }
  if (v.is_number() || v.is_bool()) {
    ArgNode n;
    n.text = ParseStringTemplate(v.RenderForArgv());
    return n;
  }
  if (!v.is_struct() || v.as_struct().size() != 1) {
    return InvalidArgument("structured placeholder must be an object with one key, IfPresent or Concat");
  }
  const auto& [key, body] = v.as_struct().front();
  ArgNode n;
  if (key == "Concat") {
    n.kind = ArgNode::Kind::kConcat;
    if (!body.is_list()) return InvalidArgument("Concat needs a list");
    CAIRN_ASSIGN_OR_RETURN(n.items, ArgListFromValue(body, depth + 1, "Concat"));
    return n;
  }
  if (key == "IfPresent") {
    n.kind = ArgNode::Kind::kIfPresent;
    const Value* name = body.Find("InputName");
    if (name == nullptr || !name->is_string() || name->as_string().empty()) {
      return InvalidArgument("IfPresent needs a string InputName");
    }
    for (const auto& [k, _] : body.as_struct()) {
      if (k != "InputName" && k != "Then" && k != "Else") {
        return InvalidArgument("IfPresent has unknown key \"" + k + "\"");
      }
    }
    n.input_name = name->as_string();
    if (const Value* then = body.Find("Then")) {
      CAIRN_ASSIGN_OR_RETURN(n.then_args, ArgListFromValue(*then, depth + 1, "IfPresent.Then"));
    }
    if (const Value* els = body.Find("Else")) {
      CAIRN_ASSIGN_OR_RETURN(n.else_args, ArgListFromValue(*els, depth + 1, "IfPresent.Else"));
    }
    return n;
  }
  return InvalidArgument("unknown structured placeholder \"" + key + "\"");
}

Result<ArgNode> ParseArgNodeAt(std::string_view text, int depth) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{' &&
      (text.find("\"IfPresent\"") != std::string_view::npos ||
       text.find("\"Concat\"") != std::string_view::npos)) {
    auto parsed = Value::ParseJson(text);
    if (parsed.ok() && parsed->is_struct() && parsed->as_struct().size() == 1 &&
        (parsed->as_struct().front().first == "IfPresent" ||
         parsed->as_struct().front().first == "Concat")) {
      return ArgNodeFromValue(*parsed, depth + 1);
    }
  }
  ArgNode n;
  n.text = ParseStringTemplate(text);
  return n;
}

}  // namespace

bool StringTemplate::has_placeholders() const {
  for (const auto& part : parts) {
    if (std::holds_alternative<Placeholder>(part)) return true;
  }
  return false;
}

StringTemplate ParseStringTemplate(std::string_view text) {
  StringTemplate t;
  t.raw = std::string(text);
  std::string literal;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{$", pos);
    if (open == std::string_view::npos) break;
    const size_t close = text.find("}}", open + 3);
    if (close == std::string_view::npos) break;
    literal.append(text.substr(pos, open - pos));
    if (!literal.empty()) t.parts.emplace_back(std::move(literal));
    literal.clear();
    const std::string_view inner = text.substr(open + 2, close - open - 2);
    t.parts.emplace_back(ClassifyPlaceholder(inner, std::string(text.substr(open, close + 2 - open))));
    pos = close + 2;
  }
  literal.append(text.substr(pos));
  if (!literal.empty()) t.parts.emplace_back(std::move(literal));
  return t;
}

Result<ArgNode> ParseArgNode(std::string_view text) { return ParseArgNodeAt(text, 0); }

void CollectPlaceholders(const StringTemplate& tmpl, std::vector<const Placeholder*>& out) {
  for (const auto& part : tmpl.parts) {
    if (const auto* p = std::get_if<Placeholder>(&part)) out.push_back(p);
  }
}

void CollectPlaceholders(const ArgNode& node, std::vector<const Placeholder*>& out) {
  CollectPlaceholders(node.text, out);
  for (const auto& n : node.then_args) CollectPlaceholders(n, out);
  for (const auto& n : node.else_args) CollectPlaceholders(n, out);
  for (const auto& n : node.items) CollectPlaceholders(n, out);
}

}  // namespace cairn::pipelines
