#include "pipelines/scheduler/run_execution.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "base/json_reader.h"
#include "base/logging.h"
#include "pipelines/scheduler/local_secrets.h"
#include "pipelines/scheduler/python_components.h"
#include "pipelines/scheduler/sha256.h"

namespace cairn::pipelines {

namespace fs = std::filesystem;

namespace {

constexpr char kLog[] = "pipelines";
// MLflow limits for params / tags.
constexpr size_t kMaxParamValue = 6000;
constexpr size_t kMaxTagValue = 8000;
constexpr size_t kMaxKey = 250;

std::string SanitizeSegment(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '[' || c == ']';
    out += ok ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

// "for-loop-2[3]/print" -> "for-loop-2[3]/print", with each segment safe.
std::string SanitizePath(std::string_view id) {
  std::string out;
  size_t start = 0;
  while (start <= id.size()) {
    size_t slash = id.find('/', start);
    std::string_view seg = id.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!out.empty()) out += '/';
    out += SanitizeSegment(seg);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string Rfc3339(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms % 1000));
}

std::string Truncate(std::string s, size_t max) {
  if (s.size() > max) s.resize(max);
  return s;
}

bool ValidTrackingKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKey) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == ' ' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::string LocalPathOfUri(const std::string& uri) {
  if (uri.rfind("file://", 0) == 0) return uri.substr(7);
  return uri;
}

}  // namespace

// ---------------------------------------------------------------------------

struct RunExecution::Node {
  TaskRecord rec;
  Node* parent = nullptr;
  const Task* task = nullptr;            // null for iterations and the root
  const Component* component = nullptr;  // what this node runs
  const Dag* dag = nullptr;              // set when this node is a DAG instance
  std::map<std::string, Node*> children;  // DAG instance: task key -> node
  // Loops.
  std::vector<Node*> iterations;
  std::vector<Value> items;
  std::vector<RuntimeArtifact> artifact_items;
  size_t next_iteration = 0;
  int64_t active_iterations = 0;
  // Children (or iterations) in a terminal state.
  size_t terminal_children = 0;
  TaskIo inputs;
  TaskIo outputs;
  bool queued = false;       // container waiting for a slot
  bool in_worklist = false;  // DAG-like node queued for evaluation
  bool dirty = false;
  bool adopt = false;        // resumed attempt whose handle was not persisted
  // The current attempt was started by a server that crashed; if it turns out
  // lost (its monitor died with that server before the task could report),
  // it is relaunched once instead of failing the task.
  bool inherited_attempt = false;
  // An exit handler's exit task, or a node inside one: it still runs after
  // the run is cancelled (as Argo runs onExit on stop), so cleanup and
  // notification steps do their job.
  bool runs_on_cancel = false;

  bool is_dag_like() const { return dag != nullptr; }
};

struct RunExecution::AttemptPlan {
  ExecutionContext ctx;
  TaskLaunch launch;
  std::string node_dir;
};

RunExecution::RunExecution(const SchedulerOptions& options, const SchedulerDeps& deps, PipelineRunRecord record,
                           Pipeline pipeline)
    : options_(options), deps_(deps), record_(std::move(record)), pipeline_(std::move(pipeline)) {
  run_dir_ = RunDirectory(record_.pipeline_root, record_.pipeline_name, record_.run_id);
}

RunExecution::~RunExecution() = default;

std::string RunExecution::RunDirectory(const std::string& pipeline_root, const std::string& pipeline_name,
                                       const std::string& run_id) {
  return (fs::path(pipeline_root) / SanitizeSegment(pipeline_name.empty() ? "pipeline" : pipeline_name) /
          SanitizeSegment(run_id))
      .string();
}

RunExecution::Node* RunExecution::NewNode(Node* parent, const std::string& id) {
  nodes_.push_back(std::make_unique<Node>());
  Node* n = nodes_.back().get();
  n->runs_on_cancel = parent != nullptr && parent->runs_on_cancel;
  n->parent = parent;
  n->rec.run_id = record_.run_id;
  n->rec.node_id = id;
  n->rec.parent_id = parent != nullptr ? parent->rec.node_id : "";
  n->rec.created_ms = deps_.clock->NowMillis();
  by_id_[id] = n;
  return n;
}

Result<std::unique_ptr<RunExecution>> RunExecution::Create(const SchedulerOptions& options,
                                                           const SchedulerDeps& deps, PipelineRunRecord record,
                                                           Pipeline pipeline, TaskIo root_inputs) {
  std::unique_ptr<RunExecution> run(new RunExecution(options, deps, std::move(record), std::move(pipeline)));
  Node* root = run->NewNode(nullptr, "");
  run->by_id_.erase("");
  run->root_ = root;
  root->component = run->pipeline_.root.get();
  root->dag = &run->pipeline_.root_dag();
  root->rec.kind = NodeKind::kDag;
  root->inputs = std::move(root_inputs);
  return run;
}

Result<std::unique_ptr<RunExecution>> RunExecution::Resume(const SchedulerOptions& options,
                                                           const SchedulerDeps& deps, PipelineRunRecord record) {
  CAIRN_ASSIGN_OR_RETURN(Pipeline pipeline, LoadPipeline(record.spec_yaml, record.source_name));
  CAIRN_ASSIGN_OR_RETURN(std::vector<TaskRecord> tasks, deps.store->ListTasks(record.run_id));
  CAIRN_ASSIGN_OR_RETURN(Value params, Value::ParseJson(record.parameters_json.empty() ? "{}" : record.parameters_json));
  TaskIo root_inputs;
  if (params.is_struct()) {
    for (const auto& [k, v] : params.as_struct()) root_inputs.parameters[k] = v;
  }
  for (const auto& [name, spec] : pipeline.root->inputs.parameters) {
    if (root_inputs.parameters.count(name) == 0 && spec.default_value) root_inputs.parameters[name] = *spec.default_value;
  }
  CAIRN_ASSIGN_OR_RETURN(auto run, Create(options, deps, std::move(record), std::move(pipeline), std::move(root_inputs)));
  std::map<std::string, TaskRecord> stored;
  for (TaskRecord& t : tasks) stored.emplace(t.node_id, std::move(t));
  if (run->record_.state == RunState::kPending) run->record_.state = RunState::kRunning;
  if (run->record_.started_ms == 0) run->record_.started_ms = deps.clock->NowMillis();
  run->run_dirty_ = true;
  run->InstantiateDagChildren(run->root_, &stored);
  if (run->record_.cancel_requested) run->RequestCancel();
  return run;
}

// ------------------------------------------------------------------ tree

void RunExecution::InstantiateDagChildren(Node* d, const std::map<std::string, TaskRecord>* stored) {
  for (const auto& [key, task] : d->dag->tasks) {
    std::string id = d->rec.node_id.empty() ? key : d->rec.node_id + "/" + key;
    Node* n = NewNode(d, id);
    n->task = &task;
    n->component = task.component.get();
    // KFP exit tasks, and cairn `always:` steps (cairn's way to write one).
    if (!task.exit_handler_for.empty() || (pipeline_.format == SpecFormat::kCairn &&
                                           task.trigger.strategy == TriggerStrategy::kAllUpstreamTasksCompleted)) {
      n->runs_on_cancel = true;
    }
    n->rec.task_key = key;
    n->rec.display_name = task.display_name.empty() ? key : task.display_name;
    n->rec.component = task.component_ref;
    if (task.iterator) {
      n->rec.kind = NodeKind::kLoop;
    } else if (n->component != nullptr && n->component->dag() != nullptr) {
      n->rec.kind = NodeKind::kDag;
    } else if (n->component != nullptr && n->component->importer() != nullptr) {
      n->rec.kind = NodeKind::kImporter;
    } else {
      n->rec.kind = NodeKind::kContainer;
    }
    d->children[key] = n;
    if (stored != nullptr) {
      RestoreNode(n, *stored);
    } else {
      MarkDirty(n);
    }
  }
  Schedule(d);
}

