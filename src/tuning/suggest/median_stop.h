// "medianstop" early stopping, as Katib's: once at least
// `min_trials_required` (default 3) trials have succeeded, a running trial
// that has reported at least `start_step` (default 4) values is stopped when
// its latest value is worse than the median, over succeeded trials, of the
// mean of their first `start_step` reported values. Losses are
// lower-is-better, so "worse" is "greater".
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<EarlyStopper>> CreateMedianStop(AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
