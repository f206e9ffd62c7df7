#include "tuning/suggest/resource_parameter.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace cairn::tuning::suggest {

std::string ResourceParameter::Text(double amount) const {
  // Not clamped to the parameter's range: Katib's examples declare the
  // resource as a placeholder (min = max = 1) and the algorithm's r_l /
  // max_resource decide the budgets.
  if (integer) return fmt::format("{}", std::max<int64_t>(1, std::llround(amount)));
  return FormatDoubleValue(amount);
}

Result<ResourceParameter> ReadResourceParameter(const std::string& algorithm, const SpaceCodec& codec,
                                                AlgorithmSettings& settings) {
  const std::optional<std::string> name = settings.Text("resource_name");
  if (!name || name->empty()) {
    return InvalidArgument(fmt::format(
        "algorithm {} needs the setting resource_name: the parameter that carries each trial's budget (e.g. epochs)",
        algorithm));
  }
  for (int d = 0; d < codec.dims(); ++d) {
    const ParameterSpec& p = codec.spec(d);
    if (p.name != *name) continue;
    if (p.type != ParameterType::kDouble && p.type != ParameterType::kInt) {
      return InvalidArgument(
          fmt::format("algorithm {}: resource parameter \"{}\" must be a double or int parameter", algorithm, *name));
    }
    ResourceParameter r;
    r.dim = d;
    r.integer = p.type == ParameterType::kInt;
    r.min = p.min;
    r.max = p.max;
    return r;
  }
  return InvalidArgument(fmt::format("algorithm {}: resource_name \"{}\" is not a parameter of the search space",
                                     algorithm, *name));
}

}  // namespace cairn::tuning::suggest
