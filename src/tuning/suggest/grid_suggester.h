// "grid": the cartesian product of every parameter's values (lists; ints by
// step, default 1; doubles need a step), walked in order with the first
// parameter varying slowest, skipping combinations that some trial already
// has. Exhausted once every combination has a trial. Settings: random_state
// (accepted; the walk order does not depend on it).
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

// kInvalidArgument for a double without a step, or more than 2^62 combinations.
Result<std::unique_ptr<Suggester>> CreateGridSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                       AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
