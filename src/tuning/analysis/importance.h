// Parameter importance of a finished-or-running experiment, for the UI: how
// much of the spread of the objective each parameter explains.
//
// Method ("fANOVA-lite", docs/tuning.md): over trials with an objective
// (Succeeded, and EarlyStopped with a value), each parameter's values are
// grouped — categorical/discrete by value, numeric into up to 4 equal-count
// (quantile) bins — and its importance is the share of the objective's
// variance explained by the group means (the correlation ratio eta^2 =
// between-group sum of squares / total sum of squares). Scores are then
// normalized to sum to 1. Needs at least 3 trials and a non-constant
// objective; otherwise every score is 0. It is a main-effect estimate:
// interactions are not attributed. Pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "tuning/state/experiment_store.h"

namespace cairn::tuning {

struct ParameterImportance {
  std::string name;
  double importance = 0;  // normalized, sums to 1 over parameters (or all 0)
  double eta_squared = 0;  // raw share of variance explained, 0..1
};

std::vector<ParameterImportance> ComputeParameterImportance(const std::vector<TrialRecord>& trials);

}  // namespace cairn::tuning
