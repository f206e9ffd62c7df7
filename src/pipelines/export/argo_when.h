// KFP expressions in Argo's terms: trigger conditions (CEL) as `when`
// expressions (govaluate), and loop-item field selectors as jsonpath.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/result.h"

namespace cairn::pipelines {

// `input_value(name)` is the Argo text of the task input `name` (a literal
// or a "{{...}}" reference); nullopt when the task has no such input.
// Supports literals, inputs.parameter_values['x'] /
// inputs.parameters['x'].parameter_value, int()/double()/string(), !, -,
// comparisons, && and ||. kUnimplemented naming the construct otherwise.
Result<std::string> ArgoWhen(const std::string& condition,
                             const std::function<std::optional<std::string>(const std::string&)>& input_value);

// The field F of a selector `parseJson(string_value)["F"]`; nullopt for any
// other selector.
std::optional<std::string> JsonFieldSelector(const std::string& selector);

// "{{inputs.parameters.x}}" -> "inputs.parameters['x']" (likewise
// workflow.parameters, tasks.T.outputs.parameters.K and item): the same
// value in Argo's {{=...}} expression syntax; nullopt for anything else.
std::optional<std::string> ExpressionReference(const std::string& text);

}  // namespace cairn::pipelines
