// The trial history as the model-based algorithms see it: unit-cube points
// with losses (finished trials) and without (trials still running).
#pragma once

#include <vector>

#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

struct UnitPoint {
  std::vector<double> unit;
  double loss = 0;  // only for observed points
};

struct UnitHistory {
  std::vector<UnitPoint> observed;  // kSucceeded, or kEarlyStopped with a loss; creation order
  std::vector<UnitPoint> pending;   // kRunning: to be avoided (constant liar)
  // Failed, killed or metrics-unavailable trials: points that ran and gave
  // nothing; they are neither learnt from nor re-suggested on purpose.
};

// Trials whose assignment this space cannot encode are left out.
UnitHistory ReadHistory(const SpaceCodec& codec, const std::vector<TrialObservation>& trials);

}  // namespace cairn::tuning::suggest
