// Search-quality benchmark for the tuning algorithms (not a test).
//
// Runs every algorithm on standard test functions for `--budget` sequential
// trials over `--seeds` seeds and prints, per (algorithm, function, budget
// checkpoint), the median over seeds of the best value found; then the
// latency of one suggestion with 1,000 finished trials in the history.
// bench/tuning_quality_optuna.py runs Optuna on the same functions; see
// bench/RESULTS.md ("Tuning search quality") for numbers and how to rerun.
//
//   tuning_quality [--seeds N] [--budget N] [--algorithms a,b] [--functions f,g]
//                  [--gp-seeds N] [--latency-only] [--no-latency] [--threads N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <numbers>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tuning/suggest/rng.h"
#include "tuning/suggester.h"

namespace {

using cairn::tuning::ParameterSpec;
using cairn::tuning::ParameterType;
using cairn::tuning::SuggesterConfig;
using cairn::tuning::TrialObservation;
using cairn::tuning::TrialState;

struct TestFunction {
  std::string name;
  std::vector<std::pair<double, double>> bounds;
  std::function<double(const std::vector<double>&)> f;
  double noise_sd = 0;  // the algorithm sees f + N(0, sd^2); the score is the true f of its best-seen trial
  double optimum = 0;
};

double Branin(const std::vector<double>& x) {
  const double pi = std::numbers::pi;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  const double u = x[1] - b * x[0] * x[0] + c * x[0] - 6;
  return u * u + 10 * (1 - t) * std::cos(x[0]) + 10;
}

double Hartmann6(const std::vector<double>& x) {
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                 {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8},
                                 {17, 8, 0.05, 10, 0.1, 14}};
  static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                 {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                 {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  double sum = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
    sum += alpha[i] * std::exp(-inner);
  }
  return -sum;
}

double Rosenbrock(const std::vector<double>& x) {
  double s = 0;
  for (size_t i = 0; i + 1 < x.size(); ++i) {
    s += 100 * std::pow(x[i + 1] - x[i] * x[i], 2) + std::pow(1 - x[i], 2);
  }
  return s;
}

std::vector<TestFunction> Functions() {
  std::vector<TestFunction> fs;
  fs.push_back({"branin", {{-5, 10}, {0, 15}}, Branin, 0, 0.397887});
  fs.push_back({"hartmann6", std::vector<std::pair<double, double>>(6, {0, 1}), Hartmann6, 0, -3.32237});
  fs.push_back({"rosenbrock10", std::vector<std::pair<double, double>>(10, {-5, 10}), Rosenbrock, 0, 0});
  fs.push_back({"noisy-hartmann6", std::vector<std::pair<double, double>>(6, {0, 1}), Hartmann6, 0.1, -3.32237});
  return fs;
}

// Extra algorithm settings from --settings name=value,... (for experiments).
std::vector<std::pair<std::string, std::string>> g_settings;

SuggesterConfig ConfigFor(const std::string& algorithm, const TestFunction& fn, uint64_t seed) {
  SuggesterConfig c;
  c.algorithm = algorithm;
  c.seed = seed;
  if (algorithm != "random") c.settings = g_settings;
  for (size_t i = 0; i < fn.bounds.size(); ++i) {
    ParameterSpec p;
    p.name = "x" + std::to_string(i);
    p.type = ParameterType::kDouble;
    p.min = fn.bounds[i].first;
    p.max = fn.bounds[i].second;
    c.space.parameters.push_back(p);
  }
  return c;
}

std::vector<double> Point(const cairn::tuning::Assignment& a) {
  std::vector<double> x;
  for (const auto& v : a) x.push_back(std::stod(v.value));
  return x;
}

// Best true value after each trial (index i: after i+1 trials).
std::vector<double> RunOnce(const std::string& algorithm, const TestFunction& fn, uint64_t seed, int budget) {
  auto suggester = cairn::tuning::MakeSuggester(ConfigFor(algorithm, fn, seed));
  if (!suggester.ok()) {
    std::fprintf(stderr, "%s: %s\n", algorithm.c_str(), suggester.status().message().c_str());
    std::exit(1);
  }
  cairn::tuning::suggest::Rng noise(seed ^ 0x5eed, 0);
  std::vector<TrialObservation> trials;
  std::vector<double> best_curve;
  double best_seen = INFINITY, best_true = INFINITY;
  for (int i = 0; i < budget; ++i) {
    auto got = (*suggester)->Suggest(trials, 1);
    if (!got.ok() || got->empty()) break;
    TrialObservation t;
    t.name = "t" + std::to_string(i);
    t.assignment = (*got)[0].assignment;
    t.labels = (*got)[0].labels;
    t.state = TrialState::kSucceeded;
    const double truth = fn.f(Point(t.assignment));
    const double seen = truth + fn.noise_sd * noise.Normal();
    t.loss = seen;
    if (seen < best_seen) best_seen = seen, best_true = truth;
    best_curve.push_back(best_true);
    trials.push_back(std::move(t));
  }
  while (static_cast<int>(best_curve.size()) < budget) best_curve.push_back(best_true);  // grid ran out
  return best_curve;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

double LatencyMs(const std::string& algorithm) {
  // 1,000 finished trials at random points of Hartmann-6.
  TestFunction fn = Functions()[1];
  SuggesterConfig config = ConfigFor(algorithm, fn, 1);
  std::vector<TrialObservation> trials;
  cairn::tuning::suggest::Rng rng(99, 0);
  auto s = cairn::tuning::MakeSuggester(config);
  if (!s.ok()) return NAN;
  if (algorithm == "cmaes") {
    // CMA-ES replays its own labelled generations: time it on its own history.
    while (trials.size() < 1000) {
      auto got = (*s)->Suggest(trials, 1);
      TrialObservation t;
      t.name = "t" + std::to_string(trials.size());
      t.assignment = (*got)[0].assignment;
      t.labels = (*got)[0].labels;
      t.state = TrialState::kSucceeded;
      t.loss = fn.f(Point(t.assignment));
      trials.push_back(std::move(t));
    }
  } else {
    auto random = cairn::tuning::MakeSuggester(ConfigFor("random", fn, 5));
    auto history = (*random)->Suggest({}, 1000);
    for (int i = 0; i < 1000; ++i) {
      TrialObservation t;
      t.name = "t" + std::to_string(i);
      t.assignment = (*history)[i].assignment;
      t.state = TrialState::kSucceeded;
      t.loss = fn.f(Point(t.assignment));
      trials.push_back(std::move(t));
    }
  }
  if (!s.ok()) return NAN;
  std::vector<double> times;
  for (int rep = 0; rep < 3; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    auto got = (*s)->Suggest(trials, 1);
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!got.ok()) return NAN;
    trials.pop_back();  // a different history each time, same size ~1,000
  }
  return Median(times);
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 20, budget = 200, gp_seeds = 20, threads = 1;
  bool latency = true, quality = true;
  std::vector<std::string> algorithms = {"random", "sobol", "tpe", "multivariate-tpe", "bayesianoptimization", "cmaes"};
  std::vector<std::string> function_names;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--seeds") seeds = std::atoi(next().c_str());
    else if (arg == "--gp-seeds") gp_seeds = std::atoi(next().c_str());
    else if (arg == "--budget") budget = std::atoi(next().c_str());
    else if (arg == "--threads") threads = std::max(1, std::atoi(next().c_str()));
    else if (arg == "--algorithms") algorithms = Split(next());
    else if (arg == "--functions") function_names = Split(next());
    else if (arg == "--settings") {
      for (const std::string& kv : Split(next())) {
        const auto eq = kv.find('=');
        g_settings.push_back({kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1)});
      }
    } else if (arg == "--latency-only") quality = false;
    else if (arg == "--no-latency") latency = false;
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  std::vector<std::string> known = cairn::tuning::SuggesterNames();
  std::erase_if(algorithms, [&](const std::string& a) {
    const bool ok = std::find(known.begin(), known.end(), a) != known.end();
    if (!ok) std::fprintf(stderr, "skipping %s: not registered\n", a.c_str());
    return !ok;
  });
  std::vector<TestFunction> functions = Functions();
  if (!function_names.empty()) {
    std::erase_if(functions, [&](const TestFunction& f) {
      return std::find(function_names.begin(), function_names.end(), f.name) == function_names.end();
    });
  }
  const std::vector<int> checkpoints = {50, 200};
  if (quality) {
    std::printf("| algorithm | function | best@50 median (seeds) | best@200 median (seeds) | seconds |\n");
    std::printf("|---|---|---|---|---|\n");
    for (const std::string& algorithm : algorithms) {
      for (const TestFunction& fn : functions) {
        const int n_seeds = seeds;
        std::vector<std::vector<double>> curves(n_seeds);
        const auto start = std::chrono::steady_clock::now();
        std::atomic<int> next_seed{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
          pool.emplace_back([&] {
            for (int s = next_seed++; s < n_seeds; s = next_seed++) {
              // The GP's long runs are the slow part: only the first
              // --gp-seeds seeds go past 50 trials.
              const bool short_run = algorithm == "bayesianoptimization" && s >= gp_seeds;
              curves[s] = RunOnce(algorithm, fn, 1000 + s, short_run ? std::min(budget, 50) : budget);
            }
          });
        }
        for (std::thread& t : pool) t.join();
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("| %s | %s |", algorithm.c_str(), fn.name.c_str());
        for (int cp : checkpoints) {
          std::vector<double> at;
          for (const auto& c : curves) {
            if (static_cast<int>(c.size()) >= cp) at.push_back(c[cp - 1]);
          }
          if (at.empty()) {
            std::printf(" - |");
          } else {
            std::printf(" %.4g (%zu) |", Median(at), at.size());
          }
        }
        std::printf(" %.1f |\n", secs);
        std::fflush(stdout);
      }
    }
  }
  if (latency) {
    std::printf("\n| algorithm | ms per suggestion at 1,000 finished trials (Hartmann-6) |\n|---|---|\n");
    for (const std::string& algorithm : algorithms) {
      std::printf("| %s | %.2f |\n", algorithm.c_str(), LatencyMs(algorithm));
      std::fflush(stdout);
    }
  }
  return 0;
}
