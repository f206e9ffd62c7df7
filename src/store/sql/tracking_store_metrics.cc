// SqlTrackingStore: metric history reads and dataset summaries.
#include <fmt/format.h>

#include <limits>

#include <algorithm>
#include <set>
#include <utility>

#include "store/sql/rows.h"
#include "store/sql/tracking_internal.h"
#include "store/sql/tracking_store.h"
#include "tracking/page_token.h"

namespace cairn::store::sql {
namespace {

std::string JsonIntArray(const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += ']';
  return out;
}

// The distinct steps of one run's metric, ascending.
Result<std::vector<int64_t>> MetricSteps(Connection& db, const std::string& run_id, const std::string& key) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt,
                         db.Prepare("SELECT DISTINCT step FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, key));
  std::vector<int64_t> steps;
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return steps;
    steps.push_back(stmt->ColumnInt64(0));
  }
}

// Evenly spaced picks from `steps` (ascending), `count` of them, first included.
std::set<int64_t> SampleSteps(const std::vector<int64_t>& steps, size_t count) {
  std::set<int64_t> out;
  if (count == 0) return out;
  if (steps.size() <= count) return std::set<int64_t>(steps.begin(), steps.end());
  for (size_t i = 0; i < count; ++i) out.insert(steps[i * steps.size() / count]);
  return out;
}

}  // namespace

Result<tracking::Page<tracking::Metric>> SqlTrackingStore::GetMetricHistory(
    const tracking::MetricHistoryRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(int64_t offset, tracking::DecodePageToken(request.page_token));
  // One extra row tells whether another page exists; INT64_MAX is "no limit"
  // (PostgreSQL refuses SQLite's LIMIT -1).
  const int64_t limit =
      request.max_results ? std::max<int64_t>(*request.max_results, 1) + 1 : std::numeric_limits<int64_t>::max();
  tracking::Page<tracking::Metric> page;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(internal::LookupRun(db, request.run_id).status());
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT value, is_nan, timestamp, step FROM metrics "
                                                 "WHERE run_uuid = ? AND key = ? "
                                                 "ORDER BY timestamp, step, value LIMIT ? OFFSET ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, request.run_id));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, request.metric_key));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(3, limit));
    CAIRN_RETURN_IF_ERROR(stmt->BindInt64(4, offset));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      tracking::Metric& metric = page.items.emplace_back();
      metric.key = request.metric_key;
      metric.value = DecodeMetricValue(stmt->ColumnDouble(0), stmt->ColumnInt64(1) != 0);
      metric.timestamp = stmt->ColumnInt64(2);
      metric.step = stmt->ColumnInt64(3);
    }
    return Status();
  }));
  if (request.max_results && static_cast<int64_t>(page.items.size()) == limit) {
    page.items.pop_back();
    page.next_page_token = tracking::EncodePageToken(offset + limit - 1);
  }
  return page;
}

Result<std::vector<tracking::Metric>> SqlTrackingStore::GetMetricHistoryBulkInterval(
    const tracking::BulkIntervalRequest& request) {
  if (request.start_step.has_value() != request.end_step.has_value()) {
    return InvalidArgument("If either start step or end step are specified, both must be specified.");
  }
  if (request.start_step && *request.start_step > *request.end_step) {
    return InvalidArgument(fmt::format("end_step must be greater than start_step. Found start_step={} and end_step={}.",
                                       *request.start_step, *request.end_step));
  }
  const size_t max_results = static_cast<size_t>(std::max<int64_t>(request.max_results, 1));
  std::vector<tracking::Metric> out;
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    // Every step that exists across the runs; sampling is done over those.
    std::vector<std::vector<int64_t>> run_steps;
    std::set<int64_t> all;
    for (const std::string& run_id : request.run_ids) {
      CAIRN_RETURN_IF_ERROR(internal::LookupRun(db, run_id).status());
      CAIRN_ASSIGN_OR_RETURN(auto steps, MetricSteps(db, run_id, request.metric_key));
      all.insert(steps.begin(), steps.end());
      run_steps.push_back(std::move(steps));
    }
    // MLflow's default range is [0, the largest step].
    const int64_t start = request.start_step.value_or(0);
    const int64_t end = request.end_step.value_or(all.empty() ? 0 : *all.rbegin());
    auto in_range = [&](int64_t step) { return step >= start && step <= end; };

    std::set<int64_t> min_max;  // each run's first and last step in range
    for (const auto& steps : run_steps) {
      auto first = std::find_if(steps.begin(), steps.end(), in_range);
      auto last = std::find_if(steps.rbegin(), steps.rend(), in_range);
      if (first != steps.end()) min_max.insert(*first);
      if (last != steps.rend()) min_max.insert(*last);
    }
    std::vector<int64_t> candidates;
    for (int64_t step : all) {
      if (in_range(step)) candidates.push_back(step);
    }
    std::set<int64_t> chosen;
    if (candidates.size() <= max_results) {
      chosen.insert(candidates.begin(), candidates.end());
    } else {
      chosen = SampleSteps(candidates, max_results > min_max.size() ? max_results - min_max.size() : 0);
      chosen.insert(min_max.begin(), min_max.end());
    }
    const std::string steps_json = JsonIntArray(std::vector<int64_t>(chosen.begin(), chosen.end()));

    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(db.dialect().Expand("SELECT value, is_nan, timestamp, step FROM metrics "
                                                                     "WHERE run_uuid = ? AND key = ? "
                                                                     "AND step IN ({int_list}) "
                                                                     "ORDER BY step, timestamp, value")));
    for (const std::string& run_id : request.run_ids) {
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(2, request.metric_key));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(3, steps_json));
      for (;;) {
        CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        tracking::Metric& metric = out.emplace_back();
        metric.key = request.metric_key;
        metric.value = DecodeMetricValue(stmt->ColumnDouble(0), stmt->ColumnInt64(1) != 0);
        metric.timestamp = stmt->ColumnInt64(2);
        metric.step = stmt->ColumnInt64(3);
        metric.run_id = run_id;
      }
      stmt->Reset();
    }
    return Status();
  }));
  return out;
}

Result<std::vector<tracking::DatasetSummary>> SqlTrackingStore::SearchDatasets(
    const std::vector<std::string>& experiment_ids) {
  std::vector<int64_t> ids;
  for (const std::string& id : experiment_ids) {
    if (auto parsed = internal::ParseExperimentId(id)) ids.push_back(*parsed);
  }
  std::vector<tracking::DatasetSummary> out;
  if (ids.empty()) return out;
  const std::string ids_json = JsonIntArray(ids);
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    // MLflow caps the summaries at 1000.
    CAIRN_ASSIGN_OR_RETURN(auto stmt,
                           db.Prepare(db.dialect().Expand(
                               "SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value FROM datasets d "
                               "JOIN inputs i ON i.source_type = 'DATASET' AND i.source_id = d.dataset_uuid "
                               "LEFT JOIN input_tags t ON t.input_uuid = i.input_uuid AND t.name = ? "
                               "WHERE d.experiment_id IN ({int_list}) "
                               "ORDER BY d.experiment_id, d.name, d.digest, t.value LIMIT 1000")));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, tracking::kDatasetContextTag));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, ids_json));
    for (;;) {
      CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) return Status();
      tracking::DatasetSummary& summary = out.emplace_back();
      summary.experiment_id = std::to_string(stmt->ColumnInt64(0));
      summary.name = stmt->ColumnText(1);
      summary.digest = stmt->ColumnText(2);
      summary.context = stmt->ColumnText(3);
    }
  }));
  return out;
}

}  // namespace cairn::store::sql
