// The labelled trials of the multi-fidelity algorithms (hyperband, asha),
// grouped by bracket, rung and configuration.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

struct RungEntry {
  bool finished = false;
  double loss = 0;  // +inf for a finished trial without a loss
  const Assignment* assignment = nullptr;
};

// (bracket, rung) -> configuration -> entry. Trials without the three labels
// (or with bad ones) are skipped; a missing bracket label reads as 0.
using RungHistory = std::map<std::pair<int, int>, std::map<int, RungEntry>>;

RungHistory ReadRungs(const std::vector<TrialObservation>& trials, const std::string& bracket_label,
                      const std::string& rung_label, const std::string& config_label);

// The configurations of a finished rung ordered best first (ties: lower
// configuration first), finite losses only.
std::vector<int> RankedConfigs(const std::map<int, RungEntry>& rung);

// `base` with the value of parameter `name` replaced by `value`.
Assignment WithValue(Assignment base, const std::string& name, const std::string& value);

}  // namespace cairn::tuning::suggest
