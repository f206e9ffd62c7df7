#include "store/sql/run_search.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "store/sql/rows.h"

namespace cairn::store::sql {
namespace {

using tracking::Comparator;
using tracking::FilterClause;
using tracking::FilterEntity;
using tracking::FilterValue;
using tracking::OrderByClause;

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view NumericOp(Comparator op) {
  switch (op) {
    case Comparator::kEq: return "=";
    case Comparator::kNe: return "!=";
    case Comparator::kLt: return "<";
    case Comparator::kLe: return "<=";
    case Comparator::kGt: return ">";
    case Comparator::kGe: return ">=";
    default: return {};
  }
}

std::string_view EntityName(FilterEntity entity) {
  switch (entity) {
    case FilterEntity::kMetric: return "metric";
    case FilterEntity::kParam: return "param";
    case FilterEntity::kTag: return "tag";
    case FilterEntity::kAttribute: return "attribute";
    case FilterEntity::kDataset: return "dataset";
  }
  return "identifier";
}

Status InvalidComparator(const FilterClause& clause) {
  return InvalidArgument(fmt::format("Invalid comparator '{}' for {} '{}' in search filter",
                                     tracking::ComparatorSql(clause.op), EntityName(clause.entity), clause.key));
}

// Appends "<column> <op> ?" for a numeric comparison.
Status AppendNumeric(std::string_view column, const FilterClause& clause, bool clamp_infinity, SqlQuery* out) {
  const double* number = std::get_if<double>(&clause.value);
  if (number == nullptr) {
    return InvalidArgument(
        fmt::format("Expected numeric value type for {} '{}' in search filter", EntityName(clause.entity), clause.key));
  }
  std::string_view op = NumericOp(clause.op);
  if (op.empty()) return InvalidComparator(clause);
  out->sql += fmt::format("{} {} ?", column, op);
  out->params.emplace_back(clamp_infinity ? ClampInfinity(*number) : *number);
  return Status();
}

// Appends a string comparison (=, !=, LIKE, ILIKE, IN, NOT IN) on `column`.
Status AppendString(std::string_view column, const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  if (clause.op == Comparator::kIn || clause.op == Comparator::kNotIn) {
    const auto* list = std::get_if<std::vector<std::string>>(&clause.value);
    if (list == nullptr) {
      return InvalidArgument(fmt::format("Expected a list of quoted strings for '{}' in search filter", clause.key));
    }
    if (list->empty()) {  // IN () matches nothing, NOT IN () everything
      out->sql += clause.op == Comparator::kIn ? "1 = 0" : "1 = 1";
      return Status();
    }
    out->sql += column;
    out->sql += clause.op == Comparator::kIn ? " IN (" : " NOT IN (";
    for (size_t i = 0; i < list->size(); ++i) {
      out->sql += i == 0 ? "?" : ", ?";
      out->params.emplace_back((*list)[i]);
    }
    out->sql += ')';
    return Status();
  }
  const auto* text = std::get_if<std::string>(&clause.value);
  if (text == nullptr) {
    return InvalidArgument(
        fmt::format("Expected a quoted string value for {} '{}' in search filter", EntityName(clause.entity), clause.key));
  }
  switch (clause.op) {
    case Comparator::kEq:
    case Comparator::kNe:
      out->sql += fmt::format("{} {} ?", column, NumericOp(clause.op));
      out->params.emplace_back(*text);
      return Status();
    case Comparator::kLike:
      out->sql += dialect.CaseSensitiveLike(column);
      out->params.emplace_back(dialect.LikePattern(*text));
      return Status();
    case Comparator::kILike:
      out->sql += dialect.CaseSensitiveLike(fmt::format("lower({})", column));
      out->params.emplace_back(dialect.LikePattern(AsciiLower(*text)));
      return Status();
    default:
      return InvalidComparator(clause);
  }
}

struct AttributeColumn {
  std::string_view column;
  bool numeric;
};

std::optional<AttributeColumn> RunAttributeColumn(std::string_view key) {
  if (key == tracking::kAttrRunId) return AttributeColumn{"r.run_uuid", false};
  if (key == tracking::kAttrRunName) return AttributeColumn{"r.name", false};
  if (key == tracking::kAttrStatus) return AttributeColumn{"r.status", false};
  if (key == tracking::kAttrUserId) return AttributeColumn{"r.user_id", false};
  if (key == tracking::kAttrArtifactUri) return AttributeColumn{"r.artifact_uri", false};
  if (key == tracking::kAttrStartTime) return AttributeColumn{"r.start_time", true};
  if (key == tracking::kAttrEndTime) return AttributeColumn{"r.end_time", true};
  return std::nullopt;
}

std::optional<AttributeColumn> ExperimentAttributeColumn(std::string_view key) {
  if (key == tracking::kAttrName) return AttributeColumn{"e.name", false};
  if (key == tracking::kAttrExperimentId) return AttributeColumn{"e.experiment_id", true};
  if (key == tracking::kAttrCreationTime) return AttributeColumn{"e.creation_time", true};
  if (key == tracking::kAttrLastUpdateTime) return AttributeColumn{"e.last_update_time", true};
  return std::nullopt;
}

Status InvalidAttribute(std::string_view key) {
  return InvalidArgument(fmt::format("Invalid attribute key '{}' specified.", key));
}

Status AppendAttribute(const std::optional<AttributeColumn>& column, const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  if (!column) return InvalidAttribute(clause.key);
  if (column->numeric) return AppendNumeric(column->column, clause, /*clamp_infinity=*/false, out);
  return AppendString(column->column, clause, dialect, out);
}

// "EXISTS (<prefix> AND f.key = ? AND <comparison on f.value>)".
Status AppendKeyed(std::string_view prefix, const FilterClause& clause, bool numeric, const Dialect& dialect, SqlQuery* out) {
  out->sql += "EXISTS (";
  out->sql += prefix;
  out->sql += " AND f.key = ? AND ";
  out->params.emplace_back(clause.key);
  if (numeric) {
    // NaN latest values never satisfy a comparison.
    out->sql += "f.is_nan = 0 AND ";
    CAIRN_RETURN_IF_ERROR(AppendNumeric("f.value", clause, /*clamp_infinity=*/true, out));
  } else {
    CAIRN_RETURN_IF_ERROR(AppendString("f.value", clause, dialect, out));
  }
  out->sql += ')';
  return Status();
}

Status AppendDataset(const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  constexpr std::string_view kJoin =
      "EXISTS (SELECT 1 FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id "
      "WHERE i.destination_type = 'RUN' AND i.destination_id = r.run_uuid AND i.source_type = 'DATASET' AND ";
  if (clause.key == "name" || clause.key == "digest") {
    out->sql += kJoin;
    CAIRN_RETURN_IF_ERROR(AppendString(clause.key == "name" ? "d.name" : "d.digest", clause, dialect, out));
    out->sql += ')';
    return Status();
  }
  if (clause.key == "context") {
    out->sql +=
        "EXISTS (SELECT 1 FROM inputs i JOIN input_tags t ON t.input_uuid = i.input_uuid "
        "WHERE i.destination_type = 'RUN' AND i.destination_id = r.run_uuid AND i.source_type = 'DATASET' "
        "AND t.name = ? AND ";
    out->params.emplace_back(std::string(tracking::kDatasetContextTag));
    CAIRN_RETURN_IF_ERROR(AppendString("t.value", clause, dialect, out));
    out->sql += ')';
    return Status();
  }
  return InvalidArgument(
      fmt::format("Invalid dataset key '{}' specified; expected one of name, digest, context.", clause.key));
}

Status AppendRunClause(const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  switch (clause.entity) {
    case FilterEntity::kMetric:
      return AppendKeyed("SELECT 1 FROM latest_metrics f WHERE f.run_uuid = r.run_uuid", clause, true, dialect, out);
    case FilterEntity::kParam:
      return AppendKeyed("SELECT 1 FROM params f WHERE f.run_uuid = r.run_uuid", clause, false, dialect, out);
    case FilterEntity::kTag:
      return AppendKeyed("SELECT 1 FROM tags f WHERE f.run_uuid = r.run_uuid", clause, false, dialect, out);
    case FilterEntity::kAttribute:
      return AppendAttribute(RunAttributeColumn(clause.key), clause, dialect, out);
    case FilterEntity::kDataset:
      return AppendDataset(clause, dialect, out);
  }
  return InvalidArgument("Invalid search filter.");
}

}  // namespace

void AppendLimitOffset(int64_t limit, int64_t offset, SqlQuery* out) {
  out->sql += " LIMIT ? OFFSET ?";
  out->params.emplace_back(limit);
  out->params.emplace_back(offset);
}

Status AppendNumericComparison(std::string_view column, const FilterClause& clause, SqlQuery* out) {
  return AppendNumeric(column, clause, /*clamp_infinity=*/false, out);
}

Status AppendStringComparison(std::string_view column, const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  return AppendString(column, clause, dialect, out);
}

Status AppendKeyedStringComparison(std::string_view prefix, const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  return AppendKeyed(prefix, clause, /*numeric=*/false, dialect, out);
}

std::string LifecycleCondition(std::string_view column, tracking::ViewType view_type) {
  switch (view_type) {
    case tracking::ViewType::kActiveOnly: return fmt::format("{} = 'active'", column);
    case tracking::ViewType::kDeletedOnly: return fmt::format("{} = 'deleted'", column);
    case tracking::ViewType::kAll: return fmt::format("{} IN ('active', 'deleted')", column);
  }
  return fmt::format("{} = 'active'", column);
}

Result<SqlQuery> BuildSearchRunsQuery(const RunSearchSpec& spec, const Dialect& dialect) {
  // Sort joins come first in the SQL text, so their parameters are collected
  // separately and prepended.
  SqlQuery joins;
  std::string order;
  bool ordered_by_start_time = false;
  int alias = 0;
  for (const OrderByClause& clause : spec.order_by) {
    std::string_view direction = clause.ascending ? "ASC" : "DESC";
    if (!order.empty()) order += ", ";
    switch (clause.entity) {
      case FilterEntity::kAttribute: {
        auto column = RunAttributeColumn(clause.key);
        if (!column) return InvalidAttribute(clause.key);
        if (clause.key == tracking::kAttrStartTime) ordered_by_start_time = true;
        order += fmt::format("({0} IS NULL), {0} {1}", column->column, direction);
        break;
      }
      case FilterEntity::kMetric: {
        ++alias;
        joins.sql += fmt::format(" LEFT JOIN latest_metrics o{0} ON o{0}.run_uuid = r.run_uuid AND o{0}.key = ?", alias);
        joins.params.emplace_back(clause.key);
        // MLflow's order: values, then NaN, then missing — in both directions.
        order += fmt::format("CASE WHEN o{0}.is_nan = 1 THEN 1 WHEN o{0}.value IS NULL THEN 2 ELSE 0 END, o{0}.value {1}",
                             alias, direction);
        break;
      }
      case FilterEntity::kParam:
      case FilterEntity::kTag: {
        ++alias;
        std::string_view table = clause.entity == FilterEntity::kParam ? "params" : "tags";
        joins.sql += fmt::format(" LEFT JOIN {1} o{0} ON o{0}.run_uuid = r.run_uuid AND o{0}.key = ?", alias, table);
        joins.params.emplace_back(clause.key);
        order += fmt::format("(o{0}.value IS NULL), o{0}.value {1}", alias, direction);
        break;
      }
      case FilterEntity::kDataset:
        return InvalidArgument(fmt::format("Invalid order_by clause: cannot order by dataset '{}'.", clause.key));
    }
  }
  if (!order.empty()) order += ", ";
  if (!ordered_by_start_time) order += "r.start_time DESC, ";
  order += "r.run_uuid ASC";

  SqlQuery query;
  query.sql = fmt::format("SELECT {} FROM runs r{} WHERE r.experiment_id IN (", kRunColumns, joins.sql);
  query.params = std::move(joins.params);
  for (size_t i = 0; i < spec.experiment_ids.size(); ++i) {
    query.sql += i == 0 ? "?" : ", ?";
    query.params.emplace_back(spec.experiment_ids[i]);
  }
  query.sql += ") AND ";
  query.sql += LifecycleCondition("r.lifecycle_stage", spec.view_type);
  for (const FilterClause& clause : spec.filters) {
    query.sql += " AND ";
    CAIRN_RETURN_IF_ERROR(AppendRunClause(clause, dialect, &query));
  }
  query.sql += " ORDER BY ";
  query.sql += order;
  AppendLimitOffset(spec.limit, spec.offset, &query);
  return query;
}

Result<SqlQuery> BuildSearchExperimentsQuery(const ExperimentSearchSpec& spec, const Dialect& dialect) {
  SqlQuery query;
  query.sql = fmt::format("SELECT {} FROM experiments e WHERE ", kExperimentColumns);
  query.sql += LifecycleCondition("e.lifecycle_stage", spec.view_type);
  for (const FilterClause& clause : spec.filters) {
    query.sql += " AND ";
    switch (clause.entity) {
      case FilterEntity::kAttribute:
        CAIRN_RETURN_IF_ERROR(AppendAttribute(ExperimentAttributeColumn(clause.key), clause, dialect, &query));
        break;
      case FilterEntity::kTag:
        CAIRN_RETURN_IF_ERROR(AppendKeyed(
            "SELECT 1 FROM experiment_tags f WHERE f.experiment_id = e.experiment_id", clause, false, dialect, &query));
        break;
      default:
        return InvalidArgument(
            fmt::format("Invalid entity type '{}' in experiment search filter.", EntityName(clause.entity)));
    }
  }

  std::string order;
  bool ordered_by_id = false;
  if (spec.order_by.empty()) {
    order = "e.creation_time DESC, e.experiment_id ASC";
    ordered_by_id = true;
  }
  for (const OrderByClause& clause : spec.order_by) {
    if (clause.entity != FilterEntity::kAttribute) {
      return InvalidArgument(fmt::format("Invalid order_by entity '{}' for experiments.", EntityName(clause.entity)));
    }
    auto column = ExperimentAttributeColumn(clause.key);
    if (!column) return InvalidAttribute(clause.key);
    if (clause.key == tracking::kAttrExperimentId) ordered_by_id = true;
    if (!order.empty()) order += ", ";
    order += fmt::format("{} {}", column->column, clause.ascending ? "ASC" : "DESC");
  }
  // MLflow's tie-breaker when the caller did not order by id.
  if (!ordered_by_id) order += ", e.experiment_id DESC";
  query.sql += " ORDER BY ";
  query.sql += order;
  AppendLimitOffset(spec.limit, spec.offset, &query);
  return query;
}

}  // namespace cairn::store::sql
