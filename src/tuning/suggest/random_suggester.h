// "random": independent draws from each parameter's prior (uniform,
// log-uniform, normal, log-normal; lists uniformly). Settings: random_state.
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateRandomSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                         AlgorithmSettings& settings);

// One draw from the prior of every dimension, in unit coordinates; shared by
// the model-based algorithms for their start-up trials.
std::vector<double> SamplePrior(const SpaceCodec& codec, class Rng& rng);

}  // namespace cairn::tuning::suggest
