// "asha": asynchronous successive halving (Li et al. 2020). Rungs k = 0..K
// give a trial the resource min_resource * eta^k (<= max_resource). Whenever
// a trial is wanted, the highest rung with a finished configuration that is
// in the best floor(n/eta) of its rung's n finished ones, and not yet
// promoted, promotes it to the next rung; otherwise a new random
// configuration starts at rung 0. Nothing waits, so workers stay busy; the
// experiment's maxTrialCount ends it. Labels asha.rung / asha.config carry
// the state.
//
// Settings: resource_name (required, a double/int parameter), eta (> 1,
// default 3), min_resource (default the parameter's min, or max / eta^3
// when min <= 0), max_resource (default the parameter's max), random_state.
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateAshaSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                       AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
