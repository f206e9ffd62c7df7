// Rendering a trial from the experiment's trial template: the values of the
// trialParameters (an experiment parameter's assigned value, or trial
// metadata `${trialSpec.Name|Namespace|Kind|APIVersion|Labels[k]|
// Annotations[k]}`) are substituted for every `${trialParameters.<name>}` in
// the trialSpec, then the primary container (primaryContainerName, or the
// only container) gives the process: command + args, env, image, resources.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "tuning/spec/experiment_spec.h"

namespace cairn::tuning {

struct TrialCommand {
  std::vector<std::string> argv;  // command then args, substituted
  std::vector<std::pair<std::string, std::string>> env;  // container env (plain values)
  std::string image;
  std::string cpu_limit;
  std::string memory_limit;
  // The trialSpec after substitution (recorded with the trial).
  pipelines::Value rendered_spec;
};

// kInvalidArgument naming the problem: a placeholder naming no trial
// parameter, a reference to an unknown parameter or metadata, no primary
// container, or a container without command/args.
Result<TrialCommand> RenderTrialCommand(const ExperimentSpec& spec, const std::string& trial_name,
                                        const Assignment& assignment);

}  // namespace cairn::tuning
