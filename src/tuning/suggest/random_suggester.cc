#include "tuning/suggest/random_suggester.h"

#include "tuning/suggest/rng.h"

namespace cairn::tuning::suggest {

namespace {

class RandomSuggester : public Suggester {
 public:
  RandomSuggester(SpaceCodec codec, uint64_t seed) : codec_(std::move(codec)), seed_(seed) {}

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    // The stream index is the history length: a restarted server asking with
    // the same history draws the same values.
    Rng rng(seed_, trials.size());
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) out.push_back({codec_.Decode(SamplePrior(codec_, rng)), {}});
    return out;
  }

 private:
  SpaceCodec codec_;
  uint64_t seed_;
};

}  // namespace

std::vector<double> SamplePrior(const SpaceCodec& codec, Rng& rng) {
  std::vector<double> u(codec.dims());
  for (int d = 0; d < codec.dims(); ++d) u[d] = codec.FromPrior(d, rng.Uniform());
  return u;
}

Result<std::unique_ptr<Suggester>> CreateRandomSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                         AlgorithmSettings& /*settings*/) {
  return std::unique_ptr<Suggester>(new RandomSuggester(codec, config.seed));
}

}  // namespace cairn::tuning::suggest
