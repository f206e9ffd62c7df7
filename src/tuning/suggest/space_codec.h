// SpaceCodec: maps a SearchSpace onto the unit cube [0,1]^d that the
// algorithms search, and unit points back to the text values a trial gets.
//
// Per parameter:
//   * double: linear (or log for log distributions) in [min, max];
//   * int, or double with a step: the grid min, min+step, ... <= max; for a
//     linear scale each grid value owns an equal cell of [0,1], for a log
//     scale the value is the nearest grid point to the log-scaled position;
//   * discrete: the numbers sorted ascending, each owning an equal cell;
//   * categorical: the list as written, each owning an equal cell (unordered:
//     algorithms that can, treat it as a choice, see IsCategorical).
// Normal / log-normal distributions are a prior over the unit coordinate
// (mean 0.5, sd 1/6, clipped), applied by FromPrior; models see the plain
// unit coordinate.
// Thread-compatible; cheap to copy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "tuning/search_space.h"

namespace cairn::tuning::suggest {

class SpaceCodec {
 public:
  // kInvalidArgument when ValidateSearchSpace fails.
  static Result<SpaceCodec> Create(const SearchSpace& space);

  int dims() const { return static_cast<int>(dims_.size()); }
  const ParameterSpec& spec(int d) const { return dims_[d].spec; }

  // The number of distinct values of dimension d; 0 for a continuous double.
  int64_t Choices(int d) const { return dims_[d].count; }
  bool IsCategorical(int d) const { return dims_[d].spec.type == ParameterType::kCategorical; }
  bool IsNumeric(int d) const { return !IsCategorical(d); }
  // True when each of the Choices(d) values owns the equal cell
  // [j/n, (j+1)/n) of the unit interval (lists, linear int/step grids).
  bool EqualCells(int d) const { return dims_[d].count > 0 && !(dims_[d].kind == Kind::kGrid && dims_[d].log); }

  // Choice index (0 <= j < Choices(d)) of the value at unit coordinate u,
  // for dimensions with Choices(d) > 0.
  int64_t ChoiceAt(int d, double u) const;
  // The unit coordinate of choice j (its cell centre, or its log position).
  double ChoiceUnit(int d, int64_t j) const;
  // The text of choice j.
  std::string ChoiceText(int d, int64_t j) const;

  // The unit coordinate of the value that u decodes to, so that models learn
  // at the point that actually ran (a snapped grid value).
  double Snap(int d, double u) const;
  // A uniform draw in [0,1) turned into a draw of the parameter's prior, in
  // unit coordinates (identity for uniform and log-uniform).
  double FromPrior(int d, double uniform) const;

  // The value text of unit coordinate u for dimension d.
  std::string ValueText(int d, double u) const;
  // A whole unit point (dims() coordinates) as an assignment, in space order.
  Assignment Decode(std::span<const double> unit) const;
  // An assignment back to unit coordinates; nullopt when a parameter is
  // missing or its value is not one this space can produce (e.g. the space
  // changed), so the trial is left out of the model.
  std::optional<std::vector<double>> Encode(const Assignment& assignment) const;

 private:
  enum class Kind { kContinuous, kGrid, kList };
  struct Dim {
    ParameterSpec spec;
    Kind kind = Kind::kContinuous;
    bool log = false;
    double lo = 0, hi = 0;    // continuous / log-grid range (log units when log)
    double step = 1;          // grid step
    int64_t count = 0;        // choices; 0 continuous
    std::vector<int> order;   // kList: cell -> list index (discrete sorted by value)
    std::vector<double> numbers;  // kList discrete: the numbers, by list index
  };
  explicit SpaceCodec(std::vector<Dim> dims) : dims_(std::move(dims)) {}
  double GridValue(const Dim& dim, int64_t j) const;

  std::vector<Dim> dims_;
};

}  // namespace cairn::tuning::suggest
