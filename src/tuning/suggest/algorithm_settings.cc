#include "tuning/suggest/algorithm_settings.h"

#include <cmath>

#include <fmt/format.h>

#include "base/numeric.h"
#include "tuning/suggest/number_text.h"

namespace cairn::tuning::suggest {

const std::string* AlgorithmSettings::Find(std::string_view name) {
  known_.insert(std::string(name));
  const std::string* found = nullptr;
  for (const auto& [k, v] : settings_) {
    if (k == name) found = &v;  // the last one wins, as for a YAML map
  }
  return found;
}

Status AlgorithmSettings::Bad(std::string_view name, const std::string& value, std::string_view want) const {
  return InvalidArgument(fmt::format("algorithm {}: setting {}=\"{}\" must be {}", algorithm_, name, value, want));
}

Result<double> AlgorithmSettings::Double(std::string_view name, double fallback, double lo, double hi) {
  const std::string* raw = Find(name);
  if (raw == nullptr) return fallback;
  std::optional<double> v = ParseNumber(*raw);
  if (!v || *v < lo || *v > hi) return Bad(name, *raw, fmt::format("a number in [{}, {}]", lo, hi));
  return *v;
}

Result<int64_t> AlgorithmSettings::Int(std::string_view name, int64_t fallback, int64_t lo, int64_t hi) {
  const std::string* raw = Find(name);
  if (raw == nullptr) return fallback;
  std::optional<double> v = ParseNumber(*raw);
  std::optional<int64_t> n = v ? ExactInt64(*v) : std::nullopt;
  if (!n || *n < lo || *n > hi) return Bad(name, *raw, fmt::format("an integer in [{}, {}]", lo, hi));
  return *n;
}

Result<std::string> AlgorithmSettings::Choice(std::string_view name, std::string fallback,
                                              const std::vector<std::string>& allowed) {
  const std::string* raw = Find(name);
  if (raw == nullptr) return fallback;
  for (const std::string& a : allowed) {
    if (a == *raw) return a;
  }
  return Bad(name, *raw, fmt::format("one of {}", fmt::join(allowed, ", ")));
}

std::optional<std::string> AlgorithmSettings::Text(std::string_view name) {
  const std::string* raw = Find(name);
  if (raw == nullptr) return std::nullopt;
  return *raw;
}

void AlgorithmSettings::Ignore(std::string_view name) { known_.insert(std::string(name)); }

Status AlgorithmSettings::CheckAllKnown() const {
  for (const auto& [k, v] : settings_) {
    if (!known_.contains(k)) {
      return InvalidArgument(fmt::format("algorithm {} has no setting \"{}\" (known: {})", algorithm_, k,
                                         fmt::join(known_, ", ")));
    }
  }
  return Status();
}

}  // namespace cairn::tuning::suggest
