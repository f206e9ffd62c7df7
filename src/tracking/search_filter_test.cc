#include "tracking/search_filter.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cairn::tracking {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<FilterClause> Parse(std::string_view filter) {
  auto result = ParseRunFilter(filter);
  EXPECT_TRUE(result.ok()) << filter << " -> " << result.status().ToString();
  return result.ok() ? *result : std::vector<FilterClause>{};
}

FilterClause ParseOne(std::string_view filter) {
  auto clauses = Parse(filter);
  EXPECT_EQ(clauses.size(), 1u) << filter;
  return clauses.empty() ? FilterClause{} : clauses[0];
}

// The error message, after checking that `filter` fails with kInvalidArgument.
std::string RunFilterError(std::string_view filter) {
  auto result = ParseRunFilter(filter);
  EXPECT_FALSE(result.ok()) << "expected an error for: " << filter;
  if (result.ok()) return "";
  EXPECT_EQ(result.error().code(), StatusCode::kInvalidArgument) << filter;
  return result.error().message();
}

std::string Str(const FilterValue& v) { return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : "<not a string>"; }
double Num(const FilterValue& v) { return std::holds_alternative<double>(v) ? std::get<double>(v) : -12345; }
std::vector<std::string> List(const FilterValue& v) {
  return std::holds_alternative<std::vector<std::string>>(v) ? std::get<std::vector<std::string>>(v)
                                                             : std::vector<std::string>{"<not a list>"};
}

// ------------------------------------------------------------- happy paths

TEST(SearchFilterTest, EmptyAndWhitespaceFiltersHaveNoClauses) {
  EXPECT_TRUE(Parse("").empty());
  EXPECT_TRUE(Parse("   \t\n\r ").empty());
}

TEST(SearchFilterTest, MetricComparators) {
  struct Case {
    const char* text;
    Comparator op;
  } cases[] = {{"=", Comparator::kEq}, {"!=", Comparator::kNe}, {"<", Comparator::kLt},
               {"<=", Comparator::kLe}, {">", Comparator::kGt}, {">=", Comparator::kGe}};
  for (const auto& c : cases) {
    FilterClause clause = ParseOne(std::string("metrics.acc ") + c.text + " 0.5");
    EXPECT_EQ(clause.entity, FilterEntity::kMetric);
    EXPECT_EQ(clause.key, "acc");
    EXPECT_EQ(clause.op, c.op) << c.text;
    EXPECT_DOUBLE_EQ(Num(clause.value), 0.5);
  }
}

TEST(SearchFilterTest, NumberForms) {
  struct Case {
    const char* literal;
    double value;
  } cases[] = {{"1", 1},        {"-1", -1},     {"+2", 2},         {"0.25", 0.25}, {"-0.25", -0.25},
               {".5", 0.5},     {"-.5", -0.5},  {"3.", 3},         {"1e3", 1000},  {"1E-2", 0.01},
               {"2.5e+2", 250}, {"-1.5e2", -150}, {"1700000000000", 1.7e12}, {"0", 0}};
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(Num(ParseOne(std::string("metrics.m > ") + c.literal).value), c.value) << c.literal;
  }
}

TEST(SearchFilterTest, WhitespaceIsOptionalAroundOperators) {
  FilterClause c = ParseOne("metrics.loss<=-1");
  EXPECT_EQ(c.op, Comparator::kLe);
  EXPECT_DOUBLE_EQ(Num(c.value), -1);
  c = ParseOne("params.p='x'");
  EXPECT_EQ(Str(c.value), "x");
  c = ParseOne("\n\tmetrics.a\n>=\n.5\n");
  EXPECT_EQ(c.op, Comparator::kGe);
}

TEST(SearchFilterTest, EveryEntityAlias) {
  struct Case {
    const char* prefix;
    FilterEntity entity;
  } cases[] = {{"metric", FilterEntity::kMetric},    {"metrics", FilterEntity::kMetric},
               {"param", FilterEntity::kParam},      {"params", FilterEntity::kParam},
               {"parameter", FilterEntity::kParam},  {"parameters", FilterEntity::kParam},
               {"tag", FilterEntity::kTag},          {"tags", FilterEntity::kTag}};
  for (const auto& c : cases) {
    std::string value = c.entity == FilterEntity::kMetric ? "1" : "'v'";
    FilterClause clause = ParseOne(std::string(c.prefix) + ".k = " + value);
    EXPECT_EQ(clause.entity, c.entity) << c.prefix;
    EXPECT_EQ(clause.key, "k");
  }
  for (const char* prefix : {"attribute", "attributes", "attr", "run"}) {
    FilterClause clause = ParseOne(std::string(prefix) + ".status = 'FINISHED'");
    EXPECT_EQ(clause.entity, FilterEntity::kAttribute) << prefix;
    EXPECT_EQ(clause.key, kAttrStatus);
  }
  for (const char* prefix : {"dataset", "datasets"}) {
    FilterClause clause = ParseOne(std::string(prefix) + ".name = 'train'");
    EXPECT_EQ(clause.entity, FilterEntity::kDataset) << prefix;
    EXPECT_EQ(clause.key, "name");
  }
}

