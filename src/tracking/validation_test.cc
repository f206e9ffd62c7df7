#include "tracking/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace cairn::tracking {
namespace {

using ::testing::HasSubstr;

#define EXPECT_INVALID(expr, part)                                     \
  do {                                                                 \
    Status s_ = (expr);                                                \
    EXPECT_EQ(s_.code(), StatusCode::kInvalidArgument) << #expr;       \
    EXPECT_THAT(s_.message(), HasSubstr(part)) << #expr;               \
  } while (0)

#define EXPECT_VALID(expr)                                \
  do {                                                    \
    Status s_ = (expr);                                   \
    EXPECT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)

std::string Repeat(std::string_view unit, size_t n) {
  std::string out;
  out.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

Metric M(std::string key, int64_t timestamp = 0) {
  Metric m;
  m.key = std::move(key);
  m.value = 1;
  m.timestamp = timestamp;
  return m;
}

// ------------------------------------------------------------------- keys

TEST(ValidateKeyTest, AcceptsMlflowKeyCharacters) {
  for (const char* key : {"a", "acc", "A_b-c.d", "train/loss", "a b", "ns:key", "mlflow.runName", "x.y.z",
                          "a/b/c", "0", "größe", "精度", "a..b", "a.", "_"}) {
    EXPECT_VALID(ValidateKey(key, "metric"));
  }
}

TEST(ValidateKeyTest, RejectsBadCharacters) {
  for (std::string key : {"a#b", "a\\b", "a\nb", "a\tb", "a'b", "a\"b", "a;b", "a*b", "a?b", "a%b", "a@b",
                          "a\u200bb", "a\u202eb", "a\u00a0b", "\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80"}) {
    EXPECT_INVALID(ValidateKey(key, "param"), "Names may only contain alphanumerics");
  }
  EXPECT_INVALID(ValidateKey(std::string("a\0b", 3), "param"), "Names may only contain");
  EXPECT_INVALID(ValidateKey("a#b", "param"),
                 "Invalid value \"a#b\" for parameter 'key' supplied: Names may only contain alphanumerics, "
                 "underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).");
}

TEST(ValidateKeyTest, RejectsKeysThatAreNotNormalisedRelativePaths) {
  struct Case {
    const char* key;
    const char* resolves_to;
  } cases[] = {{"/a", "/a"},      {"a/", "a"},       {"a//b", "a/b"}, {"./a", "a"},   {"a/.", "a"},
               {".", "."},        {"..", ".."},      {"../a", "../a"}, {"a/../b", "b"}, {"a/b/..", "a"},
               {"..a", "..a"},    {"//a", "//a"},    {"a/./b", "a/b"}};
  for (const auto& c : cases) {
    EXPECT_INVALID(ValidateKey(c.key, "tag"),
                   std::string("This name would resolve to '") + c.resolves_to + "'");
  }
  EXPECT_INVALID(ValidateKey("a//b", "tag"), "Invalid value \"a//b\" for parameter 'key' supplied: Names may be "
                                             "treated as files in certain cases");
  EXPECT_INVALID(ValidateKey(" /..", "tag"), "would resolve to '.'");  // " " is a segment too
}

TEST(ValidateKeyTest, EmptyAndLength) {
  EXPECT_INVALID(ValidateKey("", "metric"), "Missing value for required parameter 'key'.");
  EXPECT_VALID(ValidateKey(std::string(250, 'k'), "metric"));
  EXPECT_INVALID(ValidateKey(std::string(251, 'k'), "metric"),
                 "Metric key '" + std::string(250, 'k') + "...' had length 251, which exceeded length limit of 250");
  EXPECT_INVALID(ValidateKey(std::string(251, 'k'), "param"), "Param key '");
  // Lengths count characters, as MLflow does, not UTF-8 bytes.
  EXPECT_VALID(ValidateKey(Repeat("é", 250), "tag"));
  EXPECT_INVALID(ValidateKey(Repeat("é", 251), "tag"), "had length 251");
  // A hostile megabyte key gets a bounded message.
  Status s = ValidateKey(std::string(1 << 20, '#'), "tag");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_LT(s.message().size(), 400u);
}

// ---------------------------------------------------- params, tags, metrics

TEST(ValidateParamTest, ValueLength) {
  EXPECT_VALID(ValidateParam({"p", ""}));
  EXPECT_VALID(ValidateParam({"p", std::string(6000, 'v')}));
  EXPECT_VALID(ValidateParam({"p", Repeat("日", 6000)}));
  EXPECT_INVALID(ValidateParam({"p", std::string(6001, 'v')}), "Param value '");
  EXPECT_INVALID(ValidateParam({"p", std::string(6001, 'v')}), "had length 6001, which exceeded length limit of 6000");
  EXPECT_INVALID(ValidateParam({"bad#key", "v"}), "for parameter 'key'");
}

TEST(ValidateTagTest, RunAndExperimentTagLimits) {
  EXPECT_VALID(ValidateRunTag({"t", std::string(8000, 'v')}));
  EXPECT_INVALID(ValidateRunTag({"t", std::string(8001, 'v')}), "Tag value '");
  EXPECT_INVALID(ValidateRunTag({"t", std::string(8001, 'v')}), "exceeded length limit of 8000");
  EXPECT_VALID(ValidateRunTag({"mlflow.runName", ""}));
  EXPECT_INVALID(ValidateRunTag({"", "v"}), "Missing value for required parameter 'key'");

  EXPECT_VALID(ValidateExperimentTag({"t", std::string(5000, 'v')}));
  EXPECT_INVALID(ValidateExperimentTag({"t", std::string(5001, 'v')}), "exceeded length limit of 5000");
  EXPECT_INVALID(ValidateExperimentTag({"../t", "v"}), "would resolve to");
  EXPECT_INVALID(ValidateExperimentTag({std::string(251, 'k'), "v"}), "limit of 250");
}

TEST(ValidateMetricTest, KeyAndTimestamp) {
  EXPECT_VALID(ValidateMetric(M("loss", 0)));
  EXPECT_VALID(ValidateMetric(M("loss", std::numeric_limits<int64_t>::max())));
  Metric nan = M("loss");
  nan.value = std::nan("");
  EXPECT_VALID(ValidateMetric(nan));
  Metric inf = M("loss");
  inf.value = -std::numeric_limits<double>::infinity();
  inf.step = -5;  // steps may be negative
  EXPECT_VALID(ValidateMetric(inf));
  EXPECT_INVALID(ValidateMetric(M("loss", -1)),
                 "Invalid value -1 for parameter 'timestamp' supplied: metric 'loss' (value=1). Timestamp must be a "
                 "nonnegative long (64-bit integer)");
  EXPECT_INVALID(ValidateMetric(M("a//b")), "for parameter 'key'");
  EXPECT_INVALID(ValidateMetric(M("")), "Missing value");
}

TEST(ValidateExperimentNameTest, Limits) {
  EXPECT_VALID(ValidateExperimentName("Default"));
  EXPECT_VALID(ValidateExperimentName("/Users/me/exp #1?"));  // any characters
  EXPECT_VALID(ValidateExperimentName(std::string(500, 'n')));
  EXPECT_VALID(ValidateExperimentName(Repeat("ü", 500)));
  EXPECT_INVALID(ValidateExperimentName(""), "Invalid experiment name: ''");
  EXPECT_INVALID(ValidateExperimentName(std::string(501, 'n')),
                 "Experiment name exceeds the maximum length of 500 characters");
}

// ------------------------------------------------------------------ batch

TEST(ValidateBatchTest, EmptyAndFullBatchesPass) {
  EXPECT_VALID(ValidateBatch({}, {}, {}));
  std::vector<Metric> metrics(1000, M("m"));  // repeated metric keys are fine
  EXPECT_VALID(ValidateBatch(metrics, {}, {}));
  std::vector<Param> params;
  std::vector<Tag> tags;
  for (int i = 0; i < 100; ++i) {
    params.push_back({"p" + std::to_string(i), "v"});
    tags.push_back({"t" + std::to_string(i), "v"});
  }
  EXPECT_VALID(ValidateBatch(std::vector<Metric>(800, M("m")), params, tags));
}

TEST(ValidateBatchTest, PerKindAndTotalLimits) {
  EXPECT_INVALID(ValidateBatch(std::vector<Metric>(1001, M("m")), {}, {}),
                 "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up "
                 "metrics across multiple requests and try again.");
  std::vector<Param> params;
  for (int i = 0; i < 101; ++i) params.push_back({"p" + std::to_string(i), "v"});
  EXPECT_INVALID(ValidateBatch({}, params, {}), "at most 100 params. Got 101 params.");
  EXPECT_INVALID(ValidateBatch({}, {}, std::vector<Tag>(101, Tag{"t", "v"})), "at most 100 tags. Got 101 tags.");
  params.pop_back();
  EXPECT_INVALID(ValidateBatch(std::vector<Metric>(801, M("m")), params, std::vector<Tag>(100, Tag{"t", "v"})),
                 "at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags.");
}

TEST(ValidateBatchTest, EntriesAreValidatedWithTheirIndex) {
  EXPECT_INVALID(ValidateBatch({M("ok"), M("bad#")}, {}, {}), "for parameter 'metrics[1].key'");
  EXPECT_INVALID(ValidateBatch({M("ok"), M("ok", -5)}, {}, {}), "for parameter 'metrics[1].timestamp'");
  EXPECT_INVALID(ValidateBatch({}, {{"a", "v"}, {"", "v"}}, {}), "Missing value for required parameter 'params[1].key'");
  EXPECT_INVALID(ValidateBatch({}, {{"a", std::string(6001, 'x')}}, {}), "Param value");
  EXPECT_INVALID(ValidateBatch({}, {}, {{"t", "v"}, {"t", "v"}, {"/t", "v"}}), "'tags[2].key'");
  EXPECT_INVALID(ValidateBatch({}, {}, {{"t", std::string(8001, 'x')}}), "Tag value");
}

TEST(ValidateBatchTest, DuplicateParamKeys) {
  EXPECT_INVALID(ValidateBatch({}, {{"a", "1"}, {"b", "1"}, {"a", "2"}, {"c", "1"}, {"b", "1"}, {"a", "3"}}, {}),
                 "Duplicate parameter keys have been submitted: ['a', 'b']. Please ensure the request contains only "
                 "one param value per param key.");
  // Same key in params and tags is not a duplicate.
  EXPECT_VALID(ValidateBatch({M("k")}, {{"k", "1"}}, {{"k", "1"}}));
}

// --------------------------------------------------------------- datasets

DatasetInput GoodInput() {
  DatasetInput in;
  in.dataset.name = "train";
  in.dataset.digest = "abc123";
  in.dataset.source_type = "local";
  in.dataset.source = "{\"uri\": \"/data\"}";
  in.tags.push_back({"mlflow.data.context", "training"});
  return in;
}

TEST(ValidateDatasetInputsTest, AcceptsValidAndLimitSizedInputs) {
  EXPECT_VALID(ValidateDatasetInputs({}));
  DatasetInput in = GoodInput();
  in.dataset.name = std::string(500, 'n');
  in.dataset.digest = std::string(36, 'd');
  in.dataset.source = std::string(65535, 's');
  in.dataset.schema = std::string(1048575, 'c');
  in.tags = {{std::string(255, 'k'), std::string(500, 'v')}, {"empty", ""}};
  EXPECT_VALID(ValidateDatasetInputs({in, GoodInput()}));
  EXPECT_VALID(ValidateDatasetInputs(std::vector<DatasetInput>(1000, GoodInput())));
}

TEST(ValidateDatasetInputsTest, RejectsMissingAndOversizedFields) {
  auto with = [](auto mutate) {
    DatasetInput in = GoodInput();
    mutate(in);
    return std::vector<DatasetInput>{GoodInput(), in};
  };
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.name.clear(); })),
                 "Missing value for required parameter 'datasets[1].dataset.name'.");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.digest.clear(); })),
                 "'datasets[1].dataset.digest'");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.source_type.clear(); })),
                 "'datasets[1].dataset.source_type'");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.source.clear(); })),
                 "'datasets[1].dataset.source'");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.name = std::string(501, 'n'); })),
                 "'datasets[1].dataset.name' exceeds the maximum length of 500 characters");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.digest = std::string(37, 'd'); })),
                 "exceeds the maximum length of 36");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.source = std::string(65536, 's'); })),
                 "exceeds the maximum length of 65535");
  EXPECT_INVALID(
      ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.schema = std::string(1048576, 'c'); })),
      "'datasets[1].dataset.schema' exceeds the maximum length of 1048575");
  EXPECT_INVALID(
      ValidateDatasetInputs(with([](DatasetInput& d) { d.dataset.profile = std::string(16777216, 'p'); })),
      "'datasets[1].dataset.profile' exceeds the maximum length of 16777215");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.tags.push_back({std::string(256, 'k'), "v"}); })),
                 "'datasets[1].tags[1].key' exceeds the maximum length of 255");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.tags[0].value = std::string(501, 'v'); })),
                 "'datasets[1].tags[0].value' exceeds the maximum length of 500");
  EXPECT_INVALID(ValidateDatasetInputs(with([](DatasetInput& d) { d.tags[0].key.clear(); })),
                 "Missing value for required parameter 'datasets[1].tags[0].key'");
  EXPECT_INVALID(ValidateDatasetInputs(std::vector<DatasetInput>(1001, GoodInput())),
                 "at most 1000 datasets. Got 1001 datasets.");
}

