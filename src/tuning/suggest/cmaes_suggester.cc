#include "tuning/suggest/cmaes_suggester.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <tuple>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "tuning/suggest/number_text.h"
#include "tuning/suggest/rng.h"

namespace cairn::tuning::suggest {

namespace {

constexpr char kRestartLabel[] = "cmaes.restart";
constexpr char kGenerationLabel[] = "cmaes.generation";
constexpr char kIndexLabel[] = "cmaes.index";

struct CmaesOptions {
  double sigma0 = 1.0 / 6;
  bool ipop = false;
};

// The distribution of one run (between restarts) of CMA-ES.
struct CmaState {
  int restart = 0;
  int generation = 0;
  int popsize = 0;
  Eigen::VectorXd mean;
  double sigma = 0;
  Eigen::MatrixXd c, b;  // covariance, its eigenvectors
  Eigen::VectorXd d;     // sqrt of its eigenvalues
  Eigen::VectorXd pc, ps;
  std::vector<double> best_history;  // best loss of each generation
};

class CmaesSuggester : public Suggester {
 public:
  CmaesSuggester(SpaceCodec codec, uint64_t seed, CmaesOptions options)
      : codec_(std::move(codec)), seed_(seed), options_(options) {
    for (int d = 0; d < codec_.dims(); ++d) {
      if (codec_.IsNumeric(d)) numeric_.push_back(d);
    }
  }

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    // (restart, generation) -> index -> loss (nullopt: still running;
    // +inf: finished without a loss).
    std::map<std::pair<int, int>, std::map<int, std::optional<double>>> members;
    for (const TrialObservation& t : trials) {
      const std::optional<int> r = Label(t, kRestartLabel), g = Label(t, kGenerationLabel), i = Label(t, kIndexLabel);
      if (!r || !g || !i) continue;
      std::optional<double> loss;
      if (t.state != TrialState::kRunning) loss = t.loss && std::isfinite(*t.loss) ? *t.loss : INFINITY;
      members[{*r, *g}][*i] = loss;
    }
    CmaState state = Initial(0, DefaultPopsize());
    while (true) {
      auto it = members.find({state.restart, state.generation});
      if (it == members.end() || static_cast<int>(it->second.size()) < state.popsize) break;
      bool done = true;
      for (const auto& [index, loss] : it->second) done &= loss.has_value();
      if (!done) break;
      std::vector<double> losses(state.popsize, INFINITY);
      for (const auto& [index, loss] : it->second) {
        if (index >= 0 && index < state.popsize) losses[index] = *loss;
      }
      Update(state, losses);
      if (options_.ipop && ShouldRestart(state)) state = Initial(state.restart + 1, state.popsize * 2);
    }
    const auto& current = members[{state.restart, state.generation}];
    std::vector<Suggestion> out;
    for (int index = 0; index < state.popsize && static_cast<int>(out.size()) < count; ++index) {
      if (current.contains(index)) continue;
      Suggestion s;
      s.assignment = codec_.Decode(Sample(state, index));
      s.labels = {{kRestartLabel, std::to_string(state.restart)},
                  {kGenerationLabel, std::to_string(state.generation)},
                  {kIndexLabel, std::to_string(index)}};
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  int DefaultPopsize() const { return 4 + static_cast<int>(std::floor(3 * std::log(numeric_.size()))); }

  static std::optional<int> Label(const TrialObservation& t, const char* key) {
    auto it = t.labels.find(key);
    if (it == t.labels.end()) return std::nullopt;
    std::optional<double> v = ParseNumber(it->second);
    if (!v || *v < 0 || *v != std::floor(*v) || *v > 1e9) return std::nullopt;
    return static_cast<int>(*v);
  }

  CmaState Initial(int restart, int popsize) const {
    const auto n = static_cast<Eigen::Index>(numeric_.size());
    CmaState s;
    s.restart = restart;
    s.popsize = popsize;
    s.mean = Eigen::VectorXd::Constant(n, 0.5);
    if (restart > 0) {
      // IPOP: a fresh start somewhere else, reproducible from the seed.
      Rng rng(seed_, 0xc0ffee00ULL + static_cast<uint64_t>(restart));
      for (Eigen::Index i = 0; i < n; ++i) s.mean(i) = 0.1 + 0.8 * rng.Uniform();
    }
    s.sigma = options_.sigma0;
    s.c = Eigen::MatrixXd::Identity(n, n);
    s.b = Eigen::MatrixXd::Identity(n, n);
    s.d = Eigen::VectorXd::Ones(n);
    s.pc = Eigen::VectorXd::Zero(n);
    s.ps = Eigen::VectorXd::Zero(n);
    return s;
  }

  // Member `index` of the state's generation: numeric coordinates from
  // N(mean, sigma^2 C) (resampled into the cube, then clipped), categorical
  // ones from the prior.
  Rng MemberRng(const CmaState& s, int index) const {
    return Rng(seed_, (static_cast<uint64_t>(s.restart) << 48) ^ (static_cast<uint64_t>(s.generation) << 20) ^
                          static_cast<uint64_t>(index));
  }

  Eigen::VectorXd NumericSample(const CmaState& s, Rng& rng) const {
    const auto n = s.mean.size();
    Eigen::VectorXd x;
    for (int attempt = 0; attempt < 100; ++attempt) {
      Eigen::VectorXd z(n);
      for (Eigen::Index i = 0; i < n; ++i) z(i) = rng.Normal();
      x = s.mean + s.sigma * (s.b * s.d.asDiagonal() * z);
      if ((x.array() >= 0).all() && (x.array() <= 1).all()) return x;
    }
    return x.cwiseMax(0.0).cwiseMin(1.0);
  }

  std::vector<double> Sample(const CmaState& s, int index) const {
    Rng rng = MemberRng(s, index);
    const Eigen::VectorXd x = NumericSample(s, rng);
    std::vector<double> u(codec_.dims());
    size_t k = 0;
    for (int d = 0; d < codec_.dims(); ++d) {
      u[d] = codec_.IsNumeric(d) ? x(static_cast<Eigen::Index>(k++)) : codec_.FromPrior(d, rng.Uniform());
    }
    return u;
  }

  void Update(CmaState& s, const std::vector<double>& losses) const {
    const auto n = static_cast<double>(s.mean.size());
    const int lambda = s.popsize, mu = lambda / 2;
    std::vector<double> w(mu);
    for (int i = 0; i < mu; ++i) w[i] = std::log((lambda + 1) / 2.0) - std::log(i + 1.0);
    const double wsum = std::accumulate(w.begin(), w.end(), 0.0);
    double w2 = 0;
    for (double& x : w) x /= wsum, w2 += x * x;
    const double mu_eff = 1 / w2;
    const double cs = (mu_eff + 2) / (n + mu_eff + 5);
    const double ds = 1 + 2 * std::max(0.0, std::sqrt((mu_eff - 1) / (n + 1)) - 1) + cs;
    const double cc = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n);
    const double c1 = 2 / ((n + 1.3) * (n + 1.3) + mu_eff);
    const double cmu = std::min(1 - c1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((n + 2) * (n + 2) + mu_eff));
    const double chi_n = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));