TEST(SearchFilterTest, EntityOmittedMeansAttribute) {
  FilterClause c = ParseOne("status = 'RUNNING'");
  EXPECT_EQ(c.entity, FilterEntity::kAttribute);
  EXPECT_EQ(c.key, kAttrStatus);
  EXPECT_EQ(Str(c.value), "RUNNING");
}

TEST(SearchFilterTest, StringAttributes) {
  for (std::string_view key : {kAttrRunId, kAttrRunName, kAttrStatus, kAttrUserId, kAttrArtifactUri}) {
    for (const char* op : {"=", "!=", "LIKE", "ILIKE"}) {
      FilterClause c = ParseOne(fmt::format("attributes.{} {} 'v%'", key, op));
      EXPECT_EQ(c.key, key);
      EXPECT_EQ(Str(c.value), "v%");
    }
  }
}

TEST(SearchFilterTest, NumericAttributes) {
  for (std::string_view key : {kAttrStartTime, kAttrEndTime}) {
    for (const char* op : {"=", "!=", "<", "<=", ">", ">="}) {
      FilterClause c = ParseOne(fmt::format("attributes.{} {} 1700000000000", key, op));
      EXPECT_EQ(c.key, key);
      EXPECT_DOUBLE_EQ(Num(c.value), 1700000000000.0);
    }
  }
}

TEST(SearchFilterTest, AttributeAliasesNormalise) {
  EXPECT_EQ(ParseOne("attributes.run_uuid = 'abc'").key, kAttrRunId);
  EXPECT_EQ(ParseOne("run_uuid = 'abc'").key, kAttrRunId);
  EXPECT_EQ(ParseOne("attributes.created > 5").key, kAttrStartTime);
  EXPECT_EQ(ParseOne("Created > 5").key, kAttrStartTime);
  EXPECT_EQ(ParseOne("attributes.`run name` = 'x'").key, kAttrRunName);
  EXPECT_EQ(ParseOne("attributes.`Run name` = 'x'").key, kAttrRunName);
  EXPECT_EQ(ParseOne("attributes.\"Run Name\" = 'x'").key, kAttrRunName);
  EXPECT_EQ(ParseOne("`Run name` LIKE 'x%'").key, kAttrRunName);
  EXPECT_EQ(ParseOne("\"run name\" = 'x'").key, kAttrRunName);
  EXPECT_EQ(ParseOne("attributes.\"status\" = 'x'").key, kAttrStatus);
}

TEST(SearchFilterTest, QuotedAndDottedKeys) {
  EXPECT_EQ(ParseOne("params.\"my-param\" = 'x'").key, "my-param");
  EXPECT_EQ(ParseOne("params.`my param` = 'x'").key, "my param");
  EXPECT_EQ(ParseOne("tags.\"mlflow.runName\" = 'x'").key, "mlflow.runName");
  EXPECT_EQ(ParseOne("tags.mlflow.source.type = 'LOCAL'").key, "mlflow.source.type");
  EXPECT_EQ(ParseOne("metrics.`a/b:c d` > 1").key, "a/b:c d");
  EXPECT_EQ(ParseOne("metrics.1st_epoch > 1").key, "1st_epoch");
  EXPECT_EQ(ParseOne("metrics.\"say \"\"hi\"\"\" > 1").key, "say \"hi\"");
  EXPECT_EQ(ParseOne("metrics.`back``tick` > 1").key, "back`tick");
  EXPECT_EQ(ParseOne("params.größe = 'x'").key, "größe");
  EXPECT_EQ(ParseOne("params.\"精度 🚀\" = 'x'").key, "精度 🚀");
  EXPECT_EQ(ParseOne("`params`.a = 'x'").entity, FilterEntity::kParam);
}

TEST(SearchFilterTest, StringValues) {
  EXPECT_EQ(Str(ParseOne("params.p = 'single'").value), "single");
  EXPECT_EQ(Str(ParseOne("params.p = \"double\"").value), "double");
  EXPECT_EQ(Str(ParseOne("params.p = ''").value), "");
  EXPECT_EQ(Str(ParseOne("params.p = 'it''s'").value), "it's");
  EXPECT_EQ(Str(ParseOne("params.p = \"say \"\"hi\"\"\"").value), "say \"hi\"");
  EXPECT_EQ(Str(ParseOne("params.p = 'a\"b'").value), "a\"b");
  EXPECT_EQ(Str(ParseOne("params.p = 'back\\slash'").value), "back\\slash");
  EXPECT_EQ(Str(ParseOne("params.p = 'a\\'").value), "a\\");  // backslash does not escape
  EXPECT_EQ(Str(ParseOne("params.p = ' spaced  out '").value), " spaced  out ");
  EXPECT_EQ(Str(ParseOne("params.p = 'AND'").value), "AND");
  EXPECT_EQ(Str(ParseOne("params.p = 'ünïcødé ✓ 日本'").value), "ünïcødé ✓ 日本");
  EXPECT_EQ(Str(ParseOne("params.p = '1.5'").value), "1.5");
  EXPECT_EQ(Str(ParseOne("params.p = 'line\nbreak'").value), "line\nbreak");
}

