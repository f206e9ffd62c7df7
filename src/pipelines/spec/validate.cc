// ValidatePipeline: semantic checks over a loaded graph (see graph.h).
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "pipelines/graph.h"

namespace cairn::pipelines {
namespace {

// Literal lists at or above this size with no parallelism limit get a warning.
constexpr size_t kLargeFanOut = 10000;

class Validator {
 public:
  explicit Validator(const Pipeline& p) : p_(p) {}

  std::vector<SpecProblem> Run() {
    if (p_.name.empty()) {
      Warn(p_.format == SpecFormat::kKfpIr ? "pipelineInfo.name" : "name", "pipeline has no name");
    }
    if (!p_.root || !p_.root->dag()) {
      Error("root", "pipeline has no root DAG");
      return std::move(problems_);
    }
    for (const auto& key : p_.platform.unsupported_keys) {
      Warn("platforms.kubernetes." + key, "platform setting \"" + key + "\" is not supported by cairn and is ignored");
    }
    CheckComponent(*p_.root);
    for (const auto& [_, c] : p_.components) CheckComponent(*c);
    return std::move(problems_);
  }

 private:
  void Error(std::string location, std::string message) {
    problems_.push_back({std::move(location), std::move(message), Severity::kError});
  }
  void Warn(std::string location, std::string message) {
    problems_.push_back({std::move(location), std::move(message), Severity::kWarning});
  }

  void CheckComponent(const Component& c) {
    for (const auto& [name, spec] : c.inputs.parameters) {
      if (spec.default_value && !spec.default_value->is_null() && !ValueMatchesType(*spec.default_value, spec.type)) {
        Error(c.location + ".inputDefinitions.parameters." + name,
              "default value " + Short(*spec.default_value) + " is not a " + std::string(ParameterTypeName(spec.type)));
      }
    }
    if (const auto* missing = std::get_if<MissingExecutor>(&c.body)) {
      if (missing->label.empty()) {
        Error(c.location, "component has neither executorLabel nor dag");
      } else {
        Error(c.location + ".executorLabel",
              "executor \"" + missing->label + "\" is not in deploymentSpec.executors");
      }
      return;
    }
    if (const auto* container = c.container()) {
      // cairn steps without an image run in the local executor's host shell.
      if (container->image.empty() && p_.format == SpecFormat::kKfpIr) Error(c.location, "container executor \"" + c.executor_label + "\" has no image");
      for (const auto& key : container->platform.kubernetes_keys) {
        Warn("platforms.kubernetes.deploymentSpec.executors." + c.executor_label + "." + key,
             "platform setting \"" + key +
                 "\" applies only when tasks run on Kubernetes (--pipelines-executor kubernetes); the local and "
                 "slurm executors ignore it");
      }
      for (const auto& key : container->platform.unsupported_keys) {
        Warn("platforms.kubernetes.deploymentSpec.executors." + c.executor_label + "." + key,
             "platform setting \"" + key + "\" is not supported by cairn and is ignored");
      }
      return;
    }
    if (const auto* importer = c.importer()) {
      if (!importer->uri_input_parameter.empty() && !c.inputs.parameters.contains(importer->uri_input_parameter)) {
        Error(c.location, "importer reads URI from undeclared input \"" + importer->uri_input_parameter + "\"");
      }
      if (importer->uri_constant.empty() && importer->uri_input_parameter.empty()) {
        Error(c.location, "importer has no artifact URI");
      }
      return;
    }
    CheckDag(c, *c.dag());
  }

  static std::string Short(const Value& v) {
    std::string s = v.ToJson();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
  }