void RunExecution::RestoreNode(Node* n, const std::map<std::string, TaskRecord>& stored) {
  auto it = stored.find(n->rec.node_id);
  if (it == stored.end()) {
    MarkDirty(n);
    return;
  }
  NodeKind kind = n->rec.kind;
  std::string display = n->rec.display_name;
  n->rec = it->second;
  n->rec.kind = kind;
  if (n->rec.display_name.empty()) n->rec.display_name = display;
  if (auto in = TaskIoFromJson(n->rec.inputs_json); in.ok()) n->inputs = std::move(in).value();
  if (auto out = TaskIoFromJson(n->rec.outputs_json); out.ok()) n->outputs = std::move(out).value();
  Node* parent = n->parent;
  if (IsTerminal(n->rec.state)) {
    if (parent != nullptr) ++parent->terminal_children;
    return;
  }
  if (n->rec.state == NodeState::kPending) return;  // evaluated again from scratch
  // RUNNING.
  const Component* body = n->component;
  bool dag_body = body != nullptr && body->dag() != nullptr;
  if (n->rec.kind == NodeKind::kLoop) {
    Status items = ComputeLoopItems(n);
    if (!items.ok()) {
      Finish(n, NodeState::kFailed, items.message());
      return;
    }
    size_t count = std::max(n->items.size(), n->artifact_items.size());
    for (size_t i = 0; i < count; ++i) {
      std::string id = fmt::format("{}[{}]", n->rec.node_id, i);
      auto st = stored.find(id);
      if (st == stored.end()) break;  // iterations start in order
      Node* it_node = NewNode(n, id);
      it_node->component = n->component;
      it_node->rec.kind = NodeKind::kIteration;
      it_node->rec.iteration_index = static_cast<int64_t>(i);
      it_node->rec.display_name = fmt::format("{}[{}]", n->rec.display_name, i);
      it_node->rec.component = n->rec.component;
      if (n->component != nullptr && n->component->dag() != nullptr) it_node->dag = n->component->dag();
      n->iterations.push_back(it_node);
      n->next_iteration = i + 1;
      RestoreNode(it_node, stored);
      if (!IsTerminal(it_node->rec.state)) ++n->active_iterations;
      // An iteration that was waiting for a container slot starts over.
      if (it_node->rec.state == NodeState::kPending && it_node->component != nullptr) StartBody(it_node);
    }
    Schedule(n);
    return;
  }
  if (dag_body) {
    n->dag = body->dag();
    InstantiateDagChildren(n, &stored);
    return;
  }
  if (n->rec.kind == NodeKind::kImporter || (body != nullptr && body->importer() != nullptr)) {
    // Importers finish in one step; one left RUNNING simply runs again.
    n->rec.state = NodeState::kPending;
    n->queued = false;
    return;
  }
  // A container.
  if (!n->rec.handle.empty()) {
    n->inherited_attempt = true;
    running_.push_back(n);
  } else if (n->rec.next_attempt_ms > 0) {
    retrying_.push_back(n);
  } else if (n->rec.attempt > 0) {
    n->adopt = true;  // launched or about to be: ask the executor (no second launch)
    n->inherited_attempt = true;
    prepared_.push_back(n);
  } else {
    n->rec.state = NodeState::kPending;
  }
}

void RunExecution::MarkDirty(Node* n) {
  if (n == root_ || n->dirty) return;
  n->dirty = true;
  dirty_.push_back(n);
}

void RunExecution::Schedule(Node* d) {
  if (d->in_worklist) return;
  d->in_worklist = true;
  worklist_.push_back(d);
}

void RunExecution::Finish(Node* n, NodeState state, std::string error) {
  if (IsTerminal(n->rec.state)) return;
  n->rec.state = state;
  if (!error.empty()) n->rec.error = std::move(error);
  n->rec.finished_ms = deps_.clock->NowMillis();
  n->rec.next_attempt_ms = 0;
  n->queued = false;
  if (n->rec.kind == NodeKind::kContainer || (n->rec.kind == NodeKind::kIteration && n->dag == nullptr)) {
    FinishTaskTracking(n);
  }
  if (n == root_) {
    CompleteRun();
    return;
  }
  MarkDirty(n);
  Node* parent = n->parent;
  ++parent->terminal_children;
  if (n->rec.kind == NodeKind::kIteration) --parent->active_iterations;
  Schedule(parent);
}

// -------------------------------------------------------------- evaluation

int64_t RunExecution::Advance(int64_t slots) {
  if (finished()) return 0;
  if (record_.state == RunState::kPending) {
    record_.state = RunState::kRunning;
    record_.started_ms = deps_.clock->NowMillis();
    run_dirty_ = true;
    InstantiateDagChildren(root_, nullptr);
  }
  // Retries whose backoff is over go back to the ready queue.
  const int64_t now = deps_.clock->NowMillis();
  for (size_t i = 0; i < retrying_.size();) {
    Node* n = retrying_[i];
    if (IsTerminal(n->rec.state)) {
      retrying_.erase(retrying_.begin() + static_cast<long>(i));
    } else if (CancelledNow(n)) {
      retrying_.erase(retrying_.begin() + static_cast<long>(i));
      Finish(n, NodeState::kCancelled, "cancelled");
    } else if (n->rec.next_attempt_ms <= now) {
      retrying_.erase(retrying_.begin() + static_cast<long>(i));
      n->queued = true;
      ready_.push_back(n);
    } else {
      ++i;
    }
  }
  // Evaluate until nothing changes (Finish schedules parents again).
  while (!worklist_.empty()) {
    Node* d = worklist_.back();
    worklist_.pop_back();
    d->in_worklist = false;
    if (d->rec.kind == NodeKind::kLoop) {
      EvaluateLoop(d);
    } else {
      EvaluateDag(d);
    }
  }
  // Start containers within the run's and the scheduler's budget.
  int64_t started = 0;
  int64_t run_budget =
      record_.parallelism > 0 ? record_.parallelism - static_cast<int64_t>(running_.size() + prepared_.size()) : slots;
  while (ready_head_ < ready_.size() && started < slots && started < run_budget) {
    Node* n = ready_[ready_head_++];
    if (IsTerminal(n->rec.state) || !n->queued) continue;
    n->queued = false;
    if (CancelledNow(n)) {
      Finish(n, NodeState::kCancelled, "cancelled");
      continue;
    }
    if (PrepareLaunch(n)) ++started;
  }
  if (ready_head_ == ready_.size()) {
    ready_.clear();
    ready_head_ = 0;
  } else if (ready_head_ > 4096) {
    ready_.erase(ready_.begin(), ready_.begin() + static_cast<long>(ready_head_));
    ready_head_ = 0;
  }
  // Persist "about to launch" before launching, so a crash in between
  // never launches an attempt twice (see Resume: adopt via Executor::Find).
  if (!prepared_.empty()) {
    if (Status s = Flush(); !s.ok()) {
      CAIRN_LOG(kWarn, kLog, "run {}: cannot persist task states, will retry: {}", record_.run_id, s.ToString());
      return started;
    }
    SubmitPrepared();
  }
  // Finishing nodes may have made more work (e.g. a submit failure).
  while (!worklist_.empty()) {
    Node* d = worklist_.back();
    worklist_.pop_back();
    d->in_worklist = false;
    if (d->rec.kind == NodeKind::kLoop) {
      EvaluateLoop(d);
    } else {
      EvaluateDag(d);
    }
  }
  return started;
}

void RunExecution::EvaluateDag(Node* d) {
  if (IsTerminal(d->rec.state) && d != root_) return;
  for (auto& [key, child] : d->children) {
    if (child->rec.state == NodeState::kPending && !child->queued) TryStartTask(child);
  }
  if (d->terminal_children == d->children.size()) CompleteDag(d);
}

void RunExecution::EvaluateLoop(Node* loop) {
  if (IsTerminal(loop->rec.state)) return;
  int64_t limit = loop->task != nullptr && loop->task->iterator ? loop->task->iterator->parallelism_limit : 0;
  size_t count = std::max(loop->items.size(), loop->artifact_items.size());
  const bool cancelled = CancelledNow(loop);
  while (loop->next_iteration < count && !cancelled && (limit <= 0 || loop->active_iterations < limit)) {
    size_t index = loop->next_iteration++;
    ++loop->active_iterations;
    StartIteration(loop, index);
  }
  if (cancelled) {
    // Iterations that never started count as cancelled.
    while (loop->next_iteration < count) {
      size_t index = loop->next_iteration++;
      Node* it = NewNode(loop, fmt::format("{}[{}]", loop->rec.node_id, index));
      it->rec.kind = NodeKind::kIteration;
      it->rec.iteration_index = static_cast<int64_t>(index);
      it->rec.display_name = fmt::format("{}[{}]", loop->rec.display_name, index);
      it->component = loop->component;
      loop->iterations.push_back(it);
      ++loop->active_iterations;
      Finish(it, NodeState::kCancelled, "cancelled");
    }
  }
  if (loop->terminal_children == count && loop->next_iteration >= count) CompleteLoop(loop);
}