TEST(SearchFilterTest, ParamAndTagComparators) {
  for (const char* entity : {"params", "tags"}) {
    EXPECT_EQ(ParseOne(fmt::format("{}.k = 'v'", entity)).op, Comparator::kEq);
    EXPECT_EQ(ParseOne(fmt::format("{}.k != 'v'", entity)).op, Comparator::kNe);
    EXPECT_EQ(ParseOne(fmt::format("{}.k LIKE 'v%'", entity)).op, Comparator::kLike);
    EXPECT_EQ(ParseOne(fmt::format("{}.k ILIKE '%v'", entity)).op, Comparator::kILike);
  }
}

TEST(SearchFilterTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(ParseOne("params.k like 'v'").op, Comparator::kLike);
  EXPECT_EQ(ParseOne("params.k Like 'v'").op, Comparator::kLike);
  EXPECT_EQ(ParseOne("params.k iLiKe 'v'").op, Comparator::kILike);
  EXPECT_EQ(ParseOne("run_id in ('a')").op, Comparator::kIn);
  EXPECT_EQ(ParseOne("run_id not in ('a')").op, Comparator::kNotIn);
  EXPECT_EQ(ParseOne("run_id Not\n\tIn ('a')").op, Comparator::kNotIn);
  EXPECT_EQ(Parse("metrics.a > 1 and metrics.b < 2 AnD params.c = 'x'").size(), 3u);
}

TEST(SearchFilterTest, ConjunctionKeepsOrder) {
  auto clauses = Parse("metrics.acc > 0.9 AND params.model = 'cnn' AND tags.team = 'ml' AND status = 'FINISHED' "
                       "AND datasets.digest = 'abc'");
  ASSERT_EQ(clauses.size(), 5u);
  EXPECT_EQ(clauses[0].entity, FilterEntity::kMetric);
  EXPECT_EQ(clauses[1].entity, FilterEntity::kParam);
  EXPECT_EQ(clauses[2].entity, FilterEntity::kTag);
  EXPECT_EQ(clauses[3].entity, FilterEntity::kAttribute);
  EXPECT_EQ(clauses[4].entity, FilterEntity::kDataset);
  EXPECT_EQ(Str(clauses[1].value), "cnn");
}

TEST(SearchFilterTest, RunIdLists) {
  FilterClause c = ParseOne("attributes.run_id IN ('a1', \"b2\",'c3' )");
  EXPECT_EQ(c.op, Comparator::kIn);
  EXPECT_THAT(List(c.value), ElementsAre("a1", "b2", "c3"));
  c = ParseOne("run_id NOT IN ('only')");
  EXPECT_EQ(c.op, Comparator::kNotIn);
  EXPECT_THAT(List(c.value), ElementsAre("only"));
  c = ParseOne("run_uuid IN ('it''s')");
  EXPECT_EQ(c.key, kAttrRunId);
  EXPECT_THAT(List(c.value), ElementsAre("it's"));
}

TEST(SearchFilterTest, DatasetKeysAndComparators) {
  for (const char* key : {"name", "digest", "context"}) {
    for (const char* op : {"=", "!=", "LIKE", "ILIKE"}) {
      FilterClause c = ParseOne(fmt::format("datasets.{} {} 'v'", key, op));
      EXPECT_EQ(c.entity, FilterEntity::kDataset);
      EXPECT_EQ(c.key, key);
    }
    FilterClause in = ParseOne(fmt::format("datasets.{} IN ('a', 'b')", key));
    EXPECT_THAT(List(in.value), ElementsAre("a", "b"));
    FilterClause not_in = ParseOne(fmt::format("dataset.{} NOT IN ('a')", key));
    EXPECT_EQ(not_in.op, Comparator::kNotIn);
  }
}

TEST(SearchFilterTest, KeywordsAreFineAsKeysAfterAnEntity) {
  EXPECT_EQ(ParseOne("params.and = 'x'").key, "and");
  EXPECT_EQ(ParseOne("tags.in = 'x'").key, "in");
  EXPECT_EQ(ParseOne("metrics.not > 1").key, "not");
}

// --------------------------------------------------- hostile/SQL-ish input

TEST(SearchFilterTest, InjectionInsideQuotesStaysALiteral) {
  EXPECT_EQ(Str(ParseOne("params.a = 'x; DROP TABLE runs'").value), "x; DROP TABLE runs");
  EXPECT_EQ(Str(ParseOne("params.a = 'x'' OR ''1''=''1'").value), "x' OR '1'='1");
  EXPECT_EQ(Str(ParseOne("params.a = '%'' --'").value), "%' --");
  EXPECT_EQ(ParseOne("tags.\"x\"\"; DELETE FROM runs; --\" = 'v'").key, "x\"; DELETE FROM runs; --");
}

