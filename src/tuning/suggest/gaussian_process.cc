#include "tuning/suggest/gaussian_process.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cairn::tuning::suggest {

namespace {

constexpr double kSqrt5 = 2.23606797749979;
const double kMinLogLs = std::log(0.01), kMaxLogLs = std::log(20.0);
const double kMinLogSignal = std::log(0.05), kMaxLogSignal = std::log(20.0);
const double kMinLogNoise = std::log(1e-6), kMaxLogNoise = std::log(1.0);

// Matern 5/2 as a function of the scaled distance r.
double Matern52(double r) { return (1 + kSqrt5 * r + 5.0 / 3.0 * r * r) * std::exp(-kSqrt5 * r); }

Eigen::VectorXd Pack(const GaussianProcess::Hyper& h) {
  const auto d = h.log_lengthscale.size();
  Eigen::VectorXd v(d + 2);
  v.head(d) = h.log_lengthscale;
  v(d) = h.log_signal;
  v(d + 1) = h.log_noise;
  return v;
}

GaussianProcess::Hyper Unpack(const Eigen::VectorXd& v) {
  const auto d = v.size() - 2;
  GaussianProcess::Hyper h;
  h.log_lengthscale = v.head(d);
  h.log_signal = v(d);
  h.log_noise = v(d + 1);
  return h;
}

void Clip(Eigen::VectorXd& v) {
  const auto d = v.size() - 2;
  for (Eigen::Index i = 0; i < d; ++i) v(i) = std::clamp(v(i), kMinLogLs, kMaxLogLs);
  v(d) = std::clamp(v(d), kMinLogSignal, kMaxLogSignal);
  v(d + 1) = std::clamp(v(d + 1), kMinLogNoise, kMaxLogNoise);
}

}  // namespace

double GaussianProcess::LogMarginalLikelihood(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Hyper& hyper,
                                              Eigen::VectorXd* gradient) {
  const Eigen::Index n = x.rows(), d = x.cols();
  const Eigen::VectorXd inv_ls = (-hyper.log_lengthscale.array()).exp();
  const double signal = std::exp(hyper.log_signal), noise = std::exp(hyper.log_noise);
  const Eigen::MatrixXd xs = x * inv_ls.asDiagonal();
  Eigen::MatrixXd k(n, n);
  Eigen::MatrixXd dk_dr_over_r(n, n);  // for the lengthscale gradient
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      const double r = std::sqrt((xs.row(i) - xs.row(j)).squaredNorm());
      const double e = std::exp(-kSqrt5 * r);
      k(i, j) = k(j, i) = signal * (1 + kSqrt5 * r + 5.0 / 3.0 * r * r) * e;
      // d k / d log l_d = signal * 5/3 (1 + sqrt5 r) e^{-sqrt5 r} * (dx_d / l_d)^2
      dk_dr_over_r(i, j) = dk_dr_over_r(j, i) = signal * 5.0 / 3.0 * (1 + kSqrt5 * r) * e;
    }
  }
  Eigen::MatrixXd kn = k;
  kn.diagonal().array() += noise;
  Eigen::LLT<Eigen::MatrixXd> llt(kn);
  if (llt.info() != Eigen::Success) return -INFINITY;
  const Eigen::VectorXd alpha = llt.solve(y);
  const Eigen::MatrixXd& lower = llt.matrixLLT();
  double log_det = 0;
  for (Eigen::Index i = 0; i < n; ++i) log_det += std::log(lower(i, i));
  const double lml = -0.5 * y.dot(alpha) - log_det - 0.5 * static_cast<double>(n) * std::log(2 * std::numbers::pi);
  if (gradient != nullptr) {
    // dLML/dθ = 0.5 tr((α αᵀ - K⁻¹) dK/dθ)
    const Eigen::MatrixXd w = alpha * alpha.transpose() - llt.solve(Eigen::MatrixXd::Identity(n, n));
    gradient->resize(d + 2);
    for (Eigen::Index c = 0; c < d; ++c) {
      double g = 0;
      for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < i; ++j) {
          const double diff = xs(i, c) - xs(j, c);
          g += w(i, j) * dk_dr_over_r(i, j) * diff * diff;  // symmetric: counted once, doubled below
        }
      }
      (*gradient)(c) = g;  // 0.5 * 2 * sum_{i>j}
    }
    (*gradient)(d) = 0.5 * (w.array() * k.array()).sum();
    (*gradient)(d + 1) = 0.5 * noise * w.trace();
  }
  return lml;
}

