// The pipeline graph model: the ONE in-memory form that both spec formats
// (KFP v2 compiled IR YAML and cairn's own pipeline YAML) load into, and the
// only thing the scheduler reads.
//
// Shape (mirrors KFP IR so nothing is lost, with references pre-resolved):
//
//   Pipeline
//    ├─ name, display_name, description, pipeline_root, source/format
//    ├─ root: Component whose body is a Dag (pipeline inputs = root.inputs,
//    │        pipeline outputs = root.outputs + root Dag's output bindings)
//    ├─ components: name -> shared Component (container / importer / Dag)
//    └─ platform: pipeline-level PlatformConfig (workspace, ...)
//
//   Component {inputs, outputs: Interface; body: ContainerSpec | ImporterSpec
//              | Dag | monostate (executor missing: ValidatePipeline reports)}
//   Dag {tasks: key -> Task; outputs: DAG output bindings (incl. OneOf,
//        Collected fan-in)}
//   Task {key, component (shared, may be null if the ref is dangling),
//         input bindings, explicit + implicit dependencies, trigger policy
//         (CEL condition + strategy), iterator (ParallelFor), retry, caching}
//
// Conventions:
// * A task's input names are the callee component's input names, plus extra
//   "pipelinechannel--..." inputs that the callee does not declare (KFP
//   injects them for f-string constants; they must be accepted and forwarded).
// * `upstream` on a Task is dependent_tasks ∪ every producer named in its
//   bindings (taskOutput*/taskFinalStatus), sibling keys only. The scheduler
//   needs nothing else to order siblings.
// * A task with an iterator runs its component (a Dag: both loaders produce
//   the KFP shape, cairn `for_each` steps are wrapped in a one-task loop Dag)
//   once per item. The body sees the current item as its component input
//   named `iterator->item_input`, so inner tasks read it with an ordinary
//   ComponentInputParameter binding (plus parameterExpressionSelector such as
//   parseJson(string_value)["field"] for a field). Dag outputs marked
//   `collected` gather per-iteration values into a list in iteration order
//   (dsl.Collected fan-in); that list is what siblings of the loop task see.
// * Nothing here is executed or resolved against runtime data; the resolver
//   (spec/resolver.h) turns templates into argv, cel.h evaluates conditions.
// * Locations: every Dag and Task records the YAML path it came from
//   ("root.dag.tasks.train"), so SpecProblems and scheduler errors can point
//   at the source.
//
// Thread-compatible: plain values; a loaded Pipeline is immutable by
// convention and Components are shared read-only between tasks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "pipelines/placement.h"
#include "pipelines/spec/cel.h"
#include "pipelines/spec/placeholder.h"
#include "pipelines/spec/value.h"

