// A small, portable random number generator for suggesters.
//
// std::uniform_real_distribution and friends are implementation-defined, so
// the same seed could give other suggestions after a toolchain change; a
// restarted server must continue an experiment identically, so suggesters
// draw only through this class (xoshiro256** seeded by splitmix64).
// Thread-compatible.
#pragma once

#include <cstdint>

namespace cairn::tuning::suggest {

class Rng {
 public:
  // `stream` separates independent streams of one seed (e.g. the number of
  // trials already seen, so every Suggest call gets its own draws).
  Rng(uint64_t seed, uint64_t stream);

  uint64_t Next();
  // Uniform in [0, 1).
  double Uniform();
  // Uniform integer in [0, n), n > 0.
  uint64_t Below(uint64_t n);
  // Standard normal.
  double Normal();

 private:
  uint64_t s_[4];
};

// The standard normal density, distribution function and its inverse
// (p in (0,1); clamped to +-8.3 at the ends).
double NormalPdf(double x);
double NormalCdf(double x);
double NormalQuantile(double p);

}  // namespace cairn::tuning::suggest
