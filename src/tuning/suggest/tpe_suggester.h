// "tpe" and "multivariate-tpe": Tree-structured Parzen Estimators.
//
// After `n_startup_trials` (default 10) finished trials drawn from the prior,
// finished trials are split by loss into the best ceil(gamma * n) (at most
// 25; gamma default 0.10) and the rest; a ParzenEstimator is fitted to each
// (l and g), `n_ei_candidates` (default 64) points are drawn from l, and the
// one maximising l(x)/g(x) (expected improvement under TPE) is suggested.
// "tpe" models each parameter independently (l and g are products of
// per-parameter mixtures), "multivariate-tpe" jointly; both score whole
// candidates (see tpe_suggester.cc for why, and bench/RESULTS.md). Running trials join the worse group (constant liar), so parallel
// suggestions spread out; so do suggestions of one call.
//
// Settings: gamma (0, 1]; prior_weight (> 0, default 1); n_EI_candidates or
// n_ei_candidates (default 64, not hyperopt's 24: whole-candidate scoring
// wants more); n_startup_trials (default 10); random_state.
// gamma is the fraction of trials in the good group (Optuna's reading), not
// hyperopt's gamma * sqrt(n).
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateTpeSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                      AlgorithmSettings& settings);
Result<std::unique_ptr<Suggester>> CreateMultivariateTpeSuggester(const SuggesterConfig& config,
                                                                  const SpaceCodec& codec,
                                                                  AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