namespace cairn::pipelines {

// ---------------------------------------------------------------- interface

enum class ParameterType {
  kUnspecified,
  kString,
  kNumberInteger,
  kNumberDouble,
  kBoolean,
  kList,
  kStruct,
  kTaskFinalStatus,
  kTaskConfig,
};
std::string_view ParameterTypeName(ParameterType type);  // "STRING", ...
// Accepts the IR names and the deprecated INT/DOUBLE/STRING spellings.
std::optional<ParameterType> ParseParameterType(std::string_view name);
// Whether `value` is acceptable for `type` (ints are acceptable doubles).
bool ValueMatchesType(const Value& value, ParameterType type);

struct ParameterSpec {
  ParameterType type = ParameterType::kUnspecified;
  std::optional<Value> default_value;
  bool optional = false;
  std::string description;
  std::vector<Value> literals;  // allowed values; empty = unrestricted
};

struct ArtifactType {
  std::string schema_title = "system.Artifact";  // system.Dataset, system.Model, ...
  std::string schema_version = "0.0.1";
  friend bool operator==(const ArtifactType&, const ArtifactType&) = default;
};

struct ArtifactSpec {
  ArtifactType type;
  bool is_list = false;
  bool optional = false;
  std::string description;
  Value metadata;  // output artifacts only: static metadata from the spec
};

// Input or output definitions of a component.
struct Interface {
  std::map<std::string, ParameterSpec> parameters;
  std::map<std::string, ArtifactSpec> artifacts;
};

// ----------------------------------------------------------------- bindings

namespace binding {
// A literal JSON value (KFP runtimeValue.constant).
struct Constant {
  Value value;
};
// A string constant holding placeholders, resolved at run time against the
// task's other inputs and runtime info: KFP f-strings
// ("{{$.inputs.parameters['pipelinechannel--x']}}-suffix") and runtime values
// ("{{$.pipeline_job_name}}").
struct RuntimeTemplate {
  StringTemplate tmpl;
};
// The enclosing component's input (KFP componentInputParameter / Artifact).
struct ComponentInputParameter {
  std::string name;
};
struct ComponentInputArtifact {
  std::string name;
};
// A sibling task's output (KFP taskOutputParameter / taskOutputArtifact).
struct TaskOutputParameter {
  std::string producer_task;
  std::string output_key;
  friend bool operator==(const TaskOutputParameter&, const TaskOutputParameter&) = default;
};
struct TaskOutputArtifact {
  std::string producer_task;
  std::string output_key;
  friend bool operator==(const TaskOutputArtifact&, const TaskOutputArtifact&) = default;
};
// The final status of a sibling task (KFP taskFinalStatus; the value is the
// TASK_FINAL_STATUS JSON {"state","pipelineJobResourceName",
// "pipelineTaskName","error":{code,message}}).
struct TaskFinalStatus {
  std::string producer_task;
};
// The current item of the task's own iterator, for graphs that iterate a
// container task directly; `field` selects a struct field ("" = whole item).
// Neither loader produces it today (KFP and cairn for_each both read the item
// through the loop body's item input, see the header comment), but the
// scheduler accepts it for hand-built graphs.
struct IteratorItem {
  std::string field;
};
// The first non-skipped producer wins (KFP valueFromOneof / dsl.OneOf).
struct OneOfParameter {
  std::vector<TaskOutputParameter> candidates;
};
}  // namespace binding

using ParameterBinding =
    std::variant<binding::Constant, binding::RuntimeTemplate, binding::ComponentInputParameter,
                 binding::TaskOutputParameter, binding::TaskFinalStatus, binding::IteratorItem,
                 binding::OneOfParameter>;
using ArtifactBinding = std::variant<binding::ComponentInputArtifact, binding::TaskOutputArtifact,
                                     binding::IteratorItem>;

struct ParameterInput {
  ParameterBinding source;
  // KFP parameterExpressionSelector: CEL applied to the incoming value
  // (bound as `string_value` holding its JSON/string form). Empty = none.
  std::string expression_selector;
  cel::ExprPtr selector_expr;  // parsed; null when none or unparsable
};

struct ArtifactInput {
  ArtifactBinding source;
};

// A Dag output: one producer, or several (OneOf: the first non-skipped wins).
// `collected`: the Dag is a loop body whose declared output is a LIST /
// artifact list while the producer's output is scalar, so the iterated parent
// task gathers per-iteration values into a list (dsl.Collected).
struct DagOutputParameter {
  std::vector<binding::TaskOutputParameter> selectors;
  bool oneof = false;  // valueFromOneof
  bool collected = false;
};
struct DagOutputArtifact {
  std::vector<binding::TaskOutputArtifact> selectors;  // >1 = OneOf
  bool collected = false;
};

// ---------------------------------------------------------------- executors

struct EnvVar {
  std::string name;
  std::string value;
};

// k8s quantity strings; may hold placeholders (resolve with the resolver).
struct Resources {
  StringTemplate cpu_limit;
  StringTemplate cpu_request;
  StringTemplate memory_limit;
  StringTemplate memory_request;
  StringTemplate accelerator_type;   // e.g. "nvidia.com/gpu"
  StringTemplate accelerator_count;  // e.g. "1"
  bool empty() const;
};

// Per-executor platform settings (KFP PlatformSpec kubernetes executors,
// cairn `secrets:`/`workspace:`). Unsupported KFP keys are kept by name so
// the scheduler can warn; ValidatePipeline reports them as warnings.
struct SecretEnv {
  // The secret: a constant name, or (KFP secretNameParameter) a parameter
  // binding resolved in the scope of the task that runs the executor.
  std::string secret_name;
  std::optional<ParameterBinding> secret_name_from;
  // secretKey -> envVar pairs.
  std::vector<std::pair<std::string, std::string>> key_to_env;
  bool optional = false;
};
// A KFP pvcMount: the claim is a constant name or (pvcNameParameter /
// taskOutputParameter, e.g. the output of a createpvc task) a parameter
// binding resolved when the task launches.
struct PvcMountSpec {
  std::string mount_path;
  std::string claim_name;
  std::optional<ParameterBinding> claim_name_from;
};
// A KFP secretAsVolume / configMapAsVolume: like PvcMountSpec, the name is a
// constant or a parameter binding resolved when the task launches.
struct ObjectVolumeSpec {
  ObjectVolume::Kind kind = ObjectVolume::Kind::kSecret;
  std::string name;
  std::optional<ParameterBinding> name_from;
  std::string mount_path;
  std::optional<bool> optional;
};
// A KFP configMapAsEnv: configMapKey -> envVar pairs of one ConfigMap.
struct ConfigMapEnvSpec {
  std::string config_map;
  std::optional<ParameterBinding> config_map_from;
  std::vector<std::pair<std::string, std::string>> key_to_env;
  std::optional<bool> optional;
};
struct ExecutorPlatformConfig {
  std::vector<SecretEnv> secret_env;
  // Cluster placement read from the PlatformSpec (nodeSelector, tolerations,
  // imagePullPolicy, imagePullSecret, podMetadata); pvc_mounts are resolved
  // into placement.pvc_mounts at launch. Only the kubernetes executor honours
  // them: kubernetes_keys names what was set, so validation can say so.
  TaskPlacement placement;
  std::vector<PvcMountSpec> pvc_mounts;
  // secretAsVolume, configMapAsVolume, configMapAsEnv: resolved into
  // placement.object_volumes / config_map_env at launch (fieldPathAsEnv has
  // no parameters and goes to placement.field_path_env directly).
  std::vector<ObjectVolumeSpec> object_volumes;
  std::vector<ConfigMapEnvSpec> config_map_env;
  std::vector<std::string> kubernetes_keys;
  // Wall-clock limit per attempt (KFP kfp-kubernetes set_timeout, i.e.
  // activeDeadlineSeconds; cairn `timeout:`); 0 = none. The server-wide
  // --pipelines-task-timeout still caps it.
  int64_t timeout_seconds = 0;
  std::vector<std::string> unsupported_keys;  // e.g. "secretAsVolume", "nodeAffinity"
};

struct ContainerSpec {
  std::string image;
  std::vector<ArgNode> command;
  std::vector<ArgNode> args;
  std::vector<EnvVar> env;
  Resources resources;
  ExecutorPlatformConfig platform;
};

// Registers an existing URI as the output artifact named "artifact"; no
// container runs.
struct ImporterSpec {
  // Exactly one: a constant URI, or the name of a component input parameter
  // holding it (KFP runtimeParameter).
  std::string uri_constant;
  std::string uri_input_parameter;
  ArtifactType type;
  Value metadata;  // may hold placeholder strings; resolved by the scheduler
  bool reimport = false;
  bool download_to_workspace = false;
};

struct Dag;

// An executor label whose executor was not found, kept for ValidatePipeline.
struct MissingExecutor {
  std::string label;
};

struct Component {
  std::string name;  // key in Pipeline::components ("comp-train"); "root"
  std::string executor_label;  // "exec-train" for container/importer
  Interface inputs;
  Interface outputs;
  std::variant<MissingExecutor, ContainerSpec, ImporterSpec, std::shared_ptr<Dag>> body;
  std::string location;  // "components.comp-train"

