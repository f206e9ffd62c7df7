#include "tracking/entities.h"

namespace cairn::tracking {

std::string_view LifecycleStageName(LifecycleStage stage) {
  return stage == LifecycleStage::kActive ? "active" : "deleted";
}

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "RUNNING";
    case RunStatus::kScheduled: return "SCHEDULED";
    case RunStatus::kFinished: return "FINISHED";
    case RunStatus::kFailed: return "FAILED";
    case RunStatus::kKilled: return "KILLED";
  }
  return "RUNNING";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (RunStatus s : {RunStatus::kRunning, RunStatus::kScheduled, RunStatus::kFinished, RunStatus::kFailed,
                      RunStatus::kKilled}) {
    if (RunStatusName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view ViewTypeName(ViewType view) {
  switch (view) {
    case ViewType::kActiveOnly: return "ACTIVE_ONLY";
    case ViewType::kDeletedOnly: return "DELETED_ONLY";
    case ViewType::kAll: return "ALL";
  }
  return "ACTIVE_ONLY";
}

std::optional<ViewType> ParseViewType(std::string_view name) {
  for (ViewType v : {ViewType::kActiveOnly, ViewType::kDeletedOnly, ViewType::kAll}) {
    if (ViewTypeName(v) == name) return v;
  }
  return std::nullopt;
}

}  // namespace cairn::tracking
