// Small helpers of the graph model (names of enums, type checks).
#include "pipelines/graph.h"

#include <cmath>

namespace cairn::pipelines {

std::string_view ParameterTypeName(ParameterType type) {
  switch (type) {
    case ParameterType::kUnspecified: return "PARAMETER_TYPE_ENUM_UNSPECIFIED";
    case ParameterType::kString: return "STRING";
    case ParameterType::kNumberInteger: return "NUMBER_INTEGER";
    case ParameterType::kNumberDouble: return "NUMBER_DOUBLE";
    case ParameterType::kBoolean: return "BOOLEAN";
    case ParameterType::kList: return "LIST";
    case ParameterType::kStruct: return "STRUCT";
    case ParameterType::kTaskFinalStatus: return "TASK_FINAL_STATUS";
    case ParameterType::kTaskConfig: return "TASK_CONFIG";
  }
  return "PARAMETER_TYPE_ENUM_UNSPECIFIED";
}

std::optional<ParameterType> ParseParameterType(std::string_view name) {
  if (name == "STRING") return ParameterType::kString;
  if (name == "NUMBER_INTEGER" || name == "INT") return ParameterType::kNumberInteger;
  if (name == "NUMBER_DOUBLE" || name == "DOUBLE") return ParameterType::kNumberDouble;
  if (name == "BOOLEAN") return ParameterType::kBoolean;
  if (name == "LIST") return ParameterType::kList;
  if (name == "STRUCT") return ParameterType::kStruct;
  if (name == "TASK_FINAL_STATUS") return ParameterType::kTaskFinalStatus;
  if (name == "TASK_CONFIG") return ParameterType::kTaskConfig;
  if (name == "PARAMETER_TYPE_ENUM_UNSPECIFIED") return ParameterType::kUnspecified;
  return std::nullopt;
}

bool ValueMatchesType(const Value& value, ParameterType type) {
  switch (type) {
    case ParameterType::kUnspecified: return true;
    case ParameterType::kString: return value.is_string();
    case ParameterType::kNumberInteger:
      if (value.is_int()) return true;
      if (!value.is_double()) return false;
      {
        const double d = value.as_double();
        return std::trunc(d) == d && std::fabs(d) < 9.0e15;
      }
    case ParameterType::kNumberDouble: return value.is_number();
    case ParameterType::kBoolean: return value.is_bool();
    case ParameterType::kList: return value.is_list();
    case ParameterType::kStruct: return value.is_struct();
    case ParameterType::kTaskFinalStatus: return value.is_struct();
    case ParameterType::kTaskConfig: return value.is_struct();
  }
  return false;
}

bool Resources::empty() const {
  return cpu_limit.raw.empty() && cpu_request.raw.empty() && memory_limit.raw.empty() &&
         memory_request.raw.empty() && accelerator_type.raw.empty() && accelerator_count.raw.empty();
}

std::string_view TriggerStrategyName(TriggerStrategy strategy) {
  return strategy == TriggerStrategy::kAllUpstreamTasksCompleted ? "ALL_UPSTREAM_TASKS_COMPLETED"
                                                                 : "ALL_UPSTREAM_TASKS_SUCCEEDED";
}

std::string_view SeverityName(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

bool HasErrors(const std::vector<SpecProblem>& problems) {
  for (const auto& p : problems) {
    if (p.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace cairn::pipelines