  const ContainerSpec* container() const { return std::get_if<ContainerSpec>(&body); }
  const ImporterSpec* importer() const { return std::get_if<ImporterSpec>(&body); }
  const Dag* dag() const;
};

// ------------------------------------------------------------------- tasks

enum class TriggerStrategy {
  kAllUpstreamTasksSucceeded,  // default
  kAllUpstreamTasksCompleted,  // exit handlers, ignore_upstream_failure
};
std::string_view TriggerStrategyName(TriggerStrategy strategy);

struct TriggerPolicy {
  std::string condition;        // CEL text; empty = always
  cel::ExprPtr condition_expr;  // parsed; null when empty or unparsable
  TriggerStrategy strategy = TriggerStrategy::kAllUpstreamTasksSucceeded;
};

struct Iterator {
  enum class Kind { kParameter, kArtifact };
  Kind kind = Kind::kParameter;
  // The name under which the body component sees the current item.
  std::string item_input;
  // Exactly one source of items:
  std::optional<Value> raw_items;    // literal list (KFP items.raw, parsed)
  std::string input_parameter;       // a task input holding a list
  std::string input_artifact;        // a task input holding an artifact list
  // Max concurrent iterations; 0 = unlimited (the scheduler must still apply
  // its own global bound; ValidatePipeline warns on big unbounded lists).
  int64_t parallelism_limit = 0;
};

struct RetryPolicy {
  int32_t max_retry_count = 0;
  double backoff_seconds = 0;          // first delay
  double backoff_factor = 2.0;
  double backoff_max_seconds = 3600;
};

struct CachingOptions {
  bool enabled = false;  // KFP: cachingOptions {} = off, enableCache: true = on
  std::string cache_key;  // custom key; empty = computed fingerprint
};

struct Task {
  std::string key;           // unique within its Dag
  std::string display_name;  // taskInfo.name
  std::string component_ref;
  std::shared_ptr<const Component> component;  // null when the ref dangles

