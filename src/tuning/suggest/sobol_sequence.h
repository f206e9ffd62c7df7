// SobolSequence: the Sobol low-discrepancy sequence in base 2, with its own
// direction numbers.
//
// Dimension 0 is van der Corput; dimension j >= 1 uses the j-th primitive
// polynomial over GF(2) in order of degree (found by testing the order of x
// modulo each candidate, not from a table) and initial direction integers
// m_k, odd and < 2^k, drawn from a fixed generator. Any such choice gives a
// valid digital (t,s)-sequence; tables such as Joe & Kuo's only tune the
// t-values of low-dimensional projections further.
// Thread-compatible; immutable after construction.
#pragma once

#include <cstdint>
#include <vector>

namespace cairn::tuning::suggest {

class SobolSequence {
 public:
  static constexpr int kBits = 32;
  explicit SobolSequence(int dims);

  int dims() const { return static_cast<int>(directions_.size()); }
  // Point `index` (0, 1, 2, ...) of the sequence, each coordinate an integer
  // in [0, 2^32) (divide by 2^32 for [0,1)).
  std::vector<uint32_t> Point(uint64_t index) const;

 private:
  std::vector<std::vector<uint32_t>> directions_;  // [dim][bit]
};

// Primitive polynomials over GF(2), in order of degree then value, as bit
// masks with the x^degree and 1 terms included (x+1 is 0b11). Exposed for
// tests.
std::vector<uint32_t> PrimitivePolynomials(int count);

}  // namespace cairn::tuning::suggest
