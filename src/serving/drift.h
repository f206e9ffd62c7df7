// Input drift of a tabular model: how far the feature values it is served
// have moved from a reference dataset logged with the model
// (`reference.csv` next to the MLmodel file: a header row naming the
// features, then numeric rows). Per feature, the population stability index
// (PSI, over the reference's deciles) and the two-sample
// Kolmogorov-Smirnov statistic (the largest gap between the two empirical
// CDFs), over a sliding window of the most recent served rows.
//
// Rules of thumb: PSI < 0.1 no shift, 0.1-0.25 moderate, > 0.25 major;
// KS near 0 same distribution, near 1 disjoint.
//
// DriftMonitor is thread-safe; the functions are pure.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "serving/tensor.h"

namespace cairn::serving {

// `reference` sorted ascending; `current` any order. 10 bins at the
// reference's deciles; empty bins count as 1e-4 so the index stays finite.
double PopulationStabilityIndex(const std::vector<double>& reference, std::vector<double> current, int bins = 10);
// Both sorted ascending; 0 when either is empty.
double KolmogorovSmirnov(const std::vector<double>& a, const std::vector<double>& b);

struct FeatureDrift {
  std::string name;
  double psi = 0;
  double ks = 0;
};

class DriftMonitor {
 public:
  // Reads `csv` (header + numeric rows). `feature_names` (the model's
  // column order) picks and orders the columns when given; otherwise the
  // first `width` columns are used. kInvalidArgument for unreadable or
  // mismatched files.
  static Result<std::unique_ptr<DriftMonitor>> FromCsv(const std::filesystem::path& csv,
                                                       const std::vector<std::string>& feature_names, int64_t width,
                                                       size_t window = 10000);

  // Records the rows of a served [rows, width] numeric input.
  void Observe(const Tensor& input);
  std::vector<FeatureDrift> Compute() const;
  size_t reference_rows() const { return reference_rows_; }
  size_t window_rows() const;

 private:
  DriftMonitor() = default;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> reference_;  // per feature, sorted
  size_t reference_rows_ = 0;
  size_t window_ = 0;
  mutable std::mutex mu_;
  std::vector<std::deque<double>> recent_;  // per feature; guarded by mu_
};

}  // namespace cairn::serving