TEST(SearchFilterTest, InjectionOutsideQuotesIsAnError) {
  std::string s = RunFilterError("params.a = 'x'; DROP TABLE runs");
  EXPECT_THAT(s, HasSubstr("Invalid clause(s) in filter string"));
  EXPECT_THAT(s, HasSubstr("; DROP TABLE runs"));
  RunFilterError("params.a = 'x' OR 1=1");
  RunFilterError("params.a = 'x' OR '1'='1'");
  RunFilterError("params.a = 'x' -- comment");
  RunFilterError("params.a = 'x' /* c */");
  RunFilterError("params.a = 'x' UNION SELECT * FROM runs");
  RunFilterError("params.a = 'x'' OR 1=1 --");  // unterminated
  RunFilterError("metrics.a = 1; SELECT 1");
  RunFilterError("metrics.a = 1)");
  RunFilterError("params.a = 'x' AND (SELECT 1)");
}

TEST(SearchFilterTest, HugeInputs) {
  std::string big(1 << 20, 'x');
  EXPECT_EQ(Str(ParseOne("params.p = '" + big + "'").value), big);
  EXPECT_EQ(ParseOne("params.`" + big + "` = 'v'").key, big);
  EXPECT_EQ(ParseOne("params." + big + " = 'v'").key, big);

  // Errors echo only a bounded snippet of the input.
  std::string s = RunFilterError("params.p = '" + big);
  EXPECT_LT(s.size(), 400u);
  EXPECT_THAT(s, HasSubstr("Unterminated quoted string"));
  s = RunFilterError(std::string(1 << 20, '('));
  EXPECT_LT(s.size(), 400u);
  s = RunFilterError("metrics.m > " + std::string(1 << 16, '9') + "e999999");
  EXPECT_LT(s.size(), 400u);

  std::string many_ids = "run_id IN (";
  for (int i = 0; i < 20000; ++i) many_ids += fmt::format("{}'{:032x}'", i ? "," : "", i);
  EXPECT_EQ(List(ParseOne(many_ids + ")").value).size(), 20000u);
}

TEST(SearchFilterTest, ClauseCountIsCapped) {
  std::string filter = "metrics.a > 0";
  for (int i = 1; i < 200; ++i) filter += " AND metrics.a > 0";
  EXPECT_EQ(Parse(filter).size(), 200u);
  std::string s = RunFilterError(filter + " AND metrics.a > 0");
  EXPECT_THAT(s, HasSubstr("more than 200 clauses"));
}

TEST(SearchFilterTest, SnippetsStayValidUtf8) {
  // The echoed snippet is cut at 100 bytes, which here falls inside an "é".
  std::string filter = ";";
  for (int i = 0; i < 60; ++i) filter += "é";
  std::string msg = RunFilterError(filter);
  EXPECT_THAT(msg, HasSubstr("..."));
  for (size_t i = 0; i < msg.size(); ++i) {
    if (static_cast<unsigned char>(msg[i]) == 0xC3) {
      ASSERT_LT(i + 1, msg.size());
      EXPECT_EQ(static_cast<unsigned char>(msg[i + 1]), 0xA9) << "dangling UTF-8 lead byte";
    }
  }
}

TEST(SearchFilterTest, NulBytesAreRejected) {
  using namespace std::string_literals;
  EXPECT_THAT(RunFilterError("params.p = 'a\0b'"s), HasSubstr("NUL character"));
  EXPECT_THAT(RunFilterError("params.p\0 = 'ab'"s), HasSubstr("Unexpected character"));
  RunFilterError("\0"s);
  RunFilterError("metrics.a > 1 AND\0"s);
}

// Random inputs over the grammar's own alphabet: the parser must never crash
// or hang, and every failure must be kInvalidArgument.
TEST(SearchFilterTest, RandomInputsNeverCrash) {
  const std::string alphabet = "metricsparamtgdu_.`'\"()=!<>,- 019eEANDORNOTINLIKE \t\n;\\%\xc3\xa9";
  std::mt19937 rng(12345);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<size_t> length(0, 60);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    for (size_t n = length(rng); n > 0; --n) s += alphabet[pick(rng)];
    auto result = ParseRunFilter(s);
    if (result.ok()) {
      ++parsed;
    } else {
      ASSERT_EQ(result.error().code(), StatusCode::kInvalidArgument) << s;
      ASSERT_FALSE(result.error().message().empty());
    }
    auto exp = ParseExperimentFilter(s);
    if (!exp.ok()) {
      ASSERT_EQ(exp.error().code(), StatusCode::kInvalidArgument) << s;
    }
    auto order = ParseRunOrderBy({s});
    if (!order.ok()) {
      ASSERT_EQ(order.error().code(), StatusCode::kInvalidArgument) << s;
    }
  }
  EXPECT_GT(parsed, 0);  // whitespace-only strings at least
}

