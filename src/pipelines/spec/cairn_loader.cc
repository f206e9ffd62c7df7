// cairn pipeline YAML -> Pipeline (format: docs/pipelines.md).
//
// Each step compiles to the same shapes KFP IR uses, so the scheduler has one
// model: a container Component ("comp-<step>") whose command runs the step,
// and a root-DAG Task. `${{ ref }}` references become component inputs bound
// to pipeline params (ComponentInputParameter) or step outputs
// (TaskOutputParameter / TaskOutputArtifact). In `run:` scripts each
// reference becomes a shell variable passed through env(1) argv, so values
// are never parsed as shell code. A `for_each` step becomes a loop Dag task
// ("comp-<step>-loop", iterator item input "item") around the step's task,
// with collected (LIST) outputs. `when:` is rewritten to KFP form over the
// task's own inputs.
#include "pipelines/spec/cairn_loader.h"

#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "pipelines/spec/link.h"

namespace cairn::pipelines {
namespace {

constexpr std::string_view kItem = "item";
constexpr std::string_view kItems = "items";

// A step output or pipeline param kind.
struct Kind {
  bool artifact = false;
  ParameterType type = ParameterType::kUnspecified;
  ArtifactType artifact_type;
};

bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

std::optional<Kind> ParseTypeName(std::string_view name) {
  Kind k;
  static const std::map<std::string, ParameterType, std::less<>> kParams = {
      {"string", ParameterType::kString},       {"str", ParameterType::kString},
      {"int", ParameterType::kNumberInteger},   {"integer", ParameterType::kNumberInteger},
      {"double", ParameterType::kNumberDouble}, {"float", ParameterType::kNumberDouble},
      {"number", ParameterType::kNumberDouble}, {"bool", ParameterType::kBoolean},
      {"boolean", ParameterType::kBoolean},     {"list", ParameterType::kList},
      {"struct", ParameterType::kStruct},       {"dict", ParameterType::kStruct}};
  if (auto it = kParams.find(name); it != kParams.end()) {
    k.type = it->second;
    return k;
  }
  static const std::map<std::string, std::string, std::less<>> kArtifacts = {
      {"artifact", "system.Artifact"},
      {"dataset", "system.Dataset"},
      {"model", "system.Model"},
      {"metrics", "system.Metrics"},
      {"html", "system.HTML"},
      {"markdown", "system.Markdown"},
      {"classificationmetrics", "system.ClassificationMetrics"},
      {"slicedclassificationmetrics", "system.SlicedClassificationMetrics"}};
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  k.artifact = true;
  if (auto it = kArtifacts.find(lower); it != kArtifacts.end()) {
    k.artifact_type.schema_title = it->second;
    return k;
  }
  if (name.find('.') != std::string_view::npos && name.front() != '.' && name.back() != '.') {
    k.artifact_type.schema_title = std::string(name);
    return k;
  }
  return std::nullopt;
}

ParameterType TypeOfValue(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool: return ParameterType::kBoolean;
    case Value::Kind::kInt: return ParameterType::kNumberInteger;
    case Value::Kind::kDouble: return ParameterType::kNumberDouble;
    case Value::Kind::kString: return ParameterType::kString;
    case Value::Kind::kList: return ParameterType::kList;
    case Value::Kind::kStruct: return ParameterType::kStruct;
    case Value::Kind::kNull: return ParameterType::kUnspecified;
  }
  return ParameterType::kUnspecified;
}

// A piece of text split on ${{ ... }}: literals and reference expressions.
struct TextPart {
  bool is_ref = false;
  std::string text;
};

Result<std::vector<TextPart>> SplitRefs(const YamlNode& where, std::string_view s) {
  std::vector<TextPart> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t open = s.find("${{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = s.find("}}", open + 3);
    if (close == std::string_view::npos) return where.Error("unterminated ${{ ... }} reference");
    if (open > pos) out.push_back({false, std::string(s.substr(pos, open - pos))});
    out.push_back({true, Trim(s.substr(open + 3, close - open - 3))});
    pos = close + 2;
  }
  if (pos < s.size()) out.push_back({false, std::string(s.substr(pos))});
  return out;
}

std::string EnvName(std::string_view ref) {
  std::string out = "CAIRN_";
  for (char c : ref) {
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_');
  }
  return out;
}

struct StepDecl {
  std::string name;
  YamlNode node;
  std::map<std::string, Kind> outputs;
  bool loop = false;
};

// One component input of a step and how the task binds it.
struct StepInput {
  Kind kind;
  // Binding in the scope around the step: root DAG for params / steps.
  std::optional<ParameterBinding> param;
  std::optional<ArtifactBinding> artifact;
  // Item-derived (loop steps): bound inside the loop Dag to the item input,
  // with this field selector ("" = whole item).
  bool from_item = false;
  std::string item_field;
  // Constants and templates stay on the step's own task.
  bool local = false;
};

