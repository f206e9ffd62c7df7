// "cmaes": the covariance matrix adaptation evolution strategy (Hansen's
// (mu/mu_w, lambda)-CMA-ES) over the numeric parameters in unit coordinates;
// categorical parameters are drawn from their prior.
//
// No state is kept: each Suggest replays the evolution from the trial
// history. A generation is a batch of `popsize` suggestions, each labelled
// cmaes.restart / cmaes.generation / cmaes.index; a member's sample is
// regenerated from (seed, restart, generation, index), so only the losses
// are read back. A generation updates the distribution once all its members
// finished (failed ones rank last); until then only its missing members are
// handed out, so Suggest returns fewer while a generation waits.
// restart_strategy ipop restarts from a random mean with twice the
// population when the search stalls (step size or fitness range tiny,
// covariance ill-conditioned).
//
// Settings: sigma (initial step, as a fraction of each parameter's range;
// default 1/6), restart_strategy (none, ipop; default none), random_state.
// kInvalidArgument with fewer than two numeric (double, int, discrete)
// parameters.
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateCmaesSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                        AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
