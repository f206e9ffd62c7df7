// Compiles parsed registry filters and order_by clauses (the AST from
// registry/registry_filter.h) into SQLite SELECTs. User text, keys included,
// only ever becomes a bound parameter, never SQL text.
//
// Semantics (specs/mlflow-rest.md sections 3 and 7, MLflow's SQL store):
//  * tag/param clauses match only entities that have the key;
//  * LIKE is case-sensitive (GLOB), ILIKE compares lower(x);
//  * prompts (MLflow 3 prompt registry: registered models tagged
//    mlflow.prompt.is_prompt = 'true') are left out of model and version
//    searches unless the filter asks for them with
//    tags.`mlflow.prompt.is_prompt` = 'true' (or != 'false'); a clause on that
//    tag in a non-prompt search only serves to exclude prompts, as in MLflow;
//  * soft-deleted versions never match; deleted logged models never match;
//  * orders: models default `name ASC` (name ASC appended as tie-breaker);
//    versions default `last_updated_timestamp DESC, name ASC,
//    version_number DESC` (name ASC, version DESC appended); logged models
//    default `creation_timestamp DESC` (model_id ASC appended).
//
// Errors: kInvalidArgument for an entity or key the surface does not support.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "store/sql/connection.h"
#include "store/sql/dialect.h"
#include "tracking/search_filter.h"

namespace cairn::store::sql {

struct RegistrySearchSpec {
  std::vector<tracking::FilterClause> filters;
  std::vector<tracking::OrderByClause> order_by;
  int64_t limit = 100;
  int64_t offset = 0;
};

// Selects kRegisteredModelColumns (registry_rows.h).
Result<SqlQuery> BuildSearchRegisteredModelsQuery(const RegistrySearchSpec& spec, const Dialect& dialect);

// Selects kModelVersionColumns (registry_rows.h).
Result<SqlQuery> BuildSearchModelVersionsQuery(const RegistrySearchSpec& spec, const Dialect& dialect);

struct LoggedModelSearchSpec {
  std::vector<int64_t> experiment_ids;  // non-empty
  std::vector<tracking::FilterClause> filters;
  std::vector<tracking::OrderByClause> order_by;
  int64_t limit = 50;
  int64_t offset = 0;
};

// Selects kLoggedModelColumns (registry_rows.h).
Result<SqlQuery> BuildSearchLoggedModelsQuery(const LoggedModelSearchSpec& spec, const Dialect& dialect);

}  // namespace cairn::store::sql
