// Search filters and order_by for the model registry and logged models
// (specs/mlflow-rest.md sections 3 and 7), parsed with the tracking filter
// grammar (tracking/search_filter.h: clause AND clause ..., quoted keys,
// IN lists) over registry vocabularies. Stores compile the resulting AST to
// SQL with bound parameters only.
//
//   registered models   filter: name (= != LIKE ILIKE), tags.<k> (= != LIKE ILIKE)
//                       order_by: name, creation_timestamp, last_updated_timestamp
//                                 (alias timestamp)
//   model versions      filter: name, source_path (= != LIKE ILIKE),
//                               run_id (= != LIKE ILIKE IN NOT IN),
//                               version_number (= != < <= > >=), tags.<k>
//                       order_by: name, version_number, creation_timestamp,
//                                 last_updated_timestamp
//   logged models       filter: name, model_id, model_type, status,
//                               source_run_id (= != LIKE ILIKE; model_id and
//                               source_run_id also IN / NOT IN),
//                               creation_timestamp, last_updated_timestamp
//                               (numeric), tags.<k>, params.<k>
//                       order_by: the attributes
//
// Entity prefixes: "attribute(s).", "tag(s).", and for logged models
// "param(s)." / "parameter(s).". Attribute clauses carry the canonical key
// (the kKey* constants). Duplicate order_by fields (after aliases) are an
// error. Errors: kInvalidArgument. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tracking/search_filter.h"

namespace cairn::registry {

inline constexpr std::string_view kKeyName = "name";
inline constexpr std::string_view kKeyCreationTimestamp = "creation_timestamp";
inline constexpr std::string_view kKeyLastUpdatedTimestamp = "last_updated_timestamp";
// Model versions.
inline constexpr std::string_view kKeyVersionNumber = "version_number";
inline constexpr std::string_view kKeyRunId = "run_id";
inline constexpr std::string_view kKeySourcePath = "source_path";
// Logged models.
inline constexpr std::string_view kKeyModelId = "model_id";
inline constexpr std::string_view kKeyModelType = "model_type";
inline constexpr std::string_view kKeyStatus = "status";
inline constexpr std::string_view kKeySourceRunId = "source_run_id";

Result<std::vector<tracking::FilterClause>> ParseRegisteredModelFilter(std::string_view filter);
Result<std::vector<tracking::OrderByClause>> ParseRegisteredModelOrderBy(const std::vector<std::string>& order_by);

Result<std::vector<tracking::FilterClause>> ParseModelVersionFilter(std::string_view filter);
Result<std::vector<tracking::OrderByClause>> ParseModelVersionOrderBy(const std::vector<std::string>& order_by);

Result<std::vector<tracking::FilterClause>> ParseLoggedModelFilter(std::string_view filter);
Result<std::vector<tracking::OrderByClause>> ParseLoggedModelOrderBy(const std::vector<std::string>& order_by);

}  // namespace cairn::registry