  // The declared type of what a binding produces, when knowable.
  std::optional<ParameterType> SourceType(const Component& owner, const Dag& dag, const ParameterBinding& b) {
    if (const auto* in = std::get_if<binding::ComponentInputParameter>(&b)) {
      auto it = owner.inputs.parameters.find(in->name);
      if (it != owner.inputs.parameters.end()) return it->second.type;
      return std::nullopt;
    }
    if (const auto* t = std::get_if<binding::TaskOutputParameter>(&b)) {
      auto p = dag.tasks.find(t->producer_task);
      if (p == dag.tasks.end() || !p->second.component) return std::nullopt;
      auto it = p->second.component->outputs.parameters.find(t->output_key);
      if (it == p->second.component->outputs.parameters.end()) return std::nullopt;
      return it->second.type;
    }
    if (std::holds_alternative<binding::TaskFinalStatus>(b)) return ParameterType::kTaskFinalStatus;
    return std::nullopt;
  }

  static bool Compatible(ParameterType from, ParameterType to) {
    if (from == to || from == ParameterType::kUnspecified || to == ParameterType::kUnspecified) return true;
    if (from == ParameterType::kNumberInteger && to == ParameterType::kNumberDouble) return true;
    return false;
  }

  void CheckProducer(const Dag& dag, const Task& task, const std::string& producer, const std::string& where) {
    if (producer == task.key) {
      Error(where, "task \"" + task.key + "\" consumes its own output");
    } else if (!dag.tasks.contains(producer)) {
      Error(where, "producer task \"" + producer + "\" is not a task of this DAG");
    }
  }

  void CheckParameterInput(const Component& owner, const Dag& dag, const Task& task, const std::string& name,
                           const ParameterInput& in) {
    const std::string where = task.location + ".inputs.parameters." + name;
    const Component* callee = task.component.get();
    const ParameterSpec* decl = nullptr;
    if (callee) {
      auto it = callee->inputs.parameters.find(name);
      if (it != callee->inputs.parameters.end()) decl = &it->second;
      if (!decl && callee->inputs.artifacts.contains(name)) {
        Error(where, "\"" + name + "\" is an artifact input of " + callee->name + ", bound as a parameter");
        return;
      }
      // KFP IR passes undeclared extra inputs (f-string channels, resource
      // fields) that engines must accept and forward; cairn YAML must not.
      if (!decl && p_.format == SpecFormat::kCairn) {
        Error(where, "component " + callee->name + " has no input parameter \"" + name + "\"");
      }
    }
    if (!in.expression_selector.empty() && !in.selector_expr) {
      auto parsed = cel::Parse(in.expression_selector);
      Error(where + ".parameterExpressionSelector",
            parsed.ok() ? "selector not parsed" : parsed.error().message());
    }
    std::visit(
        [&](const auto& b) {
          using B = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<B, binding::ComponentInputParameter>) {
            if (!owner.inputs.parameters.contains(b.name)) {
              Error(where, "component input \"" + b.name + "\" is not declared by " + owner.name);
            }
          } else if constexpr (std::is_same_v<B, binding::TaskOutputParameter>) {
            CheckProducer(dag, task, b.producer_task, where);
            auto p = dag.tasks.find(b.producer_task);
            if (p != dag.tasks.end() && p->second.component &&
                !p->second.component->outputs.parameters.contains(b.output_key)) {
              Error(where, "task \"" + b.producer_task + "\" has no output parameter \"" + b.output_key + "\"");
            }
          } else if constexpr (std::is_same_v<B, binding::TaskFinalStatus>) {
            CheckProducer(dag, task, b.producer_task, where);
            if (task.trigger.strategy != TriggerStrategy::kAllUpstreamTasksCompleted) {
              Error(where, "taskFinalStatus needs triggerPolicy.strategy ALL_UPSTREAM_TASKS_COMPLETED");
            }
          } else if constexpr (std::is_same_v<B, binding::OneOfParameter>) {
            for (const auto& c : b.candidates) CheckProducer(dag, task, c.producer_task, where);
          } else if constexpr (std::is_same_v<B, binding::IteratorItem>) {
            if (!task.iterator) Error(where, "reads the loop item, but the task has no iterator");
          } else if constexpr (std::is_same_v<B, binding::Constant>) {
            if (decl && !b.value.is_null() && !ValueMatchesType(b.value, decl->type)) {
              Error(where, "constant " + Short(b.value) + " does not match input type " +
                               std::string(ParameterTypeName(decl->type)));
            }
          } else if constexpr (std::is_same_v<B, binding::RuntimeTemplate>) {
            for (const auto& part : b.tmpl.parts) {
              const auto* ph = std::get_if<Placeholder>(&part);
              if (!ph) continue;
              if (ph->kind == PlaceholderKind::kInputParameter) {
                if (!task.parameter_inputs.contains(ph->name)) {
                  Error(where, "placeholder " + ph->raw + " names an input the task does not bind");
                }
              } else if (!IsRuntimePlaceholder(ph->kind)) {
                Error(where, "placeholder " + ph->raw + " is not allowed in a constant");
              }
            }
          }
        },
        in.source);
    if (decl && in.expression_selector.empty()) {
      auto from = SourceType(owner, dag, in.source);
      if (from && IsCollectedSource(dag, in.source)) from = ParameterType::kList;
      if (from && !Compatible(*from, decl->type)) {
        Error(where, "type mismatch: " + std::string(ParameterTypeName(*from)) + " bound to input of type " +
                         std::string(ParameterTypeName(decl->type)));
      }
    }
    if (decl && decl->type == ParameterType::kTaskFinalStatus && !std::holds_alternative<binding::TaskFinalStatus>(in.source)) {
      Error(where, "TASK_FINAL_STATUS input must be bound with taskFinalStatus");
    }
  }

