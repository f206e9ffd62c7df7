#include "tuning/suggest/trial_history.h"

#include <cmath>

namespace cairn::tuning::suggest {

UnitHistory ReadHistory(const SpaceCodec& codec, const std::vector<TrialObservation>& trials) {
  UnitHistory h;
  for (const TrialObservation& t : trials) {
    std::optional<std::vector<double>> unit = codec.Encode(t.assignment);
    if (!unit) continue;
    const bool has_loss = t.loss.has_value() && std::isfinite(*t.loss);
    if ((t.state == TrialState::kSucceeded || t.state == TrialState::kEarlyStopped) && has_loss) {
      h.observed.push_back({std::move(*unit), *t.loss});
    } else if (t.state == TrialState::kRunning) {
      h.pending.push_back({std::move(*unit), 0});
    }
  }
  return h;
}

}  // namespace cairn::tuning::suggest