void RunExecution::TryStartTask(Node* n) {
  Node* d = n->parent;
  const Task& task = *n->task;
  std::string not_ok;
  for (const std::string& up : task.upstream) {
    auto it = d->children.find(up);
    if (it == d->children.end()) continue;
    NodeState s = it->second->rec.state;
    if (!IsTerminal(s)) return;
    if ((s == NodeState::kFailed || s == NodeState::kNotTriggered || s == NodeState::kCancelled) && not_ok.empty()) {
      not_ok = up;
    }
  }
  if (CancelledNow(n)) {
    Finish(n, NodeState::kCancelled, "cancelled");
    return;
  }
  if (!not_ok.empty() && task.trigger.strategy == TriggerStrategy::kAllUpstreamTasksSucceeded) {
    Finish(n, NodeState::kNotTriggered, fmt::format("upstream task '{}' did not succeed", not_ok));
    return;
  }
  if (n->component == nullptr) {
    Finish(n, NodeState::kFailed, fmt::format("component '{}' not found", task.component_ref));
    return;
  }
  std::string why;
  Resolution r = ResolveInputs(n, d, nullptr, nullptr, task.iterator.has_value(), &why);
  n->rec.inputs_json = TaskIoToJson(n->inputs);
  n->rec.started_ms = deps_.clock->NowMillis();
  switch (r) {
    case Resolution::kSkip: Finish(n, NodeState::kSkipped, why); return;
    case Resolution::kNotTriggered: Finish(n, NodeState::kNotTriggered, why); return;
    case Resolution::kError: Finish(n, NodeState::kFailed, why); return;
    case Resolution::kOk: break;
  }
  if (task.trigger.condition_expr) {
    std::vector<std::pair<std::string, Value>> params(n->inputs.parameters.begin(), n->inputs.parameters.end());
    auto ok = cel::EvaluateCondition(*task.trigger.condition_expr, cel::KfpConditionActivation(params));
    if (!ok.ok()) {
      Finish(n, NodeState::kFailed, fmt::format("condition '{}': {}", task.trigger.condition, ok.status().message()));
      return;
    }
    if (!*ok) {
      Finish(n, NodeState::kSkipped, fmt::format("condition is false: {}", task.trigger.condition));
      return;
    }
  } else if (!task.trigger.condition.empty()) {
    Finish(n, NodeState::kFailed, fmt::format("condition '{}' does not parse", task.trigger.condition));
    return;
  }
  if (task.iterator) {
    Status items = ComputeLoopItems(n);
    if (!items.ok()) {
      Finish(n, NodeState::kFailed, items.message());
      return;
    }
    n->rec.state = NodeState::kRunning;
    MarkDirty(n);
    Schedule(n);
    return;
  }
  StartBody(n);
}

// Starts what a resolved node runs: a sub-DAG, a container, an importer.
void RunExecution::StartBody(Node* n) {
  const Component* c = n->component;
  if (c->dag() != nullptr) {
    n->dag = c->dag();
    n->rec.state = NodeState::kRunning;
    MarkDirty(n);
    InstantiateDagChildren(n, nullptr);
    return;
  }
  if (c->importer() != nullptr) {
    RunImporter(n);
    return;
  }
  if (c->container() == nullptr) {
    Finish(n, NodeState::kFailed, fmt::format("component '{}' has no executor", c->name));
    return;
  }
  n->queued = true;
  MarkDirty(n);
  ready_.push_back(n);
}

Status RunExecution::ComputeLoopItems(Node* loop) {
  const Iterator& it = *loop->task->iterator;
  loop->items.clear();
  loop->artifact_items.clear();
  if (it.kind == Iterator::Kind::kArtifact) {
    auto a = loop->inputs.artifacts.find(it.input_artifact);
    if (a == loop->inputs.artifacts.end()) {
      return InvalidArgument(fmt::format("loop input artifact '{}' is not set", it.input_artifact));
    }
    loop->artifact_items = a->second;
    return Status();
  }
  Value list;
  if (it.raw_items) {
    list = *it.raw_items;
  } else {
    auto p = loop->inputs.parameters.find(it.input_parameter);
    if (p == loop->inputs.parameters.end()) {
      return InvalidArgument(fmt::format("loop input '{}' is not set", it.input_parameter));
    }
    list = p->second;
  }
  if (list.is_string()) {
    auto parsed = Value::ParseJson(list.as_string());
    if (parsed.ok()) list = std::move(parsed).value();
  }
  if (!list.is_list()) {
    return InvalidArgument(fmt::format("loop items are not a list (got {})", ValueKindName(list.kind())));
  }
  loop->items = list.as_list();
  return Status();
}

void RunExecution::StartIteration(Node* loop, size_t index) {
  Node* n = NewNode(loop, fmt::format("{}[{}]", loop->rec.node_id, index));
  n->component = loop->component;
  n->rec.kind = NodeKind::kIteration;
  n->rec.iteration_index = static_cast<int64_t>(index);
  n->rec.display_name = fmt::format("{}[{}]", loop->rec.display_name, index);
  n->rec.component = loop->rec.component;
  n->rec.started_ms = deps_.clock->NowMillis();
  loop->iterations.push_back(n);
  const Iterator& iter = *loop->task->iterator;
  const Value* item = index < loop->items.size() ? &loop->items[index] : nullptr;
  const RuntimeArtifact* item_artifact = index < loop->artifact_items.size() ? &loop->artifact_items[index] : nullptr;
  // The body sees the loop's inputs plus the item; iterator bindings of the
  // loop task itself (cairn for_each) resolve against this item.
  n->inputs = loop->inputs;
  if (item != nullptr) n->inputs.parameters[iter.item_input] = *item;
  if (item_artifact != nullptr) n->inputs.artifacts[iter.item_input] = {*item_artifact};
  std::string why;
  Resolution r = Resolution::kOk;
  for (const auto& [name, input] : loop->task->parameter_inputs) {
    const auto* b = std::get_if<binding::IteratorItem>(&input.source);
    if (b == nullptr) continue;
    if (item == nullptr) {
      r = Resolution::kError;
      why = fmt::format("input '{}' reads the loop item, but this loop iterates artifacts", name);
      break;
    }
    if (b->field.empty()) {
      n->inputs.parameters[name] = *item;
    } else {
      const Value* f = item->is_struct() ? item->Find(b->field) : nullptr;
      if (f == nullptr) {
        r = Resolution::kError;
        why = fmt::format("loop item has no field '{}'", b->field);
        break;
      }
      n->inputs.parameters[name] = *f;
    }
  }
  n->rec.inputs_json = TaskIoToJson(n->inputs);
  if (r != Resolution::kOk) {
    Finish(n, NodeState::kFailed, why);
    return;
  }
  if (n->component == nullptr) {
    Finish(n, NodeState::kFailed, "loop body component not found");
    return;
  }
  StartBody(n);
}