  // A task output of an iterated sibling arrives as a list.
  bool IsCollectedSource(const Dag& dag, const ParameterBinding& b) {
    const auto* t = std::get_if<binding::TaskOutputParameter>(&b);
    if (!t) return false;
    auto p = dag.tasks.find(t->producer_task);
    return p != dag.tasks.end() && p->second.iterator.has_value();
  }

  static bool IsRuntimePlaceholder(PlaceholderKind k) {
    switch (k) {
      case PlaceholderKind::kPipelineJobName:
      case PlaceholderKind::kPipelineJobResourceName:
      case PlaceholderKind::kPipelineJobUuid:
      case PlaceholderKind::kPipelineTaskName:
      case PlaceholderKind::kPipelineTaskUuid:
      case PlaceholderKind::kPipelineRoot:
      case PlaceholderKind::kPipelineJobCreateTime:
      case PlaceholderKind::kPipelineJobScheduleTime:
      case PlaceholderKind::kWorkspacePath:
        return true;
      default:
        return false;
    }
  }

  void CheckArtifactInput(const Component& owner, const Dag& dag, const Task& task, const std::string& name,
                          const ArtifactInput& in) {
    const std::string where = task.location + ".inputs.artifacts." + name;
    const Component* callee = task.component.get();
    if (callee && !callee->inputs.artifacts.contains(name)) {
      if (callee->inputs.parameters.contains(name)) {
        Error(where, "\"" + name + "\" is a parameter input of " + callee->name + ", bound as an artifact");
      } else if (p_.format == SpecFormat::kCairn) {
        Error(where, "component " + callee->name + " has no artifact input \"" + name + "\"");
      }
    }
    if (std::holds_alternative<binding::IteratorItem>(in.source) &&
        !(task.iterator && task.iterator->kind == Iterator::Kind::kArtifact)) {
      Error(where, "reads the loop item, but the task has no artifact iterator");
    }
    if (const auto* b = std::get_if<binding::ComponentInputArtifact>(&in.source)) {
      if (!owner.inputs.artifacts.contains(b->name)) {
        Error(where, "component input artifact \"" + b->name + "\" is not declared by " + owner.name);
      }
    } else if (const auto* t = std::get_if<binding::TaskOutputArtifact>(&in.source)) {
      CheckProducer(dag, task, t->producer_task, where);
      auto p = dag.tasks.find(t->producer_task);
      if (p != dag.tasks.end() && p->second.component &&
          !p->second.component->outputs.artifacts.contains(t->output_key)) {
        Error(where, "task \"" + t->producer_task + "\" has no output artifact \"" + t->output_key + "\"");
      }
    }
  }

