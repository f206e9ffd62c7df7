// SqlTrackingStore: runs, their params / metrics / tags / inputs, and run
// search.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "base/ids.h"
#include "store/sql/rows.h"
#include "store/sql/run_loader.h"
#include "store/sql/run_search.h"
#include "store/sql/tracking_internal.h"
#include "store/sql/tracking_store.h"
#include "tracking/page_token.h"
#include "tracking/search_filter.h"

namespace cairn::store::sql {

using internal::LookupActiveRun;
using internal::LookupRun;
using internal::RunRow;
using tracking::Run;
using tracking::RunInfo;

namespace {

const tracking::Tag* FindTag(const std::vector<tracking::Tag>& tags, std::string_view key) {
  const tracking::Tag* found = nullptr;
  for (const tracking::Tag& tag : tags) {
    if (tag.key == key) found = &tag;  // the last one wins, as in an upsert
  }
  return found;
}

Result<RunInfo> ReadRunInfoById(Connection& db, const std::string& run_id) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare(fmt::format("SELECT {} FROM runs r WHERE r.run_uuid = ?", kRunColumns)));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
  CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return internal::RunNotFound(run_id);
  return ReadRunInfo(*stmt);
}

Status SetRunName(Connection& db, const std::string& run_id, std::string_view name) {
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE runs SET name = ? WHERE run_uuid = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, name));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(2, run_id));
  return stmt->Run();
}

// Params are immutable: re-logging the same value is a no-op, another value
// is kInvalidArgument with MLflow's message.
Status InsertParam(Connection& db, const std::string& run_id, const tracking::Param& param) {
  {
    CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?) "
                                                   "ON CONFLICT (run_uuid, key) DO NOTHING"));
    CAIRN_RETURN_IF_ERROR(insert->BindText(1, run_id));
    CAIRN_RETURN_IF_ERROR(insert->BindText(2, param.key));
    CAIRN_RETURN_IF_ERROR(insert->BindText(3, param.value));
    CAIRN_RETURN_IF_ERROR(insert->Run());
  }
  if (db.Changes() > 0) return Status();
  CAIRN_ASSIGN_OR_RETURN(auto existing, db.Prepare("SELECT value FROM params WHERE run_uuid = ? AND key = ?"));
  CAIRN_RETURN_IF_ERROR(existing->BindText(1, run_id));
  CAIRN_RETURN_IF_ERROR(existing->BindText(2, param.key));
  CAIRN_ASSIGN_OR_RETURN(bool row, existing->Step());
  if (!row || existing->ColumnTextView(0) == param.value) return Status();
  return InvalidArgument(fmt::format(
      "Changing param values is not allowed. Param with key='{}' was already logged with value='{}' for run "
      "ID='{}'. Attempted logging new value '{}'.",
      param.key, existing->ColumnTextView(0), run_id, param.value));
}

struct EncodedMetric {
  const tracking::Metric* metric;
  StoredMetricValue stored;
};

// (step, timestamp, stored value): the order that decides the latest value.
bool NotOlderThan(const EncodedMetric& a, const EncodedMetric& b) {
  return std::make_tuple(a.metric->step, a.metric->timestamp, a.stored.value) >=
         std::make_tuple(b.metric->step, b.metric->timestamp, b.stored.value);
}

// Rows per multi-row INSERT of metric points: one round trip (and one
// statement execution) per chunk instead of per point, which is what makes
// a 1000-point log-batch cheap on PostgreSQL. Full chunks share one cached
// statement; the remainder goes row by row through another.
constexpr size_t kMetricChunk = 100;

