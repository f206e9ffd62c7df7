// Parser for MLflow search filters and order_by clauses (specs/mlflow-rest.md
// section 5). Produces a small AST that stores compile to SQL with bound
// parameters — user text never becomes SQL text. Pure functions, thread-safe.
//
// Grammar: clause (AND clause)*; clause := identifier comparator value;
// identifier := [entity '.'] key, key bare, "double-quoted" or `back-quoted`.
// Errors are kInvalidArgument with MLflow-like messages.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace cairn::tracking {

enum class FilterEntity { kMetric, kParam, kTag, kAttribute, kDataset };

enum class Comparator { kEq, kNe, kLt, kLe, kGt, kGe, kLike, kILike, kIn, kNotIn };

std::string_view ComparatorSql(Comparator op);  // "=", "!=", "<", ..., "LIKE", "IN", "NOT IN"

// Run attribute keys after alias normalisation ("created" -> start_time,
// "run name" -> run_name, "run_uuid" -> run_id).
inline constexpr std::string_view kAttrRunId = "run_id";
inline constexpr std::string_view kAttrRunName = "run_name";
inline constexpr std::string_view kAttrStatus = "status";
inline constexpr std::string_view kAttrUserId = "user_id";
inline constexpr std::string_view kAttrArtifactUri = "artifact_uri";
inline constexpr std::string_view kAttrStartTime = "start_time";
inline constexpr std::string_view kAttrEndTime = "end_time";
// Experiment attribute keys.
inline constexpr std::string_view kAttrName = "name";
inline constexpr std::string_view kAttrCreationTime = "creation_time";
inline constexpr std::string_view kAttrLastUpdateTime = "last_update_time";
inline constexpr std::string_view kAttrExperimentId = "experiment_id";
// Dataset keys: name, digest, context.

using FilterValue = std::variant<double, std::string, std::vector<std::string>>;

struct FilterClause {
  FilterEntity entity;
  std::string key;  // unquoted; attributes normalised as above
  Comparator op;
  // double for metrics and numeric attributes; string for params, tags,
  // string attributes, datasets; vector for IN / NOT IN.
  FilterValue value;
};

struct OrderByClause {
  FilterEntity entity;  // kMetric, kParam, kTag or kAttribute
  std::string key;
  bool ascending = true;
};

// Empty or all-whitespace filter -> no clauses.
Result<std::vector<FilterClause>> ParseRunFilter(std::string_view filter);
// Experiment filters allow attributes name, creation_time, last_update_time
// and tags.<key>.
Result<std::vector<FilterClause>> ParseExperimentFilter(std::string_view filter);

// Each string is "<identifier> [ASC|DESC]". Duplicate identifiers are an error.
Result<std::vector<OrderByClause>> ParseRunOrderBy(const std::vector<std::string>& order_by);
// Experiments: name, experiment_id, creation_time, last_update_time.
Result<std::vector<OrderByClause>> ParseExperimentOrderBy(const std::vector<std::string>& order_by);

}  // namespace cairn::tracking
