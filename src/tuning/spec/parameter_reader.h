// Reading one search-space parameter from YAML, shared by the Katib and the
// cairn loaders: the type, min/max/step (numbers, or numbers written as
// strings as Katib does), the list of choices and the distribution, checked
// where they are written (empty or inverted ranges, steps <= 0, log
// distributions over non-positive values, non-numeric discrete values).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "pipelines/spec/yaml_reader.h"
#include "tuning/spec/experiment_spec.h"

namespace cairn::tuning {

// `type_node` holds the type name ("double", "int", "categorical",
// "discrete"); `space` the min/max/step/`list_key`/distribution fields.
// Problems are appended; the returned spec is partial when there are any.
ParameterSpec ReadParameter(std::string name, const pipelines::YamlNode& type_node, const pipelines::YamlNode& space,
                            std::string_view list_key, std::vector<SpecProblem>& problems);

// Bounds for ReadSpecInt: trial counts fit an int, timeouts stay below a
// century, seeds are any non-negative int64.
inline constexpr int64_t kMaxSpecCount = 1'000'000'000;
inline constexpr int64_t kMaxSpecSeconds = 100LL * 365 * 24 * 3600;
inline constexpr int64_t kMaxSpecSeed = std::numeric_limits<int64_t>::max();

// An integer field (`3`, `"3"`, `3.0`) of `map` within [min, max]; nullopt
// when absent or null, and a problem too when it is not such an integer.
// The range keeps every caller's narrowing cast exact.
std::optional<int64_t> ReadSpecInt(const pipelines::YamlNode& map, std::string_view key, int64_t min, int64_t max,
                                   std::vector<SpecProblem>& problems);

}  // namespace cairn::tuning
