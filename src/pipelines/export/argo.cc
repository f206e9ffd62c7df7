#include "pipelines/export/argo.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "pipelines/export/argo_when.h"
#include "pipelines/export/yaml_writer.h"

namespace cairn::pipelines {
namespace {

Value Str(std::string s) { return Value::String(std::move(s)); }
Value Obj() { return Value::MakeStruct({}); }

constexpr char kInputsDir[] = "/tmp/inputs";
constexpr char kOutputsDir[] = "/tmp/outputs";
constexpr char kWorkspacePath[] = "/kfp-workspace";
constexpr char kExitTemplate[] = "exit-handler";

// Argo names (templates, tasks): alphanumerics and '-', starting alphanumeric.
std::string ArgoName(std::string_view s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  return out.empty() ? "t" : out.substr(0, 128);
}
// Parameter and artifact names may also hold '_'.
std::string ParamName(std::string_view s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '-';
  return out.empty() ? "p" : out;
}

std::string InputArtifactPath(const std::string& name) { return fmt::format("{}/{}/data", kInputsDir, ParamName(name)); }
std::string OutputArtifactPath(const std::string& name) { return fmt::format("{}/{}/data", kOutputsDir, ParamName(name)); }
std::string OutputParameterPath(const std::string& name) { return fmt::format("{}/{}", kOutputsDir, ParamName(name)); }

// The JSON text of an Argo reference inside a KFP ExecutorInput: strings
// quoted, other types raw (Argo substitutes the value's text).
std::string JsonSlot(const std::string& reference, ParameterType type) {
  switch (type) {
    case ParameterType::kNumberInteger:
    case ParameterType::kNumberDouble:
    case ParameterType::kBoolean:
    case ParameterType::kList:
    case ParameterType::kStruct:
      return reference;
    default:
      return "\"" + reference + "\"";
  }
}

class Exporter {
 public:
  Exporter(const Pipeline& p, const ArgoExportOptions& options) : p_(p), options_(options) {}

  Value Run() {
    std::string entry = DagTemplate(*p_.root, /*is_root=*/true);
    Value spec = Obj();
    spec.Set("entrypoint", Str(entry));
    if (!options_.service_account.empty()) spec.Set("serviceAccountName", Str(options_.service_account));
    Value::List args;
    for (const auto& [name, ps] : p_.root->inputs.parameters) {
      Value arg = Value::MakeStruct({{"name", Str(ParamName(name))}});
      if (ps.default_value) arg.Set("value", Str(ps.default_value->RenderForArgv()));
      args.push_back(std::move(arg));
    }
    for (const auto& [name, as] : p_.root->inputs.artifacts) {
      Note(p_.root->location + ".inputDefinitions.artifacts." + name,
           "pipeline input artifacts have no Argo workflow argument; pass it as an artifact argument yourself");
    }
    if (!args.empty()) spec.Set("arguments", Value::MakeStruct({{"parameters", Value::MakeList(std::move(args))}}));
    if (!exit_tasks_.empty()) spec.Set("onExit", Str(kExitTemplate));
    if (!pull_secrets_.empty()) {
      Value::List list;
      for (const std::string& s : pull_secrets_) list.push_back(Value::MakeStruct({{"name", Str(s)}}));
      spec.Set("imagePullSecrets", Value::MakeList(std::move(list)));
    }
    if (p_.platform.workspace) {
      Value claim_spec = Value::MakeStruct(
          {{"accessModes", Value::MakeList({Str("ReadWriteOnce")})},
           {"resources", Value::MakeStruct({{"requests", Value::MakeStruct({{"storage", Str(p_.platform.workspace_size.empty() ? "1Gi" : p_.platform.workspace_size)}})}})}});
      spec.Set("volumeClaimTemplates",
               Value::MakeList({Value::MakeStruct({{"apiVersion", Str("v1")},
                                                   {"kind", Str("PersistentVolumeClaim")},
                                                   {"metadata", Value::MakeStruct({{"name", Str("kfp-workspace")}})},
                                                   {"spec", std::move(claim_spec)}})}));
    }
    spec.Set("templates", Value::MakeList(std::move(templates_)));
    const std::string base = ArgoName(p_.name.empty() ? "pipeline" : p_.name);
    std::string generate;
    for (char c : base) generate += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Value metadata = Value::MakeStruct({{"generateName", Str(generate.substr(0, 50) + "-")}});
    Value annotations = Obj();
    annotations.Set("cairn.dev/exported-from", Str(p_.format == SpecFormat::kKfpIr ? "kfp-ir" : "cairn-yaml"));
    if (!p_.description.empty()) annotations.Set("cairn.dev/description", Str(p_.description));
    metadata.Set("annotations", std::move(annotations));
    return Value::MakeStruct({{"apiVersion", Str("argoproj.io/v1alpha1")},
                              {"kind", Str("Workflow")},
                              {"metadata", std::move(metadata)},
                              {"spec", std::move(spec)}});
  }