// ------------------------------------------------------------------ run id

TEST(ValidateRunIdTest, Pattern) {
  for (std::string id : {std::string("0123456789abcdef0123456789abcdef"), std::string("a"), std::string("A-b_c"),
                         std::string("9"), "a" + std::string(255, '-')}) {
    EXPECT_VALID(ValidateRunId(id));
  }
  for (std::string id : {std::string(""), std::string("-a"), std::string("_a"), std::string("a b"),
                         std::string("a/b"), std::string("../x"), std::string("a.b"), std::string("ä"),
                         std::string("a'; DROP TABLE runs; --"), "a" + std::string(256, 'b'), std::string("a\0b", 3)}) {
    EXPECT_INVALID(ValidateRunId(id), "for parameter 'run_id' supplied.");
  }
  EXPECT_INVALID(ValidateRunId("a b"), "Invalid value \"a b\" for parameter 'run_id' supplied.");
}

// ------------------------------------------------------- artifact location

TEST(ValidateArtifactLocationTest, AcceptsOrdinaryLocations) {
  for (const char* loc : {"", "s3://bucket/path", "/tmp/mlruns", "file:///tmp/mlruns", "mlflow-artifacts:/1",
                          "gs://b/p", "http://host/p?x=1", "s3://bucket/a;b", "file:///a;b", "./relative/dir",
                          "hdfs://nn:8020/p", "C:/data/x"}) {
    EXPECT_VALID(ValidateArtifactLocation(loc));
  }
}

