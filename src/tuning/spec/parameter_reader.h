// Reading one search-space parameter from YAML, shared by the Katib and the
// cairn loaders: the type, min/max/step (numbers, or numbers written as
// strings as Katib does), the list of choices and the distribution, checked
// where they are written (empty or inverted ranges, steps <= 0, log
// distributions over non-positive values, non-numeric discrete values).
#pragma once

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

}  // namespace cairn::tuning
