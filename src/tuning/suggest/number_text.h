// Parsing numbers from the text of settings and parameter values.
#pragma once

#include <optional>
#include <string_view>

namespace cairn::tuning::suggest {

// The finite number `text` spells (surrounding blanks allowed, "+1", ".5",
// "1e-3" accepted), or nullopt.
std::optional<double> ParseNumber(std::string_view text);

}  // namespace cairn::tuning::suggest
