// "bayesianoptimization": Gaussian-process Bayesian optimisation.
//
// The first `n_initial_points` (default 10) trials come from the prior.
// Then: inputs are the unit-cube coordinates (SpaceCodec), categoricals
// one-hot encoded, losses are replaced by normal
// scores of their ranks (a Gaussian copula: heavy-tailed objectives such as
// Rosenbrock do not swamp the fit, and the acquisition only needs the
// order), a GaussianProcess is fitted, and the acquisition (expected
// improvement by default) is maximised over random candidates plus
// candidates near the best trials, refined by a shrinking local search.
// Running trials enter the GP at the median score (a constant liar), so a
// batch spreads out.
//
// Speed: hyperparameters are fitted on at most 80 points (the 40 best and
// the 40 most recent of the rest) and the posterior uses at most 300 (150
// best, 150 most recent), so a suggestion with 1,000 trials costs about as
// much as one with 300 (see bench/RESULTS.md).
//
// Settings: n_initial_points (default 10), acq_func (gp_hedge = EI, EI, PI,
// LCB), base_estimator (GP only), acq_optimizer (accepted, ignored: the
// optimiser is always sampling + local search), random_state.
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateGpSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                     AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
