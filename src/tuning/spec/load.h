// Loading a tuning experiment spec: Katib v1beta1 `Experiment` YAML (or the
// same object as JSON), or cairn's short study form (docs/tuning.md). The
// format is detected: `kind: Experiment` (or an `apiVersion` naming
// kubeflow.org) is Katib, anything else the cairn form.
//
// Every problem is reported, each with its location
// ("study.yaml:14:9: spec.parameters[1].feasibleSpace: min 0.9 > max 0.5"):
// read errors, Katib defaults that cannot apply, and validation (unknown
// algorithm or setting via MakeSuggester, empty or inverted ranges, missing
// objective metric, a trial template without a command, unknown
// `${trialParameters.x}` references, bad metrics filters).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "pipelines/spec/yaml_reader.h"
#include "tuning/spec/experiment_spec.h"

namespace cairn::tuning {

inline constexpr size_t kMaxExperimentSpecBytes = 4 << 20;

struct LoadedSpec {
  ExperimentSpec spec;                // meaningful only when problems is empty
  std::vector<SpecProblem> problems;  // empty: loaded and valid
};

// Never fails as a call: problems are in the result.
LoadedSpec LoadExperimentSpecWithProblems(std::string_view text, std::string_view source_name);

// kInvalidArgument listing every problem (one per line) when there is any.
Result<ExperimentSpec> LoadExperimentSpec(std::string_view text, std::string_view source_name);

// The loaders behind LoadExperimentSpecWithProblems, for one parsed
// document; problems are appended.
ExperimentSpec LoadKatibExperiment(const pipelines::YamlNode& root, std::vector<SpecProblem>& problems);
ExperimentSpec LoadCairnStudy(const pipelines::YamlNode& root, std::vector<SpecProblem>& problems);

// Checks a loaded spec (both formats); problems are appended.
void ValidateExperimentSpec(const ExperimentSpec& spec, std::vector<SpecProblem>& problems);

// Appends `status` (a YamlNode::Error or other kInvalidArgument) as a
// problem located at `path`.
void AddProblem(std::vector<SpecProblem>& problems, std::string path, const Status& status);

// "unknown algorithm 'x': cairn knows random, grid, ..." when `name` is not
// one of SuggesterNames(); nullopt when it is.
std::optional<std::string> UnknownAlgorithmMessage(const std::string& name);

// Strict number parsing for spec values written as strings ("0.01", "1e-3").
std::optional<double> ParseSpecNumber(std::string_view text);

// The search space as the suggesters get it.
SuggesterConfig MakeSuggesterConfig(const ExperimentSpec& spec);

}  // namespace cairn::tuning
