#include "tuning/suggest/tpe_suggester.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tuning/suggest/parzen_estimator.h"
#include "tuning/suggest/random_suggester.h"
#include "tuning/suggest/rng.h"
#include "tuning/suggest/trial_history.h"

namespace cairn::tuning::suggest {

namespace {

struct TpeOptions {
  double gamma = 0.10;
  int max_below = 25;
  double prior_weight = 1.0;
  int candidates = 64;
  int startup = 10;
  bool multivariate = false;
};

class TpeSuggester : public Suggester {
 public:
  TpeSuggester(SpaceCodec codec, uint64_t seed, TpeOptions options)
      : codec_(std::move(codec)), seed_(seed), options_(options) {}

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    Rng rng(seed_, trials.size());
    UnitHistory history = ReadHistory(codec_, trials);
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) {
      std::vector<double> x = static_cast<int>(history.observed.size()) < options_.startup
                                  ? SamplePrior(codec_, rng)
                                  : SuggestOne(history, rng);
      out.push_back({codec_.Decode(x), {}});
      history.pending.push_back({std::move(x), 0});
    }
    return out;
  }

 private:
  std::vector<double> SuggestOne(const UnitHistory& history, Rng& rng) const {
    const int n = static_cast<int>(history.observed.size());
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return history.observed[a].loss < history.observed[b].loss; });
    const int below_count =
        std::clamp(static_cast<int>(std::ceil(options_.gamma * n)), 1, std::min(options_.max_below, n));
    std::vector<const std::vector<double>*> below, above;
    // The estimators want their points oldest first (older ones weigh less).
    std::vector<int> below_index(order.begin(), order.begin() + below_count);
    std::vector<int> above_index(order.begin() + below_count, order.end());
    std::sort(below_index.begin(), below_index.end());
    std::sort(above_index.begin(), above_index.end());
    for (int i : below_index) below.push_back(&history.observed[i].unit);
    for (int i : above_index) above.push_back(&history.observed[i].unit);
    // Constant liar: a running trial counts as bad, so the next suggestion
    // avoids its neighbourhood instead of duplicating it.
    for (const UnitPoint& p : history.pending) above.push_back(&p.unit);

    const ParzenEstimator l(codec_, below, options_.prior_weight, options_.multivariate);
    const ParzenEstimator g(codec_, above, options_.prior_weight, options_.multivariate);
    std::vector<std::vector<double>> candidates;
    for (int i = 0; i < options_.candidates; ++i) candidates.push_back(l.Sample(rng));

    // Every candidate is scored as a whole: log l(x) - log g(x), with l and g
    // either joint mixtures (multivariate) or products of per-parameter
    // mixtures (univariate). Picking each parameter's best value separately
    // instead (hyperopt, Optuna) maximises the same separable score over all
    // 24^d mixtures of candidates: greedier, and on bench/tuning_quality
    // clearly worse at 200 trials (Rosenbrock-10: 1419 against 634).
    double best_score = -INFINITY;
    int best = 0;
    for (int i = 0; i < options_.candidates; ++i) {
      double score = 0;
      if (options_.multivariate) {
        score = l.LogDensity(candidates[i]) - g.LogDensity(candidates[i]);
      } else {
        const std::vector<double> ll = l.LogDensityPerDim(candidates[i]);
        const std::vector<double> lg = g.LogDensityPerDim(candidates[i]);
        for (int d = 0; d < codec_.dims(); ++d) score += ll[d] - lg[d];
      }
      if (score > best_score) best_score = score, best = i;
    }
    return candidates[best];
  }

  SpaceCodec codec_;
  uint64_t seed_;
  TpeOptions options_;
};

Result<TpeOptions> ReadOptions(AlgorithmSettings& settings, bool multivariate) {
  TpeOptions o;
  o.multivariate = multivariate;
  CAIRN_ASSIGN_OR_RETURN(o.gamma, settings.Double("gamma", o.gamma, 1e-6, 1.0));
  CAIRN_ASSIGN_OR_RETURN(o.prior_weight, settings.Double("prior_weight", o.prior_weight, 1e-6, 1e6));
  // Katib passes hyperopt's spelling to tpe and Optuna's to multivariate-tpe;
  // both are accepted by both.
  CAIRN_ASSIGN_OR_RETURN(int64_t candidates, settings.Int("n_EI_candidates", o.candidates, 1, 100000));
  CAIRN_ASSIGN_OR_RETURN(candidates, settings.Int("n_ei_candidates", candidates, 1, 100000));
  CAIRN_ASSIGN_OR_RETURN(int64_t startup, settings.Int("n_startup_trials", o.startup, 1, 100000));
  o.candidates = static_cast<int>(candidates);
  o.startup = static_cast<int>(startup);
  return o;
}

}  // namespace

Result<std::unique_ptr<Suggester>> CreateTpeSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                      AlgorithmSettings& settings) {
  CAIRN_ASSIGN_OR_RETURN(TpeOptions options, ReadOptions(settings, false));
  return std::unique_ptr<Suggester>(new TpeSuggester(codec, config.seed, options));
}

Result<std::unique_ptr<Suggester>> CreateMultivariateTpeSuggester(const SuggesterConfig& config,
                                                                  const SpaceCodec& codec,
                                                                  AlgorithmSettings& settings) {
  CAIRN_ASSIGN_OR_RETURN(TpeOptions options, ReadOptions(settings, true));
  return std::unique_ptr<Suggester>(new TpeSuggester(codec, config.seed, options));
}

}  // namespace cairn::tuning::suggest