  std::vector<SpecProblem> notes() const { return notes_; }

 private:
  void Note(std::string location, std::string message) {
    for (const SpecProblem& n : notes_) {
      if (n.message == message && n.location == location) return;
    }
    notes_.push_back({std::move(location), std::move(message), Severity::kWarning});
  }

  // ----------------------------------------------------- DAG templates

  // Expressions a DAG task's arguments use, in the scope of its DAG.
  struct Scope {
    bool is_root = false;
    bool on_exit = false;  // inside spec.onExit: no sibling tasks
    const Task* task = nullptr;
  };

  std::string InputRef(const Scope& scope, const std::string& name) const {
    return scope.is_root ? fmt::format("{{{{workflow.parameters.{}}}}}", ParamName(name))
                         : fmt::format("{{{{inputs.parameters.{}}}}}", ParamName(name));
  }

  // The Argo text for a parameter binding: a literal or a "{{...}}" reference.
  std::string BindingText(const ParameterBinding& b, const Scope& scope, int depth = 0) {
    std::string out;
    std::visit(
        [&](const auto& x) {
          using B = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<B, binding::Constant>) {
            out = x.value.RenderForArgv();
          } else if constexpr (std::is_same_v<B, binding::RuntimeTemplate>) {
            out = RuntimeTemplateText(x.tmpl, scope, depth);
          } else if constexpr (std::is_same_v<B, binding::ComponentInputParameter>) {
            out = InputRef(scope, x.name);
          } else if constexpr (std::is_same_v<B, binding::TaskOutputParameter>) {
            out = fmt::format("{{{{tasks.{}.outputs.parameters.{}}}}}", ArgoName(x.producer_task),
                              ParamName(x.output_key));
          } else if constexpr (std::is_same_v<B, binding::TaskFinalStatus>) {
            // KFP passes a TASK_FINAL_STATUS JSON; Argo has the status word.
            const std::string state =
                scope.on_exit ? "{{workflow.status}}" : fmt::format("{{{{tasks.{}.status}}}}", ArgoName(x.producer_task));
            out = fmt::format(R"({{"state":"{}","pipelineJobResourceName":"{{{{workflow.name}}}}","pipelineTaskName":"{}","error":{{}}}})",
                              state, x.producer_task);
            Note(scope.task ? scope.task->location : "", "the task final status is Argo's status word (Succeeded, "
                                                         "Failed, Error), not KFP's SUCCEEDED/FAILED, and carries no error detail");
          } else if constexpr (std::is_same_v<B, binding::IteratorItem>) {
            out = x.field.empty() ? "{{item}}" : fmt::format("{{{{item.{}}}}}", x.field);
          } else if constexpr (std::is_same_v<B, binding::OneOfParameter>) {
            Note(scope.task ? scope.task->location : "",
                 "dsl.OneOf (valueFromOneof) has no Argo equivalent; the first candidate's output is used");
            if (!x.candidates.empty()) {
              out = fmt::format("{{{{tasks.{}.outputs.parameters.{}}}}}", ArgoName(x.candidates[0].producer_task),
                                ParamName(x.candidates[0].output_key));
            }
          }
        },
        b);
    return out;
  }

  // A KFP f-string constant: its placeholders name the task's other inputs.
  std::string RuntimeTemplateText(const StringTemplate& t, const Scope& scope, int depth) {
    std::string out;
    for (const auto& part : t.parts) {
      if (const auto* text = std::get_if<std::string>(&part)) {
        out += *text;
        continue;
      }
      const Placeholder& ph = std::get<Placeholder>(part);
      if (ph.kind == PlaceholderKind::kInputParameter && scope.task != nullptr && depth < 8) {
        auto it = scope.task->parameter_inputs.find(ph.name);
        if (it != scope.task->parameter_inputs.end()) {
          out += BindingText(it->second.source, scope, depth + 1);
          continue;
        }
      }
      out += GlobalPlaceholder(ph, scope.task ? scope.task->location : "");
    }
    return out;
  }

  // Placeholders that mean the same in every template.
  std::string GlobalPlaceholder(const Placeholder& ph, const std::string& location) {
    switch (ph.kind) {
      case PlaceholderKind::kPipelineJobName:
      case PlaceholderKind::kPipelineJobResourceName:
        return "{{workflow.name}}";
      case PlaceholderKind::kPipelineJobUuid:
        return "{{workflow.uid}}";
      case PlaceholderKind::kPipelineTaskName:
      case PlaceholderKind::kPipelineTaskUuid:
        return "{{pod.name}}";
      case PlaceholderKind::kPipelineJobCreateTime:
      case PlaceholderKind::kPipelineJobScheduleTime:
        return "{{workflow.creationTimestamp}}";
      case PlaceholderKind::kWorkspacePath:
        return kWorkspacePath;
      case PlaceholderKind::kPipelineRoot:
        if (p_.pipeline_root.empty()) Note(location, "{{$.pipeline_root}} has no value: the pipeline sets no root");
        return p_.pipeline_root;
      default:
        Note(location, fmt::format("placeholder {} cannot be expressed in Argo; it is left empty", ph.raw));
        return "";
    }
  }

