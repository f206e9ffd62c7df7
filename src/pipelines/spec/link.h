// Post-load linking shared by both loaders: resolves every task's
// component_ref to the shared Component, derives Task::upstream (explicit
// dependencies ∪ data producers), DagOutput*::collected (fan-in) and
// Task::exit_handler_for. Fails (kInvalidArgument) only when components
// include themselves recursively, which no scheduler could run; dangling refs
// are left null for ValidatePipeline to report. Sub-DAG nesting deeper than
// kMaxDagNesting is also refused.
#pragma once

#include "base/status.h"
#include "pipelines/graph.h"

namespace cairn::pipelines {

Status LinkPipeline(Pipeline& pipeline);
inline constexpr size_t kMaxDagNesting = 64;  // sub-DAG inside sub-DAG ...

// Every Dag of the pipeline: root's first, then each component's, in name
// order. Pointers stay valid while the pipeline's components live.
std::vector<std::pair<const Component*, Dag*>> AllDags(Pipeline& pipeline);

// Parses a duration: "30s", "1.5s", "2m", "1h", "500ms", or a bare number of
// seconds. nullopt when malformed or negative.
std::optional<double> ParseDurationSeconds(std::string_view text);

}  // namespace cairn::pipelines