  void CheckPlaceholders(const Task& task, const Component& callee, const ContainerSpec& c) {
    std::vector<const Placeholder*> found;
    for (const auto& n : c.command) CollectPlaceholders(n, found);
    for (const auto& n : c.args) CollectPlaceholders(n, found);
    const size_t argv_placeholders = found.size();
    for (const auto* t : {&c.resources.cpu_limit, &c.resources.cpu_request, &c.resources.memory_limit,
                          &c.resources.memory_request, &c.resources.accelerator_type,
                          &c.resources.accelerator_count}) {
      CollectPlaceholders(*t, found);
    }
    const std::string where = callee.location;
    auto has_param = [&](const std::string& n) {
      return callee.inputs.parameters.contains(n) || task.parameter_inputs.contains(n);
    };
    auto has_art = [&](const std::string& n) {
      return callee.inputs.artifacts.contains(n) || task.artifact_inputs.contains(n);
    };
    for (size_t i = 0; i < found.size(); ++i) {
      const Placeholder& ph = *found[i];
      const bool in_resources = i >= argv_placeholders;
      switch (ph.kind) {
        case PlaceholderKind::kUnknown:
          Error(where, "unknown placeholder " + ph.raw);
          break;
        case PlaceholderKind::kInputParameter:
          if (!has_param(ph.name)) Error(where, "placeholder " + ph.raw + " names an undeclared input parameter");
          break;
        case PlaceholderKind::kInputArtifactPath:
        case PlaceholderKind::kInputArtifactUri:
        case PlaceholderKind::kInputArtifactMetadata:
          if (!has_art(ph.name)) Error(where, "placeholder " + ph.raw + " names an undeclared input artifact");
          break;
        case PlaceholderKind::kOutputParameterFile:
          if (!callee.outputs.parameters.contains(ph.name)) {
            Error(where, "placeholder " + ph.raw + " names an undeclared output parameter");
          }
          break;
        case PlaceholderKind::kOutputArtifactPath:
        case PlaceholderKind::kOutputArtifactUri:
        case PlaceholderKind::kOutputArtifactMetadata:
          if (!callee.outputs.artifacts.contains(ph.name)) {
            Error(where, "placeholder " + ph.raw + " names an undeclared output artifact");
          }
          break;
        case PlaceholderKind::kWorkspacePath:
          if (!p_.platform.workspace) Warn(where, ph.raw + " used but the pipeline configures no workspace");
          break;
        default:
          if (in_resources && !IsRuntimePlaceholder(ph.kind)) {
            Error(where, "placeholder " + ph.raw + " is not allowed in resources");
          }
          break;
      }
    }
    std::function<void(const ArgNode&)> check_if = [&](const ArgNode& n) {
      if (n.kind == ArgNode::Kind::kIfPresent && !has_param(n.input_name) && !has_art(n.input_name)) {
        Error(where, "IfPresent names undeclared input \"" + n.input_name + "\"");
      }
      for (const auto& c2 : n.then_args) check_if(c2);
      for (const auto& c2 : n.else_args) check_if(c2);
      for (const auto& c2 : n.items) check_if(c2);
    };
    for (const auto& n : c.command) check_if(n);
    for (const auto& n : c.args) check_if(n);
  }