// Random mutations of valid filters exercise deeper parser states.
TEST(SearchFilterTest, MutatedFiltersNeverCrash) {
  const std::vector<std::string> seeds = {
      "metrics.acc >= 0.5 AND params.\"p-1\" LIKE 'a%' AND tags.`t t` != 'x'",
      "attributes.run_id NOT IN ('a', 'b') AND datasets.context IN ('train')",
      "`Run name` ILIKE '%x%' AND created > -1e3 AND status = \"FINISHED\""};
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string s = seeds[i % seeds.size()];
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      size_t at = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0: if (at < s.size()) s.erase(at, 1); break;
        case 1: s.insert(at, 1, "'\"`().,=<>!- aZ9"[rng() % 16]); break;
        default: s = s.substr(0, at); break;
      }
    }
    auto result = ParseRunFilter(s);
    if (!result.ok()) {
      ASSERT_EQ(result.error().code(), StatusCode::kInvalidArgument) << s;
    }
  }
}

// --------------------------------------------------------------- errors

struct BadFilter {
  const char* filter;
  const char* message_part;
};

class BadRunFilterTest : public ::testing::TestWithParam<BadFilter> {};

TEST_P(BadRunFilterTest, IsInvalidArgument) {
  std::string s = RunFilterError(GetParam().filter);
  EXPECT_THAT(s, HasSubstr(GetParam().message_part)) << GetParam().filter;
}

INSTANTIATE_TEST_SUITE_P(
    Syntax, BadRunFilterTest,
    ::testing::Values(
        BadFilter{"metrics.a > 1 OR metrics.b > 1", "Invalid clause(s) in filter string: 'OR metrics.b > 1'. OR is not supported"},
        BadFilter{"(metrics.a > 1)", "Invalid clause(s) in filter string: '(metrics.a > 1)'"},
        BadFilter{"metrics.a > 1 AND (metrics.b > 1)", "Invalid clause(s)"},
        BadFilter{"NOT metrics.a > 1", "Invalid clause(s) in filter string: 'NOT metrics.a > 1'"},
        BadFilter{"OR", "Invalid clause(s)"},
        BadFilter{"AND metrics.a > 1", "Invalid clause(s)"},
        BadFilter{"metrics.a > 1 AND", "Expected a clause after AND"},
        BadFilter{"metrics.a > 1 AND AND metrics.b > 1", "Invalid clause(s)"},
        BadFilter{"metrics.a > 1 metrics.b > 1", "Expected AND"},
        BadFilter{"metrics.a > 1 && metrics.b > 1", "Invalid clause(s)"},
        BadFilter{"metrics.a > 1 ANDmetrics.b > 1", "Invalid clause(s)"},
        BadFilter{"metrics.a", "Expected a comparator"},
        BadFilter{"metrics.a >", "Expected a value after '>'"},
        BadFilter{"params.a =", "Expected a value after '='"},
        BadFilter{"metrics.a 1", "Invalid comparator '1'"},
        BadFilter{"metrics.a == 1", "Invalid comparator '=='"},
        BadFilter{"metrics.a <> 1", "Invalid comparator '<>'"},
        BadFilter{"metrics.a => 1", "Invalid comparator '=>'"},
        BadFilter{"metrics.a ! 1", "Invalid comparator '!'"},
        BadFilter{"params.a IS 'x'", "Invalid comparator 'IS'"},
        BadFilter{"params.a NOT LIKE 'x'", "Invalid comparator 'NOT LIKE'"},
        BadFilter{"run_id NOT ('a')", "Invalid comparator 'NOT'"},
        BadFilter{"params.a = 'x", "Unterminated quoted string"},
        BadFilter{"params.a = \"x", "Unterminated quoted string"},
        BadFilter{"params.`a = 'x'", "Unterminated quoted string"},
        BadFilter{"params.a = 'it''s", "Unterminated quoted string"},
        BadFilter{"'abc' = 'x'", "Invalid clause(s)"},
        BadFilter{"1 = 1", "Invalid clause(s)"},
        BadFilter{"= 1", "Invalid clause(s)"},
        BadFilter{".a = 1", "Invalid clause(s)"},
        BadFilter{"metrics. = 1", "Invalid identifier"},
        BadFilter{"metrics.", "Invalid identifier"},
        BadFilter{"metrics.\"\" > 1", "Invalid identifier"},
        BadFilter{"metrics.a. > 1", "Invalid identifier"},
        BadFilter{"metrics.'a' > 1", "Invalid identifier"},
        BadFilter{"tags.\"a\".b = 'x'", "Invalid comparator '.'"},
        BadFilter{"params.my-key = 'x'", "quote keys containing characters"},
        BadFilter{"params.a@b = 'x'", "Unexpected character '@'"},
        BadFilter{"metrics.a > 1abc", "Malformed number"},
        BadFilter{"metrics.a > 1.2.3", "Malformed number"},
        BadFilter{"metrics.a > 0x10", "Malformed number"},
        BadFilter{"metrics.a > 1e999", "Number out of range"},
        BadFilter{"metrics.a > - 1", "Unexpected character '-'"},
        BadFilter{"metrics.a > 1 AND metrics.b", "Expected a comparator"}));

