// The search space of a tuning experiment and the values a trial gets.
//
// Mirrors Katib v1beta1 `parameters[]` (../docs/tuning.md once written;
// spec notes in specs/katib.md): double and int ranges with an optional
// step and a distribution, categorical lists of strings and discrete lists
// of numbers. Suggesters work on this model; the Katib and cairn YAML
// loaders produce it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace cairn::tuning {

enum class ParameterType {
  kDouble,       // min..max, real
  kInt,          // min..max, integers (inclusive)
  kCategorical,  // one of `list` (strings, unordered)
  kDiscrete,     // one of `list` (numbers, ordered)
};

enum class Distribution {
  kUniform,     // default
  kLogUniform,  // uniform in log(value); needs min > 0
  kNormal,      // mean (min+max)/2, sd (max-min)/6, clipped to [min, max]
  kLogNormal,   // the same in log space; needs min > 0
};

struct ParameterSpec {
  std::string name;
  ParameterType type = ParameterType::kDouble;
  // kDouble / kInt: the inclusive range (min < max, or min == max for a
  // constant), and an optional grid step (> 0).
  double min = 0;
  double max = 0;
  std::optional<double> step;
  // kCategorical: the choices as written; kDiscrete: numbers as written
  // (kept as text so "0.10" reaches the trial unchanged). Not empty.
  std::vector<std::string> list;
  Distribution distribution = Distribution::kUniform;
};

struct SearchSpace {
  std::vector<ParameterSpec> parameters;  // names unique, order significant
};

// One parameter's value for one trial, as the trial template substitutes it
// (`${trialParameters.x}`): text. Doubles are formatted round-trippably,
// ints without a decimal point, list values exactly as written.
struct ParameterValue {
  std::string name;
  std::string value;
};

// A trial's values, one per parameter of the space, in space order.
using Assignment = std::vector<ParameterValue>;

// OK when every parameter can be searched; otherwise kInvalidArgument naming
// the parameter and the problem: empty or duplicate name, non-finite or
// inverted range, step <= 0, an int bound or step that is not an integer, a
// log distribution with min <= 0, an empty list, a discrete entry that is not
// a number. (Algorithm-specific limits, e.g. grid needing a step for a
// double, are checked by MakeSuggester.)
Status ValidateSearchSpace(const SearchSpace& space);

// A double as a trial receives it: the shortest text that parses back to the
// same double ("0.1", "1e-05", "3").
std::string FormatDoubleValue(double value);

}  // namespace cairn::tuning