std::string MetricInsertSql(size_t rows) {
  std::string sql = "INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES ";
  for (size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
  // Exact duplicates hit the primary key and are ignored.
  sql += " ON CONFLICT DO NOTHING";
  return sql;
}

Status InsertMetricRows(Connection& db, const std::string& run_id, const std::vector<EncodedMetric>& encoded) {
  static const std::string kChunkSql = MetricInsertSql(kMetricChunk);
  static const std::string kRowSql = MetricInsertSql(1);
  size_t next = 0;
  while (next < encoded.size()) {
    const size_t rows = encoded.size() - next >= kMetricChunk ? kMetricChunk : 1;
    CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare(rows == kMetricChunk ? kChunkSql : kRowSql));
    int index = 0;
    for (size_t i = next; i < next + rows; ++i) {
      const EncodedMetric& m = encoded[i];
      CAIRN_RETURN_IF_ERROR(insert->BindText(++index, run_id));
      CAIRN_RETURN_IF_ERROR(insert->BindText(++index, m.metric->key));
      CAIRN_RETURN_IF_ERROR(insert->BindDouble(++index, m.stored.value));
      CAIRN_RETURN_IF_ERROR(insert->BindInt64(++index, m.stored.is_nan ? 1 : 0));
      CAIRN_RETURN_IF_ERROR(insert->BindInt64(++index, m.metric->timestamp));
      CAIRN_RETURN_IF_ERROR(insert->BindInt64(++index, m.metric->step));
    }
    CAIRN_RETURN_IF_ERROR(insert->Run());
    next += rows;
  }
  return Status();
}

Status InsertMetrics(Connection& db, const std::string& run_id, const std::vector<tracking::Metric>& metrics) {
  if (metrics.empty()) return Status();
  std::vector<EncodedMetric> encoded;
  encoded.reserve(metrics.size());
  for (const tracking::Metric& metric : metrics) encoded.push_back({&metric, EncodeMetricValue(metric.value)});

  CAIRN_RETURN_IF_ERROR(InsertMetricRows(db, run_id, encoded));

  // The newest point per key in this batch, then one conditional upsert each.
  std::vector<const EncodedMetric*> newest;
  std::unordered_map<std::string_view, size_t> by_key;
  for (const EncodedMetric& m : encoded) {
    auto [it, inserted] = by_key.emplace(m.metric->key, newest.size());
    if (inserted) {
      newest.push_back(&m);
    } else if (NotOlderThan(m, *newest[it->second])) {
      newest[it->second] = &m;
    }
  }
  CAIRN_ASSIGN_OR_RETURN(
      auto upsert,
      db.Prepare("INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp, step) "
                 "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_uuid, key) DO UPDATE SET "
                 "value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, "
                 "step = excluded.step WHERE (excluded.step, excluded.timestamp, excluded.value) >= "
                 "(latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)"));
  for (const EncodedMetric* m : newest) {
    CAIRN_RETURN_IF_ERROR(upsert->BindText(1, run_id));
    CAIRN_RETURN_IF_ERROR(upsert->BindText(2, m->metric->key));
    CAIRN_RETURN_IF_ERROR(upsert->BindDouble(3, m->stored.value));
    CAIRN_RETURN_IF_ERROR(upsert->BindInt64(4, m->stored.is_nan ? 1 : 0));
    CAIRN_RETURN_IF_ERROR(upsert->BindInt64(5, m->metric->timestamp));
    CAIRN_RETURN_IF_ERROR(upsert->BindInt64(6, m->metric->step));
    CAIRN_RETURN_IF_ERROR(upsert->Run());
    upsert->Reset();
  }
  return Status();
}

// Finds or creates the experiment's dataset with (name, digest); returns its uuid.
Result<std::string> EnsureDataset(Connection& db, int64_t experiment_id, const tracking::Dataset& dataset) {
  {
    CAIRN_ASSIGN_OR_RETURN(auto find, db.Prepare("SELECT dataset_uuid FROM datasets "
                                                 "WHERE experiment_id = ? AND name = ? AND digest = ?"));
    CAIRN_RETURN_IF_ERROR(find->BindInt64(1, experiment_id));
    CAIRN_RETURN_IF_ERROR(find->BindText(2, dataset.name));
    CAIRN_RETURN_IF_ERROR(find->BindText(3, dataset.digest));
    CAIRN_ASSIGN_OR_RETURN(bool row, find->Step());
    if (row) return find->ColumnText(0);
  }
  std::string uuid = NewUuidHex();
  CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, "
                                                 "dataset_source_type, dataset_source, dataset_schema, "
                                                 "dataset_profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  CAIRN_RETURN_IF_ERROR(insert->BindText(1, uuid));
  CAIRN_RETURN_IF_ERROR(insert->BindInt64(2, experiment_id));
  CAIRN_RETURN_IF_ERROR(insert->BindText(3, dataset.name));
  CAIRN_RETURN_IF_ERROR(insert->BindText(4, dataset.digest));
  CAIRN_RETURN_IF_ERROR(insert->BindText(5, dataset.source_type));
  CAIRN_RETURN_IF_ERROR(insert->BindText(6, dataset.source));
  CAIRN_RETURN_IF_ERROR(dataset.schema.empty() ? insert->BindNull(7) : insert->BindText(7, dataset.schema));
  CAIRN_RETURN_IF_ERROR(dataset.profile.empty() ? insert->BindNull(8) : insert->BindText(8, dataset.profile));
  CAIRN_RETURN_IF_ERROR(insert->Run());
  return uuid;
}