  // Argo's argument for an artifact binding.
  std::string ArtifactFrom(const ArtifactBinding& b, const Scope& scope) {
    if (const auto* c = std::get_if<binding::ComponentInputArtifact>(&b)) {
      return fmt::format("{{{{inputs.artifacts.{}}}}}", ParamName(c->name));
    }
    if (const auto* t = std::get_if<binding::TaskOutputArtifact>(&b)) {
      return fmt::format("{{{{tasks.{}.outputs.artifacts.{}}}}}", ArgoName(t->producer_task), ParamName(t->output_key));
    }
    return "{{item}}";
  }

  Value DagTask(const Task& task, const Scope& scope) {
    Value t = Value::MakeStruct({{"name", Str(ArgoName(task.key))}});
    if (!task.component) return t;
    const Component& callee = *task.component;
    t.Set("template", Str(TemplateFor(callee, task.retry ? &*task.retry : nullptr, task.location)));
    Value::List params;
    for (const auto& [name, in] : task.parameter_inputs) {
      // Inputs the callee does not declare (KFP pipelinechannel-- copies)
      // only feed conditions and f-strings; Argo takes declared ones.
      if (!callee.inputs.parameters.contains(name)) continue;
      std::string value = BindingText(in.source, scope);
      if (!in.expression_selector.empty()) value = SelectorText(value, in.expression_selector, task.location);
      params.push_back(Value::MakeStruct({{"name", Str(ParamName(name))}, {"value", Str(std::move(value))}}));
    }
    if (task.iterator && !task.iterator->item_input.empty() && task.iterator->kind == Iterator::Kind::kParameter) {
      params.push_back(Value::MakeStruct({{"name", Str(ParamName(task.iterator->item_input))}, {"value", Str("{{item}}")}}));
    }
    // A pvcMount whose claim is a parameter: the template takes it as an input.
    if (const ContainerSpec* c = callee.container()) {
      for (size_t i = 0; i < c->platform.pvc_mounts.size(); ++i) {
        const PvcMountSpec& m = c->platform.pvc_mounts[i];
        if (!m.claim_name_from) continue;
        params.push_back(Value::MakeStruct({{"name", Str(fmt::format("pvc-name-{}", i))},
                                            {"value", Str(BindingText(*m.claim_name_from, scope))}}));
      }
    }
    Value::List artifacts;
    for (const auto& [name, in] : task.artifact_inputs) {
      if (!callee.inputs.artifacts.contains(name)) continue;
      artifacts.push_back(Value::MakeStruct({{"name", Str(ParamName(name))}, {"from", Str(ArtifactFrom(in.source, scope))}}));
    }
    if (!params.empty() || !artifacts.empty()) {
      Value arguments = Obj();
      if (!params.empty()) arguments.Set("parameters", Value::MakeList(std::move(params)));
      if (!artifacts.empty()) arguments.Set("artifacts", Value::MakeList(std::move(artifacts)));
      t.Set("arguments", std::move(arguments));
    }
    if (!scope.on_exit && !task.upstream.empty()) {
      std::string depends;
      for (const std::string& up : task.upstream) {
        if (!depends.empty()) depends += " && ";
        const std::string n = ArgoName(up);
        depends += task.trigger.strategy == TriggerStrategy::kAllUpstreamTasksCompleted
                       ? fmt::format("({0}.Succeeded || {0}.Failed || {0}.Errored)", n)
                       : n;
      }
      t.Set("depends", Str(depends));
    }
    if (!task.trigger.condition.empty()) {
      auto when = ArgoWhen(task.trigger.condition, [&](const std::string& input) -> std::optional<std::string> {
        auto it = task.parameter_inputs.find(input);
        if (it == task.parameter_inputs.end()) return std::nullopt;
        std::string v = BindingText(it->second.source, scope);
        if (!it->second.expression_selector.empty()) v = SelectorText(v, it->second.expression_selector, task.location);
        return v;
      });
      if (when.ok()) {
        t.Set("when", Str(*when));
      } else {
        Note(task.location + ".triggerPolicy.condition",
             fmt::format("condition not expressible as an Argo `when` ({}); the task always runs",
                         when.status().message()));
      }
    }
    if (task.iterator) {
      const Iterator& it = *task.iterator;
      if (it.raw_items) {
        t.Set("withItems", it.raw_items->is_list() ? *it.raw_items : Value::MakeList({*it.raw_items}));
      } else if (!it.input_parameter.empty()) {
        auto in = task.parameter_inputs.find(it.input_parameter);
        if (in != task.parameter_inputs.end()) {
          t.Set("withParam", Str(BindingText(in->second.source, scope)));
        } else {
          t.Set("withParam", Str(InputRef(scope, it.input_parameter)));
        }
      } else {
        Note(task.location + ".parameterIterator",
             "a loop over an artifact list has no Argo equivalent; the loop body runs once");
      }
      if (it.parallelism_limit > 0) {
        Note(task.location + ".iteratorPolicy",
             fmt::format("Argo limits parallelism per template, not per loop; the loop's limit {} is not applied",
                         it.parallelism_limit));
      }
    }
    if (task.caching.enabled) {
      Note(task.location + ".cachingOptions", "KFP result caching has no Argo equivalent here; the task always runs");
    }
    return t;
  }