Result<GaussianProcess> GaussianProcess::Fit(const Eigen::MatrixXd& x_fit, const Eigen::VectorXd& y_fit,
                                             const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int restarts,
                                             int iterations, Rng& rng) {
  const Eigen::Index d = x.cols();
  std::vector<Eigen::VectorXd> starts;
  Hyper initial;
  initial.log_lengthscale = Eigen::VectorXd::Constant(d, std::log(0.3));
  initial.log_signal = 0;
  initial.log_noise = std::log(1e-3);
  starts.push_back(Pack(initial));
  for (int r = 0; r < restarts; ++r) {
    Eigen::VectorXd v(d + 2);
    for (Eigen::Index i = 0; i < d; ++i) v(i) = std::log(0.05) + rng.Uniform() * (std::log(2.0) - std::log(0.05));
    v(d) = std::log(0.3) + rng.Uniform() * (std::log(3.0) - std::log(0.3));
    v(d + 1) = std::log(1e-5) + rng.Uniform() * (std::log(0.1) - std::log(1e-5));
    starts.push_back(v);
  }
  Eigen::VectorXd best = starts[0];
  double best_lml = -INFINITY;
  for (const Eigen::VectorXd& start : starts) {
    // Adam ascent in log space: robust to the very different scales of the
    // gradient components, and no line search to tune.
    Eigen::VectorXd v = start, m = Eigen::VectorXd::Zero(d + 2), s = Eigen::VectorXd::Zero(d + 2), g;
    const double lr = 0.08, b1 = 0.9, b2 = 0.999;
    for (int it = 1; it <= iterations; ++it) {
      const double lml = LogMarginalLikelihood(x_fit, y_fit, Unpack(v), &g);
      if (lml > best_lml) best_lml = lml, best = v;
      if (!std::isfinite(lml)) break;
      m = b1 * m + (1 - b1) * g;
      s = b2 * s + (1 - b2) * g.cwiseProduct(g);
      const Eigen::VectorXd mh = m / (1 - std::pow(b1, it));
      const Eigen::VectorXd sh = s / (1 - std::pow(b2, it));
      v += lr * mh.cwiseQuotient((sh.array().sqrt() + 1e-8).matrix());
      Clip(v);
    }
    const double lml = LogMarginalLikelihood(x_fit, y_fit, Unpack(v), nullptr);
    if (lml > best_lml) best_lml = lml, best = v;
  }

  GaussianProcess gp;
  gp.hyper_ = Unpack(best);
  gp.inv_ls_ = (-gp.hyper_.log_lengthscale.array()).exp();
  gp.x_ = x * gp.inv_ls_.asDiagonal();
  const Eigen::Index n = x.rows();
  const double signal = std::exp(gp.hyper_.log_signal);
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      k(i, j) = k(j, i) = signal * Matern52(std::sqrt((gp.x_.row(i) - gp.x_.row(j)).squaredNorm()));
    }
  }
  double jitter = std::exp(gp.hyper_.log_noise);
  for (int attempt = 0; attempt < 6; ++attempt, jitter *= 10) {
    Eigen::MatrixXd kn = k;
    kn.diagonal().array() += jitter;
    Eigen::LLT<Eigen::MatrixXd> llt(kn);
    if (llt.info() == Eigen::Success) {
      gp.l_ = llt.matrixL();
      gp.alpha_ = llt.solve(y);
      return gp;
    }
  }
  return Internal("the Gaussian-process kernel matrix is not positive definite");
}

void GaussianProcess::Predict(const Eigen::VectorXd& point, double* mean, double* variance) const {
  const Eigen::Index n = x_.rows();
  const double signal = std::exp(hyper_.log_signal);
  const Eigen::RowVectorXd p = point.transpose().cwiseProduct(inv_ls_.transpose());
  Eigen::VectorXd ks(n);
  for (Eigen::Index i = 0; i < n; ++i) ks(i) = signal * Matern52(std::sqrt((x_.row(i) - p).squaredNorm()));
  *mean = ks.dot(alpha_);
  const Eigen::VectorXd v = l_.triangularView<Eigen::Lower>().solve(ks);
  *variance = std::max(signal - v.squaredNorm(), 1e-12);
}

}  // namespace cairn::tuning::suggest