  std::map<std::string, ParameterInput> parameter_inputs;
  std::map<std::string, ArtifactInput> artifact_inputs;

  std::vector<std::string> dependent_tasks;  // explicit, as written
  std::set<std::string> upstream;            // explicit ∪ data producers

  TriggerPolicy trigger;
  std::optional<Iterator> iterator;
  std::optional<RetryPolicy> retry;
  CachingOptions caching;
  // Set when this task is the exit task of an exit handler: the key of the
  // sibling (an "exit-handler-N" Dag task) whose completion it waits for.
  std::string exit_handler_for;

  std::string location;  // "root.dag.tasks.train"
};

struct Dag {
  std::map<std::string, Task> tasks;
  std::map<std::string, DagOutputParameter> output_parameters;
  std::map<std::string, DagOutputArtifact> output_artifacts;
  std::string location;  // "root.dag", "components.comp-for-loop-1.dag"
};

inline const Dag* Component::dag() const {
  const auto* d = std::get_if<std::shared_ptr<Dag>>(&body);
  return d ? d->get() : nullptr;
}

// ---------------------------------------------------------------- pipeline

struct PipelinePlatformConfig {
  // Shared workspace for all tasks ({{$.workspace_path}}); empty size = none.
  bool workspace = false;
  std::string workspace_size;
  std::vector<std::string> unsupported_keys;
};

enum class SpecFormat { kKfpIr, kCairn };

struct Pipeline {
  std::string name;
  std::string display_name;
  std::string description;
  std::string pipeline_root;  // KFP defaultPipelineRoot; empty = server default
  std::string schema_version;
  std::string sdk_version;
  SpecFormat format = SpecFormat::kKfpIr;
  std::string source_name;  // file path or upload name, for messages

  // Pipeline inputs are root->inputs, outputs root->outputs; root's body is
  // always a Dag.
  std::shared_ptr<Component> root;
  std::map<std::string, std::shared_ptr<Component>> components;
  PipelinePlatformConfig platform;

  const Dag& root_dag() const { return *root->dag(); }
};

// ---------------------------------------------------------------- loaders

// KFP v2 compiled IR (PipelineSpec YAML, optional 2nd document PlatformSpec;
// also the wrapped PipelineJob {pipelineSpec: ...}). Errors (kInvalidArgument)
// only for input that cannot form a graph: malformed YAML (message has
// line:column), wrong node kinds, missing `root`, limits exceeded. Semantic
// problems (dangling refs, cycles, unknown placeholders) load fine and are
// reported by ValidatePipeline. `source_name` prefixes messages.
Result<Pipeline> LoadKfpIr(std::string_view yaml, std::string_view source_name);

// cairn pipeline YAML (docs/pipelines.md). Same error contract.
Result<Pipeline> LoadCairnPipeline(std::string_view yaml, std::string_view source_name);

// Reads `path` (limit kMaxSpecBytes) and picks the format: KFP IR when the
// first document has `pipelineInfo`/`root`/`components` or `pipelineSpec`,
// cairn when it has `steps`.
Result<Pipeline> LoadPipelineFile(const std::string& path);

// Loads from memory with the same detection as LoadPipelineFile.
Result<Pipeline> LoadPipeline(std::string_view yaml, std::string_view source_name);

inline constexpr size_t kMaxSpecBytes = 16 * 1024 * 1024;

// ------------------------------------------------------------- validation

enum class Severity { kError, kWarning };
std::string_view SeverityName(Severity severity);  // "error" | "warning"

struct SpecProblem {
  std::string location;  // YAML path: "root.dag.tasks.train.inputs.parameters.x"
  std::string message;
  Severity severity = Severity::kError;
};

// Checks a loaded pipeline: dependency cycles (the cycle is named), dangling
// component/executor/task/input/output references, unknown or unbound
// placeholders, binding/type mismatches, bad CEL, iterator sources, unbounded
// large fan-outs (warning), unsupported platform features (warning).
// A pipeline with no kError problem is runnable by the scheduler.
std::vector<SpecProblem> ValidatePipeline(const Pipeline& pipeline);

// True when `problems` holds any kError.
bool HasErrors(const std::vector<SpecProblem>& problems);

}  // namespace cairn::pipelines
