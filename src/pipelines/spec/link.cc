// Linking of loaded pipelines (see link.h).
#include "pipelines/spec/link.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <string>

namespace cairn::pipelines {
namespace {

void AddProducers(const ParameterBinding& b, std::set<std::string>& out) {
  if (const auto* t = std::get_if<binding::TaskOutputParameter>(&b)) out.insert(t->producer_task);
  if (const auto* t = std::get_if<binding::TaskFinalStatus>(&b)) out.insert(t->producer_task);
  if (const auto* t = std::get_if<binding::OneOfParameter>(&b)) {
    for (const auto& c : t->candidates) out.insert(c.producer_task);
  }
}

void DeriveTask(Task& task, const Dag& dag) {
  task.upstream.clear();
  for (const auto& d : task.dependent_tasks) task.upstream.insert(d);
  for (const auto& [_, in] : task.parameter_inputs) AddProducers(in.source, task.upstream);
  for (const auto& [_, in] : task.artifact_inputs) {
    if (const auto* t = std::get_if<binding::TaskOutputArtifact>(&in.source)) task.upstream.insert(t->producer_task);
  }
  if (task.component && task.component->container()) {
    for (const auto& s : task.component->container()->platform.secret_env) {
      if (s.secret_name_from) AddProducers(*s.secret_name_from, task.upstream);
    }
    for (const auto& m : task.component->container()->platform.pvc_mounts) {
      if (m.claim_name_from) AddProducers(*m.claim_name_from, task.upstream);
    }
    for (const auto& v : task.component->container()->platform.object_volumes) {
      if (v.name_from) AddProducers(*v.name_from, task.upstream);
    }
    for (const auto& e : task.component->container()->platform.config_map_env) {
      if (e.config_map_from) AddProducers(*e.config_map_from, task.upstream);
    }
  }
  task.upstream.erase("");
  // Exit handler: waits for all upstream to complete, and one upstream is an
  // exit-handler body (a Dag task named exit-handler-N, or one whose final
  // status it consumes).
  task.exit_handler_for.clear();
  if (task.trigger.strategy != TriggerStrategy::kAllUpstreamTasksCompleted) return;
  for (const auto& [_, in] : task.parameter_inputs) {
    if (const auto* t = std::get_if<binding::TaskFinalStatus>(&in.source)) {
      task.exit_handler_for = t->producer_task;
      return;
    }
  }
  for (const auto& up : task.upstream) {
    auto it = dag.tasks.find(up);
    if (it != dag.tasks.end() && it->second.component && it->second.component->dag() &&
        up.rfind("exit-handler-", 0) == 0) {
      task.exit_handler_for = up;
      return;
    }
  }
}

void DeriveCollected(const Component& owner, Dag& dag) {
  for (auto& [name, out] : dag.output_parameters) {
    out.collected = false;
    auto decl = owner.outputs.parameters.find(name);
    if (decl == owner.outputs.parameters.end() || decl->second.type != ParameterType::kList) continue;
    if (out.selectors.size() != 1) continue;
    auto producer = dag.tasks.find(out.selectors[0].producer_task);
    if (producer == dag.tasks.end() || !producer->second.component) continue;
    const auto& pouts = producer->second.component->outputs.parameters;
    auto pdecl = pouts.find(out.selectors[0].output_key);
    if (pdecl != pouts.end() && pdecl->second.type != ParameterType::kList) out.collected = true;
  }
  for (auto& [name, out] : dag.output_artifacts) {
    out.collected = false;
    auto decl = owner.outputs.artifacts.find(name);
    if (decl == owner.outputs.artifacts.end() || !decl->second.is_list) continue;
    if (out.selectors.size() != 1) continue;
    auto producer = dag.tasks.find(out.selectors[0].producer_task);
    if (producer == dag.tasks.end() || !producer->second.component) continue;
    const auto& pouts = producer->second.component->outputs.artifacts;
    auto pdecl = pouts.find(out.selectors[0].output_key);
    if (pdecl != pouts.end() && !pdecl->second.is_list) out.collected = true;
  }
}

}  // namespace

std::vector<std::pair<const Component*, Dag*>> AllDags(Pipeline& pipeline) {
  std::vector<std::pair<const Component*, Dag*>> out;
  if (pipeline.root) {
    if (auto* d = std::get_if<std::shared_ptr<Dag>>(&pipeline.root->body); d && *d) {
      out.emplace_back(pipeline.root.get(), d->get());
    }
  }
  for (auto& [_, c] : pipeline.components) {
    if (auto* d = std::get_if<std::shared_ptr<Dag>>(&c->body); d && *d) out.emplace_back(c.get(), d->get());
  }
  return out;
}

Status LinkPipeline(Pipeline& pipeline) {
  auto dags = AllDags(pipeline);
  for (auto& [owner, dag] : dags) {
    for (auto& [_, task] : dag->tasks) {
      auto it = pipeline.components.find(task.component_ref);
      task.component = it == pipeline.components.end() ? nullptr : it->second;
    }
  }
  // Recursive components: DFS over component -> components its Dag uses.
  std::map<const Component*, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<std::string> stack;
  std::string cycle;
  std::function<bool(const Component*)> visit = [&](const Component* c) -> bool {
    state[c] = 1;
    stack.push_back(c->name);
    if (stack.size() > kMaxDagNesting) {
      cycle = "sub-DAGs nested deeper than " + std::to_string(kMaxDagNesting) + " levels at " + c->name;
      return false;
    }
    if (const Dag* d = c->dag()) {
      for (const auto& [_, t] : d->tasks) {
        if (!t.component) continue;
        const int s = state[t.component.get()];
        if (s == 1) {
          cycle = "components include themselves recursively: ";
          auto at = std::find(stack.begin(), stack.end(), t.component->name);
          for (; at != stack.end(); ++at) cycle += *at + " -> ";
          cycle += t.component->name;
          return false;
        }
        if (s == 0 && !visit(t.component.get())) return false;
      }
    }
    stack.pop_back();
    state[c] = 2;
    return true;
  };
  bool ok = pipeline.root ? visit(pipeline.root.get()) : true;
  for (auto& [_, c] : pipeline.components) {
    if (ok && state[c.get()] == 0) ok = visit(c.get());
  }
  if (!ok) {
    // Break the shared_ptr cycle so the pipeline frees, then refuse it.
    for (auto& [owner, dag] : dags) {
      for (auto& [_, task] : dag->tasks) task.component = nullptr;
    }
    return InvalidArgument(pipeline.source_name + ": " + cycle);
  }
  for (auto& [owner, dag] : dags) {
    for (auto& [_, task] : dag->tasks) DeriveTask(task, *dag);
    DeriveCollected(*owner, *dag);
  }
  return Status::Ok();
}

std::optional<double> ParseDurationSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double scale = 1;
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    scale = 0.001;
    text.remove_suffix(2);
  } else if (text.back() == 's') {
    text.remove_suffix(1);
  } else if (text.back() == 'm') {
    scale = 60;
    text.remove_suffix(1);
  } else if (text.back() == 'h') {
    scale = 3600;
    text.remove_suffix(1);
  }
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return v * scale;
}

}  // namespace cairn::pipelines