RunExecution::Resolution RunExecution::ResolveInputs(Node* n, Node* scope, const Value* item,
                                                     const RuntimeArtifact* item_artifact,
                                                     bool skip_iterator_bindings, std::string* why) {
  const Task& task = *n->task;
  TaskIo& io = n->inputs;
  io = TaskIo{};
  auto sibling = [&](const std::string& key) -> Node* {
    auto it = scope->children.find(key);
    return it == scope->children.end() ? nullptr : it->second;
  };
  // A sibling's output parameter: kOk with the value, or why not.
  auto sibling_output = [&](const binding::TaskOutputParameter& b, Value* out) -> Resolution {
    Node* p = sibling(b.producer_task);
    if (p == nullptr) {
      *why = fmt::format("producer task '{}' not found", b.producer_task);
      return Resolution::kError;
    }
    if (p->rec.state == NodeState::kSkipped) {
      *why = fmt::format("input comes from skipped task '{}'", b.producer_task);
      return Resolution::kSkip;
    }
    if (p->rec.state != NodeState::kSucceeded) {
      *why = fmt::format("input comes from task '{}', which did not succeed", b.producer_task);
      return Resolution::kNotTriggered;
    }
    auto v = p->outputs.parameters.find(b.output_key);
    if (v == p->outputs.parameters.end()) {
      *why = fmt::format("task '{}' has no output '{}' (its producer was skipped)", b.producer_task, b.output_key);
      return Resolution::kSkip;
    }
    *out = v->second;
    return Resolution::kOk;
  };

  std::vector<std::pair<std::string, const binding::RuntimeTemplate*>> templates;
  for (const auto& entry : task.parameter_inputs) {
    // Not a structured binding: the lambdas below capture these (clang 14).
    const auto& name = entry.first;
    const auto& input = entry.second;
    Value value;
    bool present = true;
    Resolution r = Resolution::kOk;
    std::visit(
        [&](const auto& b) {
          using B = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<B, binding::Constant>) {
            value = b.value;
          } else if constexpr (std::is_same_v<B, binding::RuntimeTemplate>) {
            templates.emplace_back(name, &b);
            present = false;
          } else if constexpr (std::is_same_v<B, binding::ComponentInputParameter>) {
            auto it = scope->inputs.parameters.find(b.name);
            if (it == scope->inputs.parameters.end()) {
              present = false;
            } else {
              value = it->second;
            }
          } else if constexpr (std::is_same_v<B, binding::TaskOutputParameter>) {
            r = sibling_output(b, &value);
          } else if constexpr (std::is_same_v<B, binding::TaskFinalStatus>) {
            Node* p = sibling(b.producer_task);
            if (p == nullptr) {
              *why = fmt::format("producer task '{}' not found", b.producer_task);
              r = Resolution::kError;
              return;
            }
            std::string state(NodeStateName(p->rec.state));
            if (p->rec.state == NodeState::kNotTriggered) state = "FAILED";
            Value::Struct error;
            if (!p->rec.error.empty() && p->rec.state != NodeState::kSucceeded) {
              error.emplace_back("code", Value::Int(p->rec.state == NodeState::kCancelled ? 1 : 2));
              error.emplace_back("message", Value::String(p->rec.error));
            }
            value = Value::MakeStruct({{"state", Value::String(state)},
                                       {"pipelineJobResourceName", Value::String("runs/" + record_.run_id)},
                                       {"pipelineTaskName", Value::String(p->rec.display_name)},
                                       {"error", Value::MakeStruct(std::move(error))}});
          } else if constexpr (std::is_same_v<B, binding::IteratorItem>) {
            if (skip_iterator_bindings) {
              present = false;
            } else if (item == nullptr) {
              *why = fmt::format("input '{}' reads a loop item outside a loop", name);
              r = Resolution::kError;
            } else if (b.field.empty()) {
              value = *item;
            } else if (const Value* f = item->is_struct() ? item->Find(b.field) : nullptr) {
              value = *f;
            } else {
              *why = fmt::format("loop item has no field '{}'", b.field);
              r = Resolution::kError;
            }
          } else if constexpr (std::is_same_v<B, binding::OneOfParameter>) {
            bool found = false;
            for (const auto& candidate : b.candidates) {
              std::string ignored;
              std::string* saved = why;
              why = &ignored;
              Resolution cr = sibling_output(candidate, &value);
              why = saved;
              if (cr == Resolution::kOk) {
                found = true;
                break;
              }
            }
            if (!found) {
              *why = "no branch of the OneOf produced a value";
              r = Resolution::kSkip;
            }
          }
        },
        input.source);
    if (r != Resolution::kOk) return r;
    if (!present) continue;
    if (input.selector_expr) {
      Value bound = value.is_string() ? value : Value::String(value.ToJson());
      cel::Activation activation;
      activation.emplace("string_value", bound);
      auto selected = cel::Evaluate(*input.selector_expr, activation);
      if (!selected.ok()) {
        *why = fmt::format("input '{}': selector '{}': {}", name, input.expression_selector, selected.status().message());
        return Resolution::kError;
      }
      value = std::move(selected).value();
    } else if (!input.expression_selector.empty()) {
      *why = fmt::format("input '{}': selector '{}' does not parse", name, input.expression_selector);
      return Resolution::kError;
    }
    io.parameters[name] = std::move(value);
  }
  for (const auto& entry : task.artifact_inputs) {
    // Not a structured binding: the lambdas below capture these (clang 14).
    const auto& name = entry.first;
    const auto& input = entry.second;
    Resolution r = Resolution::kOk;
    std::visit(
        [&](const auto& b) {
          using B = std::decay_t<decltype(b)>;
          if constexpr (std::is_same_v<B, binding::ComponentInputArtifact>) {
            auto it = scope->inputs.artifacts.find(b.name);
            if (it != scope->inputs.artifacts.end()) io.artifacts[name] = it->second;
          } else if constexpr (std::is_same_v<B, binding::TaskOutputArtifact>) {
            Node* p = sibling(b.producer_task);
            if (p == nullptr) {
              *why = fmt::format("producer task '{}' not found", b.producer_task);
              r = Resolution::kError;
            } else if (p->rec.state == NodeState::kSkipped) {
              *why = fmt::format("input comes from skipped task '{}'", b.producer_task);
              r = Resolution::kSkip;
            } else if (p->rec.state != NodeState::kSucceeded) {
              *why = fmt::format("input comes from task '{}', which did not succeed", b.producer_task);
              r = Resolution::kNotTriggered;
            } else if (auto it = p->outputs.artifacts.find(b.output_key); it != p->outputs.artifacts.end()) {
              io.artifacts[name] = it->second;
            } else {
              *why = fmt::format("task '{}' has no output artifact '{}'", b.producer_task, b.output_key);
              r = Resolution::kSkip;
            }
          } else if constexpr (std::is_same_v<B, binding::IteratorItem>) {
            if (item_artifact != nullptr) io.artifacts[name] = {*item_artifact};
          }
        },
        input.source);
    if (r != Resolution::kOk) return r;
  }
  // Component defaults (a defaulted optional input counts as present).
  for (const auto& entry : n->component->inputs.parameters) {
    // Not a structured binding: the lambdas below capture these (clang 14).
    const auto& name = entry.first;
    const auto& spec = entry.second;
    if (io.parameters.count(name) == 0 && spec.default_value && !spec.default_value->is_null()) {
      bool templated = std::any_of(templates.begin(), templates.end(), [&](const auto& t) { return t.first == name; });
      if (!templated) io.parameters[name] = *spec.default_value;
    }
  }
  // f-string constants resolve against the other inputs.
  if (!templates.empty()) {
    ExecutionContext ctx;
    for (const auto& [k, v] : io.parameters) ctx.input_parameters[k] = v;
    ctx.runtime = Runtime(n);
    for (const auto& [name, b] : templates) {
      auto s = ResolveString(b->tmpl, ctx);
      if (!s.ok()) {
        *why = fmt::format("input '{}': {}", name, s.status().message());
        return Resolution::kError;
      }
      io.parameters[name] = Value::String(std::move(s).value());
    }
  }
  // Required inputs (a loop's item inputs are bound per iteration).
  for (const auto& [name, spec] : n->component->inputs.parameters) {
    bool per_item = false;
    if (task.iterator) {
      auto in = task.parameter_inputs.find(name);
      per_item = task.iterator->item_input == name ||
                 (in != task.parameter_inputs.end() && std::holds_alternative<binding::IteratorItem>(in->second.source));
    }
    if (io.parameters.count(name) == 0 && !spec.optional && !spec.default_value && !per_item) {
      *why = fmt::format("required input '{}' has no value", name);
      return Resolution::kError;
    }
  }
  return Resolution::kOk;
}

void RunExecution::CompleteDag(Node* d) {
  TaskIo outputs;
  for (const auto& [name, out] : d->dag->output_parameters) {
    for (const auto& sel : out.selectors) {
      auto it = d->children.find(sel.producer_task);
      if (it == d->children.end() || it->second->rec.state != NodeState::kSucceeded) continue;
      auto v = it->second->outputs.parameters.find(sel.output_key);
      if (v == it->second->outputs.parameters.end()) continue;
      outputs.parameters[name] = v->second;
      break;
    }
  }
  for (const auto& [name, out] : d->dag->output_artifacts) {
    for (const auto& sel : out.selectors) {
      auto it = d->children.find(sel.producer_task);
      if (it == d->children.end() || it->second->rec.state != NodeState::kSucceeded) continue;
      auto v = it->second->outputs.artifacts.find(sel.output_key);
      if (v == it->second->outputs.artifacts.end()) continue;
      outputs.artifacts[name] = v->second;
      break;
    }
  }
  d->outputs = std::move(outputs);
  d->rec.outputs_json = TaskIoToJson(d->outputs);
  // FAILED names the first task that failed itself (NOT_TRIGGERED tasks
  // only follow a failure).
  NodeState state = NodeState::kSucceeded;
  std::string error;
  for (NodeState wanted : {NodeState::kFailed, NodeState::kNotTriggered}) {
    for (const auto& [key, child] : d->children) {
      if (child->rec.state != wanted || state == NodeState::kFailed) continue;
      state = NodeState::kFailed;
      error = fmt::format("task '{}' failed", child->rec.display_name);
      if (!child->rec.error.empty() && child->dag == nullptr && child->rec.kind != NodeKind::kLoop) {
        error += ": " + child->rec.error;
      } else if (!child->rec.error.empty()) {
        error = child->rec.error;
      }
    }
  }
  if (state == NodeState::kSucceeded) {
    for (const auto& [key, child] : d->children) {
      if (child->rec.state == NodeState::kCancelled) {
        state = NodeState::kCancelled;
        error = "cancelled";
        break;
      }
    }
  }
  Finish(d, state, error);
}

