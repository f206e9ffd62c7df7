#include "tuning/search_space.h"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "tuning/suggest/number_text.h"

namespace cairn::tuning {

namespace {

Status Bad(const ParameterSpec& p, std::string_view problem) {
  return InvalidArgument(fmt::format("parameter \"{}\": {}", p.name, problem));
}

bool IsLog(Distribution d) { return d == Distribution::kLogUniform || d == Distribution::kLogNormal; }

Status ValidateRange(const ParameterSpec& p) {
  if (!std::isfinite(p.min) || !std::isfinite(p.max)) return Bad(p, "min and max must be finite numbers");
  if (p.min > p.max) return Bad(p, fmt::format("empty range: min {} > max {}", p.min, p.max));
  if (p.step && !(*p.step > 0 && std::isfinite(*p.step))) return Bad(p, "step must be > 0");
  if (IsLog(p.distribution) && p.min <= 0) return Bad(p, "a log distribution needs min > 0");
  if (p.type == ParameterType::kInt) {
    if (p.min != std::floor(p.min) || p.max != std::floor(p.max)) return Bad(p, "int bounds must be integers");
    if (std::fabs(p.min) > 9e15 || std::fabs(p.max) > 9e15) return Bad(p, "int bounds must be within +-9e15");
    if (p.step && *p.step != std::floor(*p.step)) return Bad(p, "int step must be an integer");
  }
  return Status();
}

}  // namespace

Status ValidateSearchSpace(const SearchSpace& space) {
  if (space.parameters.empty()) return InvalidArgument("the search space has no parameters");
  std::set<std::string> names;
  for (const ParameterSpec& p : space.parameters) {
    if (p.name.empty()) return InvalidArgument("a parameter has an empty name");
    if (!names.insert(p.name).second) return Bad(p, "the name is used twice");
    switch (p.type) {
      case ParameterType::kDouble:
      case ParameterType::kInt: {
        Status s = ValidateRange(p);
        if (!s.ok()) return s;
        break;
      }
      case ParameterType::kCategorical:
        if (p.list.empty()) return Bad(p, "categorical parameter needs a non-empty list");
        break;
      case ParameterType::kDiscrete:
        if (p.list.empty()) return Bad(p, "discrete parameter needs a non-empty list");
        for (const std::string& v : p.list) {
          if (!suggest::ParseNumber(v)) return Bad(p, fmt::format("discrete value \"{}\" is not a number", v));
        }
        break;
    }
  }
  return Status();
}

std::string FormatDoubleValue(double value) {
  if (value == 0) return "0";  // not "-0"
  return fmt::format("{}", value);
}

}  // namespace cairn::tuning
