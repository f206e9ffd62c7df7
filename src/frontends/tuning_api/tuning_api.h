// The tuning REST frontend (/api/2.0/cairn/tuning/..., routes in
// tuning/api/routes.h): submit an experiment (Katib or cairn YAML, or JSON),
// list, get with trials, the best trial and parameter importance, stop,
// trial logs, validate. Translation only: experiments go to the
// TuningController, reads to the ExperimentStore, logs through the Executor
// that ran the trial.
#pragma once

#include "frontends/http/router.h"
#include "pipelines/executor/executor.h"
#include "tuning/controller/tuning_controller.h"
#include "tuning/state/experiment_store.h"

namespace cairn::frontends {

struct TuningApiDeps {
  tuning::TuningController* controller = nullptr;  // required
  tuning::ExperimentStore* store = nullptr;        // required
  pipelines::Executor* executor = nullptr;         // required (logs)
};

// The dependencies must outlive the router.
void RegisterTuningApi(Router& router, const TuningApiDeps& deps);

}  // namespace cairn::frontends