INSTANTIATE_TEST_SUITE_P(
    Entities, BadRunFilterTest,
    ::testing::Values(
        BadFilter{"foo.a = 'x'", "Invalid entity type 'foo'"},
        BadFilter{"Metrics.a > 1", "Invalid entity type 'Metrics'"},
        BadFilter{"metricz.a > 1", "Invalid entity type"},
        BadFilter{"a.b.c = 'x'", "Invalid entity type 'a'"},
        BadFilter{"attributes.foo = 'x'", "Invalid attribute key 'foo' specified. Valid keys are"},
        BadFilter{"foo = 'x'", "Invalid attribute key 'foo'"},
        BadFilter{"experiment_id = '1'", "Invalid attribute key 'experiment_id'"},
        BadFilter{"lifecycle_stage = 'active'", "Invalid attribute key"},
        BadFilter{"Status = 'x'", "Invalid attribute key 'Status'"},
        BadFilter{"RUN NAME = 'x'", "Invalid attribute key 'RUN'"},
        BadFilter{"`RUN NAME` = 'x'", "Invalid attribute key 'RUN NAME'"},
        BadFilter{"datasets.source = 'x'", "Invalid dataset key 'source' specified"},
        BadFilter{"datasets.Name = 'x'", "Invalid dataset key"}));

INSTANTIATE_TEST_SUITE_P(
    Types, BadRunFilterTest,
    ::testing::Values(
        BadFilter{"metrics.a = 'x'", "Expected numeric value type for metric. Found 'x'"},
        BadFilter{"metrics.a = \"1\"", "Expected numeric value type for metric"},
        BadFilter{"metrics.a = abc", "Expected numeric value type for metric. Found abc"},
        BadFilter{"metrics.a = NaN", "Expected numeric value type for metric"},
        BadFilter{"metrics.a = inf", "Expected numeric value type for metric"},
        BadFilter{"metrics.a = ('1')", "A list of values can only be compared with IN or NOT IN"},
        BadFilter{"params.a = 1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"},
        BadFilter{"params.a = x", "Expected a quoted string value for parameter"},
        BadFilter{"params.a = `x`", "Expected a quoted string value for parameter"},
        BadFilter{"tags.a = 1", "Expected a quoted string value for tag"},
        BadFilter{"tags.a = ('x')", "A list of values can only be compared with IN or NOT IN"},
        BadFilter{"status = 1", "Expected a quoted string value for attributes. Got value 1"},
        BadFilter{"run_name = FINISHED", "Expected a quoted string value for attributes"},
        BadFilter{"start_time > 'x'", "Expected numeric value type for numeric attribute: start_time. Found 'x'"},
        BadFilter{"created > 'x'", "numeric attribute: start_time"},
        BadFilter{"end_time = abc", "Expected numeric value type for numeric attribute: end_time"},
        BadFilter{"datasets.name = 1", "Expected a quoted string value for dataset attributes. Got value 1"},
        BadFilter{"status = ('a')", "Only the 'run_id' attribute supports comparison with a list"},
        BadFilter{"run_id = ('a', 'b')", "A list of values can only be compared with IN or NOT IN"}));

INSTANTIATE_TEST_SUITE_P(
    Comparators, BadRunFilterTest,
    ::testing::Values(
        BadFilter{"metrics.a LIKE 1", "Invalid comparator 'LIKE' not one of"},
        BadFilter{"metrics.a ILIKE 1", "Invalid comparator 'ILIKE'"},
        BadFilter{"metrics.a IN (1)", "Invalid comparator 'IN'"},
        BadFilter{"metrics.a NOT IN ('1')", "Invalid comparator 'NOT IN'"},
        BadFilter{"params.a > 'x'", "Invalid comparator '>' not one of '=, !=, LIKE, ILIKE' for parameter 'a'"},
        BadFilter{"params.a >= 'x'", "Invalid comparator '>='"},
        BadFilter{"params.a < 'x'", "Invalid comparator '<'"},
        BadFilter{"params.a <= 'x'", "Invalid comparator '<='"},
        BadFilter{"params.a IN ('x')", "Invalid comparator 'IN'"},
        BadFilter{"params.a NOT IN ('x')", "Invalid comparator 'NOT IN'"},
        BadFilter{"tags.a > 'x'", "Invalid comparator '>'"},
        BadFilter{"tags.a IN ('x')", "Invalid comparator 'IN'"},
        BadFilter{"status > 'x'", "Invalid comparator '>'"},
        BadFilter{"status IN ('x')", "Invalid comparator 'IN'"},
        BadFilter{"run_name NOT IN ('x')", "Invalid comparator 'NOT IN'"},
        BadFilter{"user_id < 'x'", "Invalid comparator '<'"},
        BadFilter{"artifact_uri IN ('x')", "Invalid comparator 'IN'"},
        BadFilter{"run_id > 'x'", "Invalid comparator '>'"},
        BadFilter{"start_time LIKE 1", "Invalid comparator 'LIKE'"},
        BadFilter{"end_time IN ('1')", "Invalid comparator 'IN'"},
        BadFilter{"datasets.name > 'x'", "Invalid comparator '>'"},
        BadFilter{"datasets.digest < 'x'", "Invalid comparator '<'"}));

