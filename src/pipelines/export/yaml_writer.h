// Writes a Value tree as block YAML (maps in their stored order), for
// exported manifests people read and diff. Strings that YAML would read as
// something else (numbers, booleans, null, text starting with an indicator
// such as "{{") are double-quoted; others stay plain.
#pragma once

#include <string>

#include "pipelines/spec/value.h"

namespace cairn::pipelines {

std::string ToYaml(const Value& value);

}  // namespace cairn::pipelines
