#include "client/log_batch_builder.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

using tracking::Metric;
using tracking::Param;
using tracking::Tag;

std::vector<Metric> Metrics(int n) {
  std::vector<Metric> out;
  for (int i = 0; i < n; ++i) out.push_back({"m" + std::to_string(i % 7), double(i), 1000 + i, i, ""});
  return out;
}
std::vector<Param> Params(int n, size_t value_size = 1) {
  std::vector<Param> out;
  for (int i = 0; i < n; ++i) out.push_back({"p" + std::to_string(i), std::string(value_size, 'v')});
  return out;
}
std::vector<Tag> Tags(int n, size_t value_size = 1) {
  std::vector<Tag> out;
  for (int i = 0; i < n; ++i) out.push_back({"t" + std::to_string(i), std::string(value_size, 'v')});
  return out;
}

void ExpectWithinLimits(const std::vector<LogBatchChunk>& chunks) {
  for (const auto& c : chunks) {
    EXPECT_LE(c.metrics.size(), 1000u);
    EXPECT_LE(c.params.size(), 100u);
    EXPECT_LE(c.tags.size(), 100u);
    EXPECT_LE(c.size(), 1000u);
  }
}

TEST(LogBatchBuilderTest, EmptyBatchIsOneEmptyChunk) {
  auto chunks = SplitLogBatch({}, {}, {});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_TRUE(chunks[0].empty());
}

TEST(LogBatchBuilderTest, SplitsMetricsAtOneThousand) {
  auto metrics = Metrics(2500);
  auto chunks = SplitLogBatch(metrics, {}, {});
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].metrics.size(), 1000u);
  EXPECT_EQ(chunks[1].metrics.size(), 1000u);
  EXPECT_EQ(chunks[2].metrics.size(), 500u);
  // Order is preserved across chunks.
  EXPECT_EQ(chunks[1].metrics.front().step, 1000);
  EXPECT_EQ(chunks[2].metrics.back().step, 2499);
}

TEST(LogBatchBuilderTest, SplitsParamsAndTagsAtOneHundredAndCapsTotal) {
  auto chunks = SplitLogBatch(Metrics(1900), Params(250), Tags(130));
  ExpectWithinLimits(chunks);
  size_t metrics = 0, params = 0, tags = 0;
  for (const auto& c : chunks) {
    metrics += c.metrics.size();
    params += c.params.size();
    tags += c.tags.size();
  }
  EXPECT_EQ(metrics, 1900u);
  EXPECT_EQ(params, 250u);
  EXPECT_EQ(tags, 130u);
  // Params come first: the first chunk is full of them.
  EXPECT_EQ(chunks[0].params.size(), 100u);
  // Total per request never exceeds 1000 even when kinds mix.
  EXPECT_EQ(chunks.size(), 5u);
}

TEST(LogBatchBuilderTest, RespectsBodySize) {
  // 100 params of 6000 chars and 100 tags of 8000 chars (all within MLflow's
  // per-value limits) do not fit one 1 MB request.
  auto chunks = SplitLogBatch({}, Params(100, 6000), Tags(100, 8000));
  ASSERT_GE(chunks.size(), 2u);
  for (const auto& c : chunks) {
    size_t bytes = 0;
    for (const auto& p : c.params) bytes += p.key.size() + p.value.size();
    for (const auto& t : c.tags) bytes += t.key.size() + t.value.size();
    EXPECT_LT(bytes, 900000u);
  }
}

TEST(LogBatchBuilderTest, EscapingCountsTowardsSize) {
  BatchLimits limits;
  limits.max_body_bytes = 1000;
  LogBatchBuilder builder(limits);
  EXPECT_TRUE(builder.AddTag({"a", std::string(100, '\n')}));  // 600+ bytes escaped
  EXPECT_FALSE(builder.AddTag({"b", std::string(100, '\n')}));
}

TEST(LogBatchBuilderTest, OversizedEntityStillGoesAloneInItsOwnChunk) {
  BatchLimits limits;
  limits.max_body_bytes = 100;
  auto chunks = SplitLogBatch({}, {{"small", "x"}, {"big", std::string(500, 'x')}}, {}, limits);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].params[0].key, "big");
}

TEST(LogBatchBuilderTest, DuplicateParamsAndTags) {
  LogBatchBuilder builder;
  EXPECT_TRUE(builder.AddParam({"lr", "0.1"}));
  EXPECT_TRUE(builder.AddParam({"lr", "0.1"}));   // same value: dropped
  EXPECT_FALSE(builder.AddParam({"lr", "0.2"}));  // changed: next request, server decides
  EXPECT_TRUE(builder.AddTag({"phase", "a"}));
  EXPECT_TRUE(builder.AddTag({"phase", "b"}));  // last write wins in place
  LogBatchChunk chunk = builder.Take();
  EXPECT_EQ(chunk.params, (std::vector<Param>{{"lr", "0.1"}}));
  EXPECT_EQ(chunk.tags, (std::vector<Tag>{{"phase", "b"}}));
  EXPECT_TRUE(builder.empty());
  EXPECT_TRUE(builder.AddParam({"lr", "0.2"}));
}

TEST(LogBatchBuilderTest, CustomLimits) {
  BatchLimits limits;
  limits.max_metrics = 3;
  limits.max_entities = 4;
  auto chunks = SplitLogBatch(Metrics(7), Params(2), {}, limits);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].params.size(), 2u);
  EXPECT_EQ(chunks[0].metrics.size(), 2u);  // total cap 4
  EXPECT_EQ(chunks[1].metrics.size(), 3u);  // metric cap 3
  EXPECT_EQ(chunks[2].metrics.size(), 2u);
}

}  // namespace
}  // namespace cairn::client