INSTANTIATE_TEST_SUITE_P(
    Lists, BadRunFilterTest,
    ::testing::Values(
        BadFilter{"run_id IN ()", "expected a non-empty list of string values, but got empty list"},
        BadFilter{"run_id IN ('a',)", "expected string value, punctuation, or whitespace"},
        BadFilter{"run_id IN ('a' 'b')", "ill-formed list"},
        BadFilter{"run_id IN ('a', 1)", "expected string value, punctuation, or whitespace"},
        BadFilter{"run_id IN (a)", "expected string value"},
        BadFilter{"run_id IN (('a'))", "expected string value"},
        BadFilter{"run_id IN ('a'", "ill-formed list"},
        BadFilter{"run_id IN ('a', 'b'", "ill-formed list"},
        BadFilter{"run_id IN ('a", "Unterminated quoted string"},
        BadFilter{"run_id IN 'a'", "Expected a list of quoted string values like ('a', 'b') for comparator 'IN'"},
        BadFilter{"run_id NOT IN 'a'", "for comparator 'NOT IN'"},
        BadFilter{"datasets.name IN 'a'", "Expected a list of quoted string values"}));

// ---------------------------------------------------------- experiments

TEST(ExperimentFilterTest, AttributesAndTags) {
  auto r = ParseExperimentFilter(
      "name LIKE 'exp%' AND attributes.creation_time > 5 AND attribute.last_update_time <= 10 AND "
      "tags.team = 'ml' AND tag.`a b` ILIKE 'x' AND attr.name != 'y'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 6u);
  EXPECT_EQ((*r)[0].key, kAttrName);
  EXPECT_EQ((*r)[0].op, Comparator::kLike);
  EXPECT_EQ((*r)[1].key, kAttrCreationTime);
  EXPECT_DOUBLE_EQ(std::get<double>((*r)[1].value), 5);
  EXPECT_EQ((*r)[2].key, kAttrLastUpdateTime);
  EXPECT_EQ((*r)[3].entity, FilterEntity::kTag);
  EXPECT_EQ((*r)[4].key, "a b");
  EXPECT_EQ((*r)[5].entity, FilterEntity::kAttribute);
  auto empty = ParseExperimentFilter("  ");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ExperimentFilterTest, Errors) {
  struct Case {
    const char* filter;
    const char* message_part;
  } cases[] = {
      {"metrics.a > 1", "Invalid entity type 'metrics'. Valid entity types are ['attribute', 'tag']"},
      {"params.a = 'x'", "Invalid entity type 'params'"},
      {"datasets.name = 'x'", "Invalid entity type 'datasets'"},
      {"run.name = 'x'", "Invalid entity type 'run'"},
      {"run_id = 'x'", "Invalid attribute key 'run_id' specified. Valid keys are ['name', 'creation_time', "
                       "'last_update_time']"},
      {"experiment_id = '1'", "Invalid attribute key 'experiment_id'"},
      {"name IN ('a')", "Invalid comparator 'IN'"},
      {"name > 'a'", "Invalid comparator '>'"},
      {"name = 1", "Expected a quoted string value for attributes"},
      {"creation_time = 'x'", "Expected numeric value type for numeric attribute: creation_time"},
      {"creation_time LIKE 1", "Invalid comparator 'LIKE'"},
      {"tags.a > 'x'", "Invalid comparator '>'"},
      {"name = 'a' OR name = 'b'", "Invalid clause(s)"},
      {"name = 'a'; DROP TABLE experiments", "Invalid clause(s)"},
  };
  for (const auto& c : cases) {
    auto r = ParseExperimentFilter(c.filter);
    ASSERT_FALSE(r.ok()) << c.filter;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.error().message(), HasSubstr(c.message_part)) << c.filter;
  }
}

// ------------------------------------------------------------- order_by