  // A parameterExpressionSelector on a value: parseJson(string_value)["f"]
  // (what KFP writes for loop item fields) becomes an Argo jsonpath expression.
  std::string SelectorText(const std::string& value, const std::string& selector, const std::string& location) {
    auto field = JsonFieldSelector(selector);
    auto ref = ExpressionReference(value);
    if (!field || !ref) {
      Note(location, fmt::format("parameter expression selector '{}' cannot be expressed in Argo; the whole value is "
                                 "passed",
                                 selector));
      return value;
    }
    return fmt::format("{{{{=jsonpath({}, '$.{}')}}}}", *ref, *field);
  }

  std::string DagTemplate(const Component& c, bool is_root) {
    const std::string name = ArgoName(c.name.empty() ? "root" : c.name);
    if (!done_.insert("dag:" + name).second) return name;
    const Dag& dag = *c.dag();
    Scope scope{is_root, false, nullptr};
    Value::List tasks;
    std::vector<const Task*> exit_tasks;
    for (const auto& [key, task] : dag.tasks) {
      if (is_root && !task.exit_handler_for.empty()) {
        exit_tasks.push_back(&task);
        continue;
      }
      scope.task = &task;
      tasks.push_back(DagTask(task, scope));
    }
    Value tmpl = Value::MakeStruct({{"name", Str(name)}});
    if (!is_root) {
      Value inputs = Interface(c.inputs, false);
      if (!inputs.as_struct().empty()) tmpl.Set("inputs", std::move(inputs));
    }
    Value outputs = DagOutputs(c, dag);
    if (!outputs.as_struct().empty()) tmpl.Set("outputs", std::move(outputs));
    tmpl.Set("dag", Value::MakeStruct({{"tasks", Value::MakeList(std::move(tasks))}}));
    templates_.push_back(std::move(tmpl));
    if (!exit_tasks.empty()) {
      exit_tasks_ = exit_tasks;
      Value::List on_exit;
      Scope exit_scope{true, true, nullptr};
      for (const Task* t : exit_tasks) {
        exit_scope.task = t;
        on_exit.push_back(DagTask(*t, exit_scope));
      }
      templates_.push_back(Value::MakeStruct(
          {{"name", Str(kExitTemplate)}, {"dag", Value::MakeStruct({{"tasks", Value::MakeList(std::move(on_exit))}})}}));
    }
    return name;
  }

  Value DagOutputs(const Component& c, const Dag& dag) {
    Value::List params;
    for (const auto& [name, out] : dag.output_parameters) {
      if (out.selectors.empty()) continue;
      if (out.selectors.size() > 1) {
        Note(dag.location + ".outputs.parameters." + name, "a OneOf DAG output uses its first candidate in Argo");
      }
      const auto& s = out.selectors[0];
      params.push_back(Value::MakeStruct(
          {{"name", Str(ParamName(name))},
           {"valueFrom", Value::MakeStruct({{"parameter", Str(fmt::format("{{{{tasks.{}.outputs.parameters.{}}}}}",
                                                                          ArgoName(s.producer_task),
                                                                          ParamName(s.output_key)))}})}}));
    }
    Value::List artifacts;
    for (const auto& [name, out] : dag.output_artifacts) {
      if (out.selectors.empty()) continue;
      if (out.collected) {
        Note(dag.location + ".outputs.artifacts." + name,
             "collected artifact lists (dsl.Collected) have no Argo equivalent; the output is left out");
        continue;
      }
      const auto& s = out.selectors[0];
      artifacts.push_back(Value::MakeStruct(
          {{"name", Str(ParamName(name))},
           {"from", Str(fmt::format("{{{{tasks.{}.outputs.artifacts.{}}}}}", ArgoName(s.producer_task),
                                    ParamName(s.output_key)))}}));
    }
    Value outputs = Obj();
    if (!params.empty()) outputs.Set("parameters", Value::MakeList(std::move(params)));
    if (!artifacts.empty()) outputs.Set("artifacts", Value::MakeList(std::move(artifacts)));
    return outputs;
  }

