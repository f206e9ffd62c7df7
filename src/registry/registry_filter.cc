#include "registry/registry_filter.h"

namespace cairn::registry {
namespace {

using tracking::FilterAlias;
using tracking::FilterAttribute;
using tracking::FilterEntity;
using tracking::FilterEntitySpelling;
using tracking::FilterVocabulary;
using tracking::kListComparators;
using tracking::kNumericComparators;
using tracking::kStringComparators;

constexpr FilterEntitySpelling kRegistryEntities[] = {
    {"attribute", FilterEntity::kAttribute},
    {"attributes", FilterEntity::kAttribute},
    {"tag", FilterEntity::kTag},
    {"tags", FilterEntity::kTag},
};

// Timestamps are orderable but not filterable, as in MLflow's SQL store.
constexpr FilterAttribute kRegisteredModelAttributes[] = {
    {kKeyName, false, kStringComparators},
    {kKeyCreationTimestamp, true, 0},
    {kKeyLastUpdatedTimestamp, true, 0},
};
constexpr FilterAlias kRegisteredModelAliases[] = {{"timestamp", kKeyLastUpdatedTimestamp}};

constexpr FilterVocabulary kRegisteredModelVocabulary{
    kRegistryEntities,  "Valid entity types are ['attribute', 'tag', 'tags']",
    kRegisteredModelAttributes, kRegisteredModelAliases, "'timestamp'", {},
};

constexpr FilterAttribute kModelVersionAttributes[] = {
    {kKeyName, false, kStringComparators},
    {kKeyVersionNumber, true, kNumericComparators},
    {kKeyRunId, false, kStringComparators | kListComparators, /*orderable=*/false},
    {kKeySourcePath, false, kStringComparators, /*orderable=*/false},
    {kKeyCreationTimestamp, true, 0},
    {kKeyLastUpdatedTimestamp, true, 0},
};

constexpr FilterVocabulary kModelVersionVocabulary{
    kRegistryEntities, "Valid entity types are ['attribute', 'tag', 'tags']", kModelVersionAttributes, {}, "", {},
};

constexpr FilterEntitySpelling kLoggedModelEntities[] = {
    {"attribute", FilterEntity::kAttribute},
    {"attributes", FilterEntity::kAttribute},
    {"tag", FilterEntity::kTag},
    {"tags", FilterEntity::kTag},
    {"param", FilterEntity::kParam},
    {"params", FilterEntity::kParam},
    {"parameter", FilterEntity::kParam},
    {"parameters", FilterEntity::kParam},
};

constexpr FilterAttribute kLoggedModelAttributes[] = {
    {kKeyName, false, kStringComparators},
    {kKeyModelId, false, kStringComparators | kListComparators},
    {kKeyModelType, false, kStringComparators},
    {kKeyStatus, false, kStringComparators},
    {kKeySourceRunId, false, kStringComparators | kListComparators},
    {kKeyCreationTimestamp, true, kNumericComparators},
    {kKeyLastUpdatedTimestamp, true, kNumericComparators},
};
constexpr FilterAlias kLoggedModelAliases[] = {
    {"creation_time", kKeyCreationTimestamp},
    {"creation_timestamp_ms", kKeyCreationTimestamp},
    {"last_updated_time", kKeyLastUpdatedTimestamp},
    {"last_updated_timestamp_ms", kKeyLastUpdatedTimestamp},
};

constexpr FilterVocabulary kLoggedModelVocabulary{
    kLoggedModelEntities, "Valid entity types are ['attribute', 'tag', 'param']",
    kLoggedModelAttributes, kLoggedModelAliases, "'creation_time', 'last_updated_time'", {},
};

}  // namespace

Result<std::vector<tracking::FilterClause>> ParseRegisteredModelFilter(std::string_view filter) {
  return tracking::ParseFilter(filter, kRegisteredModelVocabulary);
}

Result<std::vector<tracking::OrderByClause>> ParseRegisteredModelOrderBy(const std::vector<std::string>& order_by) {
  return tracking::ParseOrderBy(order_by, kRegisteredModelVocabulary);
}

Result<std::vector<tracking::FilterClause>> ParseModelVersionFilter(std::string_view filter) {
  return tracking::ParseFilter(filter, kModelVersionVocabulary);
}

Result<std::vector<tracking::OrderByClause>> ParseModelVersionOrderBy(const std::vector<std::string>& order_by) {
  return tracking::ParseOrderBy(order_by, kModelVersionVocabulary);
}

Result<std::vector<tracking::FilterClause>> ParseLoggedModelFilter(std::string_view filter) {
  return tracking::ParseFilter(filter, kLoggedModelVocabulary);
}

Result<std::vector<tracking::OrderByClause>> ParseLoggedModelOrderBy(const std::vector<std::string>& order_by) {
  return tracking::ParseOrderBy(order_by, kLoggedModelVocabulary);
}

}  // namespace cairn::registry
