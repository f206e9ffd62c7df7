// Exports a loaded pipeline (KFP IR or cairn YAML) as an Argo Workflow
// (argoproj.io/v1alpha1), for teams that run Argo instead of cairn:
//   * a DAG template per DAG component (the root, sub-pipelines, loop and
//     condition bodies), a container template per container executor (a
//     retry variant where a task retries);
//   * parameters and artifacts passed as Argo inputs/outputs (output files
//     under /tmp/outputs, input artifacts under /tmp/inputs); pipeline
//     inputs become workflow arguments;
//   * conditions as `when`, loops as `withItems` / `withParam`, data and
//     explicit edges as `depends`, retries as `retryStrategy`, timeouts as
//     `activeDeadlineSeconds`, the kfp-kubernetes placement on the template;
//   * an exit handler of the root DAG as `spec.onExit`; a nested one as a
//     task that depends on the handler's completion.
// Argo runs the containers directly (no KFP driver/launcher): KFP caching,
// importers, OneOf outputs and other things Argo cannot express are listed
// as notes, each with the spec location, never dropped silently.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "pipelines/graph.h"
#include "pipelines/spec/value.h"

namespace cairn::pipelines {

struct ArgoExportOptions {
  // spec.serviceAccountName; empty: none (the namespace's default).
  std::string service_account;
};

struct ArgoExport {
  Value workflow;                  // the Workflow object
  std::vector<SpecProblem> notes;  // what Argo cannot express (warnings)
};

// kInvalidArgument when the pipeline has validation errors (they are listed).
Result<ArgoExport> ExportArgoWorkflow(const Pipeline& pipeline, const ArgoExportOptions& options = {});

// The Workflow as YAML (yaml_writer.h).
std::string ArgoWorkflowYaml(const ArgoExport& exported);

}  // namespace cairn::pipelines