// Links a dataset to a run once; the tags of an existing link are kept.
Status LinkDatasetInput(Connection& db, const std::string& dataset_uuid, const std::string& run_id,
                        const std::vector<tracking::Tag>& tags) {
  std::string input_uuid = NewUuidHex();
  {
    CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO inputs (input_uuid, source_type, source_id, "
                                                   "destination_type, destination_id) "
                                                   "VALUES (?, 'DATASET', ?, 'RUN', ?) ON CONFLICT DO NOTHING"));
    CAIRN_RETURN_IF_ERROR(insert->BindText(1, input_uuid));
    CAIRN_RETURN_IF_ERROR(insert->BindText(2, dataset_uuid));
    CAIRN_RETURN_IF_ERROR(insert->BindText(3, run_id));
    CAIRN_RETURN_IF_ERROR(insert->Run());
  }
  if (db.Changes() == 0) return Status();
  CAIRN_ASSIGN_OR_RETURN(auto tag_insert, db.Prepare("INSERT INTO input_tags (input_uuid, name, value) "
                                                     "VALUES (?, ?, ?) ON CONFLICT (input_uuid, name) "
                                                     "DO UPDATE SET value = excluded.value"));
  for (const tracking::Tag& tag : tags) {
    CAIRN_RETURN_IF_ERROR(tag_insert->BindText(1, input_uuid));
    CAIRN_RETURN_IF_ERROR(tag_insert->BindText(2, tag.key));
    CAIRN_RETURN_IF_ERROR(tag_insert->BindText(3, tag.value));
    CAIRN_RETURN_IF_ERROR(tag_insert->Run());
    tag_insert->Reset();
  }
  return Status();
}

}  // namespace

Result<Run> SqlTrackingStore::CreateRun(const tracking::CreateRunRequest& request) {
  const tracking::Tag* name_tag = FindTag(request.tags, tracking::kRunNameTag);
  if (!request.run_name.empty() && name_tag != nullptr && name_tag->value != request.run_name) {
    return InvalidArgument(fmt::format(
        "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
        "(run_name='{}', mlflow.runName='{}').",
        request.run_name, name_tag->value));
  }
  Run run;
  RunInfo& info = run.info;
  info.run_id = NewUuidHex();
  info.run_name = !request.run_name.empty() ? request.run_name
                  : name_tag != nullptr     ? name_tag->value
                                            : NewRunName();
  info.experiment_id = request.experiment_id.empty() ? "0" : request.experiment_id;
  info.user_id = request.user_id;
  if (info.user_id.empty()) {
    if (const tracking::Tag* user_tag = FindTag(request.tags, tracking::kUserTag)) info.user_id = user_tag->value;
  }
  info.status = tracking::RunStatus::kRunning;
  info.start_time = request.start_time != 0 ? request.start_time : NowMillis();
  info.lifecycle_stage = tracking::LifecycleStage::kActive;

  // Final tag set: request tags (last value per key wins) plus mlflow.runName.
  std::map<std::string, std::string> tags;
  for (const tracking::Tag& tag : request.tags) tags[tag.key] = tag.value;
  tags[std::string(tracking::kRunNameTag)] = info.run_name;

  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(internal::ExperimentRow experiment, internal::LookupExperiment(db, info.experiment_id));
    CAIRN_RETURN_IF_ERROR(internal::CheckExperimentActive(experiment));
    info.artifact_uri = JoinUri(JoinUri(experiment.artifact_location, info.run_id), "artifacts");
    CAIRN_ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, "
                                                   "start_time, end_time, deleted_time, artifact_uri, "
                                                   "lifecycle_stage) VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, NULL, "
                                                   "?, 'active')"));
    CAIRN_RETURN_IF_ERROR(insert->BindText(1, info.run_id));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(2, experiment.experiment_id));
    CAIRN_RETURN_IF_ERROR(insert->BindText(3, info.run_name));
    CAIRN_RETURN_IF_ERROR(insert->BindText(4, info.user_id));
    CAIRN_RETURN_IF_ERROR(insert->BindInt64(5, info.start_time));
    CAIRN_RETURN_IF_ERROR(insert->BindText(6, info.artifact_uri));
    CAIRN_RETURN_IF_ERROR(insert->Run());
    for (const auto& [key, value] : tags) CAIRN_RETURN_IF_ERROR(internal::UpsertRunTag(db, info.run_id, key, value));
    return Status();
  }));
  info.experiment_id = std::to_string(*internal::ParseExperimentId(info.experiment_id));  // canonical form
  for (auto& [key, value] : tags) run.tags.push_back({key, value});
  return run;
}

