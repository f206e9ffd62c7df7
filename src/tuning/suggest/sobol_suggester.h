// "sobol": quasi-random points from a Sobol sequence, digitally shifted
// (XOR with a random 32-bit word per dimension drawn from the seed), so each
// seed gives a different sequence with the same uniformity. Trial i gets
// point i; priors (normal, log-normal) are applied through their quantile,
// lists and grids through their cells. Settings: random_state.
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateSobolSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                        AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
