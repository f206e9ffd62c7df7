#include "store/sql/rows.h"

#include <cmath>
#include <limits>

namespace cairn::store::sql {

tracking::RunInfo ReadRunInfo(const Statement& stmt) {
  tracking::RunInfo info;
  info.run_id = stmt.ColumnText(0);
  info.run_name = stmt.ColumnText(1);
  info.experiment_id = std::to_string(stmt.ColumnInt64(2));
  info.user_id = stmt.ColumnText(3);
  info.status = tracking::ParseRunStatus(stmt.ColumnTextView(4)).value_or(tracking::RunStatus::kRunning);
  info.start_time = stmt.ColumnInt64(5);
  if (!stmt.ColumnIsNull(6)) info.end_time = stmt.ColumnInt64(6);
  info.artifact_uri = stmt.ColumnText(7);
  info.lifecycle_stage = ParseLifecycleStage(stmt.ColumnTextView(8));
  return info;
}

tracking::Experiment ReadExperiment(const Statement& stmt) {
  tracking::Experiment experiment;
  experiment.experiment_id = std::to_string(stmt.ColumnInt64(0));
  experiment.name = stmt.ColumnText(1);
  experiment.artifact_location = stmt.ColumnText(2);
  experiment.lifecycle_stage = ParseLifecycleStage(stmt.ColumnTextView(3));
  experiment.creation_time = stmt.ColumnInt64(4);
  experiment.last_update_time = stmt.ColumnInt64(5);
  return experiment;
}

StoredMetricValue EncodeMetricValue(double value) {
  if (std::isnan(value)) return {0.0, true};
  return {ClampInfinity(value), false};
}

double DecodeMetricValue(double value, bool is_nan) {
  return is_nan ? std::numeric_limits<double>::quiet_NaN() : value;
}

double ClampInfinity(double value) {
  if (std::isinf(value)) {
    return value > 0 ? std::numeric_limits<double>::max() : -std::numeric_limits<double>::max();
  }
  return value;
}

std::string JsonStringArray(const std::vector<std::string>& values) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (unsigned char c : values[i]) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

tracking::LifecycleStage ParseLifecycleStage(std::string_view text) {
  return text == "deleted" ? tracking::LifecycleStage::kDeleted : tracking::LifecycleStage::kActive;
}

std::string JoinUri(std::string_view root, std::string_view child) {
  if (root.empty()) return std::string(child);
  // Strip one separator from each side only: "file:///" + "1" must stay
  // "file:///1".
  if (root.back() == '/') root.remove_suffix(1);
  if (!child.empty() && child.front() == '/') child.remove_prefix(1);
  std::string out(root);
  out += '/';
  out += child;
  return out;
}

}  // namespace cairn::store::sql