Result<Run> SqlTrackingStore::GetRun(const std::string& run_id) {
  std::vector<Run> runs(1);
  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(runs[0].info, ReadRunInfoById(db, run_id));
    return LoadRunChildren(db, &runs);
  }));
  return std::move(runs[0]);
}

Result<RunInfo> SqlTrackingStore::UpdateRun(const tracking::UpdateRunRequest& request) {
  RunInfo info;
  CAIRN_RETURN_IF_ERROR(Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(LookupActiveRun(db, request.run_id).status());
    if (request.status) {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE runs SET status = ? WHERE run_uuid = ?"));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(1, tracking::RunStatusName(*request.status)));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(2, request.run_id));
      CAIRN_RETURN_IF_ERROR(stmt->Run());
    }
    if (request.end_time) {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE runs SET end_time = ? WHERE run_uuid = ?"));
      CAIRN_RETURN_IF_ERROR(stmt->BindInt64(1, *request.end_time));
      CAIRN_RETURN_IF_ERROR(stmt->BindText(2, request.run_id));
      CAIRN_RETURN_IF_ERROR(stmt->Run());
    }
    if (request.run_name && !request.run_name->empty()) {
      CAIRN_RETURN_IF_ERROR(SetRunName(db, request.run_id, *request.run_name));
      CAIRN_RETURN_IF_ERROR(internal::UpsertRunTag(db, request.run_id, tracking::kRunNameTag, *request.run_name));
    }
    CAIRN_ASSIGN_OR_RETURN(info, ReadRunInfoById(db, request.run_id));
    return Status();
  }));
  return info;
}

namespace {

Status SetRunStage(Connection& db, const std::string& run_id, bool deleted, int64_t now) {
  CAIRN_RETURN_IF_ERROR(LookupRun(db, run_id).status());
  CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? "
                                               "WHERE run_uuid = ?"));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(1, deleted ? "deleted" : "active"));
  CAIRN_RETURN_IF_ERROR(deleted ? stmt->BindInt64(2, now) : stmt->BindNull(2));
  CAIRN_RETURN_IF_ERROR(stmt->BindText(3, run_id));
  return stmt->Run();
}

}  // namespace

Status SqlTrackingStore::DeleteRun(const std::string& run_id) {
  const int64_t now = NowMillis();
  return Write([&](Connection& db) { return SetRunStage(db, run_id, /*deleted=*/true, now); });
}

Status SqlTrackingStore::RestoreRun(const std::string& run_id) {
  return Write([&](Connection& db) { return SetRunStage(db, run_id, /*deleted=*/false, 0); });
}

