#include "tuning/suggest/grid_suggester.h"

#include <unordered_set>

#include <fmt/format.h>

namespace cairn::tuning::suggest {

namespace {

class GridSuggester : public Suggester {
 public:
  GridSuggester(SpaceCodec codec, int64_t total) : codec_(std::move(codec)), total_(total) {}

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    const std::unordered_set<std::string> used = UsedKeys(trials);
    std::vector<Suggestion> out;
    // Walking from 0 each call costs O(trials + count): every skipped index
    // is a used combination.
    for (int64_t index = 0; index < total_ && static_cast<int>(out.size()) < count; ++index) {
      Assignment a = AssignmentAt(index);
      if (!used.contains(Key(a))) out.push_back({std::move(a), {}});
    }
    return out;
  }

  bool Exhausted(const std::vector<TrialObservation>& trials) const override {
    if (static_cast<int64_t>(trials.size()) < total_) return false;  // each trial covers at most one
    const std::unordered_set<std::string> used = UsedKeys(trials);
    for (int64_t index = 0; index < total_; ++index) {
      if (!used.contains(Key(AssignmentAt(index)))) return false;
    }
    return true;
  }

 private:
  // Mixed radix, last parameter fastest (as itertools.product).
  Assignment AssignmentAt(int64_t index) const {
    Assignment a(codec_.dims());
    for (int d = codec_.dims() - 1; d >= 0; --d) {
      const int64_t n = codec_.Choices(d);
      a[d] = {codec_.spec(d).name, codec_.ChoiceText(d, index % n)};
      index /= n;
    }
    return a;
  }

  // A trial's values in space order joined by a separator no YAML scalar
  // holds; trials are matched by text because grid values are exactly what
  // this suggester printed.
  std::string Key(const Assignment& a) const {
    std::string key;
    for (int d = 0; d < codec_.dims(); ++d) {
      for (const ParameterValue& pv : a) {
        if (pv.name == codec_.spec(d).name) {
          key += pv.value;
          break;
        }
      }
      key += '\x1f';
    }
    return key;
  }

  std::unordered_set<std::string> UsedKeys(const std::vector<TrialObservation>& trials) const {
    std::unordered_set<std::string> used;
    for (const TrialObservation& t : trials) used.insert(Key(t.assignment));
    return used;
  }

  SpaceCodec codec_;
  int64_t total_;
};

}  // namespace

Result<std::unique_ptr<Suggester>> CreateGridSuggester(const SuggesterConfig& /*config*/, const SpaceCodec& codec,
                                                       AlgorithmSettings& /*settings*/) {
  int64_t total = 1;
  for (int d = 0; d < codec.dims(); ++d) {
    if (codec.Choices(d) == 0) {
      return InvalidArgument(
          fmt::format("algorithm grid: double parameter \"{}\" needs a step (feasibleSpace.step)", codec.spec(d).name));
    }
    if (total > (int64_t{1} << 62) / codec.Choices(d)) {
      return InvalidArgument("algorithm grid: the search space has more than 2^62 combinations");
    }
    total *= codec.Choices(d);
  }
  return std::unique_ptr<Suggester>(new GridSuggester(codec, total));
}

}  // namespace cairn::tuning::suggest
