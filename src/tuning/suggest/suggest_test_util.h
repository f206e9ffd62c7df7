// Helpers for the suggester tests: spaces, a driver that runs an algorithm
// against an objective, and value parsing.
#pragma once

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tuning/suggester.h"

namespace cairn::tuning::suggest::testing {

inline ParameterSpec DoubleParam(std::string name, double min, double max,
                                 Distribution dist = Distribution::kUniform) {
  ParameterSpec p;
  p.name = std::move(name);
  p.type = ParameterType::kDouble;
  p.min = min;
  p.max = max;
  p.distribution = dist;
  return p;
}

inline ParameterSpec IntParam(std::string name, double min, double max) {
  ParameterSpec p = DoubleParam(std::move(name), min, max);
  p.type = ParameterType::kInt;
  return p;
}

inline ParameterSpec ListParam(std::string name, ParameterType type, std::vector<std::string> list) {
  ParameterSpec p;
  p.name = std::move(name);
  p.type = type;
  p.list = std::move(list);
  return p;
}

inline SuggesterConfig Config(std::string algorithm, std::vector<ParameterSpec> params, uint64_t seed = 7,
                              std::vector<std::pair<std::string, std::string>> settings = {}) {
  SuggesterConfig c;
  c.algorithm = std::move(algorithm);
  c.space.parameters = std::move(params);
  c.seed = seed;
  c.settings = std::move(settings);
  return c;
}

inline std::map<std::string, std::string> AsMap(const Assignment& a) {
  std::map<std::string, std::string> m;
  for (const ParameterValue& v : a) m[v.name] = v.value;
  return m;
}

inline double Num(const Assignment& a, const std::string& name) { return std::stod(AsMap(a).at(name)); }

using Objective = std::function<double(const Assignment&)>;

// Runs `n` sequential trials (one suggestion at a time, each finished before
// the next), returning the history.
inline std::vector<TrialObservation> RunSequential(Suggester& s, const Objective& f, int n) {
  std::vector<TrialObservation> trials;
  for (int i = 0; i < n; ++i) {
    auto got = s.Suggest(trials, 1);
    EXPECT_TRUE(got.ok()) << got.status().message();
    if (!got.ok() || got->empty()) break;
    TrialObservation t;
    t.name = "t" + std::to_string(i);
    t.assignment = (*got)[0].assignment;
    t.labels = (*got)[0].labels;
    t.state = TrialState::kSucceeded;
    t.loss = f(t.assignment);
    trials.push_back(std::move(t));
  }
  return trials;
}

inline double BestLoss(const std::vector<TrialObservation>& trials) {
  double best = INFINITY;
  for (const TrialObservation& t : trials) {
    if (t.loss) best = std::min(best, *t.loss);
  }
  return best;
}

}  // namespace cairn::tuning::suggest::testing
