#include "store/sql/run_loader.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/sql/rows.h"

namespace cairn::store::sql {
namespace {

// Runs `sql` (one `?` bound to `ids_json`) and hands each row to `on_row`.
template <typename OnRow>
Status ForEachRow(Connection& db, std::string_view sql, const std::string& ids_json, OnRow&& on_row) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(db.dialect().Expand(sql)));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, ids_json));
  for (;;) {
    CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return Status();
    on_row(*stmt);
  }
}

}  // namespace

Status LoadRunChildren(Connection& db, std::vector<tracking::Run>* runs) {
  if (runs->empty()) return Status();
  std::unordered_map<std::string_view, size_t> index;
  index.reserve(runs->size());
  std::vector<std::string> ids;
  ids.reserve(runs->size());
  for (size_t i = 0; i < runs->size(); ++i) {
    index.emplace((*runs)[i].info.run_id, i);
    ids.push_back((*runs)[i].info.run_id);
  }
  const std::string ids_json = JsonStringArray(ids);
  auto find = [&](std::string_view run_id) -> tracking::Run* {
    auto it = index.find(run_id);
    return it == index.end() ? nullptr : &(*runs)[it->second];
  };

  CAIRN_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT run_uuid, key, value FROM params WHERE run_uuid IN ({text_list}) "
      "ORDER BY run_uuid, key",
      ids_json, [&](const Statement& row) {
        if (tracking::Run* run = find(row.ColumnTextView(0))) {
          run->params.push_back({row.ColumnText(1), row.ColumnText(2)});
        }
      }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT run_uuid, key, value FROM tags WHERE run_uuid IN ({text_list}) "
      "ORDER BY run_uuid, key",
      ids_json, [&](const Statement& row) {
        if (tracking::Run* run = find(row.ColumnTextView(0))) {
          run->tags.push_back({row.ColumnText(1), row.ColumnText(2)});
        }
      }));
  CAIRN_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT run_uuid, key, value, is_nan, timestamp, step FROM latest_metrics "
      "WHERE run_uuid IN ({text_list}) ORDER BY run_uuid, key",
      ids_json, [&](const Statement& row) {
        if (tracking::Run* run = find(row.ColumnTextView(0))) {
          tracking::Metric metric;
          metric.key = row.ColumnText(1);
          metric.value = DecodeMetricValue(row.ColumnDouble(2), row.ColumnInt64(3) != 0);
          metric.timestamp = row.ColumnInt64(4);
          metric.step = row.ColumnInt64(5);
          run->metrics.push_back(std::move(metric));
        }
      }));

  // Dataset inputs, then their tags keyed by input_uuid.
  struct InputRef {
    tracking::Run* run;
    size_t position;
  };
  std::unordered_map<std::string, InputRef> inputs;
  CAIRN_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source, "
      "d.dataset_schema, d.dataset_profile FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
      "WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET' "
      "AND i.destination_id IN ({text_list}) ORDER BY i.destination_id, i.rowid",
      ids_json, [&](const Statement& row) {
        tracking::Run* run = find(row.ColumnTextView(0));
        if (run == nullptr) return;
        tracking::DatasetInput input;
        input.dataset.name = row.ColumnText(2);
        input.dataset.digest = row.ColumnText(3);
        input.dataset.source_type = row.ColumnText(4);
        input.dataset.source = row.ColumnText(5);
        input.dataset.schema = row.ColumnText(6);
        input.dataset.profile = row.ColumnText(7);
        inputs.emplace(row.ColumnText(1), InputRef{run, run->dataset_inputs.size()});
        run->dataset_inputs.push_back(std::move(input));
      }));
  if (inputs.empty()) return Status();
  return ForEachRow(db,
                    "SELECT t.input_uuid, t.name, t.value FROM input_tags t "
                    "JOIN inputs i ON i.input_uuid = t.input_uuid "
                    "WHERE i.destination_type = 'RUN' AND i.source_type = 'DATASET' "
                    "AND i.destination_id IN ({text_list}) ORDER BY t.input_uuid, t.name",
                    ids_json, [&](const Statement& row) {
                      auto it = inputs.find(std::string(row.ColumnTextView(0)));
                      if (it == inputs.end()) return;
                      it->second.run->dataset_inputs[it->second.position].tags.push_back(
                          {row.ColumnText(1), row.ColumnText(2)});
                    });
}

Status LoadExperimentTags(Connection& db, std::vector<tracking::Experiment>* experiments) {
  if (experiments->empty()) return Status();
  std::unordered_map<int64_t, size_t> index;
  // A JSON array of integers so the IN comparison is integer to integer.
  std::string ids_json = "[";
  for (size_t i = 0; i < experiments->size(); ++i) {
    const std::string& id = (*experiments)[i].experiment_id;
    index.emplace(std::stoll(id), i);
    if (i > 0) ids_json += ',';
    ids_json += id;
  }
  ids_json += ']';
  return ForEachRow(db,
                    "SELECT experiment_id, key, value FROM experiment_tags "
                    "WHERE experiment_id IN ({int_list}) ORDER BY experiment_id, key",
                    ids_json, [&](const Statement& row) {
                      auto it = index.find(row.ColumnInt64(0));
                      if (it == index.end()) return;
                      (*experiments)[it->second].tags.push_back({row.ColumnText(1), row.ColumnText(2)});
                    });
}

}  // namespace cairn::store::sql
