// ParzenEstimator: the density model of TPE, a weighted mixture over the
// unit cube with one component per observed point plus a broad prior
// component (mean 0.5, sd 1, weight prior_weight).
//
// Numeric dimensions use Gaussians truncated to [0,1] (integrated over the
// value's cell for ints, steps and discrete lists, so that a few choices are
// not under-weighted); continuous kernels all have the same peak height
// whatever their width (see LogKernel). Categorical dimensions use a
// distribution peaked on the observed choice. Univariate mode: every dimension is its own mixture and
// bandwidths come from the gaps between neighbouring points (Bergstra et al.
// 2011). Multivariate mode: one joint mixture, a component is a product over
// dimensions, bandwidth by a Scott-type rule 0.2 * n^(-1/(d+4)) (Falkner et
// al. 2018), so dependencies between parameters are learnt.
// Thread-compatible; immutable after construction.
#pragma once

#include <vector>

#include "tuning/suggest/rng.h"
#include "tuning/suggest/space_codec.h"

namespace cairn::tuning::suggest {

class ParzenEstimator {
 public:
  ParzenEstimator(const SpaceCodec& codec, const std::vector<const std::vector<double>*>& points, double prior_weight,
                  bool multivariate);

  // One draw (unit coordinates, snapped to the values the space allows).
  std::vector<double> Sample(Rng& rng) const;
  // Univariate mode: the log density of each coordinate of x.
  std::vector<double> LogDensityPerDim(const std::vector<double>& x) const;
  // Multivariate mode: the joint log density of x.
  double LogDensity(const std::vector<double>& x) const;

 private:
  double LogKernel(int d, int c, double x) const;
  double SampleKernel(int d, int c, Rng& rng) const;
  int PickComponent(Rng& rng) const;

  const SpaceCodec& codec_;
  bool multivariate_;
  std::vector<double> log_weights_;           // per component; the prior is the last
  std::vector<double> cumulative_weights_;    // for sampling
  std::vector<std::vector<double>> mu_;       // [component][dim]
  std::vector<std::vector<double>> sigma_;    // [component][dim]
  std::vector<std::vector<double>> log_norm_;  // [component][dim]: log of the truncation mass
  double prior_weight_;
};

}  // namespace cairn::tuning::suggest
