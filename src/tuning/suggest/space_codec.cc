#include "tuning/suggest/space_codec.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "tuning/suggest/number_text.h"
#include "tuning/suggest/rng.h"

namespace cairn::tuning::suggest {

namespace {

bool IsLog(Distribution d) { return d == Distribution::kLogUniform || d == Distribution::kLogNormal; }
bool IsNormal(Distribution d) { return d == Distribution::kNormal || d == Distribution::kLogNormal; }

double Clamp01(double u) { return std::clamp(u, 0.0, 1.0); }

// Grid values are min + j*step; printing them with 12 significant digits
// gives "0.3" for 0.1 + 2*0.1 rather than its floating-point residue.
std::string GridDoubleText(double v) {
  const std::string short_text = fmt::format("{:.12g}", v);
  return FormatDoubleValue(*ParseNumber(short_text));
}

}  // namespace

Result<SpaceCodec> SpaceCodec::Create(const SearchSpace& space) {
  Status valid = ValidateSearchSpace(space);
  if (!valid.ok()) return valid;
  std::vector<Dim> dims;
  for (const ParameterSpec& p : space.parameters) {
    Dim dim;
    dim.spec = p;
    dim.log = IsLog(p.distribution);
    switch (p.type) {
      case ParameterType::kCategorical:
      case ParameterType::kDiscrete: {
        dim.kind = Kind::kList;
        dim.count = static_cast<int64_t>(p.list.size());
        dim.order.resize(p.list.size());
        std::iota(dim.order.begin(), dim.order.end(), 0);
        if (p.type == ParameterType::kDiscrete) {
          for (const std::string& v : p.list) dim.numbers.push_back(*ParseNumber(v));
          std::stable_sort(dim.order.begin(), dim.order.end(),
                           [&](int a, int b) { return dim.numbers[a] < dim.numbers[b]; });
        }
        break;
      }
      case ParameterType::kInt:
      case ParameterType::kDouble: {
        const bool grid = p.type == ParameterType::kInt || p.step.has_value();
        if (!grid) {
          dim.kind = Kind::kContinuous;
          dim.count = p.min == p.max ? 1 : 0;
          dim.lo = dim.log ? std::log(p.min) : p.min;
          dim.hi = dim.log ? std::log(p.max) : p.max;
          if (dim.count == 1) dim.kind = Kind::kGrid;
        } else {
          dim.kind = Kind::kGrid;
        }
        if (dim.kind == Kind::kGrid) {
          dim.step = p.step.value_or(1.0);
          // A tiny tolerance so that max = min + k*step counts k despite rounding.
          const double span = (p.max - p.min) / dim.step;
          const double n = std::floor(span + 1e-9) + 1;
          if (n > 1e15) return InvalidArgument(fmt::format("parameter \"{}\": step is too small for the range", p.name));
          dim.count = static_cast<int64_t>(n);
          const double last = p.min + static_cast<double>(dim.count - 1) * dim.step;
          dim.lo = dim.log ? std::log(p.min) : p.min;
          dim.hi = dim.log ? std::log(last) : last;
        }
        break;
      }
    }
    dims.push_back(std::move(dim));
  }
  return SpaceCodec(std::move(dims));
}

double SpaceCodec::GridValue(const Dim& dim, int64_t j) const { return dim.spec.min + static_cast<double>(j) * dim.step; }

int64_t SpaceCodec::ChoiceAt(int d, double u) const {
  const Dim& dim = dims_[d];
  if (dim.count <= 1) return 0;
  u = Clamp01(u);
  if (dim.kind == Kind::kGrid && dim.log) {
    const double v = std::exp(dim.lo + u * (dim.hi - dim.lo));
    const auto j = static_cast<int64_t>(std::llround((v - dim.spec.min) / dim.step));
    return std::clamp<int64_t>(j, 0, dim.count - 1);
  }
  const auto j = static_cast<int64_t>(std::floor(u * static_cast<double>(dim.count)));
  return std::clamp<int64_t>(j, 0, dim.count - 1);
}

double SpaceCodec::ChoiceUnit(int d, int64_t j) const {
  const Dim& dim = dims_[d];
  if (dim.count <= 1) return 0.5;
  if (dim.kind == Kind::kGrid && dim.log) {
    if (dim.hi == dim.lo) return 0.5;
    return Clamp01((std::log(GridValue(dim, j)) - dim.lo) / (dim.hi - dim.lo));
  }
  return (static_cast<double>(j) + 0.5) / static_cast<double>(dim.count);
}

std::string SpaceCodec::ChoiceText(int d, int64_t j) const {
  const Dim& dim = dims_[d];
  if (dim.kind == Kind::kList) return dim.spec.list[dim.order[j]];
  const double v = std::min(GridValue(dim, j), dim.spec.max);
  if (dim.spec.type == ParameterType::kInt) return fmt::format("{}", static_cast<int64_t>(std::llround(v)));
  return dim.spec.step ? GridDoubleText(v) : FormatDoubleValue(v);
}

double SpaceCodec::Snap(int d, double u) const {
  const Dim& dim = dims_[d];
  if (dim.kind == Kind::kContinuous) return Clamp01(u);
  return ChoiceUnit(d, ChoiceAt(d, u));
}

double SpaceCodec::FromPrior(int d, double uniform) const {
  if (!IsNormal(dims_[d].spec.distribution)) return uniform;
  return Clamp01(0.5 + NormalQuantile(uniform) / 6.0);
}

std::string SpaceCodec::ValueText(int d, double u) const {
  const Dim& dim = dims_[d];
  if (dim.kind != Kind::kContinuous) return ChoiceText(d, ChoiceAt(d, u));
  const double x = dim.lo + Clamp01(u) * (dim.hi - dim.lo);
  const double v = std::clamp(dim.log ? std::exp(x) : x, dim.spec.min, dim.spec.max);
  return FormatDoubleValue(v);
}

Assignment SpaceCodec::Decode(std::span<const double> unit) const {
  Assignment out;
  out.reserve(dims_.size());
  for (int d = 0; d < dims(); ++d) out.push_back({dims_[d].spec.name, ValueText(d, unit[d])});
  return out;
}

std::optional<std::vector<double>> SpaceCodec::Encode(const Assignment& assignment) const {
  std::vector<double> unit(dims_.size());
  for (int d = 0; d < dims(); ++d) {
    const Dim& dim = dims_[d];
    // Assignments normally come in space order; fall back to a search.
    const ParameterValue* pv = nullptr;
    if (d < static_cast<int>(assignment.size()) && assignment[d].name == dim.spec.name) {
      pv = &assignment[d];
    } else {
      for (const ParameterValue& a : assignment) {
        if (a.name == dim.spec.name) pv = &a;
      }
    }
    if (pv == nullptr) return std::nullopt;
    if (dim.kind == Kind::kList) {
      std::optional<int64_t> cell;
      for (int64_t j = 0; j < dim.count && !cell; ++j) {
        if (dim.spec.list[dim.order[j]] == pv->value) cell = j;
      }
      if (!cell && dim.spec.type == ParameterType::kDiscrete) {
        if (std::optional<double> v = ParseNumber(pv->value)) {
          for (int64_t j = 0; j < dim.count && !cell; ++j) {
            if (dim.numbers[dim.order[j]] == *v) cell = j;
          }
        }
      }
      if (!cell) return std::nullopt;
      unit[d] = ChoiceUnit(d, *cell);
      continue;
    }
    std::optional<double> v = ParseNumber(pv->value);
    if (!v || *v < dim.spec.min - 1e-9 * (1 + std::fabs(dim.spec.min)) ||
        *v > dim.spec.max + 1e-9 * (1 + std::fabs(dim.spec.max))) {
      return std::nullopt;
    }
    if (dim.kind == Kind::kGrid) {
      const auto j = std::clamp<int64_t>(std::llround((*v - dim.spec.min) / dim.step), 0, dim.count - 1);
      unit[d] = ChoiceUnit(d, j);
    } else {
      const double x = dim.log ? std::log(std::max(*v, dim.spec.min)) : *v;
      unit[d] = dim.hi == dim.lo ? 0.5 : Clamp01((x - dim.lo) / (dim.hi - dim.lo));
    }
  }
  return unit;
}

}  // namespace cairn::tuning::suggest
