#include "tuning/suggest/sobol_sequence.h"

#include <bit>
#include <cstddef>

#include "tuning/suggest/rng.h"

namespace cairn::tuning::suggest {

namespace {

int Degree(uint32_t poly) { return 31 - std::countl_zero(poly); }

// a * b mod p over GF(2), all of degree < deg(p) <= 31.
uint32_t MulMod(uint32_t a, uint32_t b, uint32_t p) {
  const int deg = Degree(p);
  uint64_t result = 0;
  uint64_t x = a;
  while (b) {
    if (b & 1) result ^= x;
    b >>= 1;
    x <<= 1;
    if (x >> deg & 1) x ^= p;
  }
  return static_cast<uint32_t>(result);
}

uint32_t PowMod(uint32_t base, uint64_t e, uint32_t p) {
  uint32_t result = 1;
  while (e) {
    if (e & 1) result = MulMod(result, base, p);
    base = MulMod(base, base, p);
    e >>= 1;
  }
  return result;
}

// x generates the multiplicative group of GF(2)[x]/p, of order 2^deg - 1:
// x^(2^deg-1) = 1 and x^((2^deg-1)/q) != 1 for every prime q dividing it.
bool IsPrimitive(uint32_t p) {
  const int deg = Degree(p);
  if ((p & 1) == 0) return false;
  if (deg == 1) return true;  // x + 1
  const uint64_t order = (uint64_t{1} << deg) - 1;
  if (PowMod(2, order, p) != 1) return false;
  uint64_t rest = order;
  for (uint64_t q = 2; q * q <= rest; ++q) {
    if (rest % q) continue;
    if (PowMod(2, order / q, p) == 1) return false;
    while (rest % q == 0) rest /= q;
  }
  return rest == 1 || PowMod(2, order / rest, p) != 1;
}

}  // namespace

std::vector<uint32_t> PrimitivePolynomials(int count) {
  std::vector<uint32_t> out;
  for (uint32_t p = 3; static_cast<int>(out.size()) < count && p < (1u << 24); ++p) {
    if (IsPrimitive(p)) out.push_back(p);
  }
  return out;
}

SobolSequence::SobolSequence(int dims) {
  const std::vector<uint32_t> polys = PrimitivePolynomials(dims > 1 ? dims - 1 : 0);
  Rng init(0x50b01, 0);  // fixed: the sequence must not change between releases
  for (int d = 0; d < dims; ++d) {
    std::vector<uint32_t> v(kBits);
    if (d == 0) {
      for (int k = 0; k < kBits; ++k) v[k] = 1u << (kBits - 1 - k);
      directions_.push_back(std::move(v));
      continue;
    }
    const uint32_t p = polys[d - 1];
    const int s = Degree(p);
    std::vector<uint32_t> m(kBits);
    for (int k = 0; k < s && k < kBits; ++k) {
      // m_{k+1} odd and < 2^(k+1).
      m[k] = static_cast<uint32_t>(init.Below(uint64_t{1} << k)) * 2 + 1;
    }
    for (int k = s; k < kBits; ++k) {
      // m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s},
      // a_j the coefficient of x^(s-j).
      uint32_t mk = m[k - s] ^ (m[k - s] << s);
      for (int j = 1; j < s; ++j) {
        if (p >> (s - j) & 1) mk ^= m[k - j] << j;
      }
      m[k] = mk;
    }
    for (int k = 0; k < kBits; ++k) v[k] = m[k] << (kBits - 1 - k);
    directions_.push_back(std::move(v));
  }
}

std::vector<uint32_t> SobolSequence::Point(uint64_t index) const {
  // Gray-code order: point i is the XOR of the direction numbers of the set
  // bits of gray(i), the same point set as the classic recursion.
  const uint64_t gray = index ^ (index >> 1);
  std::vector<uint32_t> x(directions_.size(), 0);
  for (std::size_t d = 0; d < directions_.size(); ++d) {
    for (int k = 0; k < kBits && (gray >> k) != 0; ++k) {
      if (gray >> k & 1) x[d] ^= directions_[d][k];
    }
  }
  return x;
}

}  // namespace cairn::tuning::suggest