void RunExecution::CompleteLoop(Node* loop) {
  // dsl.Collected: per-iteration outputs gathered into lists, in order.
  TaskIo outputs;
  // Every declared output is a list, empty when no iteration produced it.
  std::set<std::string> param_keys, artifact_keys;
  if (loop->component != nullptr) {
    for (const auto& [k, spec] : loop->component->outputs.parameters) param_keys.insert(k);
    for (const auto& [k, spec] : loop->component->outputs.artifacts) artifact_keys.insert(k);
  }
  for (Node* it : loop->iterations) {
    for (const auto& [k, v] : it->outputs.parameters) param_keys.insert(k);
    for (const auto& [k, v] : it->outputs.artifacts) artifact_keys.insert(k);
  }
  for (const std::string& k : param_keys) {
    Value::List list;
    for (Node* it : loop->iterations) {
      auto v = it->outputs.parameters.find(k);
      if (it->rec.state == NodeState::kSucceeded && v != it->outputs.parameters.end()) list.push_back(v->second);
    }
    outputs.parameters[k] = Value::MakeList(std::move(list));
  }
  for (const std::string& k : artifact_keys) {
    auto& list = outputs.artifacts[k];
    for (Node* it : loop->iterations) {
      auto v = it->outputs.artifacts.find(k);
      if (it->rec.state == NodeState::kSucceeded && v != it->outputs.artifacts.end()) {
        list.insert(list.end(), v->second.begin(), v->second.end());
      }
    }
  }
  loop->outputs = std::move(outputs);
  loop->rec.outputs_json = TaskIoToJson(loop->outputs);
  NodeState state = NodeState::kSucceeded;
  std::string error;
  for (Node* it : loop->iterations) {
    if (it->rec.state == NodeState::kFailed || it->rec.state == NodeState::kNotTriggered) {
      if (state != NodeState::kFailed) error = fmt::format("iteration {} failed", it->rec.iteration_index);
      state = NodeState::kFailed;
    } else if (it->rec.state == NodeState::kCancelled && state == NodeState::kSucceeded) {
      state = NodeState::kCancelled;
      error = "cancelled";
    }
  }
  Finish(loop, state, error);
}

void RunExecution::RunImporter(Node* n) {
  const ImporterSpec& imp = *n->component->importer();
  std::string uri = imp.uri_constant;
  if (uri.empty()) {
    auto it = n->inputs.parameters.find(imp.uri_input_parameter);
    if (it == n->inputs.parameters.end() || !it->second.is_string()) {
      Finish(n, NodeState::kFailed, fmt::format("importer input '{}' is not set", imp.uri_input_parameter));
      return;
    }
    uri = it->second.as_string();
  }
  RuntimeArtifact a;
  a.name = "artifact";
  a.type = imp.type;
  a.uri = uri;
  a.local_path = LocalPathOfUri(uri);
  a.metadata = imp.metadata;
  n->outputs.artifacts["artifact"] = {a};
  n->rec.outputs_json = TaskIoToJson(n->outputs);
  Finish(n, NodeState::kSucceeded);
}

// -------------------------------------------------------------- containers

RuntimeInfo RunExecution::Runtime(const Node* n) const {
  RuntimeInfo info;
  info.pipeline_job_name = record_.display_name.empty() ? record_.pipeline_name : record_.display_name;
  info.pipeline_job_resource_name = "runs/" + record_.run_id;
  info.pipeline_job_uuid = record_.run_id;
  info.pipeline_task_name = n->rec.display_name;
  // Stable across attempts and restarts (the command line must not change).
  info.pipeline_task_uuid = Sha256Hex(record_.run_id + "/" + n->rec.node_id).substr(0, 32);
  info.pipeline_root = record_.pipeline_root;
  info.pipeline_job_create_time_utc = Rfc3339(record_.created_ms);
  info.pipeline_job_schedule_time_utc = Rfc3339(record_.created_ms);
  if (pipeline_.platform.workspace) info.workspace_path = run_dir_ + "/workspace";
  return info;
}

Result<RunExecution::AttemptPlan> RunExecution::PlanAttempt(Node* n, int32_t attempt) {
  const Component& c = *n->component;
  const ContainerSpec& container = *c.container();
  AttemptPlan plan;
  plan.node_dir = run_dir_ + "/" + SanitizePath(n->rec.node_id);
  const std::string attempt_dir = fmt::format("{}/attempt-{}", plan.node_dir, attempt);
  ExecutionContext& ctx = plan.ctx;
  ctx.input_parameters = n->inputs.parameters;
  ctx.input_artifacts = n->inputs.artifacts;
  for (auto& [k, list] : ctx.input_artifacts) {
    for (RuntimeArtifact& a : list) {
      if (a.local_path.empty()) a.local_path = LocalPathOfUri(a.uri);
    }
  }
  for (const auto& [k, spec] : c.outputs.parameters) {
    ctx.output_parameter_files[k] = attempt_dir + "/outputs/" + SanitizeSegment(k);
  }
  for (const auto& [k, spec] : c.outputs.artifacts) {
    RuntimeArtifact a;
    a.name = k;
    a.type = spec.type;
    a.uri = plan.node_dir + "/artifacts/" + SanitizeSegment(k);
    a.local_path = a.uri;
    a.metadata = spec.metadata.is_struct() ? spec.metadata : Value::MakeStruct({});
    ctx.output_artifacts[k] = {a};
  }
  ctx.output_metadata_file = attempt_dir + "/executor_output.json";
  ctx.runtime = Runtime(n);
  if (!ctx.runtime.workspace_path.empty()) {
    std::error_code ec;
    fs::create_directories(ctx.runtime.workspace_path, ec);
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> argv, ResolveArgv(container, ctx));
  if (argv.empty()) return InvalidArgument("the container has no command");
  TaskLaunch& launch = plan.launch;
  launch.attempt_key = fmt::format("{}/{}/{}", record_.run_id, n->rec.node_id, attempt);
  launch.attempt_dir = attempt_dir;
  launch.argv = std::move(argv);
  launch.image = container.image;
  // The spec's own limit, capped by the server-wide one.
  launch.timeout_ms = options_.task_timeout_ms;
  if (const int64_t spec_ms = container.platform.timeout_seconds * 1000; spec_ms > 0) {
    launch.timeout_ms = launch.timeout_ms > 0 ? std::min(launch.timeout_ms, spec_ms) : spec_ms;
  }
  for (const auto& [k, v] : options_.task_env) launch.env.emplace_back(k, v);
  for (const EnvVar& e : container.env) launch.env.emplace_back(e.name, e.value);
  if (!options_.tracking_uri.empty()) launch.env.emplace_back("MLFLOW_TRACKING_URI", options_.tracking_uri);
  if (!n->rec.mlflow_run_id.empty()) launch.env.emplace_back("MLFLOW_RUN_ID", n->rec.mlflow_run_id);
  if (!record_.experiment_id.empty()) launch.env.emplace_back("MLFLOW_EXPERIMENT_ID", record_.experiment_id);
  launch.env.emplace_back("CAIRN_PIPELINE_RUN_ID", record_.run_id);
  launch.env.emplace_back("CAIRN_PIPELINE_TASK", n->rec.node_id);
  CAIRN_RETURN_IF_ERROR(AddSecretEnv(n, container, launch));
  if (auto python = ParseLightweightPythonCommand(launch.argv)) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> missing, MissingPythonRequirements(python->requirements, launch.env));
    if (!missing.empty()) {
      return Status(StatusCode::kFailedPrecondition,
                    fmt::format("this is a KFP lightweight Python component and python3 on this host does not have "
                                "{} installed (cairn runs it with the host's Python and does not pip-install into "
                                "it: install the package(s) where the server runs, e.g. pip install '{}')",
                                fmt::join(missing, ", "), fmt::join(missing, "' '")));
    }
    // Installed: run what the pip step would have run afterwards.
    launch.argv = std::move(python->argv);
  }
  if (!container.resources.empty()) {
    if (auto cpu = ResolveString(container.resources.cpu_limit, ctx); cpu.ok()) launch.cpu_limit = *cpu;
    if (auto mem = ResolveString(container.resources.memory_limit, ctx); mem.ok()) launch.memory_limit = *mem;
    if (auto acc = ResolveString(container.resources.accelerator_type, ctx); acc.ok()) launch.accelerator_type = *acc;
    if (auto count = ResolveString(container.resources.accelerator_count, ctx); count.ok()) {
      launch.accelerator_count = ParseInt64(*count).value_or(0);
    }
    if (auto cpu = ResolveString(container.resources.cpu_request, ctx); cpu.ok()) launch.cpu_request = *cpu;
    if (auto mem = ResolveString(container.resources.memory_request, ctx); mem.ok()) launch.memory_request = *mem;
  }
  launch.placement = container.platform.placement;
  for (const PvcMountSpec& m : container.platform.pvc_mounts) {
    // A claim named by a parameter resolves like a secret name (same scopes).
    SecretEnv name_source;
    name_source.secret_name = m.claim_name;
    name_source.secret_name_from = m.claim_name_from;
    auto claim = SecretName(n, name_source);
    if (!claim.ok()) return InvalidArgument(fmt::format("the PVC to mount at {} has no name (pvcMount)", m.mount_path));
    launch.placement.pvc_mounts.push_back({*claim, m.mount_path, false});
  }
  // Secret/ConfigMap names bound to parameters resolve the same way; the
  // kubernetes executor renders them, the others ignore placement.
  for (const ObjectVolumeSpec& v : container.platform.object_volumes) {
    auto name = SecretName(n, SecretEnv{v.name, v.name_from, {}, false});
    if (!name.ok()) return InvalidArgument(fmt::format("the volume to mount at {} has no name", v.mount_path));
    launch.placement.object_volumes.push_back({v.kind, *name, v.mount_path, v.optional});
  }
  for (const ConfigMapEnvSpec& e : container.platform.config_map_env) {
    auto name = SecretName(n, SecretEnv{e.config_map, e.config_map_from, {}, false});
    if (!name.ok()) return InvalidArgument("the ConfigMap of configMapAsEnv has no name");
    for (const auto& [key, env] : e.key_to_env) {
      launch.placement.config_map_env.push_back({*name, key, env, e.optional});
    }
  }
  return plan;
}

