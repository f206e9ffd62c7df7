#include "store/sql/tracking_internal.h"

#include <fmt/format.h>

#include <charconv>

#include "store/sql/rows.h"

namespace cairn::store::sql::internal {

std::optional<int64_t> ParseExperimentId(std::string_view id) {
  if (id.empty() || id.size() > 19) return std::nullopt;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || ptr != id.data() + id.size()) return std::nullopt;
  return value;
}

Status ExperimentNotFound(std::string_view experiment_id) {
  return NotFound(fmt::format("No Experiment with id={} exists", experiment_id));
}

Status RunNotFound(std::string_view run_id) { return NotFound(fmt::format("Run with id={} not found", run_id)); }

Result<ExperimentRow> LookupExperiment(Connection& db, std::string_view experiment_id) {
  auto id = ParseExperimentId(experiment_id);
  if (!id) return ExperimentNotFound(experiment_id);
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT artifact_location, lifecycle_stage FROM experiments "
                                               "WHERE experiment_id = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, *id));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return ExperimentNotFound(experiment_id);
  ExperimentRow out;
  out.experiment_id = *id;
  out.artifact_location = stmt->ColumnText(0);
  out.stage = ParseLifecycleStage(stmt->ColumnTextView(1));
  return out;
}

Status CheckExperimentActive(const ExperimentRow& experiment) {
  if (experiment.stage == tracking::LifecycleStage::kActive) return Status();
  return InvalidArgument(fmt::format("The experiment {} must be in the 'active' state. Current state is {}.",
                                     experiment.experiment_id, tracking::LifecycleStageName(experiment.stage)));
}

Result<RunRow> LookupRun(Connection& db, const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT experiment_id, lifecycle_stage FROM runs WHERE run_uuid = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return RunNotFound(run_id);
  RunRow out;
  out.experiment_id = stmt->ColumnInt64(0);
  out.stage = ParseLifecycleStage(stmt->ColumnTextView(1));
  return out;
}

Result<RunRow> LookupActiveRun(Connection& db, const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(RunRow run, LookupRun(db, run_id));
  if (run.stage != tracking::LifecycleStage::kActive) {
    return InvalidArgument(fmt::format("The run {} must be in the 'active' state. Current state is {}.", run_id,
                                       tracking::LifecycleStageName(run.stage)));
  }
  return run;
}

Status UpsertRunTag(Connection& db, const std::string& run_id, std::string_view key, std::string_view value) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) "
                                               "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, key));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, value));
  return stmt->Run();
}

}  // namespace cairn::store::sql::internal
