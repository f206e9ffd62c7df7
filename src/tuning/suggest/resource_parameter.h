// The budget parameter of the multi-fidelity algorithms (hyperband, asha):
// a double or int parameter named by the `resource_name` setting, whose
// value each trial gets from the algorithm instead of the search.
#pragma once

#include <string>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"

namespace cairn::tuning::suggest {

struct ResourceParameter {
  int dim = -1;  // index in the space
  bool integer = false;
  double min = 0, max = 0;

  // The value text for a resource amount (ints rounded, at least 1); the
  // parameter's own range is not applied.
  std::string Text(double amount) const;
  const std::string& Name(const SpaceCodec& codec) const { return codec.spec(dim).name; }
};

// Reads `resource_name`; kInvalidArgument naming the algorithm when it is
// missing or is not a double/int parameter of the space.
Result<ResourceParameter> ReadResourceParameter(const std::string& algorithm, const SpaceCodec& codec,
                                                AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