TEST(OrderByTest, RunOrderBy) {
  auto r = ParseRunOrderBy({"metrics.acc DESC", "params.lr", "tags.`a b` asc", "attributes.start_time desc",
                            "run_name", "run.status ASC", "attr.end_time", "metric.\"m-1\" dEsC",
                            "tags.mlflow.runName"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 9u);
  EXPECT_EQ((*r)[0].entity, FilterEntity::kMetric);
  EXPECT_EQ((*r)[0].key, "acc");
  EXPECT_FALSE((*r)[0].ascending);
  EXPECT_EQ((*r)[1].entity, FilterEntity::kParam);
  EXPECT_TRUE((*r)[1].ascending);
  EXPECT_EQ((*r)[2].key, "a b");
  EXPECT_TRUE((*r)[2].ascending);
  EXPECT_EQ((*r)[3].key, kAttrStartTime);
  EXPECT_FALSE((*r)[3].ascending);
  EXPECT_EQ((*r)[4].entity, FilterEntity::kAttribute);
  EXPECT_EQ((*r)[4].key, kAttrRunName);
  EXPECT_EQ((*r)[5].key, kAttrStatus);
  EXPECT_EQ((*r)[6].key, kAttrEndTime);
  EXPECT_EQ((*r)[7].key, "m-1");
  EXPECT_FALSE((*r)[7].ascending);
  EXPECT_EQ((*r)[8].key, "mlflow.runName");
}

TEST(OrderByTest, EveryOrderableRunAttributeAndAlias) {
  for (std::string_view key : {kAttrRunId, kAttrRunName, kAttrUserId, kAttrStatus, kAttrStartTime, kAttrEndTime,
                               kAttrArtifactUri}) {
    auto r = ParseRunOrderBy({std::string(key)});
    ASSERT_TRUE(r.ok()) << key << ": " << r.status().ToString();
    EXPECT_EQ((*r)[0].key, key);
  }
  auto created = ParseRunOrderBy({"created DESC"});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ((*created)[0].key, kAttrStartTime);
  auto uuid = ParseRunOrderBy({"attributes.run_uuid"});
  ASSERT_TRUE(uuid.ok());
  EXPECT_EQ((*uuid)[0].key, kAttrRunId);
  auto empty = ParseRunOrderBy({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(OrderByTest, RunOrderByErrors) {
  struct Case {
    std::vector<std::string> order_by;
    const char* message_part;
  } cases[] = {
      {{"metrics.a", "metrics.a DESC"}, "`order_by` contains duplicate fields: ['metrics.a']"},
      {{"start_time", "created DESC"}, "duplicate fields: ['attributes.start_time']"},
      {{"run_id", "attributes.run_uuid"}, "duplicate fields"},
      {{"metrics.a DESC", "params.a", "tags.x", "metrics.`a`"}, "duplicate fields: ['metrics.a']"},
      {{"metrics.a UP"}, "Invalid ordering key in order_by clause 'metrics.a UP'."},
      {{"metrics.a DESC ASC"}, "Invalid order_by clause 'metrics.a DESC ASC'. Could not be parsed"},
      {{"metrics.a, metrics.b"}, "Could not be parsed"},
      {{""}, "Invalid order_by clause ''"},
      {{"   "}, "Invalid order_by clause"},
      {{"DESC"}, "Invalid attribute key 'DESC'"},
      {{"foo"}, "Invalid attribute key 'foo'"},
      {{"experiment_id"}, "Invalid attribute key 'experiment_id'"},
      {{"bogus.a"}, "Invalid entity type 'bogus'"},
      {{"datasets.name"}, "Invalid order_by entity type 'dataset'"},
      {{"metrics.a; DROP TABLE runs"}, "Could not be parsed: Unexpected character ';'"},
      {{"metrics.`a"}, "Unterminated quoted string"},
      {{"metrics.a -- x"}, "Could not be parsed"},
      {{"(metrics.a)"}, "Could not be parsed"},
      {{"metrics.a > 1"}, "Could not be parsed"},
  };
  for (const auto& c : cases) {
    auto r = ParseRunOrderBy(c.order_by);
    ASSERT_FALSE(r.ok()) << ::testing::PrintToString(c.order_by);
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.error().message(), HasSubstr(c.message_part)) << ::testing::PrintToString(c.order_by);
  }
}

TEST(OrderByTest, ExperimentOrderBy) {
  auto r = ParseExperimentOrderBy({"name", "experiment_id DESC", "attributes.creation_time asc",
                                   "attribute.last_update_time DESC"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].key, kAttrName);
  EXPECT_EQ((*r)[1].key, kAttrExperimentId);
  EXPECT_FALSE((*r)[1].ascending);
  EXPECT_EQ((*r)[2].key, kAttrCreationTime);
  EXPECT_EQ((*r)[3].key, kAttrLastUpdateTime);
  for (const auto& c : *r) EXPECT_EQ(c.entity, FilterEntity::kAttribute);

  struct Case {
    std::vector<std::string> order_by;
    const char* message_part;
  } cases[] = {
      {{"tags.a"}, "Invalid order_by entity type 'tag'"},
      {{"metrics.a"}, "Invalid entity type 'metrics'"},
      {{"start_time"}, "Invalid attribute key 'start_time'"},
      {{"name", "name DESC"}, "duplicate fields: ['attributes.name']"},
      {{"name sideways"}, "Invalid ordering key"},
  };
  for (const auto& c : cases) {
    auto bad = ParseExperimentOrderBy(c.order_by);
    ASSERT_FALSE(bad.ok()) << ::testing::PrintToString(c.order_by);
    EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(bad.error().message(), HasSubstr(c.message_part));
  }
}

TEST(ComparatorSqlTest, AllComparators) {
  EXPECT_EQ(ComparatorSql(Comparator::kEq), "=");
  EXPECT_EQ(ComparatorSql(Comparator::kNe), "!=");
  EXPECT_EQ(ComparatorSql(Comparator::kLt), "<");
  EXPECT_EQ(ComparatorSql(Comparator::kLe), "<=");
  EXPECT_EQ(ComparatorSql(Comparator::kGt), ">");
  EXPECT_EQ(ComparatorSql(Comparator::kGe), ">=");
  EXPECT_EQ(ComparatorSql(Comparator::kLike), "LIKE");
  EXPECT_EQ(ComparatorSql(Comparator::kILike), "ILIKE");
  EXPECT_EQ(ComparatorSql(Comparator::kIn), "IN");
  EXPECT_EQ(ComparatorSql(Comparator::kNotIn), "NOT IN");
}

}  // namespace
}  // namespace cairn::tracking
