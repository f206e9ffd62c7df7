// The authorization table: for every route the server registers, what it
// needs (like the before-request handler map of MLflow's auth plugin). The
// auth layer looks each route up once when it wraps the router; a route with
// no entry is ADMIN-ONLY, so a newly added endpoint is never open by
// accident.
//
// MLflow routes are listed once, by their path below /api/2.0/mlflow (the
// same rule applies under /ajax-api/2.0/mlflow). Thread-safe (immutable).
#pragma once

#include <optional>
#include <string_view>

#include "auth/permission.h"

namespace cairn::frontends::authz {

enum class Target {
  kPublic,            // no authentication (health, static UI files, login)
  kOptional,          // authenticates when credentials are sent, never 401 (me, logout)
  kAuthenticated,     // any authenticated caller; results filtered (search, create)
  kAdmin,             // admins only
  kSelf,              // the handler checks (user/permission/token/workspace APIs)
  kExperiment,        // `param` holds an experiment id
  kExperimentByName,  // `param` holds an experiment name
  kExperimentList,    // `param` holds experiment ids: each must allow `need`
  kRun,               // `param` holds a run id (run_id, else run_uuid)
  kRunList,           // `param` holds run ids
  kRegisteredModel,   // `param` holds a registered model name
  kModelVersionCreate,  // EDIT on the model `name`, READ on what `source` / `run_id` name
  kLoggedModel,       // a logged model id in the path (or experiment_id in the body to create)
  kArtifactPath,      // mlflow-artifacts proxy path: <experiment>/<run>/... or models/<name>/...
  kPipelineSubmit,    // experiment_id / experiment_name of a pipeline submit
  kPipelineRun,       // `param` holds a pipeline run id
  kTuningSubmit,      // experiment_id / experiment_name of a tuning submit (one is required)
  kTuningExperiment,  // `param` holds a tuning experiment id
  kDeploymentCreate,  // model_uri of a new deployment
  kDeployment,        // deployment name in the path
  kInference,         // any authenticated caller (docs/auth.md: inference needs a login, not a model permission)
};

// What to do with a successful response.
enum class After {
  kNone,
  kGrantExperiment,        // experiments/create: creator gets MANAGE, workspace assigned
  kGrantRegisteredModel,   // registered-models/create
  kRenameRegisteredModel,  // registered-models/rename: permissions follow the name
  kForgetRegisteredModel,  // registered-models/delete: its permissions go with it
  kFilterExperiments,      // experiments/search, list: drop unreadable
  kFilterRuns,             // runs/search
  kFilterRegisteredModels, // registered-models/search
  kFilterModelVersions,    // model-versions/search
  kFilterPipelineRuns,     // pipelines runs/list
  kFilterTuning,           // tuning experiments/list
  kFilterDeployments,      // deployments list
  kGrantSubmitted,         // pipeline/tuning submit that created a tracking experiment
};

struct Rule {
  constexpr Rule(Target t = Target::kAdmin, auth::Need n = auth::Need::kManage, std::string_view p = {},
                 After a = After::kNone)
      : target(t), need(n), param(p), after(a) {}
  Target target;
  auth::Need need;
  std::string_view param;
  After after;
};

// The rule for a registered route (method + path as given to Router::Add).
// nullopt: not in the table (the layer then treats it as admin-only).
std::optional<Rule> FindRule(std::string_view method, std::string_view route_path, bool prefix);

}  // namespace cairn::frontends::authz
