#include "tuning/metrics/metrics_parser.h"

#include <gtest/gtest.h>

#include "tuning/metrics/metric_log.h"

namespace cairn::tuning {
namespace {

std::vector<MetricReport> ParseAll(const MetricsParser& p, std::string_view text) {
  std::vector<MetricReport> out;
  p.Parse(text, true, out);
  return out;
}

TEST(MetricsParserTest, KatibDefaultRegex) {
  auto p = MetricsParser::Create(MetricsFormat::kText, {}, {"loss", "accuracy", "Validation-accuracy", "lr"});
  ASSERT_TRUE(p.ok());
  auto r = ParseAll(*p, "epoch 1: loss=0.3 accuracy=.98\nValidation-accuracy=0.91\nlr = 1E0\nloss=nan\nother=5\n");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].name, "loss");
  EXPECT_DOUBLE_EQ(r[0].value, 0.3);
  EXPECT_EQ(r[1].name, "accuracy");
  EXPECT_DOUBLE_EQ(r[1].value, 0.98);
  EXPECT_EQ(r[2].name, "Validation-accuracy");
  EXPECT_EQ(r[3].name, "lr");
  EXPECT_DOUBLE_EQ(r[3].value, 1.0);
  auto neg = ParseAll(*p, "loss=-7.53e-05\n");
  ASSERT_EQ(neg.size(), 1u);
  EXPECT_DOUBLE_EQ(neg[0].value, -7.53e-05);
}

TEST(MetricsParserTest, TimestampPrefix) {
  auto p = MetricsParser::Create(MetricsFormat::kText, {}, {"loss"});
  auto r = ParseAll(*p, "2024-05-01T12:00:01.500Z loss=0.5\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].timestamp_ms, 1714564801500);
  EXPECT_EQ(ParseRfc3339Millis("2024-05-01T14:00:01+02:00"), 1714564801000);
  EXPECT_FALSE(ParseRfc3339Millis("yesterday").has_value());
}

TEST(MetricsParserTest, CustomFilterWithLiteralBraces) {
  auto p = MetricsParser::Create(MetricsFormat::kText, {R"({metricName: ([\w|-]+), metricValue: ((-?\d+)(\.\d+)?)})"},
                                 {"accuracy", "loss"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto r = ParseAll(*p, "{metricName: accuracy, metricValue: 0.8}\n{metricName: loss, metricValue: 1.25}\nloss=3\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_DOUBLE_EQ(r[0].value, 0.8);
  EXPECT_DOUBLE_EQ(r[1].value, 1.25);
  EXPECT_EQ(EscapeLiteralBraces(R"(a{2,3}{x})"), R"(a{2,3}\{x\})");
  EXPECT_FALSE(MetricsParser::Create(MetricsFormat::kText, {"(onegroup)"}, {"x"}).ok());
  EXPECT_FALSE(MetricsParser::Create(MetricsFormat::kText, {"((unclosed"}, {"x"}).ok());
}

TEST(MetricsParserTest, JsonLines) {
  auto p = MetricsParser::Create(MetricsFormat::kJson, {}, {"loss", "acc"});
  auto r = ParseAll(*p, R"({"loss": "0.5", "acc": 0.7, "timestamp": "2024-05-01T12:00:00Z"})"
                        "\nnot json\n"
                        R"({"other": 1, "loss": 0.25})");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].timestamp_ms, 1714564800000);
  EXPECT_DOUBLE_EQ(r[2].value, 0.25);
}

TEST(MetricsParserTest, PartialLinesWaitForTheirNewline) {
  auto p = MetricsParser::Create(MetricsFormat::kText, {}, {"loss"});
  std::vector<MetricReport> out;
  std::string text = "loss=1\nloss=2";
  EXPECT_EQ(p->Parse(text, false, out), 7u);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(p->Parse(text.substr(7), true, out), 6u);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_DOUBLE_EQ(out[1].value, 2);
}

TEST(MetricsParserTest, HostileLinesNeitherCrashNorHang) {
  auto p = MetricsParser::Create(MetricsFormat::kText, {}, {"loss"});
  std::string word(16000, 'a');
  std::string spaces(16000, ' ');
  std::string digits(16000, '1');
  std::vector<MetricReport> out;
  p->Parse("loss" + word + "=1\nloss=" + digits + "\nloss" + spaces + "=" + spaces + "2\nloss=3\n", true, out);
  ASSERT_FALSE(out.empty());
  EXPECT_DOUBLE_EQ(out.back().value, 3);
  std::string huge(1 << 20, 'x');
  p->Parse("loss=" + huge + "\n", true, out);
}

TEST(MetricLogTest, StrategiesAndJsonRoundTrip) {
  MetricLog log;
  log["loss"] = {{0, 0.5, 1}, {1, 0.2, 2}, {2, 0.3, 3}};
  EXPECT_EQ(MetricValue(log, "loss", MetricStrategy::kMin), 0.2);
  EXPECT_EQ(MetricValue(log, "loss", MetricStrategy::kMax), 0.5);
  EXPECT_EQ(MetricValue(log, "loss", MetricStrategy::kLatest), 0.3);
  EXPECT_FALSE(MetricValue(log, "acc", MetricStrategy::kMin).has_value());
  MetricLog back = MetricLogFromJson(MetricLogToJson(log));
  ASSERT_EQ(back["loss"].size(), 3u);
  EXPECT_EQ(back["loss"][1].step, 1);
  EXPECT_DOUBLE_EQ(back["loss"][1].value, 0.2);
  EXPECT_TRUE(MetricLogFromJson("garbage").empty());
}

// A trial prints what it likes: numbers beyond int64 in timestamps or a
// stored log are dropped or zeroed, never cast (that would be UB).
TEST(MetricsParserTest, HugeTimestampsAndStepsAreNotCast) {
  auto p = MetricsParser::Create(MetricsFormat::kJson, {}, {"loss"});
  ASSERT_TRUE(p.ok());
  auto r = ParseAll(*p, R"({"loss": 0.5, "timestamp": 1e300})" "\n" R"({"loss": 0.4, "timestamp": 1714564801.5})" "\n");
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].timestamp_ms, 0);
  EXPECT_EQ(r[1].timestamp_ms, 1714564801500);
  MetricLog log = MetricLogFromJson(R"({"loss": [[1e300, 0.5, 1], [1, 0.4, -1e300], [2, 0.3, 3]]})");
  ASSERT_EQ(log["loss"].size(), 1u);
  EXPECT_EQ(log["loss"][0].step, 2);
}

}  // namespace
}  // namespace cairn::tuning
