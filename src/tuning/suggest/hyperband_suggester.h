// "hyperband" (Li et al. 2018), as Katib runs it: brackets s = s_max..0 one
// after another, s_max = floor(log_eta(r_l)), B = (s_max + 1) r_l; bracket s
// starts n = ceil(B / r_l * eta^s / (s + 1)) random configurations with
// resource r = r_l * eta^-s and successively keeps the best floor(n_i / eta)
// with eta times the resource until rung s. Each suggestion carries
// hyperband.bracket / hyperband.rung / hyperband.config labels; the state is
// read back from them. A rung waits for all its trials to finish before the
// next is suggested (Suggest returns fewer meanwhile); failed trials rank
// last. Exhausted once the last bracket's last rung finished.
//
// Settings: resource_name (required: a double/int parameter, set to each
// trial's budget), eta (> 1, default 3), r_l (the maximum budget; default
// the parameter's max), random_state; Katib's bookkeeping settings (r, n,
// b_l, current_s, current_i) are accepted and ignored since the labels
// carry the state.
#pragma once

#include <memory>

#include "base/result.h"
#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggester.h"

namespace cairn::tuning::suggest {

Result<std::unique_ptr<Suggester>> CreateHyperbandSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                            AlgorithmSettings& settings);

}  // namespace cairn::tuning::suggest