  void CheckTask(const Component& owner, const Dag& dag, const Task& task) {
    if (task.component_ref.empty()) {
      Error(task.location + ".componentRef", "task has no componentRef");
    } else if (!task.component) {
      Error(task.location + ".componentRef", "component \"" + task.component_ref + "\" is not defined");
    }
    for (const auto& d : task.dependent_tasks) {
      if (d == task.key) {
        Error(task.location + ".dependentTasks", "task depends on itself");
      } else if (!dag.tasks.contains(d)) {
        Error(task.location + ".dependentTasks", "dependent task \"" + d + "\" is not a task of this DAG");
      }
    }
    for (const auto& [name, in] : task.parameter_inputs) CheckParameterInput(owner, dag, task, name, in);
    for (const auto& [name, in] : task.artifact_inputs) CheckArtifactInput(owner, dag, task, name, in);

    const Component* callee = task.component.get();
    if (callee) {
      for (const auto& [name, spec] : callee->inputs.parameters) {
        const bool bound = task.parameter_inputs.contains(name) ||
                           (task.iterator && task.iterator->item_input == name);
        if (!bound && !spec.optional && !spec.default_value) {
          Error(task.location + ".inputs.parameters",
                "required input parameter \"" + name + "\" of " + callee->name + " is not bound");
        }
      }
      for (const auto& [name, spec] : callee->inputs.artifacts) {
        const bool bound = task.artifact_inputs.contains(name) ||
                           (task.iterator && task.iterator->item_input == name);
        if (!bound && !spec.optional) {
          Error(task.location + ".inputs.artifacts",
                "required input artifact \"" + name + "\" of " + callee->name + " is not bound");
        }
      }
      if (const auto* c = callee->container()) CheckPlaceholders(task, *callee, *c);
    }

    if (!task.trigger.condition.empty()) {
      const std::string where = task.location + ".triggerPolicy.condition";
      if (!task.trigger.condition_expr) {
        auto parsed = cel::Parse(task.trigger.condition);
        Error(where, parsed.ok() ? "condition not parsed" : parsed.error().message());
      } else {
        for (const auto& name : cel::ReferencedInputParameters(*task.trigger.condition_expr)) {
          if (!task.parameter_inputs.contains(name)) {
            Error(where, "condition reads input \"" + name + "\" that the task does not bind");
          }
        }
        for (const auto& id : cel::ReferencedIdentifiers(*task.trigger.condition_expr)) {
          if (id != "inputs") Error(where, "condition uses unknown identifier \"" + id + "\"");
        }
      }
    }

    if (task.iterator) CheckIterator(task, *task.iterator);
    if (task.retry && task.retry->backoff_max_seconds < task.retry->backoff_seconds) {
      Warn(task.location + ".retryPolicy", "backoffMaxDuration is shorter than backoffDuration");
    }
  }

  void CheckIterator(const Task& task, const Iterator& it) {
    const std::string where =
        task.location + (it.kind == Iterator::Kind::kParameter ? ".parameterIterator" : ".artifactIterator");
    const Component* callee = task.component.get();
    if (callee && !callee->inputs.parameters.contains(it.item_input) &&
        !callee->inputs.artifacts.contains(it.item_input)) {
      Error(where + ".itemInput", "body " + callee->name + " does not declare item input \"" + it.item_input + "\"");
    }
    if (it.kind == Iterator::Kind::kArtifact) {
      if (!task.artifact_inputs.contains(it.input_artifact)) {
        Error(where + ".items", "iterates over \"" + it.input_artifact + "\", which the task does not bind");
      }
      return;
    }
    if (it.raw_items) {
      const size_t n = it.raw_items->as_list().size();
      if (n >= kLargeFanOut && it.parallelism_limit == 0) {
        Warn(where + ".items.raw", "fan-out of " + std::to_string(n) +
                                       " iterations with no parallelismLimit; the scheduler bounds concurrency");
      }
    } else if (!task.parameter_inputs.contains(it.input_parameter)) {
      Error(where + ".items", "iterates over \"" + it.input_parameter + "\", which the task does not bind");
    }
  }