Result<std::string> RunExecution::SecretName(const Node* n, const SecretEnv& secret) const {
  if (!secret.secret_name_from) return secret.secret_name;
  const Value* value = nullptr;
  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, binding::Constant>) {
          value = &b.value;
        } else if constexpr (std::is_same_v<B, binding::ComponentInputParameter>) {
          // kfp-kubernetes names the task's own input (a pipelinechannel--
          // copy) or the enclosing DAG's input; accept both.
          for (const Node* scope : {n, static_cast<const Node*>(n->parent)}) {
            if (scope == nullptr) continue;
            auto it = scope->inputs.parameters.find(b.name);
            if (it != scope->inputs.parameters.end()) {
              value = &it->second;
              return;
            }
          }
        } else if constexpr (std::is_same_v<B, binding::TaskOutputParameter>) {
          if (n->parent == nullptr) return;
          auto it = n->parent->children.find(b.producer_task);
          if (it == n->parent->children.end() || it->second->rec.state != NodeState::kSucceeded) return;
          auto out = it->second->outputs.parameters.find(b.output_key);
          if (out != it->second->outputs.parameters.end()) value = &out->second;
        }
      },
      *secret.secret_name_from);
  if (value == nullptr || !value->is_string() || value->as_string().empty()) {
    return InvalidArgument("the secret name parameter of secretAsEnv has no string value");
  }
  return value->as_string();
}

Status RunExecution::AddSecretEnv(const Node* n, const ContainerSpec& container, TaskLaunch& launch) const {
  for (const SecretEnv& secret : container.platform.secret_env) {
    CAIRN_ASSIGN_OR_RETURN(std::string name, SecretName(n, secret));
    for (const auto& [key, env] : secret.key_to_env) {
      CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> value, ReadLocalSecret(options_.secrets_dir, name, key));
      if (!value) {
        if (secret.optional) continue;
        return InvalidArgument(fmt::format("secret '{}' has no key '{}' (expected the file {}/{}/{})", name, key,
                                           options_.secrets_dir, name, key));
      }
      launch.env.emplace_back(env, std::move(*value));
    }
  }
  return Status::Ok();
}

bool RunExecution::PrepareLaunch(Node* n) {
  const Component& c = *n->component;
  const int32_t attempt = n->rec.attempt + 1;
  auto plan = PlanAttempt(n, attempt);
  if (!plan.ok()) {
    Finish(n, NodeState::kFailed, plan.status().message());
    return false;
  }
  Value::List argv;
  for (const std::string& a : plan->launch.argv) argv.push_back(Value::String(a));
  n->rec.command_json = Value::MakeList(std::move(argv)).ToJson();
  n->rec.image = c.container()->image;
  n->rec.executor = std::string(deps_.executor->Name());
  // Caching (first attempt only: a retry means the cached result was not
  // good enough to reuse anyway).
  const bool cache_on = n->task == nullptr ? n->parent->task->caching.enabled : n->task->caching.enabled;
  if (attempt == 1 && cache_on && record_.cache_enabled && !options_.cache_disabled) {
    const Task& task = n->task != nullptr ? *n->task : *n->parent->task;
    n->rec.fingerprint = CacheFingerprint(task, c, *c.container(), n->inputs);
    auto hit = deps_.store->FindCacheEntry(record_.pipeline_name, n->rec.fingerprint);
    if (hit.ok() && hit->has_value()) {
      auto outputs = TaskIoFromJson((*hit)->outputs_json);
      bool usable = outputs.ok();
      if (usable) {
        for (const auto& [k, list] : outputs->artifacts) {
          for (const RuntimeArtifact& a : list) {
            std::error_code ec;
            if (!fs::exists(LocalPathOfUri(a.uri), ec)) usable = false;  // kfp.local: missing artifact = miss
          }
        }
      }
      if (usable) {
        n->outputs = std::move(outputs).value();
        n->rec.outputs_json = TaskIoToJson(n->outputs);
        n->rec.cached = true;
        n->rec.cached_from = (*hit)->run_id + "/" + (*hit)->node_id;
        n->rec.started_ms = deps_.clock->NowMillis();
        n->rec.exit_code = 0;
        StartTaskTracking(n, *plan);
        Finish(n, NodeState::kSucceeded);
        return false;
      }
    }
  }
  std::error_code ec;
  fs::create_directories(plan->launch.attempt_dir + "/outputs", ec);
  for (const auto& [k, list] : plan->ctx.output_artifacts) {
    for (const RuntimeArtifact& a : list) fs::create_directories(fs::path(a.local_path).parent_path(), ec);
  }
  if (ec) {
    FailAttempt(n, fmt::format("cannot create the task's directories: {}", ec.message()));
    return false;
  }
  n->rec.attempt = attempt;
  n->rec.state = NodeState::kRunning;
  n->rec.handle.clear();
  n->rec.attempt_dir = plan->launch.attempt_dir;
  n->rec.next_attempt_ms = 0;
  if (attempt == 1) n->rec.started_ms = deps_.clock->NowMillis();  // launched, not just ready
  StartTaskTracking(n, *plan);
  MarkDirty(n);
  prepared_.push_back(n);
  return true;
}

void RunExecution::SubmitPrepared() {
  std::vector<Node*> batch;
  batch.swap(prepared_);
  // The attempts of one loop's body task (a ParallelFor's iterations) that
  // are ready in this pass go to the executor together, so Slurm can make
  // them one job array; everything else is submitted on its own.
  struct LoopBatch {
    int64_t parallelism = 0;
    std::vector<Node*> nodes;
    std::vector<TaskLaunch> launches;
  };
  std::vector<LoopBatch> loop_batches;
  std::map<std::pair<const Node*, const Task*>, size_t> batch_of;
  for (Node* n : batch) {
    if (IsTerminal(n->rec.state)) continue;
    auto plan = PlanAttempt(n, n->rec.attempt);
    if (!plan.ok()) {
      Finish(n, NodeState::kFailed, plan.status().message());
      continue;
    }
    if (n->adopt) {
      n->adopt = false;
      auto found = deps_.executor->Find(plan->launch);
      if (found.ok() && found->has_value()) {
        n->rec.handle = **found;
        MarkDirty(n);
        running_.push_back(n);
        continue;
      }
    }
    if (CancelledNow(n)) {
      Finish(n, NodeState::kCancelled, "cancelled");
      continue;
    }
    if (const Node* loop = EnclosingLoop(n)) {
      auto [it, added] = batch_of.try_emplace({loop, n->task}, loop_batches.size());
      if (added) {
        loop_batches.emplace_back();
        if (loop->task != nullptr && loop->task->iterator) {
          loop_batches.back().parallelism = loop->task->iterator->parallelism_limit;
        }
      }
      loop_batches[it->second].nodes.push_back(n);
      loop_batches[it->second].launches.push_back(std::move(plan->launch));
      continue;
    }
    OnSubmitted(n, deps_.executor->Submit(plan->launch));
  }
  for (LoopBatch& b : loop_batches) {
    std::vector<Result<std::string>> handles = deps_.executor->SubmitBatch(b.launches, b.parallelism);
    CAIRN_CHECK(handles.size() == b.nodes.size(), "SubmitBatch answers once per launch");
    for (size_t i = 0; i < b.nodes.size(); ++i) OnSubmitted(b.nodes[i], std::move(handles[i]));
  }
}

