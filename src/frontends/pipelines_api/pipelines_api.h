// The pipelines REST frontend (/api/2.0/cairn/pipelines/..., routes in
// pipelines/api/routes.h): submit, list, get with per-task states, logs,
// cancel, validate. Translation only: runs go to the Scheduler, reads to the
// PipelineRunStore, logs through the Executor that ran the task.
#pragma once

#include "frontends/http/router.h"
#include "pipelines/executor/executor.h"
#include "pipelines/run_state/run_store.h"
#include "pipelines/scheduler/scheduler.h"
#include "tracking/tracking_store.h"

namespace cairn::frontends {

struct PipelinesApiDeps {
  pipelines::Scheduler* scheduler = nullptr;       // required
  pipelines::PipelineRunStore* store = nullptr;    // required
  pipelines::Executor* executor = nullptr;         // required (logs)
  // Resolves `experiment_name` in submit requests; optional.
  tracking::TrackingStore* tracking = nullptr;
};

// The dependencies must outlive the router.
void RegisterPipelinesApi(Router& router, const PipelinesApiDeps& deps);

}  // namespace cairn::frontends
