// GaussianProcess: GP regression on the unit cube with an ARD Matern 5/2
// kernel, signal variance and Gaussian noise, for bayesianoptimization.
//
// Hyperparameters (one lengthscale per input, signal variance, noise) are
// fitted by maximising the log marginal likelihood with Adam on their logs,
// from a default start plus `restarts` random ones, within fixed bounds
// (lengthscale 0.01..20 of the unit range, noise 1e-6..1 of the target's
// variance). Targets should be standardised by the caller.
// Thread-compatible; immutable after Fit.
#pragma once

#include <Eigen/Dense>

#include "base/result.h"
#include "tuning/suggest/rng.h"

namespace cairn::tuning::suggest {

class GaussianProcess {
 public:
  struct Hyper {
    Eigen::VectorXd log_lengthscale;
    double log_signal = 0;  // log variance
    double log_noise = 0;   // log variance
  };

  // Fits hyperparameters on (x_fit, y_fit) (rows are points), then
  // conditions on (x, y) with them; x_fit may be a subset of x so that
  // fitting stays cheap with many points. kInternal if the kernel matrix
  // cannot be factorised even with jitter (not expected: noise >= 1e-6).
  static Result<GaussianProcess> Fit(const Eigen::MatrixXd& x_fit, const Eigen::VectorXd& y_fit,
                                     const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int restarts,
                                     int iterations, Rng& rng);

  // Posterior mean and variance (of the latent function) at a point.
  void Predict(const Eigen::VectorXd& point, double* mean, double* variance) const;

  const Hyper& hyper() const { return hyper_; }

  // The log marginal likelihood of (x, y) under `hyper` and, when `gradient`
  // is not null, its gradient in the order (log lengthscales, log signal,
  // log noise). Exposed for tests.
  static double LogMarginalLikelihood(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Hyper& hyper,
                                      Eigen::VectorXd* gradient);

 private:
  GaussianProcess() = default;

  Hyper hyper_;
  Eigen::MatrixXd x_;
  Eigen::MatrixXd l_;       // Cholesky factor of K + noise I
  Eigen::VectorXd alpha_;   // (K + noise I)^-1 y
  Eigen::VectorXd inv_ls_;  // 1 / lengthscale
};

}  // namespace cairn::tuning::suggest