const RunExecution::Node* RunExecution::EnclosingLoop(const Node* n) {
  for (const Node* p = n->parent; p != nullptr; p = p->parent) {
    if (p->rec.kind == NodeKind::kLoop) return p;
  }
  return nullptr;
}

void RunExecution::OnSubmitted(Node* n, Result<std::string> handle) {
  if (!handle.ok()) {
    FailAttempt(n, handle.status().message());
    return;
  }
  n->rec.handle = std::move(handle).value();
  MarkDirty(n);
  running_.push_back(n);
}

bool RunExecution::PollAttempts() {
  bool changed = false;
  for (size_t i = 0; i < running_.size();) {
    Node* n = running_[i];
    auto status = deps_.executor->Poll(n->rec.handle);
    if (!status.ok()) {
      CAIRN_LOG(kWarn, kLog, "run {} task {}: poll failed: {}", record_.run_id, n->rec.node_id,
                status.status().ToString());
      ++i;
      continue;
    }
    if (!pipelines::IsTerminal(status->state)) {
      ++i;
      continue;
    }
    running_.erase(running_.begin() + static_cast<long>(i));
    OnAttemptEnd(n, *status);
    changed = true;
  }
  return changed;
}

void RunExecution::OnAttemptEnd(Node* n, const ExecutionStatus& status) {
  n->rec.exit_code = status.exit_code;
  std::string message = status.message;
  if (status.stdout_truncated || status.stderr_truncated) {
    CAIRN_LOG(kInfo, kLog, "run {} task {}: log truncated at the cap", record_.run_id, n->rec.node_id);
  }
  if (status.state == ExecutionState::kSucceeded) {
    auto plan = PlanAttempt(n, n->rec.attempt);
    if (!plan.ok()) {
      FailAttempt(n, plan.status().message());
      return;
    }
    auto outputs = CollectOutputs(n->component->outputs, plan->ctx.output_parameter_files,
                                  plan->ctx.output_artifacts, plan->ctx.output_metadata_file);
    if (!outputs.ok()) {
      FailAttempt(n, outputs.status().message());
      return;
    }
    n->outputs = std::move(outputs).value();
    // A declared output artifact the task did not write still gets a file
    // (metrics artifacts: their values as JSON, as KFP's executor writes
    // them), so consumers and later cache hits find what the URI names.
    for (const auto& [k, list] : n->outputs.artifacts) {
      for (const RuntimeArtifact& a : list) {
        std::string local = LocalPathOfUri(a.uri);
        std::error_code ec;
        if (local.empty() || local.front() != '/' || fs::exists(local, ec)) continue;
        std::ofstream out(local, std::ios::binary | std::ios::trunc);
        if (a.type.schema_title.find("Metrics") != std::string::npos && a.metadata.is_struct()) {
          out << a.metadata.ToJson();
        }
      }
    }
    n->rec.outputs_json = TaskIoToJson(n->outputs);
    n->rec.error.clear();
    if (!n->rec.fingerprint.empty()) {
      Status put = deps_.store->PutCacheEntry(
          {record_.pipeline_name, n->rec.fingerprint, record_.run_id, n->rec.node_id, n->rec.outputs_json,
           n->rec.mlflow_run_id, deps_.clock->NowMillis()});
      if (!put.ok()) CAIRN_LOG(kWarn, kLog, "cache entry not written: {}", put.ToString());
    }
    Finish(n, NodeState::kSucceeded);
    return;
  }
  if (status.state == ExecutionState::kCancelled || CancelledNow(n)) {
    Finish(n, NodeState::kCancelled, message.empty() ? "cancelled" : message);
    return;
  }
  if (status.state == ExecutionState::kLost && n->inherited_attempt) {
    // Lost in the crash window, not by the task's doing: one new attempt.
    n->inherited_attempt = false;
    CAIRN_LOG(kWarn, kLog, "run {} task {}: attempt {} was lost with the previous server ({}); relaunching",
              record_.run_id, n->rec.node_id, n->rec.attempt, message);
    // Through the retry queue with no delay: PrepareLaunch then plans a fresh
    // attempt (next number, its own directories), as for any retry.
    n->rec.error = fmt::format("attempt {} lost with the previous server: {}", n->rec.attempt, message);
    n->rec.handle.clear();
    n->rec.next_attempt_ms = deps_.clock->NowMillis();
    n->rec.state = NodeState::kRunning;
    MarkDirty(n);
    retrying_.push_back(n);
    return;
  }
  n->inherited_attempt = false;
  if (status.state == ExecutionState::kLost) message = "lost: " + message;
  FailAttempt(n, message.empty() ? "failed" : message);
}

void RunExecution::FailAttempt(Node* n, const std::string& message) {
  const RetryPolicy* retry = nullptr;
  if (n->task != nullptr && n->task->retry) retry = &*n->task->retry;
  if (n->task == nullptr && n->parent->task != nullptr && n->parent->task->retry) retry = &*n->parent->task->retry;
  const int32_t attempts = std::max<int32_t>(n->rec.attempt, 1);
  if (retry != nullptr && !CancelledNow(n) && attempts <= retry->max_retry_count) {
    double delay_s = retry->backoff_seconds * std::pow(retry->backoff_factor > 0 ? retry->backoff_factor : 1.0,
                                                       static_cast<double>(attempts - 1));
    delay_s = std::min(delay_s, retry->backoff_max_seconds);
    int64_t delay_ms = static_cast<int64_t>(std::max(0.0, delay_s) * 1000);
    n->rec.error = fmt::format("attempt {} failed: {}", attempts, message);
    n->rec.handle.clear();
    n->rec.attempt = attempts;
    n->rec.next_attempt_ms = deps_.clock->NowMillis() + std::max<int64_t>(delay_ms, 1);
    n->rec.state = NodeState::kRunning;
    MarkDirty(n);
    retrying_.push_back(n);
    CAIRN_LOG(kInfo, kLog, "run {} task {}: {}; retrying in {} ms", record_.run_id, n->rec.node_id, n->rec.error,
              delay_ms);
    return;
  }
  Finish(n, NodeState::kFailed, message);
}

int64_t RunExecution::NextTimerMs() const {
  int64_t next = 0;
  for (const Node* n : retrying_) {
    if (next == 0 || n->rec.next_attempt_ms < next) next = n->rec.next_attempt_ms;
  }
  return next;
}

bool RunExecution::CancelledNow(const Node* n) const {
  return cancelling_ && (!n->runs_on_cancel || cancel_exit_handlers_);
}

void RunExecution::RequestCancel() {
  if (finished()) return;
  if (cancelling_) {
    // A second cancel also stops the exit handlers the first one let run.
    if (cancel_exit_handlers_) return;
    cancel_exit_handlers_ = true;
  }
  cancelling_ = true;
  record_.state = RunState::kCancelling;
  run_dirty_ = true;
  for (Node* n : running_) {
    if (!CancelledNow(n)) continue;
    Status s = deps_.executor->Cancel(n->rec.handle);
    if (!s.ok()) CAIRN_LOG(kWarn, kLog, "cancel of {} failed: {}", n->rec.node_id, s.ToString());
  }
  for (size_t i = ready_head_; i < ready_.size(); ++i) {
    Node* n = ready_[i];
    if (!IsTerminal(n->rec.state) && n->queued && CancelledNow(n)) {
      n->queued = false;
      Finish(n, NodeState::kCancelled, "cancelled");
    }
  }
  // Pending tasks are cancelled as their DAGs are evaluated again.
  for (auto& node : nodes_) {
    if (node->is_dag_like() || node->rec.kind == NodeKind::kLoop) Schedule(node.get());
  }
  if (root_->children.empty() && root_->rec.state == NodeState::kPending) {
    Finish(root_, NodeState::kCancelled, "cancelled");
  }
}

void RunExecution::Abort(const std::string& error) {
  for (Node* n : running_) (void)deps_.executor->Cancel(n->rec.handle);
  record_.error = error;
  root_->rec.state = NodeState::kFailed;
  root_->rec.error = error;
  CompleteRun();
}

