#include "registry/registry_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace cairn::registry {
namespace {

using tracking::Comparator;
using tracking::FilterClause;
using tracking::FilterEntity;
using tracking::FilterValue;
using tracking::OrderByClause;
using ::testing::HasSubstr;

using FilterParser = Result<std::vector<FilterClause>> (*)(std::string_view);
using OrderByParser = Result<std::vector<OrderByClause>> (*)(const std::vector<std::string>&);

FilterClause One(FilterParser parse, std::string_view filter) {
  auto result = parse(filter);
  EXPECT_TRUE(result.ok()) << filter << " -> " << result.status().ToString();
  if (!result.ok() || result->size() != 1) {
    ADD_FAILURE() << "expected one clause for " << filter;
    return FilterClause{};
  }
  return (*result)[0];
}

std::string Error(FilterParser parse, std::string_view filter) {
  auto result = parse(filter);
  EXPECT_FALSE(result.ok()) << "expected an error for: " << filter;
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument);
  return result.error().message();
}

std::string OrderError(OrderByParser parse, std::vector<std::string> order_by) {
  auto result = parse(order_by);
  EXPECT_FALSE(result.ok());
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument);
  return result.error().message();
}

std::string Str(const FilterValue& v) {
  return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "<not a string>";
}

// ------------------------------------------------------- registered models

TEST(RegisteredModelFilterTest, NameComparators) {
  struct Case {
    const char* text;
    Comparator op;
  } cases[] = {{"=", Comparator::kEq},
               {"!=", Comparator::kNe},
               {"LIKE", Comparator::kLike},
               {"ilike", Comparator::kILike}};
  for (const auto& c : cases) {
    FilterClause clause = One(ParseRegisteredModelFilter, std::string("name ") + c.text + " 'model-1%'");
    EXPECT_EQ(clause.entity, FilterEntity::kAttribute);
    EXPECT_EQ(clause.key, kKeyName);
    EXPECT_EQ(clause.op, c.op);
    EXPECT_EQ(Str(clause.value), "model-1%");
  }
  EXPECT_EQ(One(ParseRegisteredModelFilter, "attribute.name = \"x\"").key, "name");
}

TEST(RegisteredModelFilterTest, Tags) {
  FilterClause clause = One(ParseRegisteredModelFilter, "tags.team = 'ml'");
  EXPECT_EQ(clause.entity, FilterEntity::kTag);
  EXPECT_EQ(clause.key, "team");
  clause = One(ParseRegisteredModelFilter, "tag.`mlflow.prompt.is_prompt` != 'true'");
  EXPECT_EQ(clause.key, "mlflow.prompt.is_prompt");
  EXPECT_EQ(clause.op, Comparator::kNe);
  clause = One(ParseRegisteredModelFilter, "tags.mlflow.note ILIKE '%x%'");
  EXPECT_EQ(clause.key, "mlflow.note");
  auto both = ParseRegisteredModelFilter("name LIKE 'a%' AND tags.k = 'v'");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
}

TEST(RegisteredModelFilterTest, Rejections) {
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "version_number = 1"), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "creation_timestamp > 5"), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "params.x = 'y'"), HasSubstr("Invalid entity type 'params'"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "metrics.x > 1"), HasSubstr("Invalid entity type"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name > 'a'"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name IN ('a')"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "tags.k > 'a'"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name = 5"), HasSubstr("Expected a quoted string"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name = 'a' OR name = 'b'"), HasSubstr("OR is not supported"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name = ('a', 'b')"), HasSubstr("Only the 'run_id' attribute"));
}