  // Template inputs for a component interface. Container templates get
  // artifact paths; DAG templates pass artifacts on.
  Value Interface(const pipelines::Interface& in, bool container) {
    Value::List params;
    for (const auto& [name, ps] : in.parameters) {
      Value p = Value::MakeStruct({{"name", Str(ParamName(name))}});
      if (ps.default_value) {
        p.Set("default", Str(ps.default_value->RenderForArgv()));
      } else if (ps.optional) {
        p.Set("default", Str(""));  // Argo refuses a call that leaves an input without value
      }
      params.push_back(std::move(p));
    }
    Value::List artifacts;
    for (const auto& [name, as] : in.artifacts) {
      Value a = Value::MakeStruct({{"name", Str(ParamName(name))}});
      if (container) a.Set("path", Str(InputArtifactPath(name)));
      if (as.optional) a.Set("optional", Value::Bool(true));
      artifacts.push_back(std::move(a));
    }
    Value out = Obj();
    if (!params.empty()) out.Set("parameters", Value::MakeList(std::move(params)));
    if (!artifacts.empty()) out.Set("artifacts", Value::MakeList(std::move(artifacts)));
    return out;
  }

  // ----------------------------------------------- container templates

  std::string TemplateFor(const Component& c, const RetryPolicy* retry, const std::string& location) {
    if (c.dag() != nullptr) return DagTemplate(c, false);
    if (c.container() != nullptr) return ContainerTemplate(c, retry);
    if (c.importer() != nullptr) {
      Note(c.location, "importer components have no Argo equivalent (Argo has no artifact import step); the task "
                       "runs a placeholder that fails, pass the artifact to its consumers yourself");
    } else {
      Note(location, "the task's component has no executor");
    }
    const std::string name = ArgoName(c.name) + "-unsupported";
    if (done_.insert(name).second) {
      templates_.push_back(Value::MakeStruct(
          {{"name", Str(name)},
           {"container", Value::MakeStruct({{"name", Str("main")},
                                            {"image", Str("busybox:1.36")},
                                            {"command", Value::MakeList({Str("sh"), Str("-c"),
                                                                         Str("echo 'not expressible in Argo: " + c.name +
                                                                             "' >&2; exit 1")})}})}}));
    }
    return name;
  }

