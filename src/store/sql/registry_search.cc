#include "store/sql/registry_search.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

#include "registry/registry_filter.h"
#include "store/sql/registry_rows.h"
#include "store/sql/run_search.h"

namespace cairn::store::sql {
namespace {

using tracking::Comparator;
using tracking::FilterClause;
using tracking::FilterEntity;
using tracking::OrderByClause;

constexpr std::string_view kPromptTagKey = "mlflow.prompt.is_prompt";

struct Column {
  std::string_view sql;
  bool numeric;
};

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status InvalidKey(std::string_view key) {
  return InvalidArgument(fmt::format("Invalid attribute key '{}' specified.", key));
}

Status InvalidEntity(const FilterClause& clause) {
  return InvalidArgument(fmt::format("Invalid search expression type for key '{}'.", clause.key));
}

Status AppendColumnClause(const std::optional<Column>& column, const FilterClause& clause, const Dialect& dialect, SqlQuery* out) {
  if (!column) return InvalidKey(clause.key);
  if (column->numeric) return AppendNumericComparison(column->sql, clause, out);
  return AppendStringComparison(column->sql, clause, dialect, out);
}

// MLflow's _is_querying_prompt: the first clause on the prompt tag decides.
bool IsQueryingPrompts(const std::vector<FilterClause>& filters) {
  for (const FilterClause& clause : filters) {
    if (clause.entity != FilterEntity::kTag || clause.key != kPromptTagKey) continue;
    const auto* value = std::get_if<std::string>(&clause.value);
    if (value == nullptr) return false;
    std::string lower = AsciiLower(*value);
    return (clause.op == Comparator::kEq && lower == "true") || (clause.op == Comparator::kNe && lower == "false");
  }
  return false;
}

bool IsPromptTagClause(const FilterClause& clause) {
  return clause.entity == FilterEntity::kTag && clause.key == kPromptTagKey;
}

// Excludes versions and models of prompt models. `name_column` holds the
// registered model name.
void AppendNotPrompt(std::string_view name_column, SqlQuery* out) {
  out->sql += fmt::format(
      " AND NOT EXISTS (SELECT 1 FROM registered_model_tags p WHERE p.name = {} AND p.key = ? AND p.value = 'true')",
      name_column);
  out->params.emplace_back(std::string(kPromptTagKey));
}

std::string_view Direction(const OrderByClause& clause) { return clause.ascending ? "ASC" : "DESC"; }

// --- registered models ---

std::optional<Column> RegisteredModelColumn(std::string_view key) {
  if (key == registry::kKeyName) return Column{"m.name", false};
  if (key == registry::kKeyCreationTimestamp) return Column{"m.creation_time", true};
  if (key == registry::kKeyLastUpdatedTimestamp) return Column{"m.last_updated_time", true};
  return std::nullopt;
}

// --- model versions ---

std::optional<Column> ModelVersionColumn(std::string_view key) {
  if (key == registry::kKeyName) return Column{"v.name", false};
  if (key == registry::kKeyVersionNumber) return Column{"v.version", true};
  if (key == registry::kKeyRunId) return Column{"v.run_id", false};
  if (key == registry::kKeySourcePath) return Column{"v.source", false};
  if (key == registry::kKeyCreationTimestamp) return Column{"v.creation_time", true};
  if (key == registry::kKeyLastUpdatedTimestamp) return Column{"v.last_updated_time", true};
  return std::nullopt;
}

// --- logged models ---

std::optional<Column> LoggedModelColumn(std::string_view key) {
  if (key == registry::kKeyName) return Column{"l.name", false};
  if (key == registry::kKeyModelId) return Column{"l.model_id", false};
  if (key == registry::kKeyModelType) return Column{"l.model_type", false};
  if (key == registry::kKeyStatus) return Column{"l.status", false};
  if (key == registry::kKeySourceRunId) return Column{"l.source_run_id", false};
  if (key == registry::kKeyCreationTimestamp) return Column{"l.creation_timestamp_ms", true};
  if (key == registry::kKeyLastUpdatedTimestamp) return Column{"l.last_updated_timestamp_ms", true};
  return std::nullopt;
}

// Builds "ORDER BY ..." from attribute clauses mapped by `column_of`.
template <typename ColumnOf>
Result<std::string> OrderBy(const std::vector<OrderByClause>& clauses, ColumnOf column_of) {
  std::string order;
  for (const OrderByClause& clause : clauses) {
    if (clause.entity != FilterEntity::kAttribute) {
      return InvalidArgument(fmt::format("Invalid order_by key '{}': only attributes can be ordered by.", clause.key));
    }
    std::optional<Column> column = column_of(clause.key);
    if (!column) return InvalidKey(clause.key);
    if (!order.empty()) order += ", ";
    order += fmt::format("{} {}", column->sql, Direction(clause));
  }
  return order;
}

bool HasKey(const std::vector<OrderByClause>& clauses, std::string_view key) {
  for (const OrderByClause& clause : clauses) {
    if (clause.entity == FilterEntity::kAttribute && clause.key == key) return true;
  }
  return false;
}

void AppendTieBreaker(std::string& order, std::string_view term) {
  if (!order.empty()) order += ", ";
  order += term;
}

}  // namespace

Result<SqlQuery> BuildSearchRegisteredModelsQuery(const RegistrySearchSpec& spec, const Dialect& dialect) {
  SqlQuery query;
  query.sql = fmt::format("SELECT {} FROM registered_models m WHERE 1 = 1", kRegisteredModelColumns);
  const bool prompts = IsQueryingPrompts(spec.filters);
  for (const FilterClause& clause : spec.filters) {
    if (!prompts && IsPromptTagClause(clause)) continue;
    query.sql += " AND ";
    switch (clause.entity) {
      case FilterEntity::kAttribute:
        CAIRN_RETURN_IF_ERROR(AppendColumnClause(RegisteredModelColumn(clause.key), clause, dialect, &query));
        break;
      case FilterEntity::kTag:
        CAIRN_RETURN_IF_ERROR(AppendKeyedStringComparison(
            "SELECT 1 FROM registered_model_tags f WHERE f.name = m.name", clause, dialect, &query));
        break;
      default:
        return InvalidEntity(clause);
    }
  }
  if (!prompts) AppendNotPrompt("m.name", &query);

  CAIRN_ASSIGN_OR_RETURN(std::string order, OrderBy(spec.order_by, RegisteredModelColumn));
  if (!HasKey(spec.order_by, registry::kKeyName)) AppendTieBreaker(order, "m.name ASC");
  query.sql += " ORDER BY " + order;
  AppendLimitOffset(spec.limit, spec.offset, &query);
  return query;
}

Result<SqlQuery> BuildSearchModelVersionsQuery(const RegistrySearchSpec& spec, const Dialect& dialect) {
  SqlQuery query;
  query.sql = fmt::format("SELECT {} FROM model_versions v WHERE v.current_stage != '{}'", kModelVersionColumns,
                          kStageDeletedInternal);
  const bool prompts = IsQueryingPrompts(spec.filters);
  for (const FilterClause& clause : spec.filters) {
    if (!prompts && IsPromptTagClause(clause)) continue;
    query.sql += " AND ";
    switch (clause.entity) {
      case FilterEntity::kAttribute:
        CAIRN_RETURN_IF_ERROR(AppendColumnClause(ModelVersionColumn(clause.key), clause, dialect, &query));
        break;
      case FilterEntity::kTag:
        CAIRN_RETURN_IF_ERROR(AppendKeyedStringComparison(
            "SELECT 1 FROM model_version_tags f WHERE f.name = v.name AND f.version = v.version", clause, dialect, &query));
        break;
      default:
        return InvalidEntity(clause);
    }
  }
  if (!prompts) AppendNotPrompt("v.name", &query);

  std::string order;
  if (spec.order_by.empty()) {
    order = "v.last_updated_time DESC, v.name ASC, v.version DESC";
  } else {
    CAIRN_ASSIGN_OR_RETURN(order, OrderBy(spec.order_by, ModelVersionColumn));
    if (!HasKey(spec.order_by, registry::kKeyName)) AppendTieBreaker(order, "v.name ASC");
    if (!HasKey(spec.order_by, registry::kKeyVersionNumber)) AppendTieBreaker(order, "v.version DESC");
  }
  query.sql += " ORDER BY " + order;
  AppendLimitOffset(spec.limit, spec.offset, &query);
  return query;
}

Result<SqlQuery> BuildSearchLoggedModelsQuery(const LoggedModelSearchSpec& spec, const Dialect& dialect) {
  SqlQuery query;
  query.sql = fmt::format("SELECT {} FROM logged_models l WHERE l.experiment_id IN (", kLoggedModelColumns);
  for (size_t i = 0; i < spec.experiment_ids.size(); ++i) {
    query.sql += i == 0 ? "?" : ", ?";
    query.params.emplace_back(spec.experiment_ids[i]);
  }
  query.sql += ") AND l.lifecycle_stage = 'active'";
  for (const FilterClause& clause : spec.filters) {
    query.sql += " AND ";
    switch (clause.entity) {
      case FilterEntity::kAttribute:
        CAIRN_RETURN_IF_ERROR(AppendColumnClause(LoggedModelColumn(clause.key), clause, dialect, &query));
        break;
      case FilterEntity::kTag:
        CAIRN_RETURN_IF_ERROR(AppendKeyedStringComparison(
            "SELECT 1 FROM logged_model_tags f WHERE f.model_id = l.model_id", clause, dialect, &query));
        break;
      case FilterEntity::kParam:
        CAIRN_RETURN_IF_ERROR(AppendKeyedStringComparison(
            "SELECT 1 FROM logged_model_params f WHERE f.model_id = l.model_id", clause, dialect, &query));
        break;
      default:
        return InvalidEntity(clause);
    }
  }
  std::string order;
  if (spec.order_by.empty()) {
    order = "l.creation_timestamp_ms DESC";
  } else {
    CAIRN_ASSIGN_OR_RETURN(order, OrderBy(spec.order_by, LoggedModelColumn));
  }
  if (!HasKey(spec.order_by, registry::kKeyModelId)) AppendTieBreaker(order, "l.model_id ASC");
  query.sql += " ORDER BY " + order;
  AppendLimitOffset(spec.limit, spec.offset, &query);
  return query;
}

}  // namespace cairn::store::sql
