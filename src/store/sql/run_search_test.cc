#include "store/sql/run_search.h"

#include <gtest/gtest.h>

#include <cmath>

#include "store/sql/rows.h"
#include "tracking/search_filter.h"

namespace cairn::store::sql {
namespace {

TEST(JoinUriTest, UsesExactlyOneSeparator) {
  EXPECT_EQ(JoinUri("mlflow-artifacts:", "1"), "mlflow-artifacts:/1");
  EXPECT_EQ(JoinUri("mlflow-artifacts:/", "1"), "mlflow-artifacts:/1");
  EXPECT_EQ(JoinUri("s3://bucket/prefix/", "/7"), "s3://bucket/prefix/7");
  EXPECT_EQ(JoinUri("file:///", "1"), "file:///1");
  EXPECT_EQ(JoinUri("", "1"), "1");
}

TEST(MetricEncodingTest, NanAndInfinity) {
  auto nan = EncodeMetricValue(std::nan(""));
  EXPECT_TRUE(nan.is_nan);
  EXPECT_EQ(nan.value, 0.0);
  EXPECT_TRUE(std::isnan(DecodeMetricValue(nan.value, nan.is_nan)));
  EXPECT_EQ(EncodeMetricValue(INFINITY).value, 1.7976931348623157e308);
  EXPECT_EQ(EncodeMetricValue(-INFINITY).value, -1.7976931348623157e308);
  EXPECT_EQ(EncodeMetricValue(2.5).value, 2.5);
}

TEST(JsonStringArrayTest, Escapes) {
  EXPECT_EQ(JsonStringArray({}), "[]");
  EXPECT_EQ(JsonStringArray({"a", "b\"c\\", std::string("\n", 1)}), "[\"a\",\"b\\\"c\\\\\",\"\\u000a\"]");
}

TEST(BuildSearchRunsQueryTest, UserTextOnlyInParameters) {
  RunSearchSpec spec;
  spec.experiment_ids = {1, 2};
  auto filters = tracking::ParseRunFilter("params.`evil'); DROP TABLE runs; --` = 'x''; DELETE' AND metrics.m > 1");
  ASSERT_TRUE(filters.ok()) << filters.status().ToString();
  spec.filters = *filters;
  auto order = tracking::ParseRunOrderBy({"tags.`a\"b` DESC"});
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  spec.order_by = *order;
  auto query = BuildSearchRunsQuery(spec, SqliteDialect());
  ASSERT_TRUE(query.ok()) << query.status().ToString();
  EXPECT_EQ(query->sql.find("DROP"), std::string::npos);
  EXPECT_EQ(query->sql.find("DELETE"), std::string::npos);
  EXPECT_EQ(query->sql.find("a\"b"), std::string::npos);
  // Parameters in textual order: sort-join key, experiment ids, filters, limit/offset.
  ASSERT_GE(query->params.size(), 3u);
  EXPECT_EQ(std::get<std::string>(query->params[0]), "a\"b");
  EXPECT_EQ(std::get<int64_t>(query->params[1]), 1);
  EXPECT_EQ(std::get<int64_t>(query->params[2]), 2);
}

TEST(BuildSearchRunsQueryTest, RejectsWhatTheStoreCannotCompare) {
  RunSearchSpec spec;
  spec.experiment_ids = {1};
  tracking::FilterClause clause{tracking::FilterEntity::kMetric, "m", tracking::Comparator::kLike, std::string("x")};
  spec.filters = {clause};
  EXPECT_EQ(BuildSearchRunsQuery(spec, SqliteDialect()).status().code(), StatusCode::kInvalidArgument);
  spec.filters = {{tracking::FilterEntity::kAttribute, "nope", tracking::Comparator::kEq, std::string("x")}};
  EXPECT_EQ(BuildSearchRunsQuery(spec, SqliteDialect()).status().code(), StatusCode::kInvalidArgument);
  spec.filters = {};
  spec.order_by = {{tracking::FilterEntity::kDataset, "name", true}};
  EXPECT_EQ(BuildSearchRunsQuery(spec, SqliteDialect()).status().code(), StatusCode::kInvalidArgument);
}

TEST(BuildSearchExperimentsQueryTest, DefaultOrderAndTieBreaker) {
  ExperimentSearchSpec spec;
  auto query = BuildSearchExperimentsQuery(spec, SqliteDialect());
  ASSERT_TRUE(query.ok());
  EXPECT_NE(query->sql.find("ORDER BY e.creation_time DESC, e.experiment_id ASC"), std::string::npos);
  spec.order_by = {{tracking::FilterEntity::kAttribute, "name", true}};
  query = BuildSearchExperimentsQuery(spec, SqliteDialect());
  ASSERT_TRUE(query.ok());
  EXPECT_NE(query->sql.find("ORDER BY e.name ASC, e.experiment_id DESC"), std::string::npos);
}

}  // namespace
}  // namespace cairn::store::sql