    std::vector<Eigen::VectorXd> xs;
    for (int i = 0; i < lambda; ++i) {
      Rng rng = MemberRng(s, i);
      xs.push_back(NumericSample(s, rng));
    }
    std::vector<int> order(lambda);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return losses[a] < losses[b]; });
    s.best_history.push_back(losses[order[0]]);

    Eigen::VectorXd yw = Eigen::VectorXd::Zero(s.mean.size());
    std::vector<Eigen::VectorXd> ys;
    for (int i = 0; i < mu; ++i) {
      ys.push_back((xs[order[i]] - s.mean) / s.sigma);
      yw += w[i] * ys.back();
    }
    s.mean += s.sigma * yw;
    const Eigen::MatrixXd c_inv_sqrt = s.b * s.d.cwiseInverse().asDiagonal() * s.b.transpose();
    s.ps = (1 - cs) * s.ps + std::sqrt(cs * (2 - cs) * mu_eff) * (c_inv_sqrt * yw);
    const double ps_norm = s.ps.norm();
    const bool hsig =
        ps_norm / std::sqrt(1 - std::pow(1 - cs, 2.0 * (s.generation + 1))) < (1.4 + 2 / (n + 1)) * chi_n;
    s.pc = (1 - cc) * s.pc + (hsig ? std::sqrt(cc * (2 - cc) * mu_eff) : 0.0) * yw;
    Eigen::MatrixXd rank_mu = Eigen::MatrixXd::Zero(s.c.rows(), s.c.cols());
    for (int i = 0; i < mu; ++i) rank_mu += w[i] * ys[i] * ys[i].transpose();
    s.c = (1 - c1 - cmu) * s.c + c1 * (s.pc * s.pc.transpose() + (hsig ? 0.0 : cc * (2 - cc)) * s.c) + cmu * rank_mu;
    s.c = 0.5 * (s.c + s.c.transpose());
    // The cube has side 1, so a step larger than 1 only wastes samples.
    s.sigma = std::min(s.sigma * std::exp((cs / ds) * (ps_norm / chi_n - 1)), 1.0);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(s.c);
    s.b = eig.eigenvectors();
    s.d = eig.eigenvalues().cwiseMax(1e-20).cwiseSqrt();
    ++s.generation;
  }

  bool ShouldRestart(const CmaState& s) const {
    const double n = static_cast<double>(s.mean.size());
    if (s.sigma * s.d.maxCoeff() < 1e-8) return true;                    // TolX
    if (s.d.maxCoeff() / s.d.minCoeff() > 1e7) return true;              // ConditionCov (1e14 on C)
    const int window = 10 + static_cast<int>(std::ceil(30 * n / s.popsize));
    if (static_cast<int>(s.best_history.size()) >= window) {             // TolFun / stagnation
      const auto begin = s.best_history.end() - window;
      const auto [lo, hi] = std::minmax_element(begin, s.best_history.end());
      if (std::isfinite(*hi) && *hi - *lo < 1e-12) return true;
    }
    return false;
  }

  SpaceCodec codec_;
  uint64_t seed_;
  CmaesOptions options_;
  std::vector<int> numeric_;
};

}  // namespace

Result<std::unique_ptr<Suggester>> CreateCmaesSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                        AlgorithmSettings& settings) {
  int numeric = 0;
  for (int d = 0; d < codec.dims(); ++d) numeric += codec.IsNumeric(d);
  if (numeric < 2) {
    return InvalidArgument(fmt::format(
        "algorithm cmaes needs at least two numeric (double, int or discrete) parameters; the space has {}", numeric));
  }
  CmaesOptions options;
  CAIRN_ASSIGN_OR_RETURN(options.sigma0, settings.Double("sigma", options.sigma0, 1e-6, 1.0));
  CAIRN_ASSIGN_OR_RETURN(std::string restart, settings.Choice("restart_strategy", "none", {"none", "ipop"}));
  options.ipop = restart == "ipop";
  return std::unique_ptr<Suggester>(new CmaesSuggester(codec, config.seed, options));
}

}  // namespace cairn::tuning::suggest
