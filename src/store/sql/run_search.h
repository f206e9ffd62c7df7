// Compiles parsed MLflow search filters and order_by clauses (the AST from
// tracking/search_filter.h) into SQLite SELECTs. User text — keys included —
// only ever becomes a bound parameter, never SQL text.
//
// Semantics (specs/mlflow-rest.md section 5):
//  * metrics.<k> compares the latest value; NaN values never satisfy a
//    comparison; +-Inf in the filter compares like the stored +-DBL_MAX.
//  * params / tags / metrics clauses match only runs that have the key.
//  * LIKE is case-sensitive (Dialect::CaseSensitiveLike), ILIKE compares lower(x).
//  * order_by puts missing values (and NaN metrics, before missing) last in
//    both directions, then start_time DESC (unless ordered by start_time)
//    and run_uuid ASC.
//
// Errors: kInvalidArgument for a key, comparator or value type the entity
// does not support. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/sql/connection.h"
#include "store/sql/dialect.h"
#include "tracking/entities.h"
#include "tracking/search_filter.h"

namespace cairn::store::sql {

// Building blocks shared with the registry search compiler; each appends SQL
// text with `?` placeholders and the matching bound values to `out`.
// "<column> <op> ?" for = != < <= > >= with a numeric clause value.
Status AppendNumericComparison(std::string_view column, const tracking::FilterClause& clause, SqlQuery* out);
// = != (exact), LIKE (case-sensitive), ILIKE (lower()), IN / NOT IN.
Status AppendStringComparison(std::string_view column, const tracking::FilterClause& clause, const Dialect& dialect, SqlQuery* out);
// "EXISTS (<prefix> AND f.key = ? AND <string comparison on f.value>)";
// `prefix` selects from a key/value child table aliased `f`.
Status AppendKeyedStringComparison(std::string_view prefix, const tracking::FilterClause& clause, const Dialect& dialect, SqlQuery* out);
// " LIMIT ? OFFSET ?".
void AppendLimitOffset(int64_t limit, int64_t offset, SqlQuery* out);

struct RunSearchSpec {
  std::vector<int64_t> experiment_ids;  // non-empty
  tracking::ViewType view_type = tracking::ViewType::kActiveOnly;
  std::vector<tracking::FilterClause> filters;
  std::vector<tracking::OrderByClause> order_by;
  int64_t limit = 1000;
  int64_t offset = 0;
};

// Selects kRunColumns (see rows.h) of the matching page of runs.
Result<SqlQuery> BuildSearchRunsQuery(const RunSearchSpec& spec, const Dialect& dialect);

struct ExperimentSearchSpec {
  tracking::ViewType view_type = tracking::ViewType::kActiveOnly;
  std::vector<tracking::FilterClause> filters;
  std::vector<tracking::OrderByClause> order_by;  // empty: creation_time DESC, experiment_id ASC
  int64_t limit = 1000;
  int64_t offset = 0;
};

// Selects kExperimentColumns (see rows.h) of the matching experiments.
Result<SqlQuery> BuildSearchExperimentsQuery(const ExperimentSearchSpec& spec, const Dialect& dialect);

// "lifecycle_stage IN (...)" for a view type, over `column`.
std::string LifecycleCondition(std::string_view column, tracking::ViewType view_type);

}  // namespace cairn::store::sql
