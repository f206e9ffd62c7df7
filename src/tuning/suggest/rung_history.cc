#include "tuning/suggest/rung_history.h"

#include <algorithm>
#include <cmath>

#include "tuning/suggest/number_text.h"

namespace cairn::tuning::suggest {

namespace {

std::optional<int> IntLabel(const TrialObservation& t, const std::string& key, bool optional) {
  auto it = t.labels.find(key);
  if (it == t.labels.end()) return optional ? std::optional<int>(0) : std::nullopt;
  std::optional<double> v = ParseNumber(it->second);
  if (!v || *v < 0 || *v != std::floor(*v) || *v > 1e9) return std::nullopt;
  return static_cast<int>(*v);
}

}  // namespace

RungHistory ReadRungs(const std::vector<TrialObservation>& trials, const std::string& bracket_label,
                      const std::string& rung_label, const std::string& config_label) {
  RungHistory h;
  for (const TrialObservation& t : trials) {
    const std::optional<int> b = IntLabel(t, bracket_label, true), r = IntLabel(t, rung_label, false),
                             c = IntLabel(t, config_label, false);
    if (!b || !r || !c) continue;
    RungEntry e;
    e.finished = t.state != TrialState::kRunning;
    e.loss = t.loss && std::isfinite(*t.loss) && t.state != TrialState::kRunning ? *t.loss : INFINITY;
    e.assignment = &t.assignment;
    h[{*b, *r}][*c] = e;
  }
  return h;
}

std::vector<int> RankedConfigs(const std::map<int, RungEntry>& rung) {
  std::vector<std::pair<double, int>> ranked;
  for (const auto& [config, e] : rung) {
    if (e.finished && std::isfinite(e.loss)) ranked.push_back({e.loss, config});
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<int> out;
  for (const auto& [loss, config] : ranked) out.push_back(config);
  return out;
}

Assignment WithValue(Assignment base, const std::string& name, const std::string& value) {
  for (ParameterValue& v : base) {
    if (v.name == name) v.value = value;
  }
  return base;
}

}  // namespace cairn::tuning::suggest