Status SqlTrackingStore::LogBatch(const std::string& run_id, const std::vector<tracking::Metric>& metrics,
                                     const std::vector<tracking::Param>& params,
                                     const std::vector<tracking::Tag>& tags) {
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(LookupActiveRun(db, run_id).status());
    for (const tracking::Param& param : params) CAIRN_RETURN_IF_ERROR(InsertParam(db, run_id, param));
    CAIRN_RETURN_IF_ERROR(InsertMetrics(db, run_id, metrics));
    for (const tracking::Tag& tag : tags) {
      CAIRN_RETURN_IF_ERROR(internal::UpsertRunTag(db, run_id, tag.key, tag.value));
      // The run name lives in both places; keep them equal.
      if (tag.key == tracking::kRunNameTag) CAIRN_RETURN_IF_ERROR(SetRunName(db, run_id, tag.value));
    }
    return Status();
  });
}

Status SqlTrackingStore::DeleteTag(const std::string& run_id, const std::string& key) {
  return Write([&](Connection& db) -> Status {
    CAIRN_RETURN_IF_ERROR(LookupActiveRun(db, run_id).status());
    CAIRN_ASSIGN_OR_RETURN(auto stmt, db.Prepare("DELETE FROM tags WHERE run_uuid = ? AND key = ?"));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(1, run_id));
    CAIRN_RETURN_IF_ERROR(stmt->BindText(2, key));
    CAIRN_RETURN_IF_ERROR(stmt->Run());
    if (db.Changes() == 0) return NotFound(fmt::format("No tag with name: {} in run with id {}", key, run_id));
    return Status();
  });
}

Status SqlTrackingStore::LogInputs(const std::string& run_id, const std::vector<tracking::DatasetInput>& inputs) {
  return Write([&](Connection& db) -> Status {
    CAIRN_ASSIGN_OR_RETURN(RunRow run, LookupActiveRun(db, run_id));
    std::vector<std::pair<std::string_view, std::string_view>> seen;  // (name, digest), first one wins
    for (const tracking::DatasetInput& input : inputs) {
      std::pair<std::string_view, std::string_view> key{input.dataset.name, input.dataset.digest};
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      CAIRN_ASSIGN_OR_RETURN(std::string dataset_uuid, EnsureDataset(db, run.experiment_id, input.dataset));
      CAIRN_RETURN_IF_ERROR(LinkDatasetInput(db, dataset_uuid, run_id, input.tags));
    }
    return Status();
  });
}

Result<tracking::Page<Run>> SqlTrackingStore::SearchRuns(const tracking::SearchRunsRequest& request) {
  RunSearchSpec spec;
  for (const std::string& id : request.experiment_ids) {
    // Ids that are not integers name no experiment, so they match no runs.
    if (auto parsed = internal::ParseExperimentId(id)) spec.experiment_ids.push_back(*parsed);
  }
  spec.view_type = request.view_type;
  CAIRN_ASSIGN_OR_RETURN(spec.filters, tracking::ParseRunFilter(request.filter));
  CAIRN_ASSIGN_OR_RETURN(spec.order_by, tracking::ParseRunOrderBy(request.order_by));
  CAIRN_ASSIGN_OR_RETURN(spec.offset, tracking::DecodePageToken(request.page_token));
  spec.limit = std::max<int64_t>(request.max_results, 1);
  tracking::Page<Run> page;
  if (spec.experiment_ids.empty()) return page;
  CAIRN_ASSIGN_OR_RETURN(SqlQuery query, BuildSearchRunsQuery(spec, db_->dialect()));

  CAIRN_RETURN_IF_ERROR(Read([&](Connection& db) -> Status {
    {
      CAIRN_ASSIGN_OR_RETURN(auto stmt, db.PrepareQuery(query));
      for (;;) {
        CAIRN_ASSIGN_OR_RETURN(bool row, stmt->Step());
        if (!row) break;
        page.items.emplace_back().info = ReadRunInfo(*stmt);
      }
    }
    return LoadRunChildren(db, &page.items);
  }));
  // Like MLflow's SQL store: a full page always carries a token, so the last
  // page may be empty.
  if (static_cast<int64_t>(page.items.size()) == spec.limit) {
    page.next_page_token = tracking::EncodePageToken(spec.offset + spec.limit);
  }
  return page;
}

}  // namespace cairn::store::sql
