#include "tuning/suggest/asha_suggester.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "tuning/suggest/random_suggester.h"
#include "tuning/suggest/resource_parameter.h"
#include "tuning/suggest/rng.h"
#include "tuning/suggest/rung_history.h"

namespace cairn::tuning::suggest {

namespace {

constexpr char kBracket[] = "asha.bracket";  // always 0; read for symmetry with hyperband
constexpr char kRung[] = "asha.rung";
constexpr char kConfig[] = "asha.config";

class AshaSuggester : public Suggester {
 public:
  AshaSuggester(SpaceCodec codec, uint64_t seed, ResourceParameter resource, double eta, double min_resource,
                int top_rung)
      : codec_(std::move(codec)),
        seed_(seed),
        resource_(resource),
        eta_(eta),
        min_resource_(min_resource),
        top_rung_(top_rung) {}

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    const RungHistory history = ReadRungs(trials, kBracket, kRung, kConfig);
    int next_config = 0;
    std::vector<std::set<int>> present(top_rung_ + 1);
    for (const auto& [key, rung] : history) {
      for (const auto& [config, e] : rung) {
        next_config = std::max(next_config, config + 1);
        if (key.second <= top_rung_) present[key.second].insert(config);
      }
    }
    std::vector<Suggestion> out;
    for (int i = 0; i < count; ++i) {
      std::optional<Suggestion> promotion;
      for (int k = top_rung_ - 1; k >= 0 && !promotion; --k) {
        const auto it = history.find({0, k});
        if (it == history.end()) continue;
        const std::vector<int> ranked = RankedConfigs(it->second);
        const size_t promotable = static_cast<size_t>(std::floor(ranked.size() / eta_ + 1e-9));
        for (size_t j = 0; j < promotable; ++j) {
          const int c = ranked[j];
          if (present[k + 1].contains(c)) continue;
          Assignment a = WithValue(*it->second.at(c).assignment, resource_.Name(codec_), resource_.Text(Resource(k + 1)));
          promotion = Labelled(std::move(a), k + 1, c);
          present[k + 1].insert(c);
          break;
        }
      }
      if (promotion) {
        out.push_back(std::move(*promotion));
        continue;
      }
      const int c = next_config++;
      Rng rng(seed_, static_cast<uint64_t>(c));
      Assignment a = codec_.Decode(SamplePrior(codec_, rng));
      out.push_back(Labelled(WithValue(std::move(a), resource_.Name(codec_), resource_.Text(Resource(0))), 0, c));
      present[0].insert(c);
    }
    return out;
  }

 private:
  double Resource(int rung) const { return min_resource_ * std::pow(eta_, rung); }

  static Suggestion Labelled(Assignment a, int rung, int config) {
    return {std::move(a), {{kRung, std::to_string(rung)}, {kConfig, std::to_string(config)}}};
  }

  SpaceCodec codec_;
  uint64_t seed_;
  ResourceParameter resource_;
  double eta_;
  double min_resource_;
  int top_rung_;
};

}  // namespace

Result<std::unique_ptr<Suggester>> CreateAshaSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                       AlgorithmSettings& settings) {
  CAIRN_ASSIGN_OR_RETURN(ResourceParameter resource, ReadResourceParameter("asha", codec, settings));
  CAIRN_ASSIGN_OR_RETURN(double eta, settings.Double("eta", 3, 1.01, 1000));
  CAIRN_ASSIGN_OR_RETURN(double max_resource, settings.Double("max_resource", resource.max, 1e-12, 1e12));
  // The defaults come from the resource parameter's range, which no setting
  // range has checked.
  if (!(max_resource >= 1e-12 && max_resource <= 1e12)) {
    return InvalidArgument(
        "algorithm asha needs max_resource in [1e-12, 1e12] (default: the resource parameter's max)");
  }
  const double default_min = resource.min > 0 ? resource.min : max_resource / (eta * eta * eta);
  CAIRN_ASSIGN_OR_RETURN(double min_resource, settings.Double("min_resource", default_min, 1e-12, max_resource));
  if (!(min_resource >= 1e-12 && min_resource <= max_resource)) {
    return InvalidArgument("algorithm asha needs min_resource in [1e-12, max_resource] (default: the resource "
                           "parameter's min)");
  }
  const double rungs = std::floor(std::log(max_resource / min_resource) / std::log(eta) + 1e-9);
  if (rungs > 30) return InvalidArgument("algorithm asha: more than 30 rungs; raise eta or min_resource");
  const int top_rung = static_cast<int>(rungs);
  return std::unique_ptr<Suggester>(new AshaSuggester(codec, config.seed, resource, eta, min_resource, top_rung));
}

}  // namespace cairn::tuning::suggest