TEST(ValidateArtifactLocationTest, RejectsRunsUrisFragmentsParamsAndTraversal) {
  EXPECT_INVALID(ValidateArtifactLocation("runs:/abc/model"),
                 "Artifact location cannot be a runs:/ URI. Given: 'runs:/abc/model'");
  const char* kFragmentsOrParams[] = {"http://host#/abc/etc/", "http://host/;..%2F..%2Fetc", "/local/dir;x",
                                      "https://h/a/b;p?q=1", "s3://b/p#frag", "file:///tmp/x#y"};
  for (const char* loc : kFragmentsOrParams) {
    EXPECT_INVALID(ValidateArtifactLocation(loc), "'artifact_location' URL can't include fragments or params.");
  }
  for (const char* loc : {"http://h/p?x=../etc", "http://h/p?x=..%2Fetc", "http://h/p?x=%2e%2e/etc",
                          "http://h/p?x=%252E%252E%252Fetc", "s3://b/p?%2525252e%2525252e"}) {
    EXPECT_INVALID(ValidateArtifactLocation(loc), "Invalid query string");
  }
}

// -------------------------------------------------------------- max_results

TEST(ValidateMaxResultsTest, Bounds) {
  EXPECT_VALID(ValidateMaxResults(1, kMaxSearchResults, "max_results"));
  EXPECT_VALID(ValidateMaxResults(kMaxSearchResults, kMaxSearchResults, "max_results"));
  EXPECT_INVALID(ValidateMaxResults(kMaxSearchResults + 1, kMaxSearchResults, "max_results"),
                 "Invalid value for request parameter max_results. It must be at most 50000, but got value 50001");
  EXPECT_INVALID(ValidateMaxResults(0, kMaxSearchResults, "max_results"),
                 "It must be a positive integer, but got value 0");
  EXPECT_INVALID(ValidateMaxResults(std::numeric_limits<int64_t>::min(), 1000, ""), "request parameter max_results");
}

}  // namespace
}  // namespace cairn::tracking
