// The algorithm registry: names -> suggest/ implementations. Settings common
// to every algorithm (random_state) are read here; each algorithm reads its
// own, and a setting nobody read is an error.
#include "tuning/suggester.h"

#include <fmt/format.h>

#include "tuning/suggest/algorithm_settings.h"
#include "tuning/suggest/asha_suggester.h"
#include "tuning/suggest/cmaes_suggester.h"
#include "tuning/suggest/gp_suggester.h"
#include "tuning/suggest/grid_suggester.h"
#include "tuning/suggest/hyperband_suggester.h"
#include "tuning/suggest/median_stop.h"
#include "tuning/suggest/random_suggester.h"
#include "tuning/suggest/sobol_suggester.h"
#include "tuning/suggest/space_codec.h"
#include "tuning/suggest/tpe_suggester.h"

namespace cairn::tuning {

namespace {

using CreateFn = Result<std::unique_ptr<Suggester>> (*)(const SuggesterConfig&, const suggest::SpaceCodec&,
                                                        suggest::AlgorithmSettings&);

struct Algorithm {
  const char* name;
  CreateFn create;
};

constexpr Algorithm kAlgorithms[] = {
    {"random", &suggest::CreateRandomSuggester},
    {"grid", &suggest::CreateGridSuggester},
    {"sobol", &suggest::CreateSobolSuggester},
    {"tpe", &suggest::CreateTpeSuggester},
    {"multivariate-tpe", &suggest::CreateMultivariateTpeSuggester},
    {"bayesianoptimization", &suggest::CreateGpSuggester},
    {"cmaes", &suggest::CreateCmaesSuggester},
    {"hyperband", &suggest::CreateHyperbandSuggester},
    {"asha", &suggest::CreateAshaSuggester},
};

}  // namespace

std::vector<std::string> SuggesterNames() {
  std::vector<std::string> names;
  for (const Algorithm& a : kAlgorithms) names.emplace_back(a.name);
  return names;
}

Result<std::unique_ptr<Suggester>> MakeSuggester(const SuggesterConfig& config) {
  const Algorithm* algorithm = nullptr;
  for (const Algorithm& a : kAlgorithms) {
    if (config.algorithm == a.name) algorithm = &a;
  }
  if (algorithm == nullptr) {
    return InvalidArgument(fmt::format("unknown algorithm \"{}\" (known: {})", config.algorithm,
                                       fmt::join(SuggesterNames(), ", ")));
  }
  CAIRN_ASSIGN_OR_RETURN(suggest::SpaceCodec codec, suggest::SpaceCodec::Create(config.space));
  suggest::AlgorithmSettings settings(config.algorithm, config.settings);
  SuggesterConfig resolved = config;
  CAIRN_ASSIGN_OR_RETURN(int64_t seed, settings.Int("random_state", -1, -1, INT64_MAX));
  if (seed >= 0) resolved.seed = static_cast<uint64_t>(seed);
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<Suggester> suggester, algorithm->create(resolved, codec, settings));
  Status known = settings.CheckAllKnown();
  if (!known.ok()) return known;
  return suggester;
}

Result<std::unique_ptr<EarlyStopper>> MakeEarlyStopper(const std::string& algorithm,
                                                       const std::vector<std::pair<std::string, std::string>>& settings) {
  suggest::AlgorithmSettings reader(algorithm, settings);
  if (algorithm != "medianstop") {
    return InvalidArgument(fmt::format("unknown early stopping algorithm \"{}\" (known: medianstop)", algorithm));
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<EarlyStopper> stopper, suggest::CreateMedianStop(reader));
  Status known = reader.CheckAllKnown();
  if (!known.ok()) return known;
  return stopper;
}

}  // namespace cairn::tuning