  std::string ContainerTemplate(const Component& c, const RetryPolicy* retry) {
    std::string name = ArgoName(c.name);
    if (retry != nullptr) {
      name += fmt::format("-retry-{}", retry->max_retry_count);
      if (retry->backoff_seconds > 0) name += fmt::format("-{}s", static_cast<int64_t>(retry->backoff_seconds));
    }
    if (!done_.insert(name).second) return name;
    const ContainerSpec& spec = *c.container();
    Value tmpl = Value::MakeStruct({{"name", Str(name)}});
    Value inputs = Interface(c.inputs, true);
    {  // Parameterized claims are numbered by their position among all mounts.
      Value::List extra;
      for (size_t i = 0; i < spec.platform.pvc_mounts.size(); ++i) {
        if (spec.platform.pvc_mounts[i].claim_name_from) {
          extra.push_back(Value::MakeStruct({{"name", Str(fmt::format("pvc-name-{}", i))}}));
        }
      }
      if (!extra.empty()) {
        Value::List params = inputs.Find("parameters") ? inputs.Find("parameters")->as_list() : Value::List{};
        params.insert(params.end(), extra.begin(), extra.end());
        inputs.Set("parameters", Value::MakeList(std::move(params)));
      }
    }
    if (!inputs.as_struct().empty()) tmpl.Set("inputs", std::move(inputs));
    Value::List out_params;
    for (const auto& [k, ps] : c.outputs.parameters) {
      out_params.push_back(Value::MakeStruct(
          {{"name", Str(ParamName(k))}, {"valueFrom", Value::MakeStruct({{"path", Str(OutputParameterPath(k))}})}}));
    }
    Value::List out_artifacts;
    for (const auto& [k, as] : c.outputs.artifacts) {
      out_artifacts.push_back(Value::MakeStruct({{"name", Str(ParamName(k))}, {"path", Str(OutputArtifactPath(k))}}));
    }
    if (!out_params.empty() || !out_artifacts.empty()) {
      Value outputs = Obj();
      if (!out_params.empty()) outputs.Set("parameters", Value::MakeList(std::move(out_params)));
      if (!out_artifacts.empty()) outputs.Set("artifacts", Value::MakeList(std::move(out_artifacts)));
      tmpl.Set("outputs", std::move(outputs));
    }
    const TaskPlacement& placement = spec.platform.placement;
    if (!placement.pod_labels.empty() || !placement.pod_annotations.empty()) {
      Value md = Obj();
      if (!placement.pod_labels.empty()) md.Set("labels", Pairs(placement.pod_labels));
      if (!placement.pod_annotations.empty()) md.Set("annotations", Pairs(placement.pod_annotations));
      tmpl.Set("metadata", std::move(md));
    }
    // The container; "name" because the Argo JSON schema insists on one.
    Value container = Value::MakeStruct({{"name", Str("main")}, {"image", Str(spec.image.empty() ? "busybox:1.36" : spec.image)}});
    if (spec.image.empty()) Note(c.location, "the step names no image; busybox:1.36 is used");
    if (!placement.image_pull_policy.empty()) container.Set("imagePullPolicy", Str(placement.image_pull_policy));
    Value::List command = Args(spec.command, c);
    Value::List args = Args(spec.args, c);
    if (!command.empty()) container.Set("command", Value::MakeList(std::move(command)));
    if (!args.empty()) container.Set("args", Value::MakeList(std::move(args)));
    Value::List env;
    for (const EnvVar& e : spec.env) env.push_back(Value::MakeStruct({{"name", Str(e.name)}, {"value", Str(e.value)}}));
    for (const SecretEnv& s : spec.platform.secret_env) {
      if (s.secret_name_from) {
        Note(c.location, "a secretAsEnv whose secret name is a parameter cannot be expressed in Argo; it is left out");
        continue;
      }
      for (const auto& [key, var] : s.key_to_env) {
        Value ref = Value::MakeStruct({{"name", Str(s.secret_name)}, {"key", Str(key)}});
        if (s.optional) ref.Set("optional", Value::Bool(true));
        env.push_back(Value::MakeStruct(
            {{"name", Str(var)}, {"valueFrom", Value::MakeStruct({{"secretKeyRef", std::move(ref)}})}}));
      }
    }
    for (const ConfigMapEnvSpec& m : spec.platform.config_map_env) {
      if (m.config_map_from) {
        Note(c.location, "a configMapAsEnv whose ConfigMap name is a parameter cannot be expressed in Argo; it is left out");
        continue;
      }
      for (const auto& [key, var] : m.key_to_env) {
        Value ref = Value::MakeStruct({{"name", Str(m.config_map)}, {"key", Str(key)}});
        if (m.optional) ref.Set("optional", Value::Bool(*m.optional));
        env.push_back(Value::MakeStruct(
            {{"name", Str(var)}, {"valueFrom", Value::MakeStruct({{"configMapKeyRef", std::move(ref)}})}}));
      }
    }
    for (const FieldPathEnv& f : placement.field_path_env) {
      env.push_back(Value::MakeStruct(
          {{"name", Str(f.env_var)},
           {"valueFrom", Value::MakeStruct({{"fieldRef", Value::MakeStruct({{"fieldPath", Str(f.field_path)}})}})}}));
    }
    if (!env.empty()) container.Set("env", Value::MakeList(std::move(env)));
    Value resources = Resources(spec.resources, c);
    // Quantities read from task inputs are not quantities yet: Argo patches
    // them into the pod after substitution (the schema refuses them in
    // `resources`).
    const bool templated = resources.ToJson().find("{{") != std::string::npos;
    if (templated) {
      Value patch = Value::MakeStruct(
          {{"containers", Value::MakeList({Value::MakeStruct({{"name", Str("main")}, {"resources", resources}})})}});
      tmpl.Set("podSpecPatch", Str(patch.ToJson()));
    } else if (!resources.as_struct().empty()) {
      container.Set("resources", std::move(resources));
    }
    Value::List volumes;
    Value::List mounts;
    for (size_t i = 0; i < spec.platform.pvc_mounts.size(); ++i) {
      const PvcMountSpec& m = spec.platform.pvc_mounts[i];
      const std::string vol = fmt::format("pvc-{}", i);
      const std::string claim = m.claim_name_from ? fmt::format("{{{{inputs.parameters.pvc-name-{}}}}}", i) : m.claim_name;
      volumes.push_back(Value::MakeStruct(
          {{"name", Str(vol)}, {"persistentVolumeClaim", Value::MakeStruct({{"claimName", Str(claim)}})}}));
      mounts.push_back(Value::MakeStruct({{"name", Str(vol)}, {"mountPath", Str(m.mount_path)}}));
    }
    for (size_t i = 0; i < spec.platform.object_volumes.size(); ++i) {
      const ObjectVolumeSpec& v = spec.platform.object_volumes[i];
      const bool secret = v.kind == ObjectVolume::Kind::kSecret;
      if (v.name_from) {
        Note(c.location, fmt::format("a {} whose name is a parameter cannot be expressed in Argo; it is left out",
                                     secret ? "secretAsVolume" : "configMapAsVolume"));
        continue;
      }
      const std::string vol = fmt::format("{}-{}", secret ? "secret" : "configmap", i);
      Value source = Value::MakeStruct({{secret ? "secretName" : "name", Str(v.name)}});
      if (v.optional) source.Set("optional", Value::Bool(*v.optional));
      volumes.push_back(Value::MakeStruct({{"name", Str(vol)}, {secret ? "secret" : "configMap", std::move(source)}}));
      mounts.push_back(
          Value::MakeStruct({{"name", Str(vol)}, {"mountPath", Str(v.mount_path)}, {"readOnly", Value::Bool(true)}}));
    }
    if (p_.platform.workspace) {
      mounts.push_back(Value::MakeStruct({{"name", Str("kfp-workspace")}, {"mountPath", Str(kWorkspacePath)}}));
    }
    if (!mounts.empty()) container.Set("volumeMounts", Value::MakeList(std::move(mounts)));
    tmpl.Set("container", std::move(container));
    if (!volumes.empty()) tmpl.Set("volumes", Value::MakeList(std::move(volumes)));
    if (!placement.node_selector.empty()) tmpl.Set("nodeSelector", Pairs(placement.node_selector));
    if (!placement.tolerations.empty()) {
      Value::List list;
      for (const Toleration& t : placement.tolerations) {
        Value v = Obj();
        if (!t.key.empty()) v.Set("key", Str(t.key));
        if (!t.op.empty()) v.Set("operator", Str(t.op));
        if (!t.value.empty()) v.Set("value", Str(t.value));
        if (!t.effect.empty()) v.Set("effect", Str(t.effect));
        if (t.seconds) v.Set("tolerationSeconds", Value::Int(*t.seconds));
        list.push_back(std::move(v));
      }
      tmpl.Set("tolerations", Value::MakeList(std::move(list)));
    }
    for (const std::string& s : placement.image_pull_secrets) pull_secrets_.insert(s);
    if (spec.platform.timeout_seconds > 0) tmpl.Set("activeDeadlineSeconds", Value::Int(spec.platform.timeout_seconds));
    for (const std::string& key : spec.platform.unsupported_keys) {
      Note("platforms.kubernetes.deploymentSpec.executors." + c.executor_label + "." + key,
           "platform setting \"" + key + "\" is not exported to Argo");
    }
    if (retry != nullptr) {
      Value strategy = Value::MakeStruct({{"limit", Value::Int(retry->max_retry_count)}, {"retryPolicy", Str("Always")}});
      if (retry->backoff_seconds > 0) {
        Value backoff = Value::MakeStruct({{"duration", Str(fmt::format("{}s", static_cast<int64_t>(retry->backoff_seconds)))}});
        backoff.Set("factor", Value::Int(static_cast<int64_t>(retry->backoff_factor)));
        backoff.Set("maxDuration", Str(fmt::format("{}s", static_cast<int64_t>(retry->backoff_max_seconds))));
        strategy.Set("backoff", std::move(backoff));
      }
      tmpl.Set("retryStrategy", std::move(strategy));
    }
    templates_.push_back(std::move(tmpl));
    return name;
  }

