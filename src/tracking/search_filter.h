// Parser for MLflow search filters and order_by clauses (specs/mlflow-rest.md
// section 5). Produces a small AST that stores compile to SQL with bound
// parameters — user text never becomes SQL text. Pure functions, thread-safe.
//
// Grammar: clause (AND clause)*; clause := identifier comparator value;
// identifier := [entity '.'] key, key bare, "double-quoted" or `back-quoted`.
// Errors are kInvalidArgument with MLflow-like messages.
#pragma once

#include <cstdint>
#include <span>
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

// ---------------------------------------------------------------------------
// The grammar with another vocabulary: how other search surfaces (model
// registry, logged models) reuse this parser. A vocabulary says which
// "entity." prefixes exist, which attributes (bare keys) there are, what
// they accept, and what may be ordered by. Keyed entities keep their fixed
// rules: tags/params take = != LIKE ILIKE with quoted strings, metrics the
// numeric comparators, datasets name/digest/context.

using ComparatorSet = uint32_t;
constexpr ComparatorSet ComparatorBit(Comparator op) { return ComparatorSet{1} << static_cast<int>(op); }
inline constexpr ComparatorSet kNumericComparators =
    ComparatorBit(Comparator::kEq) | ComparatorBit(Comparator::kNe) | ComparatorBit(Comparator::kGt) |
    ComparatorBit(Comparator::kGe) | ComparatorBit(Comparator::kLt) | ComparatorBit(Comparator::kLe);
inline constexpr ComparatorSet kStringComparators = ComparatorBit(Comparator::kEq) | ComparatorBit(Comparator::kNe) |
                                                    ComparatorBit(Comparator::kLike) | ComparatorBit(Comparator::kILike);
inline constexpr ComparatorSet kListComparators = ComparatorBit(Comparator::kIn) | ComparatorBit(Comparator::kNotIn);

struct FilterAttribute {
  std::string_view name;  // the canonical key clauses carry
  bool numeric;           // value is a number; else a quoted string (or a list for IN)
  ComparatorSet ops;      // comparators allowed in filters; 0: not filterable
  bool orderable = true;  // may appear in order_by
};

struct FilterEntitySpelling {
  std::string_view spelling;  // "tags", "attribute", ...
  FilterEntity entity;
};

struct FilterAlias {
  std::string_view alias;  // accepted spelling
  std::string_view name;   // canonical attribute name
};

// Views static tables; must outlive the parse.
struct FilterVocabulary {
  std::span<const FilterEntitySpelling> entities;  // accepted prefixes (no prefix = attribute)
  std::string_view invalid_entity_hint;            // "Valid entity types are [...]" for errors
  std::span<const FilterAttribute> attributes;
  std::span<const FilterAlias> aliases;
  std::string_view alias_hint;                     // extra names listed with the valid keys
  std::span<const FilterEntity> orderable_entities;  // keyed entities order_by accepts
};

// Parse with `vocabulary`; errors and limits as for runs.
Result<std::vector<FilterClause>> ParseFilter(std::string_view filter, const FilterVocabulary& vocabulary);
Result<std::vector<OrderByClause>> ParseOrderBy(const std::vector<std::string>& order_by,
                                                const FilterVocabulary& vocabulary);

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