class Loader {
 public:
  Loader(std::string_view source) : source_(source) {}

  Result<Pipeline> Load(const YamlNode& doc) {
    CAIRN_RETURN_IF_ERROR(doc.CheckKeys(
        {"name", "description", "image", "pipeline_root", "params", "outputs", "steps", "cache", "workspace"}));
    p_.format = SpecFormat::kCairn;
    p_.source_name = std::string(source_);
    CAIRN_ASSIGN_OR_RETURN(p_.name, doc.GetString("name"));
    if (p_.name.empty()) return doc.Error("a cairn pipeline needs a `name`");
    p_.display_name = p_.name;
    CAIRN_ASSIGN_OR_RETURN(p_.description, doc.GetString("description"));
    CAIRN_ASSIGN_OR_RETURN(default_image_, doc.GetString("image"));
    CAIRN_ASSIGN_OR_RETURN(p_.pipeline_root, doc.GetString("pipeline_root"));
    CAIRN_ASSIGN_OR_RETURN(default_cache_, doc.GetBool("cache", false));
    if (auto ws = doc.Get("workspace"); ws && !ws->IsNull()) {
      auto b = ws->AsBool();
      if (b.ok()) {
        p_.platform.workspace = *b;
      } else {
        CAIRN_ASSIGN_OR_RETURN(p_.platform.workspace_size, ws->AsString());
        p_.platform.workspace = true;
      }
    }

    root_ = std::make_shared<Component>();
    root_->name = "root";
    root_->location = "";
    root_dag_ = std::make_shared<Dag>();
    root_dag_->location = "steps";
    root_->body = root_dag_;
    p_.root = root_;

    if (auto params = doc.Get("params")) CAIRN_RETURN_IF_ERROR(LoadParams(*params));
    auto steps = doc.Get("steps");
    if (!steps || steps->IsNull()) return doc.Error("a cairn pipeline needs `steps`");
    CAIRN_ASSIGN_OR_RETURN(auto entries, steps->Entries());
    if (entries.empty()) return steps->Error("`steps` is empty");
    for (const auto& [name, node] : entries) {
      if (!IsIdentifier(name)) return node.Error("step names are letters, digits, '_' and '-', starting with a letter");
      if (!node.IsMap()) return node.Error("a step is a mapping (run:, needs:, ...)");
      StepDecl d{name, node, {}, node.Has("for_each")};
      if (auto outs = node.Get("outputs")) {
        CAIRN_ASSIGN_OR_RETURN(auto outputs, outs->Entries());
        for (const auto& [oname, onode] : outputs) {
          if (!IsIdentifier(oname)) return onode.Error("output names are identifiers");
          CAIRN_ASSIGN_OR_RETURN(auto tname, onode.AsString());
          auto k = ParseTypeName(tname);
          if (!k) return onode.Error("unknown type \"" + tname + "\" (string, int, double, bool, list, struct, or an artifact type such as Dataset, Model, Metrics, artifact)");
          d.outputs.emplace(oname, *k);
        }
      }
      decls_.emplace(name, std::move(d));
    }
    for (const auto& [name, _] : entries) CAIRN_RETURN_IF_ERROR(BuildStep(decls_.at(name)));
    if (auto outs = doc.Get("outputs")) CAIRN_RETURN_IF_ERROR(LoadPipelineOutputs(*outs));
    CAIRN_RETURN_IF_ERROR(LinkPipeline(p_));
    return std::move(p_);
  }