  static Value Pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
    Value out = Value::MakeStruct({});
    for (const auto& [k, v] : pairs) out.Set(k, Str(v));
    return out;
  }

  Value Resources(const pipelines::Resources& r, const Component& c) {
    Value requests = Obj();
    Value limits = Obj();
    auto text = [&](const StringTemplate& t) { return Render(t, c); };
    if (!r.cpu_request.raw.empty()) requests.Set("cpu", Str(text(r.cpu_request)));
    if (!r.memory_request.raw.empty()) requests.Set("memory", Str(text(r.memory_request)));
    if (!r.cpu_limit.raw.empty()) limits.Set("cpu", Str(text(r.cpu_limit)));
    if (!r.memory_limit.raw.empty()) limits.Set("memory", Str(text(r.memory_limit)));
    if (!r.accelerator_count.raw.empty()) {
      const std::string type = text(r.accelerator_type);
      limits.Set(type.find('/') != std::string::npos ? type : "nvidia.com/gpu", Str(text(r.accelerator_count)));
    }
    Value out = Obj();
    if (!requests.as_struct().empty()) out.Set("requests", std::move(requests));
    if (!limits.as_struct().empty()) out.Set("limits", std::move(limits));
    return out;
  }

  // Container argv: placeholders become Argo inputs and fixed paths.
  Value::List Args(const std::vector<ArgNode>& nodes, const Component& c) {
    Value::List out;
    for (const ArgNode& n : nodes) AppendArg(n, c, out);
    return out;
  }

  void AppendArg(const ArgNode& n, const Component& c, Value::List& out) {
    switch (n.kind) {
      case ArgNode::Kind::kText:
        out.push_back(Str(Render(n.text, c)));
        return;
      case ArgNode::Kind::kConcat: {
        std::string joined;
        for (const ArgNode& item : n.items) {
          Value::List parts;
          AppendArg(item, c, parts);
          for (const Value& p : parts) joined += p.as_string();
        }
        out.push_back(Str(joined));
        return;
      }
      case ArgNode::Kind::kIfPresent: {
        // Argo fixes the argv per template: an input is "present" when it
        // cannot be absent (required, or with a default).
        bool present = true;
        if (auto it = c.inputs.parameters.find(n.input_name); it != c.inputs.parameters.end()) {
          present = !it->second.optional || it->second.default_value.has_value();
        } else if (auto a = c.inputs.artifacts.find(n.input_name); a != c.inputs.artifacts.end()) {
          present = !a->second.optional;
        }
        if (!present) {
          Note(c.location, fmt::format("IfPresent on optional input '{}' is decided once per template in Argo: the "
                                       "input is taken as absent",
                                       n.input_name));
        }
        for (const ArgNode& a : present ? n.then_args : n.else_args) AppendArg(a, c, out);
        return;
      }
    }
  }

