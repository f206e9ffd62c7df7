#include "tuning/suggest/median_stop.h"

#include <algorithm>

namespace cairn::tuning::suggest {

namespace {

class MedianStop : public EarlyStopper {
 public:
  MedianStop(int min_trials, int start_step) : min_trials_(min_trials), start_step_(start_step) {}

  bool ShouldStop(const TrialObservation& trial, const std::vector<TrialObservation>& trials) const override {
    if (static_cast<int>(trial.intermediate_losses.size()) < start_step_) return false;
    std::vector<double> means;
    for (const TrialObservation& t : trials) {
      if (t.state != TrialState::kSucceeded || t.intermediate_losses.empty() || t.name == trial.name) continue;
      const size_t n = std::min<size_t>(t.intermediate_losses.size(), start_step_);
      double sum = 0;
      for (size_t i = 0; i < n; ++i) sum += t.intermediate_losses[i].second;
      means.push_back(sum / static_cast<double>(n));
    }
    if (static_cast<int>(means.size()) < min_trials_) return false;
    std::sort(means.begin(), means.end());
    const size_t m = means.size();
    const double median = m % 2 == 1 ? means[m / 2] : 0.5 * (means[m / 2 - 1] + means[m / 2]);
    return trial.intermediate_losses.back().second > median;
  }

 private:
  int min_trials_;
  int start_step_;
};

}  // namespace

Result<std::unique_ptr<EarlyStopper>> CreateMedianStop(AlgorithmSettings& settings) {
  CAIRN_ASSIGN_OR_RETURN(int64_t min_trials, settings.Int("min_trials_required", 3, 1, 1'000'000));
  CAIRN_ASSIGN_OR_RETURN(int64_t start_step, settings.Int("start_step", 4, 1, 1'000'000));
  return std::unique_ptr<EarlyStopper>(new MedianStop(static_cast<int>(min_trials), static_cast<int>(start_step)));
}

}  // namespace cairn::tuning::suggest
