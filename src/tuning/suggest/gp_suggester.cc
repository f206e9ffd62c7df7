#include "tuning/suggest/gp_suggester.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tuning/suggest/gaussian_process.h"
#include "tuning/suggest/random_suggester.h"
#include "tuning/suggest/rng.h"
#include "tuning/suggest/trial_history.h"

namespace cairn::tuning::suggest {

namespace {

enum class Acquisition { kEi, kPi, kLcb };

struct GpOptions {
  int initial_points = 10;
  Acquisition acquisition = Acquisition::kEi;
  int fit_best = 40, fit_recent = 40;     // hyperparameter fit subset
  int model_best = 150, model_recent = 150;  // posterior subset
  int restarts = 2;
  int iterations = 40;
  int random_candidates = 512;
  int local_candidates_per_point = 64;
  int refine_starts = 4;
  int refine_steps = 24;
};

// The indices of the `best` lowest-loss points plus the `recent` latest of
// the others, in creation order.
std::vector<int> Subset(const std::vector<UnitPoint>& points, int best, int recent) {
  const int n = static_cast<int>(points.size());
  if (n <= best + recent) {
    std::vector<int> all(n);
    std::iota(all.begin(), all.end(), 0);
    return all;
  }
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return points[a].loss < points[b].loss; });
  std::vector<bool> take(n, false);
  for (int i = 0; i < best; ++i) take[order[i]] = true;
  int added = 0;
  for (int i = n - 1; i >= 0 && added < recent; --i) {
    if (!take[i]) take[i] = true, ++added;
  }
  std::vector<int> out;
  for (int i = 0; i < n; ++i) {
    if (take[i]) out.push_back(i);
  }
  return out;
}