  // Iterative DFS over `upstream` (a chain of many thousand tasks must not
  // exhaust the stack); each back edge reports the cycle it closes.
  void CheckCycles(const Dag& dag) {
    std::map<std::string_view, int> state;  // 0 new, 1 on path, 2 done
    struct Frame {
      const Task* task;
      std::set<std::string>::const_iterator next;
    };
    std::vector<Frame> stack;
    std::set<std::string> reported;
    for (const auto& [start_key, start] : dag.tasks) {
      if (state[start_key] != 0) continue;
      state[start_key] = 1;
      stack.push_back({&start, start.upstream.begin()});
      while (!stack.empty()) {
        Frame& f = stack.back();
        if (f.next == f.task->upstream.end()) {
          state[f.task->key] = 2;
          stack.pop_back();
          continue;
        }
        const std::string& up = *f.next++;
        auto it = dag.tasks.find(up);
        if (it == dag.tasks.end() || up == f.task->key) continue;
        const int s = state[it->first];
        if (s == 1) {
          std::vector<std::string_view> keys;
          bool on = false;
          for (const auto& fr : stack) {
            on = on || fr.task->key == up;
            if (on) keys.push_back(fr.task->key);
          }
          std::string cycle;
          for (size_t k = 0; k < keys.size(); ++k) {
            if (keys.size() > 12 && k == 10) {
              cycle += "... (" + std::to_string(keys.size() - 11) + " more) -> ";
              k = keys.size() - 1;
            }
            cycle += std::string(keys[k]) + " -> ";
          }
          cycle += up;
          if (reported.insert(up).second) {
            Error(dag.location + ".tasks", "dependency cycle: " + cycle + " (each task waits for the next)");
          }
        } else if (s == 0) {
          state[it->first] = 1;
          stack.push_back({&it->second, it->second.upstream.begin()});
        }
      }
    }
  }

  void CheckDag(const Component& owner, const Dag& dag) {
    for (const auto& [key, task] : dag.tasks) CheckTask(owner, dag, task);
    CheckCycles(dag);
    const std::string outs = dag.location + ".outputs";
    for (const auto& [name, out] : dag.output_parameters) {
      if (!owner.outputs.parameters.contains(name)) {
        Error(outs + ".parameters." + name, owner.name + " does not declare output parameter \"" + name + "\"");
      }
      for (const auto& sel : out.selectors) {
        auto p = dag.tasks.find(sel.producer_task);
        if (p == dag.tasks.end()) {
          Error(outs + ".parameters." + name, "producer subtask \"" + sel.producer_task + "\" is not in this DAG");
        } else if (p->second.component && !p->second.component->outputs.parameters.contains(sel.output_key)) {
          Error(outs + ".parameters." + name,
                "task \"" + sel.producer_task + "\" has no output parameter \"" + sel.output_key + "\"");
        }
      }
    }
    for (const auto& [name, out] : dag.output_artifacts) {
      if (!owner.outputs.artifacts.contains(name)) {
        Error(outs + ".artifacts." + name, owner.name + " does not declare output artifact \"" + name + "\"");
      }
      for (const auto& sel : out.selectors) {
        auto p = dag.tasks.find(sel.producer_task);
        if (p == dag.tasks.end()) {
          Error(outs + ".artifacts." + name, "producer subtask \"" + sel.producer_task + "\" is not in this DAG");
        } else if (p->second.component && !p->second.component->outputs.artifacts.contains(sel.output_key)) {
          Error(outs + ".artifacts." + name,
                "task \"" + sel.producer_task + "\" has no output artifact \"" + sel.output_key + "\"");
        }
      }
    }
    for (const auto& [name, _] : owner.outputs.parameters) {
      if (!dag.output_parameters.contains(name)) {
        Error(owner.location + ".outputDefinitions.parameters." + name, "declared output is not produced by the DAG");
      }
    }
    for (const auto& [name, _] : owner.outputs.artifacts) {
      if (!dag.output_artifacts.contains(name)) {
        Error(owner.location + ".outputDefinitions.artifacts." + name, "declared output is not produced by the DAG");
      }
    }
  }

  const Pipeline& p_;
  std::vector<SpecProblem> problems_;
};

}  // namespace

std::vector<SpecProblem> ValidatePipeline(const Pipeline& pipeline) { return Validator(pipeline).Run(); }

}  // namespace cairn::pipelines
