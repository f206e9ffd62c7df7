// Suggester: a search algorithm (grid, random, sobol, tpe, multivariate-tpe,
// bayesianoptimization, cmaes, hyperband, ...) behind one interface, and
// EarlyStopper (medianstop, ...).
//
// Contract, so that an experiment survives a server restart without
// repeating or losing trials:
//   * Suggest is a pure function of (config, trials, count): the same
//     inputs give the same assignments. Algorithms keep no hidden state that
//     the trial history cannot rebuild (derive the RNG stream from
//     config.seed and trials.size(); hyperband reads its brackets back from
//     the labels it put on earlier suggestions). An implementation may cache
//     work between calls, but the cache must never change results.
//   * Trials are passed in creation order, running ones included (with no
//     loss), so an algorithm can avoid re-suggesting what is in flight.
//
// Thread-compatible: one experiment calls its suggester from one thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "tuning/search_space.h"

namespace cairn::tuning {

enum class ObjectiveType { kMinimize, kMaximize };

enum class TrialState {
  kRunning,
  kSucceeded,
  kFailed,
  kKilled,               // stopped by the user or the experiment ending
  kEarlyStopped,         // stopped by the EarlyStopper; has intermediate values
  kMetricsUnavailable,   // finished, but the objective metric never appeared
};

// What an algorithm sees of one trial.
struct TrialObservation {
  std::string name;
  Assignment assignment;
  TrialState state = TrialState::kRunning;
  // The objective converted so that lower is better (the value for
  // minimize, its negation for maximize); set for kSucceeded and, when some
  // value was reported, kEarlyStopped.
  std::optional<double> loss;
  // The objective metric as reported over time, also as lower-is-better,
  // (step, loss) in report order; steps are the reporter's or 0,1,2,...
  std::vector<std::pair<int64_t, double>> intermediate_losses;
  // The labels its Suggestion carried (e.g. hyperband bracket and rung).
  std::map<std::string, std::string> labels;
};

struct Suggestion {
  Assignment assignment;
  // Persisted with the trial and handed back in TrialObservation::labels.
  std::map<std::string, std::string> labels;
};

struct SuggesterConfig {
  std::string algorithm;                                     // Katib algorithmName
  std::vector<std::pair<std::string, std::string>> settings;  // algorithmSettings, values as text
  SearchSpace space;
  ObjectiveType objective = ObjectiveType::kMinimize;        // informational: losses are already converted
  uint64_t seed = 0;                                         // `random_state` setting overrides it
  int max_trial_count = 0;                                   // 0: unbounded
  int parallel_trial_count = 1;
};

class Suggester {
 public:
  virtual ~Suggester() = default;

  // Up to `count` new assignments. Fewer (even none) when the algorithm must
  // wait for running trials (a hyperband rung) or has run out (grid
  // exhausted: then Exhausted() is true). Never repeats an assignment a
  // deterministic algorithm already handed out.
  virtual Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) = 0;

  // No assignment will ever come again for these trials (grid walked,
  // hyperband's last bracket done). The experiment then ends once its running
  // trials finish (Katib: ExperimentSuggestionEndReached).
  virtual bool Exhausted(const std::vector<TrialObservation>& trials) const { return false; }
};

// kInvalidArgument naming the problem for an unknown algorithm, a setting it
// does not know or cannot parse, or a space it cannot search (an empty or
// inverted range, log distribution with min <= 0, cmaes with fewer than two
// numeric parameters, grid without a step for a double, a grid larger than
// what maxTrialCount allows is fine: it stops at max).
Result<std::unique_ptr<Suggester>> MakeSuggester(const SuggesterConfig& config);

// The algorithm names MakeSuggester accepts, for messages and `validate`.
std::vector<std::string> SuggesterNames();

// Early stopping: asked about each running trial whenever it reports.
class EarlyStopper {
 public:
  virtual ~EarlyStopper() = default;
  // True when `trial` (kRunning, with intermediate_losses) should stop now,
  // given all trials of the experiment (finished ones included).
  virtual bool ShouldStop(const TrialObservation& trial, const std::vector<TrialObservation>& trials) const = 0;
};

// "medianstop" (settings min_trials_required, start_step). kInvalidArgument
// for unknown names or settings.
Result<std::unique_ptr<EarlyStopper>> MakeEarlyStopper(const std::string& algorithm,
                                                       const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace cairn::tuning