  std::string Render(const StringTemplate& t, const Component& c) {
    std::string out;
    for (const auto& part : t.parts) {
      if (const auto* text = std::get_if<std::string>(&part)) {
        out += *text;
        continue;
      }
      const Placeholder& ph = std::get<Placeholder>(part);
      switch (ph.kind) {
        case PlaceholderKind::kInputParameter:
          out += fmt::format("{{{{inputs.parameters.{}}}}}", ParamName(ph.name));
          break;
        case PlaceholderKind::kInputArtifactPath:
          out += InputArtifactPath(ph.name);
          break;
        case PlaceholderKind::kInputArtifactUri:
          Note(c.location, "artifact URIs are the local paths Argo downloads to and uploads from");
          out += InputArtifactPath(ph.name);
          break;
        case PlaceholderKind::kOutputParameterFile:
          out += OutputParameterPath(ph.name);
          break;
        case PlaceholderKind::kOutputArtifactPath:
          out += OutputArtifactPath(ph.name);
          break;
        case PlaceholderKind::kOutputArtifactUri:
          Note(c.location, "artifact URIs are the local paths Argo downloads to and uploads from");
          out += OutputArtifactPath(ph.name);
          break;
        case PlaceholderKind::kOutputFile:
          Note(c.location, "the ExecutorOutput file is written but Argo does not read it: outputs come from their "
                           "own files");
          out += fmt::format("{}/executor_output.json", kOutputsDir);
          break;
        case PlaceholderKind::kExecutorInput:
          out += ExecutorInput(c);
          break;
        default:
          out += GlobalPlaceholder(ph, c.location);
      }
    }
    return out;
  }

  // KFP's ExecutorInput JSON with Argo references for the values, so KFP
  // Python components (kfp.dsl.executor_main) run unchanged: artifact URIs
  // are the local paths Argo moves artifacts through.
  std::string ExecutorInput(const Component& c) {
    std::string params;
    for (const auto& [k, ps] : c.inputs.parameters) {
      if (!params.empty()) params += ",";
      params += fmt::format("\"{}\":{}", k, JsonSlot(fmt::format("{{{{inputs.parameters.{}}}}}", ParamName(k)), ps.type));
    }
    auto artifact_list = [](const std::string& name, const ArtifactSpec& as, const std::string& path) {
      return fmt::format(R"("{}":{{"artifacts":[{{"name":"{}","type":{{"schemaTitle":"{}","schemaVersion":"{}"}},"uri":"{}","metadata":{{}}}}]}})",
                         name, name, as.type.schema_title, as.type.schema_version, path);
    };
    std::string in_artifacts;
    for (const auto& [k, as] : c.inputs.artifacts) {
      if (!in_artifacts.empty()) in_artifacts += ",";
      in_artifacts += artifact_list(k, as, InputArtifactPath(k));
    }
    std::string out_params;
    for (const auto& [k, ps] : c.outputs.parameters) {
      if (!out_params.empty()) out_params += ",";
      out_params += fmt::format(R"("{}":{{"outputFile":"{}"}})", k, OutputParameterPath(k));
    }
    std::string out_artifacts;
    for (const auto& [k, as] : c.outputs.artifacts) {
      if (!out_artifacts.empty()) out_artifacts += ",";
      out_artifacts += artifact_list(k, as, OutputArtifactPath(k));
    }
    return fmt::format(
        R"({{"inputs":{{"parameterValues":{{{}}},"artifacts":{{{}}}}},"outputs":{{"parameters":{{{}}},"artifacts":{{{}}},"outputFile":"{}/executor_output.json"}}}})",
        params, in_artifacts, out_params, out_artifacts, kOutputsDir);
  }

  const Pipeline& p_;
  const ArgoExportOptions& options_;
  Value::List templates_;
  std::set<std::string> done_;
  std::set<std::string> pull_secrets_;
  std::vector<const Task*> exit_tasks_;
  std::vector<SpecProblem> notes_;
};

}  // namespace

Result<ArgoExport> ExportArgoWorkflow(const Pipeline& pipeline, const ArgoExportOptions& options) {
  std::vector<SpecProblem> problems = ValidatePipeline(pipeline);
  if (HasErrors(problems)) {
    std::string message = "the pipeline has errors and cannot be exported:";
    int shown = 0;
    for (const SpecProblem& p : problems) {
      if (p.severity != Severity::kError || ++shown > 5) continue;
      message += fmt::format("\n  {}: {}", p.location, p.message);
    }
    return InvalidArgument(message);
  }
  if (pipeline.root == nullptr || pipeline.root->dag() == nullptr) return InvalidArgument("the pipeline has no root DAG");
  Exporter exporter(pipeline, options);
  ArgoExport out;
  out.workflow = exporter.Run();
  out.notes = exporter.notes();
  return out;
}

std::string ArgoWorkflowYaml(const ArgoExport& exported) { return ToYaml(exported.workflow); }

}  // namespace cairn::pipelines