 private:
  Status LoadParams(const YamlNode& params) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, params.Entries());
    for (const auto& [name, node] : entries) {
      if (!IsIdentifier(name)) return node.Error("param names are identifiers");
      ParameterSpec spec;
      bool spec_form = node.IsMap() && (node.Has("type") || node.Has("default"));
      if (spec_form) {
        for (auto it = node.raw().begin(); it != node.raw().end(); ++it) {
          const std::string k = it->first.Scalar();
          spec_form = spec_form && (k == "type" || k == "default" || k == "description" || k == "optional");
        }
      }
      if (spec_form) {
        CAIRN_ASSIGN_OR_RETURN(auto tname, node.GetString("type"));
        if (auto d = node.Get("default")) {
          CAIRN_ASSIGN_OR_RETURN(auto v, d->ToValue());
          spec.default_value = std::move(v);
        }
        CAIRN_ASSIGN_OR_RETURN(spec.description, node.GetString("description"));
        CAIRN_ASSIGN_OR_RETURN(spec.optional, node.GetBool("optional", false));
        if (!tname.empty()) {
          auto k = ParseTypeName(tname);
          if (!k || k->artifact) return node.Error("param type must be string, int, double, bool, list or struct");
          spec.type = k->type;
        } else if (spec.default_value) {
          spec.type = TypeOfValue(*spec.default_value);
        }
      } else {
        CAIRN_ASSIGN_OR_RETURN(auto v, node.ToValue());
        if (v.is_null()) return node.Error("give the param a default value or {type: ...}");
        spec.type = TypeOfValue(v);
        spec.default_value = std::move(v);
      }
      if (spec.default_value) spec.optional = true;
      root_->inputs.parameters.emplace(name, std::move(spec));
    }
    return Status::Ok();
  }

  Status LoadPipelineOutputs(const YamlNode& outs) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, outs.Entries());
    for (const auto& [name, node] : entries) {
      CAIRN_ASSIGN_OR_RETURN(auto text, node.AsString());
      CAIRN_ASSIGN_OR_RETURN(auto parts, SplitRefs(node, text));
      if (parts.size() != 1 || !parts[0].is_ref) {
        return node.Error("a pipeline output is one reference: ${{ steps.<step>.outputs.<name> }}");
      }
      auto path = Split(parts[0].text, '.');
      if (path.size() != 4 || path[0] != "steps" || path[2] != "outputs") {
        return node.Error("a pipeline output is one reference: ${{ steps.<step>.outputs.<name> }}");
      }
      auto d = decls_.find(path[1]);
      if (d == decls_.end()) return node.Error("unknown step \"" + path[1] + "\"");
      auto o = d->second.outputs.find(path[3]);
      if (o == d->second.outputs.end()) return node.Error("step \"" + path[1] + "\" has no output \"" + path[3] + "\"");
      if (o->second.artifact) {
        ArtifactSpec spec;
        spec.type = o->second.artifact_type;
        spec.is_list = d->second.loop;
        root_->outputs.artifacts.emplace(name, spec);
        root_dag_->output_artifacts[name].selectors.push_back({path[1], path[3]});
      } else {
        ParameterSpec spec;
        spec.type = d->second.loop ? ParameterType::kList : o->second.type;
        root_->outputs.parameters.emplace(name, spec);
        root_dag_->output_parameters[name].selectors.push_back({path[1], path[3]});
      }
    }
    return Status::Ok();
  }

  // Per-step build state.
  struct Build {
    const StepDecl* decl = nullptr;
    std::map<std::string, StepInput> inputs;  // component input name -> binding
    std::map<std::string, std::string> env;   // env var -> placeholder text (run: steps)
    std::set<std::string> when_inputs;        // inputs only the condition reads
  };

  // Resolves a `${{ ref }}` to placeholder text usable in the step's command,
  // creating the component input it needs. `for_when` refs must be params or
  // step outputs.
  Result<std::string> Ref(Build& b, const YamlNode& where, const std::string& ref) {
    const auto path = Split(ref, '.');
    const StepDecl& step = *b.decl;
    auto param_ph = [](const std::string& n) { return "{{$.inputs.parameters['" + n + "']}}"; };
    auto art_ph = [](const std::string& n) { return "{{$.inputs.artifacts['" + n + "'].path}}"; };
    if (path.size() == 2 && path[0] == "params") {
      auto it = root_->inputs.parameters.find(path[1]);
      StepInput in;
      in.kind.type = it == root_->inputs.parameters.end() ? ParameterType::kUnspecified : it->second.type;
      if (it == root_->inputs.parameters.end()) return where.Error("unknown param \"" + path[1] + "\"");
      in.param = binding::ComponentInputParameter{path[1]};
      CAIRN_RETURN_IF_ERROR(AddInput(b, where, ref, std::move(in)));
      return param_ph(ref);
    }
    if (path.size() == 4 && path[0] == "steps" && path[2] == "outputs") {
      auto d = decls_.find(path[1]);
      if (d == decls_.end()) return where.Error("unknown step \"" + path[1] + "\"");
      if (path[1] == step.name) return where.Error("a step cannot read its own outputs; use ${{ outputs." + path[3] + " }}");
      auto o = d->second.outputs.find(path[3]);
      if (o == d->second.outputs.end()) return where.Error("step \"" + path[1] + "\" has no output \"" + path[3] + "\"");
      StepInput in;
      in.kind = o->second;
      if (in.kind.artifact) {
        in.artifact = binding::TaskOutputArtifact{path[1], path[3]};
      } else {
        if (d->second.loop) in.kind.type = ParameterType::kList;
        in.param = binding::TaskOutputParameter{path[1], path[3]};
      }
      const bool artifact = in.kind.artifact;
      CAIRN_RETURN_IF_ERROR(AddInput(b, where, ref, std::move(in)));
      return artifact ? art_ph(ref) : param_ph(ref);
    }
    if (path.size() == 2 && path[0] == "inputs") {
      auto it = b.inputs.find(path[1]);
      if (it == b.inputs.end()) return where.Error("step has no input \"" + path[1] + "\" (declare it under inputs:)");
      return it->second.kind.artifact ? art_ph(path[1]) : param_ph(path[1]);
    }
    if (path.size() == 2 && path[0] == "outputs") {
      auto it = step.outputs.find(path[1]);
      if (it == step.outputs.end()) return where.Error("step has no output \"" + path[1] + "\" (declare it under outputs:)");
      return it->second.artifact ? "{{$.outputs.artifacts['" + path[1] + "'].path}}"
                                 : "{{$.outputs.parameters['" + path[1] + "'].output_file}}";
    }
    if (path[0] == kItem && path.size() <= 2) {
      if (!step.loop) return where.Error("${{ item }} is only defined in for_each steps");
      StepInput in;
      in.from_item = true;
      if (path.size() == 2) in.item_field = path[1];
      CAIRN_RETURN_IF_ERROR(AddInput(b, where, ref, std::move(in)));
      return param_ph(ref);
    }
    static const std::map<std::string, std::string, std::less<>> kRuntime = {
        {"run.name", "{{$.pipeline_job_name}}"},   {"run.id", "{{$.pipeline_job_uuid}}"},
        {"task.name", "{{$.pipeline_task_name}}"}, {"task.id", "{{$.pipeline_task_uuid}}"},
        {"workspace", "{{$.workspace_path}}"},     {"pipeline_root", "{{$.pipeline_root}}"}};
    if (auto it = kRuntime.find(ref); it != kRuntime.end()) return it->second;
    return where.Error("unknown reference ${{ " + ref +
                       " }} (expected params.X, steps.S.outputs.X, inputs.X, outputs.X, item, item.F, run.name, run.id, task.name, task.id, workspace)");
  }

  Status AddInput(Build& b, const YamlNode& where, const std::string& name, StepInput in) {
    auto [it, inserted] = b.inputs.emplace(name, in);
    if (!inserted && (it->second.kind.artifact != in.kind.artifact || it->second.local != in.local)) {
      return where.Error("input \"" + name + "\" is bound twice in different ways");
    }
    return Status::Ok();
  }

  // Expands refs in `text` to placeholder text.
  Result<std::string> Expand(Build& b, const YamlNode& where, std::string_view text, bool shell) {
    CAIRN_ASSIGN_OR_RETURN(auto parts, SplitRefs(where, text));
    std::string out;
    for (const auto& part : parts) {
      if (!part.is_ref) {
        out += part.text;
        continue;
      }
      CAIRN_ASSIGN_OR_RETURN(auto ph, Ref(b, where, part.text));
      if (!shell) {
        out += ph;
        continue;
      }
      const std::string var = EnvName(part.text);
      auto [it, inserted] = b.env.emplace(var, ph);
      if (!inserted && it->second != ph) return where.Error("references collide on shell variable " + var);
      out += "${" + var + "}";
    }
    return out;
  }

  Status LoadExplicitInputs(Build& b, const YamlNode& node) {
    CAIRN_ASSIGN_OR_RETURN(auto entries, node.Entries());
    for (const auto& [name, vnode] : entries) {
      if (!IsIdentifier(name)) return vnode.Error("input names are identifiers");
      CAIRN_ASSIGN_OR_RETURN(auto value, vnode.ToValue());
      if (!value.is_string() || value.as_string().find("${{") == std::string::npos) {
        StepInput in;
        in.local = true;
        in.kind.type = TypeOfValue(value);
        in.param = binding::Constant{std::move(value)};
        CAIRN_RETURN_IF_ERROR(AddInput(b, vnode, name, std::move(in)));
        continue;
      }
      CAIRN_ASSIGN_OR_RETURN(auto parts, SplitRefs(vnode, value.as_string()));
      if (parts.size() == 1 && parts[0].is_ref) {
        // Alias of one reference: same binding under the user's name.
        CAIRN_ASSIGN_OR_RETURN(auto ph, Ref(b, vnode, parts[0].text));
        auto src = b.inputs.find(parts[0].text);
        if (src != b.inputs.end()) {
          StepInput copy = src->second;
          b.inputs.erase(src);
          CAIRN_RETURN_IF_ERROR(AddInput(b, vnode, name, std::move(copy)));
          continue;
        }
        // Runtime value or output path: a template.
        StepInput in;
        in.local = true;
        in.kind.type = ParameterType::kString;
        in.param = binding::RuntimeTemplate{ParseStringTemplate(ph)};
        CAIRN_RETURN_IF_ERROR(AddInput(b, vnode, name, std::move(in)));
        continue;
      }
      CAIRN_ASSIGN_OR_RETURN(auto text, Expand(b, vnode, value.as_string(), /*shell=*/false));
      StepInput in;
      in.local = true;
      in.kind.type = ParameterType::kString;
      in.param = binding::RuntimeTemplate{ParseStringTemplate(text)};
      CAIRN_RETURN_IF_ERROR(AddInput(b, vnode, name, std::move(in)));
    }
    return Status::Ok();
  }

  // Rewrites params.X / steps.S.outputs.O in a `when:` expression to
  // inputs.parameter_values['<input>'] and adds those inputs.
  Result<cel::ExprPtr> RewriteWhen(Build& b, const YamlNode& where, const cel::ExprPtr& e) {
    std::string ref;
    const cel::Expr* cur = e.get();
    std::vector<std::string> fields;
    while (cur->kind == cel::Expr::Kind::kMember) {
      fields.insert(fields.begin(), cur->name);
      cur = cur->args[0].get();
    }
    if (cur->kind == cel::Expr::Kind::kIdent && (cur->name == "params" || cur->name == "steps")) {
      ref = cur->name;
      for (const auto& f : fields) ref += "." + f;
      const auto path = Split(ref, '.');
      if (!(path[0] == "params" && path.size() == 2) &&
          !(path[0] == "steps" && path.size() == 4 && path[2] == "outputs")) {
        return where.Error("when: cannot read \"" + ref + "\" (use params.X or steps.S.outputs.X)");
      }
      CAIRN_ASSIGN_OR_RETURN(auto ph, Ref(b, where, ref));
      (void)ph;
      if (b.inputs.at(ref).kind.artifact) return where.Error("when: \"" + ref + "\" is an artifact");
      b.when_inputs.insert(ref);
      auto values = std::make_shared<cel::Expr>();
      values->kind = cel::Expr::Kind::kMember;
      values->name = "parameter_values";
      auto inputs = std::make_shared<cel::Expr>();
      inputs->kind = cel::Expr::Kind::kIdent;
      inputs->name = "inputs";
      values->args = {inputs};
      auto key = std::make_shared<cel::Expr>();
      key->literal = Value::String(ref);
      auto index = std::make_shared<cel::Expr>();
      index->kind = cel::Expr::Kind::kIndex;
      index->args = {values, key};
      return cel::ExprPtr(index);
    }
    if (e->kind == cel::Expr::Kind::kIdent) {
      return where.Error("when: unknown name \"" + e->name + "\" (use params.X or steps.S.outputs.X)");
    }
    auto copy = std::make_shared<cel::Expr>(*e);
    for (auto& arg : copy->args) {
      CAIRN_ASSIGN_OR_RETURN(arg, RewriteWhen(b, where, arg));
    }
    return cel::ExprPtr(copy);
  }

  Status BuildStep(const StepDecl& decl) {
    const YamlNode& n = decl.node;
    CAIRN_RETURN_IF_ERROR(n.CheckKeys({"display_name", "image", "run", "command", "env", "secrets", "inputs",
                                       "outputs", "needs", "when", "retries", "cache", "for_each", "parallelism",
                                       "resources", "always", "timeout"}));
    Build b;
    b.decl = &decl;
    const std::string loc = "steps." + decl.name;

    auto comp = std::make_shared<Component>();
    comp->name = "comp-" + decl.name;
    comp->executor_label = "exec-" + decl.name;
    comp->location = loc;
    ContainerSpec c;
    CAIRN_ASSIGN_OR_RETURN(c.image, n.GetString("image", default_image_));

    if (auto inputs = n.Get("inputs")) CAIRN_RETURN_IF_ERROR(LoadExplicitInputs(b, *inputs));

    const auto run = n.Get("run");
    const auto command = n.Get("command");
    if (run.has_value() == command.has_value()) return n.Error("a step needs exactly one of run: or command:");
    if (run) {
      CAIRN_ASSIGN_OR_RETURN(auto script, run->AsString());
      CAIRN_ASSIGN_OR_RETURN(auto expanded, Expand(b, *run, script, /*shell=*/true));
      std::vector<std::string> argv;
      if (!b.env.empty()) {
        argv.push_back("env");
        for (const auto& [var, ph] : b.env) argv.push_back(var + "=" + ph);
      }
      argv.insert(argv.end(), {"sh", "-ec", expanded});
      for (auto& a : argv) {
        ArgNode node;
        node.text = ParseStringTemplate(a);
        c.command.push_back(std::move(node));
      }
    } else {
      CAIRN_ASSIGN_OR_RETURN(auto items, command->Items());
      if (items.empty()) return command->Error("command: needs at least one element");
      for (const auto& item : items) {
        CAIRN_ASSIGN_OR_RETURN(auto text, item.AsString());
        CAIRN_ASSIGN_OR_RETURN(auto expanded, Expand(b, item, text, /*shell=*/false));
        ArgNode node;
        node.text = ParseStringTemplate(expanded);
        c.command.push_back(std::move(node));
      }
    }

    if (auto env = n.Get("env")) {
      CAIRN_ASSIGN_OR_RETURN(auto entries, env->Entries());
      for (const auto& [k, v] : entries) {
        CAIRN_ASSIGN_OR_RETURN(auto value, v.AsString());
        if (k.rfind("CAIRN_", 0) == 0) return v.Error("env names starting with CAIRN_ are reserved");
        c.env.push_back({k, value});
      }
    }
    if (auto secrets = n.Get("secrets")) {
      CAIRN_ASSIGN_OR_RETURN(auto items, secrets->Items());
      for (const auto& item : items) {
        CAIRN_RETURN_IF_ERROR(item.CheckKeys({"secret", "key", "env", "optional"}));
        SecretEnv s;
        CAIRN_ASSIGN_OR_RETURN(s.secret_name, item.GetString("secret"));
        CAIRN_ASSIGN_OR_RETURN(auto key, item.GetString("key"));
        CAIRN_ASSIGN_OR_RETURN(auto env, item.GetString("env"));
        CAIRN_ASSIGN_OR_RETURN(s.optional, item.GetBool("optional", false));
        if (s.secret_name.empty() || key.empty() || env.empty()) return item.Error("a secret needs secret, key and env");
        s.key_to_env.emplace_back(key, env);
        c.platform.secret_env.push_back(std::move(s));
      }
    }
    if (auto timeout = n.Get("timeout"); timeout && !timeout->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(auto text, timeout->AsString());
      auto seconds = ParseDurationSeconds(text);
      if (!seconds || *seconds < 0 || *seconds > 365.0 * 86400) {
        return timeout->Error("timeout: expected a duration like 90s, 5m, 2h");
      }
      // Whole seconds, as KFP's activeDeadlineSeconds; a sub-second limit
      // rounds up rather than meaning "none".
      c.platform.timeout_seconds = static_cast<int64_t>(std::ceil(*seconds));
    }
    if (auto res = n.Get("resources"); res && !res->IsNull()) {
      CAIRN_RETURN_IF_ERROR(res->CheckKeys({"cpu", "memory", "gpu", "accelerator"}));
      auto get = [&](std::string_view key) -> Result<StringTemplate> {
        auto f = res->Get(key);
        if (!f || f->IsNull()) return StringTemplate{};
        CAIRN_ASSIGN_OR_RETURN(auto text, f->AsString());
        return ParseStringTemplate(text);
      };
      CAIRN_ASSIGN_OR_RETURN(c.resources.cpu_limit, get("cpu"));
      CAIRN_ASSIGN_OR_RETURN(c.resources.memory_limit, get("memory"));
      CAIRN_ASSIGN_OR_RETURN(c.resources.accelerator_count, get("gpu"));
      CAIRN_ASSIGN_OR_RETURN(c.resources.accelerator_type, get("accelerator"));
      if (!c.resources.accelerator_count.raw.empty() && c.resources.accelerator_type.raw.empty()) {
        c.resources.accelerator_type = ParseStringTemplate("nvidia.com/gpu");
      }
    }

    Task task;
    task.key = decl.name;
    CAIRN_ASSIGN_OR_RETURN(task.display_name, n.GetString("display_name", decl.name));
    task.component_ref = comp->name;
    task.location = loc;
    if (auto needs = n.Get("needs")) {
      if (needs->IsScalar()) {
        CAIRN_ASSIGN_OR_RETURN(auto one, needs->AsString());
        task.dependent_tasks.push_back(one);
      } else {
        CAIRN_ASSIGN_OR_RETURN(auto items, needs->Items());
        for (const auto& item : items) {
          CAIRN_ASSIGN_OR_RETURN(auto dep, item.AsString());
          task.dependent_tasks.push_back(dep);
        }
      }
    }
    CAIRN_ASSIGN_OR_RETURN(bool always, n.GetBool("always", false));
    if (always) task.trigger.strategy = TriggerStrategy::kAllUpstreamTasksCompleted;
    if (auto when = n.Get("when"); when && !when->IsNull()) {
      CAIRN_ASSIGN_OR_RETURN(auto text, when->AsString());
      text = Trim(text);
      if (text.size() > 5 && text.rfind("${{", 0) == 0 && text.substr(text.size() - 2) == "}}") {
        text = Trim(text.substr(3, text.size() - 5));
      }
      auto parsed = cel::Parse(text);
      if (!parsed.ok()) return when->Error("when: " + parsed.error().message());
      CAIRN_ASSIGN_OR_RETURN(auto rewritten, RewriteWhen(b, *when, *parsed));
      task.trigger.condition_expr = rewritten;
      task.trigger.condition = cel::ToString(*rewritten);
    }
    if (auto r = n.Get("retries"); r && !r->IsNull()) {
      RetryPolicy policy;
      if (r->IsScalar()) {
        CAIRN_ASSIGN_OR_RETURN(auto count, r->AsInt());
        if (count < 0 || count > 100) return r->Error("retries must be within 0..100");
        policy.max_retry_count = static_cast<int32_t>(count);
      } else {
        CAIRN_RETURN_IF_ERROR(r->CheckKeys({"count", "backoff", "factor", "max_backoff"}));
        CAIRN_ASSIGN_OR_RETURN(auto count, r->GetInt("count", 0));
        if (count < 0 || count > 100) return r->Error("retries.count must be within 0..100");
        policy.max_retry_count = static_cast<int32_t>(count);
        for (auto [key, field] : {std::pair<std::string_view, double*>{"backoff", &policy.backoff_seconds},
                                  {"max_backoff", &policy.backoff_max_seconds}}) {
          CAIRN_ASSIGN_OR_RETURN(auto text, r->GetString(key));
          if (text.empty()) continue;
          auto secs = ParseDurationSeconds(text);
          if (!secs) return r->Get(key)->Error("bad duration \"" + text + "\" (e.g. 10s, 2m, 1h)");
          *field = *secs;
        }
        if (auto f = r->Get("factor"); f && !f->IsNull()) {
          CAIRN_ASSIGN_OR_RETURN(policy.backoff_factor, f->AsDouble());
          if (!(policy.backoff_factor >= 1.0 && policy.backoff_factor <= 100.0)) return f->Error("factor must be within 1..100");
        }
      }
      task.retry = policy;
    }
    CAIRN_ASSIGN_OR_RETURN(task.caching.enabled, n.GetBool("cache", default_cache_));

    // Component interface.
    for (const auto& [name, kind] : decl.outputs) {
      if (kind.artifact) {
        ArtifactSpec spec;
        spec.type = kind.artifact_type;
        comp->outputs.artifacts.emplace(name, spec);
      } else {
        ParameterSpec spec;
        spec.type = kind.type;
        comp->outputs.parameters.emplace(name, spec);
      }
    }
    for (const auto& [name, in] : b.inputs) {
      if (in.kind.artifact) {
        ArtifactSpec spec;
        spec.type = in.kind.artifact_type;
        comp->inputs.artifacts.emplace(name, spec);
      } else {
        ParameterSpec spec;
        spec.type = in.kind.type;
        comp->inputs.parameters.emplace(name, spec);
      }
    }
    comp->body = std::move(c);
    p_.components.emplace(comp->name, comp);

    if (!decl.loop) {
      for (const auto& [name, in] : b.inputs) BindDirect(task, name, in);
      root_dag_->tasks.emplace(decl.name, std::move(task));
      return Status::Ok();
    }
    return BuildLoop(decl, b, std::move(task), comp);
  }

  static void BindDirect(Task& task, const std::string& name, const StepInput& in) {
    if (in.artifact) {
      task.artifact_inputs[name] = ArtifactInput{*in.artifact};
    } else if (in.param) {
      task.parameter_inputs[name] = ParameterInput{*in.param, "", nullptr};
    }
  }

  // Wraps the step in a loop Dag: outer task (iterator, when, needs) ->
  // comp-<step>-loop { <step>: inner task (retries, cache) }.
  Status BuildLoop(const StepDecl& decl, Build& b, Task inner, const std::shared_ptr<Component>& comp) {
    const YamlNode& n = decl.node;
    const std::string loc = "steps." + decl.name;
    auto loop = std::make_shared<Component>();
    loop->name = "comp-" + decl.name + "-loop";
    loop->location = loc + ".for_each";
    auto body = std::make_shared<Dag>();
    body->location = loc + ".for_each";

    Task outer;
    outer.key = decl.name;
    outer.display_name = inner.display_name;
    outer.component_ref = loop->name;
    outer.location = loc;
    outer.dependent_tasks = std::move(inner.dependent_tasks);
    inner.dependent_tasks.clear();
    outer.trigger = std::move(inner.trigger);
    inner.trigger = TriggerPolicy{};
    inner.location = loc;

    Iterator it;
    it.item_input = std::string(kItem);
    auto items = *n.Get("for_each");
    if (items.IsSequence()) {
      CAIRN_ASSIGN_OR_RETURN(auto list, items.ToValue());
      it.raw_items = std::move(list);
    } else {
      CAIRN_ASSIGN_OR_RETURN(auto text, items.AsString());
      CAIRN_ASSIGN_OR_RETURN(auto parts, SplitRefs(items, text));
      if (parts.size() != 1 || !parts[0].is_ref) {
        return items.Error("for_each is a list or one reference: ${{ params.X }} / ${{ steps.S.outputs.X }}");
      }
      Build tmp;
      tmp.decl = &decl;
      CAIRN_ASSIGN_OR_RETURN(auto ph, Ref(tmp, items, parts[0].text));
      (void)ph;
      auto src = tmp.inputs.find(parts[0].text);
      if (src == tmp.inputs.end() || !src->second.param || src->second.from_item) {
        return items.Error("for_each reads a list param or step output");
      }
      outer.parameter_inputs[std::string(kItems)] = ParameterInput{*src->second.param, "", nullptr};
      ParameterSpec spec;
      spec.type = ParameterType::kList;
      loop->inputs.parameters.emplace(std::string(kItems), spec);
      it.input_parameter = std::string(kItems);
    }
    CAIRN_ASSIGN_OR_RETURN(it.parallelism_limit, n.GetInt("parallelism", 0));
    if (it.parallelism_limit < 0) return n.Get("parallelism")->Error("parallelism must be >= 0");
    outer.iterator = std::move(it);
    loop->inputs.parameters.emplace(std::string(kItem), ParameterSpec{});

    for (const auto& [name, in] : b.inputs) {
      const bool used = comp->inputs.parameters.contains(name) || comp->inputs.artifacts.contains(name);
      if (in.from_item) {
        ParameterInput pin{binding::ComponentInputParameter{std::string(kItem)}, "", nullptr};
        if (!in.item_field.empty()) {
          pin.expression_selector = "parseJson(string_value)[\"" + in.item_field + "\"]";
          auto e = cel::Parse(pin.expression_selector);
          if (e.ok()) pin.selector_expr = *e;
        }
        inner.parameter_inputs[name] = std::move(pin);
        continue;
      }
      if (in.local) {
        BindDirect(inner, name, in);
        continue;
      }
      // From the root scope: bind on the outer task, pass through the loop.
      BindDirect(outer, name, in);
      if (in.kind.artifact) {
        ArtifactSpec spec;
        spec.type = in.kind.artifact_type;
        loop->inputs.artifacts.emplace(name, spec);
        if (used) inner.artifact_inputs[name] = ArtifactInput{binding::ComponentInputArtifact{name}};
      } else {
        ParameterSpec spec;
        spec.type = in.kind.type;
        loop->inputs.parameters.emplace(name, spec);
        if (used) inner.parameter_inputs[name] = ParameterInput{binding::ComponentInputParameter{name}, "", nullptr};
      }
    }
    for (const auto& [name, spec] : comp->outputs.parameters) {
      ParameterSpec list;
      list.type = ParameterType::kList;
      loop->outputs.parameters.emplace(name, list);
      body->output_parameters[name].selectors.push_back({decl.name, name});
    }
    for (const auto& [name, spec] : comp->outputs.artifacts) {
      ArtifactSpec list = spec;
      list.is_list = true;
      loop->outputs.artifacts.emplace(name, list);
      body->output_artifacts[name].selectors.push_back({decl.name, name});
    }
    body->tasks.emplace(decl.name, std::move(inner));
    loop->body = body;
    p_.components.emplace(loop->name, loop);
    root_dag_->tasks.emplace(decl.name, std::move(outer));
    return Status::Ok();
  }

  std::string_view source_;
  Pipeline p_;
  std::shared_ptr<Component> root_;
  std::shared_ptr<Dag> root_dag_;
  std::string default_image_;
  bool default_cache_ = false;
  std::map<std::string, StepDecl> decls_;
};

}  // namespace

bool LooksLikeCairnPipeline(const YamlNode& doc) { return doc.IsMap() && doc.Has("steps") && !doc.Has("root"); }

Result<Pipeline> LoadCairnDocuments(const std::vector<YamlNode>& docs, std::string_view source_name) {
  if (docs.empty() || docs[0].IsNull()) return InvalidArgument(std::string(source_name) + ": empty pipeline spec");
  if (docs.size() > 1) return docs[1].Error("a cairn pipeline is a single YAML document");
  if (!docs[0].IsMap()) return docs[0].Error("a cairn pipeline is a mapping (name:, params:, steps:)");
  Loader loader(source_name);
  return loader.Load(docs[0]);
}

Result<Pipeline> LoadCairnPipeline(std::string_view yaml, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(auto docs, ParseYamlDocuments(yaml, source_name));
  return LoadCairnDocuments(docs, source_name);
}

}  // namespace cairn::pipelines