void RunExecution::CompleteRun() {
  switch (root_->rec.state) {
    case NodeState::kSucceeded: record_.state = RunState::kSucceeded; break;
    case NodeState::kCancelled: record_.state = RunState::kCancelled; break;
    default: record_.state = cancelling_ ? RunState::kCancelled : RunState::kFailed; break;
  }
  if (record_.error.empty() && record_.state != RunState::kSucceeded) record_.error = root_->rec.error;
  record_.outputs_json = TaskIoToJson(root_->outputs);
  record_.finished_ms = deps_.clock->NowMillis();
  run_dirty_ = true;
  FinishRunTracking();
}

Status RunExecution::Flush() {
  if (dirty_.empty() && !run_dirty_) return Status();
  std::vector<TaskRecord> records;
  records.reserve(dirty_.size());
  for (Node* n : dirty_) records.push_back(n->rec);
  Status s = run_dirty_ ? deps_.store->SaveRun(record_, records) : deps_.store->PutTasks(record_.run_id, records);
  if (!s.ok()) return s;
  for (Node* n : dirty_) n->dirty = false;
  dirty_.clear();
  run_dirty_ = false;
  return Status();
}

// ---------------------------------------------------------------- tracking

void RunExecution::StartTaskTracking(Node* n, const AttemptPlan& plan) {
  if (deps_.tracking == nullptr || !options_.track_tasks || !n->rec.mlflow_run_id.empty()) return;
  tracking::CreateRunRequest request;
  request.experiment_id = record_.experiment_id;
  request.run_name = n->rec.node_id;
  request.start_time = deps_.clock->NowMillis();
  request.tags = {
      {"mlflow.runName", n->rec.node_id},
      {"cairn.pipeline.run_id", record_.run_id},
      {"cairn.pipeline.name", record_.pipeline_name},
      {"cairn.pipeline.task", n->rec.node_id},
      {"cairn.task.component", n->rec.component},
      {"cairn.task.image", n->rec.image},
      {"cairn.task.command", Truncate(n->rec.command_json, kMaxTagValue)},
      {"cairn.task.cache_hit", n->rec.cached ? "true" : "false"},
      {"cairn.task.executor", std::string(deps_.executor->Name())},
  };
  if (!record_.mlflow_run_id.empty()) request.tags.push_back({"mlflow.parentRunId", record_.mlflow_run_id});
  if (n->rec.cached) request.tags.push_back({"cairn.task.cached_from", n->rec.cached_from});
  auto run = deps_.tracking->CreateRun(request);
  if (!run.ok()) {
    CAIRN_LOG(kWarn, kLog, "run {} task {}: tracking run not created: {}", record_.run_id, n->rec.node_id,
              run.status().ToString());
    return;
  }
  n->rec.mlflow_run_id = run->info.run_id;
  std::vector<tracking::Param> params;
  for (const auto& [k, v] : n->inputs.parameters) {
    if (!ValidTrackingKey(k)) continue;
    params.push_back({k, Truncate(v.RenderForArgv(), kMaxParamValue)});
  }
  for (const auto& [k, list] : n->inputs.artifacts) {
    if (!ValidTrackingKey(k) || list.empty()) continue;
    params.push_back({k, Truncate(list.front().uri, kMaxParamValue)});
  }
  if (!params.empty()) {
    Status s = deps_.tracking->LogBatch(n->rec.mlflow_run_id, {}, params, {});
    if (!s.ok()) CAIRN_LOG(kWarn, kLog, "task {}: params not logged: {}", n->rec.node_id, s.ToString());
  }
  (void)plan;
}

void RunExecution::FinishTaskTracking(Node* n) {
  if (deps_.tracking == nullptr || n->rec.mlflow_run_id.empty()) return;
  const int64_t now = deps_.clock->NowMillis();
  std::vector<tracking::Metric> metrics;
  std::vector<tracking::Tag> tags;
  for (const auto& [k, v] : n->outputs.parameters) {
    if (!ValidTrackingKey(k)) continue;
    if (v.is_number()) {
      metrics.push_back({k, v.as_double(), now, 0, {}});
    } else if (v.is_bool()) {
      metrics.push_back({k, v.as_bool() ? 1.0 : 0.0, now, 0, {}});
    } else {
      tags.push_back({"cairn.output." + k, Truncate(v.RenderForArgv(), kMaxTagValue)});
    }
  }
  for (const auto& [k, list] : n->outputs.artifacts) {
    for (const RuntimeArtifact& a : list) {
      if (a.type.schema_title != "system.Metrics" || !a.metadata.is_struct()) continue;
      for (const auto& [mk, mv] : a.metadata.as_struct()) {
        if (mv.is_number() && ValidTrackingKey(mk)) metrics.push_back({mk, mv.as_double(), now, 0, {}});
      }
    }
  }
  if (n->rec.attempt > 1) tags.push_back({"cairn.task.attempts", std::to_string(n->rec.attempt)});
  tags.push_back({"cairn.task.state", std::string(NodeStateName(n->rec.state))});
  if (!n->rec.error.empty()) tags.push_back({"cairn.task.error", Truncate(n->rec.error, kMaxTagValue)});
  Status s = deps_.tracking->LogBatch(n->rec.mlflow_run_id, metrics, {}, tags);
  if (!s.ok()) CAIRN_LOG(kWarn, kLog, "task {}: outputs not logged: {}", n->rec.node_id, s.ToString());
  if (deps_.artifact_sink && !n->rec.cached) {
    auto run = deps_.tracking->GetRun(n->rec.mlflow_run_id);
    if (run.ok()) {
      const std::string& uri = run->info.artifact_uri;
      std::error_code ec;
      for (const char* log : {"stdout.log", "stderr.log"}) {
        std::string path = n->rec.attempt_dir + "/" + log;
        if (!n->rec.attempt_dir.empty() && fs::exists(path, ec)) {
          if (Status put = deps_.artifact_sink(uri, path, "logs"); !put.ok()) {
            CAIRN_LOG(kWarn, kLog, "task {}: log not logged as artifact: {}", n->rec.node_id, put.ToString());
          }
        }
      }
      if (n->rec.state == NodeState::kSucceeded) {
        for (const auto& [k, list] : n->outputs.artifacts) {
          for (const RuntimeArtifact& a : list) {
            std::string local = LocalPathOfUri(a.uri);
            if (!fs::exists(local, ec)) continue;
            if (Status put = deps_.artifact_sink(uri, local, "outputs"); !put.ok()) {
              CAIRN_LOG(kWarn, kLog, "task {}: artifact {} not logged: {}", n->rec.node_id, k, put.ToString());
            }
          }
        }
      }
    }
  }
  tracking::UpdateRunRequest update;
  update.run_id = n->rec.mlflow_run_id;
  update.status = n->rec.state == NodeState::kSucceeded   ? tracking::RunStatus::kFinished
                  : n->rec.state == NodeState::kCancelled ? tracking::RunStatus::kKilled
                                                          : tracking::RunStatus::kFailed;
  update.end_time = now;
  if (auto r = deps_.tracking->UpdateRun(update); !r.ok()) {
    CAIRN_LOG(kWarn, kLog, "task {}: tracking run not finished: {}", n->rec.node_id, r.status().ToString());
  }
}

void RunExecution::FinishRunTracking() {
  if (deps_.tracking == nullptr || record_.mlflow_run_id.empty()) return;
  const int64_t now = deps_.clock->NowMillis();
  std::vector<tracking::Metric> metrics;
  std::vector<tracking::Tag> tags = {{"cairn.pipeline.state", std::string(RunStateName(record_.state))}};
  for (const auto& [k, v] : root_->outputs.parameters) {
    if (!ValidTrackingKey(k)) continue;
    if (v.is_number()) {
      metrics.push_back({k, v.as_double(), now, 0, {}});
    } else {
      tags.push_back({"cairn.output." + k, Truncate(v.RenderForArgv(), kMaxTagValue)});
    }
  }
  if (!record_.error.empty()) tags.push_back({"cairn.pipeline.error", Truncate(record_.error, kMaxTagValue)});
  (void)deps_.tracking->LogBatch(record_.mlflow_run_id, metrics, {}, tags);
  tracking::UpdateRunRequest update;
  update.run_id = record_.mlflow_run_id;
  update.status = record_.state == RunState::kSucceeded   ? tracking::RunStatus::kFinished
                  : record_.state == RunState::kCancelled ? tracking::RunStatus::kKilled
                                                          : tracking::RunStatus::kFailed;
  update.end_time = now;
  (void)deps_.tracking->UpdateRun(update);
}

}  // namespace cairn::pipelines
