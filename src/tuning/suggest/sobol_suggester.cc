#include "tuning/suggest/sobol_suggester.h"

#include "tuning/suggest/rng.h"
#include "tuning/suggest/sobol_sequence.h"

namespace cairn::tuning::suggest {

namespace {

class SobolSuggester : public Suggester {
 public:
  SobolSuggester(SpaceCodec codec, uint64_t seed) : codec_(std::move(codec)), sequence_(codec_.dims()) {
    Rng rng(seed, 0x50b0);
    for (int d = 0; d < codec_.dims(); ++d) shift_.push_back(static_cast<uint32_t>(rng.Next() >> 32));
  }

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) {
      const std::vector<uint32_t> p = sequence_.Point(trials.size() + i);
      std::vector<double> u(codec_.dims());
      for (int d = 0; d < codec_.dims(); ++d) {
        // The centre of the 2^-32 cell keeps u strictly inside (0,1) for the
        // normal quantile.
        u[d] = codec_.FromPrior(d, (static_cast<double>(p[d] ^ shift_[d]) + 0.5) * 0x1.0p-32);
      }
      out.push_back({codec_.Decode(u), {}});
    }
    return out;
  }

 private:
  SpaceCodec codec_;
  SobolSequence sequence_;
  std::vector<uint32_t> shift_;
};

}  // namespace

Result<std::unique_ptr<Suggester>> CreateSobolSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                        AlgorithmSettings& /*settings*/) {
  if (codec.dims() > 1000) return InvalidArgument("algorithm sobol: at most 1000 parameters");
  return std::unique_ptr<Suggester>(new SobolSuggester(codec, config.seed));
}

}  // namespace cairn::tuning::suggest
