#include "store/sql/registry_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "registry/registry_filter.h"

namespace cairn::store::sql {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

RegistrySearchSpec ModelSpec(std::string_view filter, std::vector<std::string> order_by = {}) {
  RegistrySearchSpec spec;
  auto filters = registry::ParseRegisteredModelFilter(filter);
  EXPECT_TRUE(filters.ok()) << filters.status().ToString();
  if (filters.ok()) spec.filters = *filters;
  auto order = registry::ParseRegisteredModelOrderBy(order_by);
  EXPECT_TRUE(order.ok()) << order.status().ToString();
  if (order.ok()) spec.order_by = *order;
  return spec;
}

bool HasParam(const SqlQuery& query, const std::string& value) {
  for (const SqlValue& param : query.params) {
    if (const auto* text = std::get_if<std::string>(&param); text != nullptr && *text == value) return true;
  }
  return false;
}

TEST(RegistrySearchSqlTest, UserTextOnlyInParameters) {
  auto query = BuildSearchRegisteredModelsQuery(
      ModelSpec("name = 'x''); DROP TABLE registered_models; --' AND tags.`k'); --` LIKE 'v%'"), SqliteDialect());
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  EXPECT_THAT(query->sql, Not(HasSubstr("DROP")));
  EXPECT_THAT(query->sql, Not(HasSubstr("k')")));
  EXPECT_TRUE(HasParam(*query, "x'); DROP TABLE registered_models; --"));
  EXPECT_TRUE(HasParam(*query, "k'); --"));
  EXPECT_TRUE(HasParam(*query, "v*"));  // LIKE -> GLOB
  size_t placeholders = 0;
  for (char c : query->sql) placeholders += c == '?';
  EXPECT_EQ(placeholders, query->params.size());
}

TEST(RegistrySearchSqlTest, PromptsExcludedUnlessQueried) {
  auto plain = BuildSearchRegisteredModelsQuery(ModelSpec(""), SqliteDialect());
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(plain->sql, HasSubstr("NOT EXISTS"));
  EXPECT_TRUE(HasParam(*plain, "mlflow.prompt.is_prompt"));
  auto prompts = BuildSearchRegisteredModelsQuery(ModelSpec("tags.`mlflow.prompt.is_prompt` = 'TRUE'"), SqliteDialect());
  ASSERT_TRUE(prompts.ok());
  EXPECT_THAT(prompts->sql, Not(HasSubstr("NOT EXISTS")));
  // A non-prompt clause on the tag only serves the exclusion.
  auto not_prompts = BuildSearchRegisteredModelsQuery(ModelSpec("tags.`mlflow.prompt.is_prompt` != 'true'"), SqliteDialect());
  ASSERT_TRUE(not_prompts.ok());
  EXPECT_THAT(not_prompts->sql, Not(HasSubstr("EXISTS (SELECT 1 FROM registered_model_tags f")));
}

TEST(RegistrySearchSqlTest, TieBreakers) {
  auto models = BuildSearchRegisteredModelsQuery(ModelSpec("", {"timestamp DESC"}), SqliteDialect());
  ASSERT_TRUE(models.ok());
  EXPECT_THAT(models->sql, HasSubstr("ORDER BY m.last_updated_time DESC, m.name ASC LIMIT"));
  auto by_name = BuildSearchRegisteredModelsQuery(ModelSpec("", {"name DESC"}), SqliteDialect());
  ASSERT_TRUE(by_name.ok());
  EXPECT_THAT(by_name->sql, HasSubstr("ORDER BY m.name DESC LIMIT"));

  RegistrySearchSpec versions;
  auto plain = BuildSearchModelVersionsQuery(versions, SqliteDialect());
  ASSERT_TRUE(plain.ok());
  EXPECT_THAT(plain->sql, HasSubstr("v.current_stage != 'Deleted_Internal'"));
  EXPECT_THAT(plain->sql, HasSubstr("ORDER BY v.last_updated_time DESC, v.name ASC, v.version DESC"));
  versions.order_by = *registry::ParseModelVersionOrderBy({"creation_timestamp"});
  auto ordered = BuildSearchModelVersionsQuery(versions, SqliteDialect());
  ASSERT_TRUE(ordered.ok());
  EXPECT_THAT(ordered->sql, HasSubstr("ORDER BY v.creation_time ASC, v.name ASC, v.version DESC"));

  LoggedModelSearchSpec logged;
  logged.experiment_ids = {1, 2};
  auto default_order = BuildSearchLoggedModelsQuery(logged, SqliteDialect());
  ASSERT_TRUE(default_order.ok());
  EXPECT_THAT(default_order->sql, HasSubstr("ORDER BY l.creation_timestamp_ms DESC, l.model_id ASC"));
  EXPECT_THAT(default_order->sql, HasSubstr("l.lifecycle_stage = 'active'"));
}

TEST(RegistrySearchSqlTest, EntitiesOutsideTheSurfaceAreRejected) {
  RegistrySearchSpec spec;
  spec.filters.push_back({tracking::FilterEntity::kParam, "p", tracking::Comparator::kEq, std::string("v")});
  auto models = BuildSearchRegisteredModelsQuery(spec, SqliteDialect());
  EXPECT_EQ(models.status().code(), StatusCode::kInvalidArgument);
  spec.filters = {{tracking::FilterEntity::kAttribute, "bogus", tracking::Comparator::kEq, std::string("v")}};
  EXPECT_EQ(BuildSearchModelVersionsQuery(spec, SqliteDialect()).status().code(), StatusCode::kInvalidArgument);
  spec.filters.clear();
  spec.order_by = {{tracking::FilterEntity::kTag, "k", true}};
  EXPECT_EQ(BuildSearchRegisteredModelsQuery(spec, SqliteDialect()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::store::sql
