#include "tuning/suggest/hyperband_suggester.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tuning/suggest/random_suggester.h"
#include "tuning/suggest/resource_parameter.h"
#include "tuning/suggest/rng.h"
#include "tuning/suggest/rung_history.h"

namespace cairn::tuning::suggest {

namespace {

constexpr char kBracket[] = "hyperband.bracket";
// Keeps every bracket's and rung's size an int.
constexpr double kMaxBracketConfigs = 1e6;
constexpr char kRung[] = "hyperband.rung";
constexpr char kConfig[] = "hyperband.config";

class HyperbandSuggester : public Suggester {
 public:
  HyperbandSuggester(SpaceCodec codec, uint64_t seed, ResourceParameter resource, double eta, double r_l)
      : codec_(std::move(codec)), seed_(seed), resource_(resource), eta_(eta), r_l_(r_l) {
    // The epsilon keeps log_3(27) = 3 from becoming 2.9999.
    s_max_ = static_cast<int>(std::floor(std::log(r_l_) / std::log(eta_) + 1e-9));
    s_max_ = std::max(s_max_, 0);
  }

  Result<std::vector<Suggestion>> Suggest(const std::vector<TrialObservation>& trials, int count) override {
    std::vector<Suggestion> out;
    Walk(trials, count, &out);
    return out;
  }

  bool Exhausted(const std::vector<TrialObservation>& trials) const override { return Walk(trials, 0, nullptr); }

 private:
  int Configs(int s) const {
    const double budget = (s_max_ + 1) * r_l_;
    return static_cast<int>(std::ceil(budget / r_l_ * std::pow(eta_, s) / (s + 1) - 1e-9));
  }
  int RungSize(int s, int i) const {
    return std::max(1, static_cast<int>(std::floor(Configs(s) * std::pow(eta_, -i) + 1e-9)));
  }
  double RungResource(int s, int i) const { return r_l_ * std::pow(eta_, i - s); }

  Suggestion Labelled(Assignment a, int s, int i, int config) const {
    return {std::move(a),
            {{kBracket, std::to_string(s)}, {kRung, std::to_string(i)}, {kConfig, std::to_string(config)}}};
  }

  // Appends up to `count` suggestions to `out` (when not null); true when
  // every bracket has finished.
  bool Walk(const std::vector<TrialObservation>& trials, int count, std::vector<Suggestion>* out) const {
    const RungHistory history = ReadRungs(trials, kBracket, kRung, kConfig);
    auto room = [&] { return out != nullptr && static_cast<int>(out->size()) < count; };
    for (int s = s_max_; s >= 0; --s) {
      for (int i = 0; i <= s; ++i) {
        const auto it = history.find({s, i});
        const std::map<int, RungEntry> empty;
        const std::map<int, RungEntry>& rung = it == history.end() ? empty : it->second;
        const int size = RungSize(s, i);
        if (static_cast<int>(rung.size()) < size) {
          // Hand out the rung's missing members, then wait for them.
          bool as_complete_as_can_be = false;
          if (i == 0) {
            for (int c = 0; c < size && room(); ++c) {
              if (!rung.contains(c)) out->push_back(Labelled(NewConfig(s, c), s, 0, c));
            }
          } else {
            const auto& previous = history.at({s, i - 1});
            const std::vector<int> ranked = RankedConfigs(previous);
            for (int k = 0; k < size && k < static_cast<int>(ranked.size()) && room(); ++k) {
              const int c = ranked[k];
              if (rung.contains(c)) continue;
              Assignment a = WithValue(*previous.at(c).assignment, resource_.Name(codec_),
                                       resource_.Text(RungResource(s, i)));
              out->push_back(Labelled(std::move(a), s, i, c));
            }
            // Fewer finished configurations than the rung wants (failures).
            as_complete_as_can_be = ranked.size() <= rung.size();
          }
          if (!as_complete_as_can_be) return false;
        }
        for (const auto& [c, e] : rung) {
          if (!e.finished) return false;  // the rung is still running
        }
        if (RankedConfigs(rung).empty()) break;  // every trial failed: nothing to promote
      }
    }
    return true;
  }

  Assignment NewConfig(int s, int config) const {
    Rng rng(seed_, (static_cast<uint64_t>(s) << 32) | static_cast<uint64_t>(config));
    Assignment a = codec_.Decode(SamplePrior(codec_, rng));
    return WithValue(std::move(a), resource_.Name(codec_), resource_.Text(RungResource(s, 0)));
  }

  SpaceCodec codec_;
  uint64_t seed_;
  ResourceParameter resource_;
  double eta_;
  double r_l_;
  int s_max_ = 0;
};

}  // namespace

Result<std::unique_ptr<Suggester>> CreateHyperbandSuggester(const SuggesterConfig& config, const SpaceCodec& codec,
                                                            AlgorithmSettings& settings) {
  CAIRN_ASSIGN_OR_RETURN(ResourceParameter resource, ReadResourceParameter("hyperband", codec, settings));
  CAIRN_ASSIGN_OR_RETURN(double eta, settings.Double("eta", 3, 1.01, 1000));
  CAIRN_ASSIGN_OR_RETURN(double r_l, settings.Double("r_l", resource.max, 1e-9, 1e12));
  // r_l defaults to the resource parameter's max, which no setting range
  // has checked.
  if (!(r_l >= 1e-9 && r_l <= 1e12)) {
    return InvalidArgument("algorithm hyperband needs r_l in [1e-9, 1e12] (default: the resource parameter's max)");
  }
  if (std::log(r_l) / std::log(eta) > 20) {
    return InvalidArgument("algorithm hyperband: r_l / eta give more than 20 brackets; raise eta or lower r_l");
  }
  // The most exploratory bracket starts about eta^s_max (~ r_l) configurations.
  if (std::pow(eta, std::floor(std::log(r_l) / std::log(eta) + 1e-9)) > kMaxBracketConfigs) {
    return InvalidArgument(fmt::format(
        "algorithm hyperband: r_l / eta start more than {} trials in one bracket; lower r_l", kMaxBracketConfigs));
  }
  for (const char* bookkeeping : {"r", "n", "b_l", "current_s", "current_i"}) settings.Ignore(bookkeeping);
  return std::unique_ptr<Suggester>(new HyperbandSuggester(codec, config.seed, resource, eta, r_l));
}

}  // namespace cairn::tuning::suggest
