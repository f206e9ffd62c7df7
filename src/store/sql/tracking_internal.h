// Lookups and checks shared by the SqlTrackingStore's .cc files, with
// MLflow's error messages. Private to store/sql. Thread-compatible: the
// caller owns `db`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "store/sql/connection.h"
#include "tracking/entities.h"

namespace cairn::store::sql::internal {

// Decimal experiment id -> integer; nullopt for anything else.
std::optional<int64_t> ParseExperimentId(std::string_view id);

Status ExperimentNotFound(std::string_view experiment_id);
Status RunNotFound(std::string_view run_id);

struct ExperimentRow {
  int64_t experiment_id = 0;
  std::string artifact_location;
  tracking::LifecycleStage stage = tracking::LifecycleStage::kActive;
};
// kNotFound if absent (or `experiment_id` is not an integer).
Result<ExperimentRow> LookupExperiment(Connection& db, std::string_view experiment_id);
// kInvalidArgument "The experiment N must be in the 'active' state. ..."
Status CheckExperimentActive(const ExperimentRow& experiment);

struct RunRow {
  int64_t experiment_id = 0;
  tracking::LifecycleStage stage = tracking::LifecycleStage::kActive;
};
// kNotFound "Run with id=... not found".
Result<RunRow> LookupRun(Connection& db, const std::string& run_id);
// LookupRun plus kInvalidArgument "The run ... must be in the 'active' state.
// Current state is deleted." for a deleted run.
Result<RunRow> LookupActiveRun(Connection& db, const std::string& run_id);

// Inserts or replaces one run tag.
Status UpsertRunTag(Connection& db, const std::string& run_id, std::string_view key, std::string_view value);

}  // namespace cairn::store::sql::internal