TEST(RegisteredModelOrderByTest, KeysAndAlias) {
  auto parsed = ParseRegisteredModelOrderBy({"name DESC", "creation_timestamp", "timestamp asc"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].key, "name");
  EXPECT_FALSE((*parsed)[0].ascending);
  EXPECT_EQ((*parsed)[1].key, "creation_timestamp");
  EXPECT_EQ((*parsed)[2].key, "last_updated_timestamp");
  EXPECT_TRUE((*parsed)[2].ascending);
  EXPECT_THAT(OrderError(ParseRegisteredModelOrderBy, {"timestamp", "last_updated_timestamp DESC"}),
              HasSubstr("duplicate fields"));
  EXPECT_THAT(OrderError(ParseRegisteredModelOrderBy, {"version_number"}), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(OrderError(ParseRegisteredModelOrderBy, {"tags.k"}), HasSubstr("Invalid order_by entity"));
  EXPECT_THAT(OrderError(ParseRegisteredModelOrderBy, {"name sideways"}), HasSubstr("Invalid ordering key"));
  EXPECT_THAT(OrderError(ParseRegisteredModelOrderBy, {""}), HasSubstr("Invalid order_by clause"));
}

// ---------------------------------------------------------- model versions

TEST(ModelVersionFilterTest, Attributes) {
  FilterClause clause = One(ParseModelVersionFilter, "version_number >= 3");
  EXPECT_EQ(clause.key, kKeyVersionNumber);
  EXPECT_EQ(clause.op, Comparator::kGe);
  EXPECT_EQ(std::get<double>(clause.value), 3);
  clause = One(ParseModelVersionFilter, "run_id = 'abc'");
  EXPECT_EQ(clause.key, kKeyRunId);
  clause = One(ParseModelVersionFilter, "run_id IN ('a', 'b')");
  EXPECT_EQ(clause.op, Comparator::kIn);
  EXPECT_EQ(std::get<std::vector<std::string>>(clause.value), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(One(ParseModelVersionFilter, "run_id NOT IN ('a')").op, Comparator::kNotIn);
  EXPECT_EQ(One(ParseModelVersionFilter, "source_path LIKE 's3://%'").key, kKeySourcePath);
  EXPECT_EQ(One(ParseModelVersionFilter, "name = 'm'").key, kKeyName);
  EXPECT_EQ(One(ParseModelVersionFilter, "tags.`a b` = 'c'").key, "a b");
}

TEST(ModelVersionFilterTest, Rejections) {
  EXPECT_THAT(Error(ParseModelVersionFilter, "version_number = 'x'"), HasSubstr("Expected numeric value"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "version_number LIKE '1'"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "name IN ('a')"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "source_path IN ('a')"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "run_id = ('a')"), HasSubstr("only be compared with IN"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "run_id IN ()"), HasSubstr("non-empty list"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "current_stage = 'Production'"), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(Error(ParseModelVersionFilter, "last_updated_timestamp > 0"), HasSubstr("Invalid attribute key"));
}

TEST(ModelVersionOrderByTest, Keys) {
  auto parsed = ParseModelVersionOrderBy(
      {"name", "version_number DESC", "creation_timestamp DESC", "last_updated_timestamp"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)[1].key, "version_number");
  EXPECT_FALSE((*parsed)[1].ascending);
  EXPECT_THAT(OrderError(ParseModelVersionOrderBy, {"run_id"}), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(OrderError(ParseModelVersionOrderBy, {"source_path"}), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(OrderError(ParseModelVersionOrderBy, {"timestamp"}), HasSubstr("Invalid attribute key"));
  EXPECT_THAT(OrderError(ParseModelVersionOrderBy, {"name", "name DESC"}), HasSubstr("duplicate"));
}

// ----------------------------------------------------------- logged models

TEST(LoggedModelFilterTest, EntitiesAndAttributes) {
  EXPECT_EQ(One(ParseLoggedModelFilter, "name = 'clf'").key, kKeyName);
  EXPECT_EQ(One(ParseLoggedModelFilter, "model_type LIKE 'sk%'").key, kKeyModelType);
  EXPECT_EQ(One(ParseLoggedModelFilter, "status = 'LOGGED_MODEL_READY'").key, kKeyStatus);
  EXPECT_EQ(One(ParseLoggedModelFilter, "source_run_id IN ('r1')").op, Comparator::kIn);
  EXPECT_EQ(One(ParseLoggedModelFilter, "creation_time > 5").key, kKeyCreationTimestamp);
  FilterClause param = One(ParseLoggedModelFilter, "params.lr = '0.1'");
  EXPECT_EQ(param.entity, FilterEntity::kParam);
  EXPECT_EQ(param.key, "lr");
  EXPECT_EQ(One(ParseLoggedModelFilter, "tags.k != 'v'").entity, FilterEntity::kTag);
  EXPECT_THAT(Error(ParseLoggedModelFilter, "metrics.acc > 1"), HasSubstr("Invalid entity type 'metrics'"));
  EXPECT_THAT(Error(ParseLoggedModelFilter, "params.lr > 1"), HasSubstr("Invalid comparator"));
  EXPECT_THAT(Error(ParseLoggedModelFilter, "experiment_id = '1'"), HasSubstr("Invalid attribute key"));
}

TEST(LoggedModelOrderByTest, Keys) {
  auto parsed = ParseLoggedModelOrderBy({"creation_timestamp DESC", "name", "model_id"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->size(), 3u);
  EXPECT_THAT(OrderError(ParseLoggedModelOrderBy, {"params.lr"}), HasSubstr("Invalid order_by entity"));
  EXPECT_THAT(OrderError(ParseLoggedModelOrderBy, {"creation_time", "creation_timestamp"}), HasSubstr("duplicate"));
}

// ------------------------------------------------------------- hostile input

TEST(RegistryFilterHostileTest, InjectionStaysData) {
  FilterClause clause = One(ParseRegisteredModelFilter, "name = 'x''; DROP TABLE registered_models; --'");
  EXPECT_EQ(Str(clause.value), "x'; DROP TABLE registered_models; --");
  clause = One(ParseModelVersionFilter, "tags.`k``; DELETE` = 'v'");
  EXPECT_EQ(clause.key, "k`; DELETE");
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name = 'x'; DROP TABLE t"), HasSubstr("Invalid clause"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, "name = 'unterminated"), HasSubstr("Unterminated"));
  EXPECT_THAT(Error(ParseRegisteredModelFilter, std::string("name = 'a\0b'", 12)), HasSubstr("NUL"));
}

TEST(RegistryFilterHostileTest, HugeAndDeepInputIsBounded) {
  std::string many = "name = 'a'";
  for (int i = 0; i < 500; ++i) many += " AND name = 'a'";
  EXPECT_THAT(Error(ParseRegisteredModelFilter, many), HasSubstr("more than"));
  std::string parens(100000, '(');
  EXPECT_FALSE(ParseModelVersionFilter(parens).ok());
  std::string long_value = "name = '" + std::string(1 << 20, 'v') + "'";
  EXPECT_TRUE(ParseRegisteredModelFilter(long_value).ok());
  auto error = ParseRegisteredModelFilter("bogus.key = '" + std::string(1 << 20, 'v') + "'");
  ASSERT_FALSE(error.ok());
  EXPECT_LT(error.error().message().size(), 1000u);  // echoes are bounded
}

TEST(RegistryFilterHostileTest, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  const std::string alphabet = "name tags.k = != LIKE ILIKE IN NOT AND ( ) , ' \" ` . 0 1 - % _ \\ \x80\xff";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    int length = static_cast<int>(rng() % 40);
    for (int j = 0; j < length; ++j) text += alphabet[rng() % alphabet.size()];
    for (FilterParser parse : {ParseRegisteredModelFilter, ParseModelVersionFilter, ParseLoggedModelFilter}) {
      auto result = parse(text);
      if (!result.ok()) {
        EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument) << text;
      }
    }
    auto order = ParseModelVersionOrderBy({text});
    if (!order.ok()) {
      EXPECT_EQ(order.error().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

}  // namespace
}  // namespace cairn::registry