class GpSuggester : public Suggester {
 public:
  GpSuggester(SpaceCodec codec, uint64_t seed, GpOptions options)
      : codec_(std::move(codec)), seed_(seed), options_(options) {}

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    Rng rng(seed_, trials.size());
    UnitHistory history = ReadHistory(codec_, trials);
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) {
      std::vector<double> x;
      if (static_cast<int>(history.observed.size()) < options_.initial_points) {
        x = SamplePrior(codec_, rng);
      } else {
        // A kernel matrix that cannot be factorised (not seen in practice:
        // the noise floor keeps it positive definite) must not stall the
        // experiment: that one suggestion comes from the prior instead.
        Result<std::vector<double>> model_based = SuggestOne(history, rng);
        x = model_based.ok() ? std::move(model_based).value() : SamplePrior(codec_, rng);
      }
      out.push_back({codec_.Decode(x), {}});
      history.pending.push_back({std::move(x), 0});
    }
    return out;
  }

 private:
  Result<std::vector<double>> SuggestOne(const UnitHistory& history, Rng& rng) const {
    const int d = codec_.dims();
    // Normal scores of ranks over all observed points (ties share the lower
    // rank; order by creation breaks nothing since equal losses score equal).
    const int n_obs = static_cast<int>(history.observed.size());
    std::vector<int> order(n_obs);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return history.observed[a].loss < history.observed[b].loss; });
    std::vector<double> score(n_obs);
    for (int r = 0; r < n_obs; ++r) {
      int first = r;
      while (first > 0 && history.observed[order[first - 1]].loss == history.observed[order[r]].loss) --first;
      score[order[r]] = NormalQuantile((first + 0.5) / n_obs);
    }
    double mean = std::accumulate(score.begin(), score.end(), 0.0) / n_obs;
    double var = 0;
    for (double s : score) var += (s - mean) * (s - mean);
    const double sd = std::sqrt(std::max(var / n_obs, 1e-12));
    for (double& s : score) s = (s - mean) / sd;

    std::vector<UnitPoint> scored = history.observed;
    for (int i = 0; i < n_obs; ++i) scored[i].loss = score[i];
    const std::vector<int> fit = Subset(scored, options_.fit_best, options_.fit_recent);
    std::vector<int> model = Subset(scored, options_.model_best, options_.model_recent);
    const int n_pending = std::min<int>(static_cast<int>(history.pending.size()), 64);
    const int f = FeatureCount();
    Eigen::MatrixXd xf(fit.size(), f), xm(model.size() + n_pending, f);
    Eigen::VectorXd yf(fit.size()), ym(model.size() + n_pending);
    for (size_t i = 0; i < fit.size(); ++i) {
      xf.row(static_cast<Eigen::Index>(i)) = Features(scored[fit[i]].unit).transpose();
      yf(i) = scored[fit[i]].loss;
    }
    for (size_t i = 0; i < model.size(); ++i) {
      xm.row(static_cast<Eigen::Index>(i)) = Features(scored[model[i]].unit).transpose();
      ym(i) = scored[model[i]].loss;
    }
    // Constant liar at the median score (0): the GP believes a running
    // trial's value is ordinary, so its neighbourhood loses its uncertainty.
    for (int p = 0; p < n_pending; ++p) {
      const UnitPoint& pt = history.pending[history.pending.size() - n_pending + p];
      xm.row(static_cast<Eigen::Index>(model.size() + p)) = Features(pt.unit).transpose();
      ym(model.size() + p) = 0;
    }
    CAIRN_ASSIGN_OR_RETURN(GaussianProcess gp, GaussianProcess::Fit(xf, yf, xm, ym, options_.restarts,
                                                                    options_.iterations, rng));
    // The incumbent is the lowest posterior mean over the observed points
    // (the plug-in rule), not the lowest observed score: with noisy losses
    // the luckiest draw would otherwise set a bar nothing can beat.
    double best = INFINITY;
    for (size_t i = 0; i < model.size(); ++i) {
      double mu, var;
      gp.Predict(xm.row(static_cast<Eigen::Index>(i)).transpose(), &mu, &var);
      best = std::min(best, mu);
    }
    auto acquisition = [&](const std::vector<double>& x) {
      const Eigen::VectorXd p = Features(x);
      double mu, var;
      gp.Predict(p, &mu, &var);
      const double sigma = std::sqrt(var);
      switch (options_.acquisition) {
        case Acquisition::kLcb:
          return -(mu - 1.96 * sigma);
        case Acquisition::kPi:
          return NormalCdf((best - 0.01 - mu) / sigma);
        case Acquisition::kEi:
          break;
      }
      const double improvement = best - mu;
      const double u = improvement / sigma;
      return improvement * NormalCdf(u) + sigma * NormalPdf(u);
    };

    auto snapped = [&](std::vector<double> x) {
      for (int c = 0; c < d; ++c) x[c] = codec_.Snap(c, x[c]);
      return x;
    };
    // Candidates: uniform over the cube, and Gaussian perturbations of the
    // best few trials (where EI's maximum usually is once the model is good).
    std::vector<std::pair<double, std::vector<double>>> scored_candidates;
    for (int i = 0; i < options_.random_candidates; ++i) {
      std::vector<double> x(d);
      for (double& v : x) v = rng.Uniform();
      x = snapped(std::move(x));
      scored_candidates.push_back({acquisition(x), std::move(x)});
    }
    for (int b = 0; b < std::min(5, n_obs); ++b) {
      const std::vector<double>& centre = history.observed[order[b]].unit;
      for (int i = 0; i < options_.local_candidates_per_point; ++i) {
        std::vector<double> x = centre;
        const double scale = i % 2 == 0 ? 0.1 : 0.02;
        for (double& v : x) v = std::clamp(v + scale * rng.Normal(), 0.0, 1.0);
        x = snapped(std::move(x));
        scored_candidates.push_back({acquisition(x), std::move(x)});
      }
    }
    std::stable_sort(scored_candidates.begin(), scored_candidates.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    // Local refinement of the best candidates: accept Gaussian steps that
    // raise the acquisition, shrinking the step as it goes.
    for (int s = 0; s < std::min<int>(options_.refine_starts, scored_candidates.size()); ++s) {
      auto& [value, x] = scored_candidates[s];
      double step = 0.05;
      for (int it = 0; it < options_.refine_steps; ++it, step *= 0.85) {
        std::vector<double> y = x;
        for (double& v : y) v = std::clamp(v + step * rng.Normal(), 0.0, 1.0);
        y = snapped(std::move(y));
        const double a = acquisition(y);
        if (a > value) value = a, x = std::move(y);
      }
    }
    const auto winner = std::max_element(scored_candidates.begin(), scored_candidates.end(),
                                         [](const auto& a, const auto& b) { return a.first < b.first; });
    return winner->second;
  }

  // GP inputs: a numeric parameter is its unit coordinate; a categorical
  // one with k choices is k one-hot inputs, so that no order is imposed on
  // its choices and each choice gets its own lengthscale.
  int FeatureCount() const {
    int f = 0;
    for (int c = 0; c < codec_.dims(); ++c) f += codec_.IsCategorical(c) ? static_cast<int>(codec_.Choices(c)) : 1;
    return f;
  }
  Eigen::VectorXd Features(const std::vector<double>& unit) const {
    Eigen::VectorXd out = Eigen::VectorXd::Zero(FeatureCount());
    Eigen::Index at = 0;
    for (int c = 0; c < codec_.dims(); ++c) {
      if (codec_.IsCategorical(c)) {
        out(at + codec_.ChoiceAt(c, unit[c])) = 1.0;
        at += codec_.Choices(c);
      } else {
        out(at++) = unit[c];
      }
    }
    return out;
  }

  SpaceCodec codec_;
  uint64_t seed_;
  GpOptions options_;
};

}  // namespace

Result<std::unique_ptr<Suggester>> CreateGpSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                     AlgorithmSettings& settings) {
  GpOptions options;
  CAIRN_ASSIGN_OR_RETURN(int64_t initial, settings.Int("n_initial_points", options.initial_points, 1, 100000));
  options.initial_points = static_cast<int>(initial);
  CAIRN_ASSIGN_OR_RETURN(std::string acq, settings.Choice("acq_func", "gp_hedge", {"gp_hedge", "EI", "PI", "LCB"}));
  options.acquisition = acq == "PI" ? Acquisition::kPi : acq == "LCB" ? Acquisition::kLcb : Acquisition::kEi;
  CAIRN_ASSIGN_OR_RETURN(std::string estimator, settings.Choice("base_estimator", "GP", {"GP"}));
  CAIRN_ASSIGN_OR_RETURN(std::string optimizer,
                         settings.Choice("acq_optimizer", "auto", {"auto", "sampling", "lbfgs"}));
  (void)estimator;
  (void)optimizer;
  return std::unique_ptr<Suggester>(new GpSuggester(codec, config.seed, options));
}

}  // namespace cairn::tuning::suggest
