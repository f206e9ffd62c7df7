#include "tuning/spec/trial_template.h"

#include <fmt/format.h>

#include <map>

namespace cairn::tuning {
namespace {

using pipelines::Value;

std::string StringAt(const Value& v, std::initializer_list<std::string_view> path) {
  const Value* cur = &v;
  for (std::string_view key : path) {
    cur = cur->Find(key);
    if (cur == nullptr) return "";
  }
  return cur->is_string() ? cur->as_string() : cur->is_null() ? "" : cur->RenderForArgv();
}

// The value of a `${trialSpec.X}` reference (Katib's trial metadata).
Result<std::string> MetadataValue(const ExperimentSpec& spec, const std::string& trial_name, std::string_view ref) {
  std::string_view inner = ref.substr(12, ref.size() - 13);  // between "${trialSpec." and "}"
  if (inner == "Name") return trial_name;
  if (inner == "Namespace") return spec.namespace_name;
  if (inner == "Kind") return StringAt(spec.trial_template.trial_spec, {"kind"});
  if (inner == "APIVersion") return StringAt(spec.trial_template.trial_spec, {"apiVersion"});
  for (std::string_view map : {"Labels", "Annotations"}) {
    if (inner.size() > map.size() + 2 && inner.substr(0, map.size()) == map && inner[map.size()] == '[' &&
        inner.back() == ']') {
      std::string key(inner.substr(map.size() + 1, inner.size() - map.size() - 2));
      std::string field = map == "Labels" ? "labels" : "annotations";
      const Value* meta = spec.trial_template.trial_spec.Find("metadata");
      const Value* m = meta ? meta->Find(field) : nullptr;
      const Value* v = m ? m->Find(key) : nullptr;
      if (v == nullptr) {
        return InvalidArgument(
            fmt::format("{} refers to trialSpec.metadata.{}['{}'], which is not set", ref, field, key));
      }
      return v->is_string() ? v->as_string() : v->RenderForArgv();
    }
  }
  return InvalidArgument(fmt::format(
      "unknown trial metadata reference {}: expected ${{trialSpec.Name|Namespace|Kind|APIVersion|Labels[key]|"
      "Annotations[key]}}",
      ref));
}

Result<std::string> Substitute(const std::string& text, const std::map<std::string, std::string>& values) {
  static constexpr std::string_view kOpen = "${trialParameters.";
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t start = text.find(kOpen, pos);
    if (start == std::string::npos) break;
    size_t end = text.find('}', start + kOpen.size());
    if (end == std::string::npos) break;
    std::string name = text.substr(start + kOpen.size(), end - start - kOpen.size());
    auto it = values.find(name);
    if (it == values.end()) {
      return InvalidArgument(fmt::format("${{trialParameters.{}}} names no trial parameter of trialTemplate", name));
    }
    out.append(text, pos, start - pos);
    out += it->second;
    pos = end + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

Result<Value> SubstituteTree(const Value& v, const std::map<std::string, std::string>& values) {
  switch (v.kind()) {
    case Value::Kind::kString: {
      CAIRN_ASSIGN_OR_RETURN(std::string s, Substitute(v.as_string(), values));
      return Value::String(std::move(s));
    }
    case Value::Kind::kList: {
      Value::List items;
      for (const Value& item : v.as_list()) {
        CAIRN_ASSIGN_OR_RETURN(Value x, SubstituteTree(item, values));
        items.push_back(std::move(x));
      }
      return Value::MakeList(std::move(items));
    }
    case Value::Kind::kStruct: {
      Value::Struct fields;
      for (const auto& [k, item] : v.as_struct()) {
        CAIRN_ASSIGN_OR_RETURN(Value x, SubstituteTree(item, values));
        fields.emplace_back(k, std::move(x));
      }
      return Value::MakeStruct(std::move(fields));
    }
    default:
      return v;
  }
}

// Every container of the object (Job, TFJob/PyTorchJob replica specs,
// Workflow templates...): lists under a "containers" key.
void CollectContainers(const Value& v, std::vector<const Value*>& out, int depth = 0) {
  if (depth > 64) return;
  if (v.is_struct()) {
    for (const auto& [k, item] : v.as_struct()) {
      if (k == "containers" && item.is_list()) {
        for (const Value& c : item.as_list()) {
          if (c.is_struct()) out.push_back(&c);
        }
      } else {
        CollectContainers(item, out, depth + 1);
      }
    }
  } else if (v.is_list()) {
    for (const Value& item : v.as_list()) CollectContainers(item, out, depth + 1);
  }
}

std::string Text(const Value& v) { return v.is_string() ? v.as_string() : v.RenderForArgv(); }

}  // namespace

Result<TrialCommand> RenderTrialCommand(const ExperimentSpec& spec, const std::string& trial_name,
                                        const Assignment& assignment) {
  std::map<std::string, std::string> values;
  for (const TrialParameterSpec& p : spec.trial_template.trial_parameters) {
    if (p.reference.rfind("${trialSpec.", 0) == 0 && p.reference.back() == '}') {
      CAIRN_ASSIGN_OR_RETURN(values[p.name], MetadataValue(spec, trial_name, p.reference));
      continue;
    }
    bool found = false;
    for (const ParameterValue& a : assignment) {
      if (a.name == p.reference) {
        values[p.name] = a.value;
        found = true;
      }
    }
    if (!found) {
      return InvalidArgument(fmt::format("trial parameter '{}' refers to '{}', which is not a parameter of the "
                                         "experiment",
                                         p.name, p.reference));
    }
  }
  TrialCommand out;
  CAIRN_ASSIGN_OR_RETURN(out.rendered_spec, SubstituteTree(spec.trial_template.trial_spec, values));
  std::vector<const Value*> containers;
  CollectContainers(out.rendered_spec, containers);
  const Value* primary = nullptr;
  const std::string& wanted = spec.trial_template.primary_container_name;
  for (const Value* c : containers) {
    if (wanted.empty() ? containers.size() == 1 : StringAt(*c, {"name"}) == wanted) primary = c;
  }
  if (primary == nullptr) {
    if (containers.empty()) return InvalidArgument("the trialSpec has no containers");
    if (wanted.empty()) {
      return InvalidArgument("the trialSpec has several containers: set trialTemplate.primaryContainerName");
    }
    return InvalidArgument(fmt::format("no container named '{}' (primaryContainerName) in the trialSpec", wanted));
  }
  for (std::string_view key : {"command", "args"}) {
    const Value* list = primary->Find(key);
    if (list == nullptr || list->is_null()) continue;
    if (!list->is_list()) return InvalidArgument(fmt::format("the primary container's {} must be a list", key));
    for (const Value& item : list->as_list()) out.argv.push_back(Text(item));
  }
  if (out.argv.empty() || out.argv.front().empty()) {
    return InvalidArgument(
        "the primary container has no command: cairn runs command + args as the trial process (an image's "
        "entrypoint is not known here)");
  }
  if (const Value* env = primary->Find("env"); env != nullptr && env->is_list()) {
    for (const Value& e : env->as_list()) {
      std::string name = StringAt(e, {"name"});
      const Value* value = e.Find("value");
      if (!name.empty() && value != nullptr && !value->is_null()) out.env.emplace_back(name, Text(*value));
    }
  }
  out.image = StringAt(*primary, {"image"});
  out.cpu_limit = StringAt(*primary, {"resources", "limits", "cpu"});
  out.memory_limit = StringAt(*primary, {"resources", "limits", "memory"});
  return out;
}

}  // namespace cairn::tuning
