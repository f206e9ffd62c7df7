#include "store/sql/dialect.h"

#include <gtest/gtest.h>

namespace cairn::store::sql {
namespace {

TEST(LikeToGlobTest, TranslatesWildcardsAndEscapesGlobSyntax) {
  EXPECT_EQ(LikeToGlob("a%b_c"), "a*b?c");
  EXPECT_EQ(LikeToGlob("*?["), "[*][?][[]");
  EXPECT_EQ(LikeToGlob("x]y"), "x]y");
  EXPECT_EQ(LikeToGlob(""), "");
}

TEST(DialectTest, CaseSensitiveLikePerDialect) {
  EXPECT_EQ(SqliteDialect().CaseSensitiveLike("r.name"), "r.name GLOB ?");
  EXPECT_EQ(SqliteDialect().LikePattern("a%_*"), "a*?[*]");
  EXPECT_EQ(PostgresDialect().CaseSensitiveLike("r.name"), "r.name LIKE ? ESCAPE ''");
  EXPECT_EQ(PostgresDialect().LikePattern("a%_\\"), "a%_\\");
}

TEST(DialectTest, ExpandFillsEveryFragmentAndKeepsTheRest) {
  const char* sql = "SELECT {greatest}(a, b) FROM t WHERE x IN ({text_list}) AND y IN ({int_list}) "
                    "AND EXISTS (SELECT 1 FROM {name_version_pairs} p) AND z = '{{}}'";
  std::string sqlite = SqliteDialect().Expand(sql);
  EXPECT_EQ(sqlite.find('{'), sqlite.find("{}"));  // only the escaped literal keeps braces
  EXPECT_NE(sqlite.find("MAX(a, b)"), std::string::npos);
  EXPECT_NE(sqlite.find("json_each(?)"), std::string::npos);
  std::string pg = PostgresDialect().Expand(sql);
  EXPECT_NE(pg.find("GREATEST(a, b)"), std::string::npos);
  EXPECT_NE(pg.find("json_array_elements_text(?::json)"), std::string::npos);
  EXPECT_NE(pg.find("::bigint"), std::string::npos);
  EXPECT_NE(pg.find("'{}'"), std::string::npos);
}

}  // namespace
}  // namespace cairn::store::sql
