// Searching the tracking store end to end: experiments/search, runs/search
// (filter grammar, order_by, page tokens, view types; specs/mlflow-rest.md
// section 5) and metric history (get-history with and without paging,
// get-history-bulk-interval), with exact JSON checks and error codes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

// ---------------------------------------------------------------------------
// Search experiments

class ExperimentSearchTest : public ServerTest {
 protected:
  // Five experiments named <prefix>-0..4, tagged group=even|odd.
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    prefix_ = UniqueName("search");
    for (int i = 0; i < 5; ++i) {
      std::string name = fmt::format("{}-{}", prefix_, i);
      Reply created = api().Post(
          "experiments/create",
          fmt::format(R"({{"name":"{}","tags":[{{"key":"group","value":"{}"}}]}})", name, i % 2 ? "odd" : "even"));
      ASSERT_OK_JSON(created);
      ids_.push_back(*created.json().Str("/experiment_id"));
      names_.push_back(name);
    }
  }

  // POST experiments/search with `fields` plus a filter on this test's prefix.
  Reply Search(std::string_view fields, std::string_view extra_filter = {}) {
    std::string filter = fmt::format("name LIKE '{}-%'{}", prefix_, extra_filter);
    return api().Post("experiments/search",
                      fmt::format(R"({{"filter":"{}"{}{}}})", filter, fields.empty() ? "" : ",", fields));
  }

  static std::vector<std::string> Names(const Json& page) {
    std::vector<std::string> out;
    for (size_t i = 0; i < page.Size("/experiments").value_or(0); ++i) {
      out.push_back(page.Str(fmt::format("/experiments/{}/name", i)).value_or("?"));
    }
    return out;
  }

  std::string prefix_;
  std::vector<std::string> ids_;
  std::vector<std::string> names_;
};

TEST_F(ExperimentSearchTest, DefaultOrderIsNewestFirstThenIdAscending) {
  Reply reply = Search("");
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  ASSERT_EQ(page.Size("/experiments"), 5u) << reply.body;
  EXPECT_FALSE(page.Has("/next_page_token"));
  struct Row {
    int64_t creation_time;
    int64_t id;
    std::string name;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < 5; ++i) {
    rows.push_back({*page.Int(fmt::format("/experiments/{}/creation_time", i)),
                    std::stoll(*page.Str(fmt::format("/experiments/{}/experiment_id", i))),
                    *page.Str(fmt::format("/experiments/{}/name", i))});
  }
  std::vector<Row> expected = rows;
  std::sort(expected.begin(), expected.end(), [](const Row& a, const Row& b) {
    return a.creation_time != b.creation_time ? a.creation_time > b.creation_time : a.id < b.id;
  });
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(rows[i].name, expected[i].name) << "position " << i;
  // Each entry is the full experiment, as experiments/get returns it.
  Reply one = api().Get("experiments/get", {{"experiment_id", *page.Str("/experiments/0/experiment_id")}});
  EXPECT_EQ(page.Canonical("/experiments/0"), one.json().Canonical("/experiment"));
}

TEST_F(ExperimentSearchTest, FilterAndOrderBy) {
  Reply asc = Search(R"("order_by":["name ASC"])");
  ASSERT_OK_JSON(asc);
  EXPECT_EQ(Names(asc.json()), names_);

  Reply desc = Search(R"("order_by":["name DESC"])");
  std::vector<std::string> reversed(names_.rbegin(), names_.rend());
  EXPECT_EQ(Names(desc.json()), reversed);

  Reply by_id = Search(R"("order_by":["experiment_id DESC"])");
  EXPECT_EQ(Names(by_id.json()), reversed);

  Reply odd = Search(R"("order_by":["name"])", " AND tags.group = 'odd'");
  ASSERT_OK_JSON(odd);
  EXPECT_EQ(Names(odd.json()), (std::vector<std::string>{names_[1], names_[3]}));

  Reply exact = Search(R"("order_by":["name"])", fmt::format(" AND attributes.name = '{}'", names_[2]));
  EXPECT_EQ(Names(exact.json()), std::vector<std::string>{names_[2]});

  Reply ilike =
      api().Post("experiments/search", fmt::format(R"({{"filter":"name ILIKE '{}-%'","order_by":["name"]}})", [&] {
                   std::string upper = prefix_;
                   for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
                   return upper;
                 }()));
  EXPECT_EQ(Names(ilike.json()), names_);

  Reply created_after = Search(R"("order_by":["name"])", " AND creation_time > 0");
  EXPECT_EQ(Names(created_after.json()), names_);

  // Nothing matches: the response is {} with no "experiments" key.
  Reply none = Search("", " AND tags.group = 'none'");
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
}

TEST_F(ExperimentSearchTest, PagesWithTokens) {
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    std::string fields = R"("order_by":["name"],"max_results":2)";
    if (!token.empty()) fields += fmt::format(R"(,"page_token":"{}")", token);
    Reply reply = Search(fields);
    ASSERT_OK_JSON(reply);
    Json page = reply.json();
    auto names = Names(page);
    EXPECT_LE(names.size(), 2u);
    seen.insert(seen.end(), names.begin(), names.end());
    token = page.Str("/next_page_token").value_or("");
    ++pages;
    ASSERT_LE(pages, 10) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(seen, names_);
  // Experiments search only hands out a token when more rows exist: 2+2+1.
  EXPECT_EQ(pages, 3);
}

TEST_F(ExperimentSearchTest, GetFormTakesQueryParameters) {
  Reply reply = api().Get(
      "experiments/search",
      {{"filter", fmt::format("name LIKE '{}-%'", prefix_)}, {"order_by", "name DESC"}, {"max_results", "3"}});
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  EXPECT_EQ(Names(page), (std::vector<std::string>{names_[4], names_[3], names_[2]}));
  ASSERT_TRUE(page.Has("/next_page_token"));
  Reply next = api().Get("experiments/search", {{"filter", fmt::format("name LIKE '{}-%'", prefix_)},
                                                {"order_by", "name DESC"},
                                                {"max_results", "3"},
                                                {"page_token", *page.Str("/next_page_token")}});
  ASSERT_OK_JSON(next);
  EXPECT_EQ(Names(next.json()), (std::vector<std::string>{names_[1], names_[0]}));
}

TEST_F(ExperimentSearchTest, ViewTypes) {
  ASSERT_OK_JSON(api().Post("experiments/delete", fmt::format(R"({{"experiment_id":"{}"}})", ids_[1])));
  std::vector<std::string> active = {names_[0], names_[2], names_[3], names_[4]};
  EXPECT_EQ(Names(Search(R"("order_by":["name"])").json()), active);
  EXPECT_EQ(Names(Search(R"("order_by":["name"],"view_type":"ACTIVE_ONLY")").json()), active);
  EXPECT_EQ(Names(Search(R"("order_by":["name"],"view_type":"DELETED_ONLY")").json()),
            std::vector<std::string>{names_[1]});
  EXPECT_EQ(Names(Search(R"("order_by":["name"],"view_type":"ALL")").json()), names_);
  EXPECT_API_ERROR(Search(R"("view_type":"SOME")"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(ExperimentSearchTest, Errors) {
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"filter":"name = "})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"filter":"metrics.x > 1"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"filter":"bogus_attr = 'x'"})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"order_by":["nonsense ASC"]})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"order_by":["name SIDEWAYS"]})"), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"page_token":"not-a-token"})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"max_results":0})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Post("experiments/search", R"({"max_results":50001})"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_OK_JSON(api().Post("experiments/search", R"({"max_results":50000})"));
}

// ---------------------------------------------------------------------------
// Search runs

class RunSearchTest : public ServerTest {
 protected:
  // Four runs with distinct start times (a oldest .. d newest):
  //   a: acc 0.9, lr "0.1", team "Vision", FINISHED, dataset mnist/training
  //   b: acc 0.4, lr "0.01", team "nlp"
  //   c: acc NaN, lr "0.1"
  //   d: nothing logged
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("search-runs");
    for (int i = 0; i < 4; ++i) {
      std::string name = std::string(1, char('a' + i));
      ids_[name] = CreateRun(
          experiment_id_, fmt::format(R"("run_name":"run-{}","start_time":{},"user_id":"u{}")", name, 1000 + i, i % 2));
    }
    LogBatch("a", R"("metrics":[{"key":"acc","value":0.9,"timestamp":1}],"params":[{"key":"lr","value":"0.1"}],
                     "tags":[{"key":"team","value":"Vision"}])");
    LogBatch("b", R"("metrics":[{"key":"acc","value":0.4,"timestamp":1}],"params":[{"key":"lr","value":"0.01"}],
                     "tags":[{"key":"team","value":"nlp"}])");
    LogBatch("c", R"("metrics":[{"key":"acc","value":"NaN","timestamp":1}],"params":[{"key":"lr","value":"0.1"}])");
    ASSERT_OK_JSON(
        api().Post("runs/update", fmt::format(R"({{"run_id":"{}","status":"FINISHED","end_time":5000}})", ids_["a"])));
    ASSERT_OK_JSON(api().Post(
        "runs/log-inputs",
        fmt::format(R"({{"run_id":"{}","datasets":[{{"tags":[{{"key":"mlflow.data.context","value":"training"}}],
                        "dataset":{{"name":"mnist","digest":"abc123","source_type":"local","source":"/d"}}}}]}})",
                    ids_["a"])));
  }

  void LogBatch(const std::string& run, std::string_view fields) {
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}",{}}})", ids_[run], fields)));
  }

  // Letters of the runs a search returns, in order ("dcba").
  std::string Search(std::string_view filter, std::string_view extra = {}) {
    JsonWriter w;
    w.String(filter);
    Reply reply = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"],"filter":{}{}{}}})",
                                                        experiment_id_, w.str(), extra.empty() ? "" : ",", extra));
    EXPECT_OK_JSON(reply);
    return Letters(reply.json());
  }

  std::string Letters(const Json& page) {
    std::string out;
    for (size_t i = 0; i < page.Size("/runs").value_or(0); ++i) {
      std::string id = page.Str(fmt::format("/runs/{}/info/run_id", i)).value_or("?");
      char letter = '?';
      for (const auto& [name, run_id] : ids_) {
        if (run_id == id) letter = name[0];
      }
      out += letter;
    }
    return out;
  }

  Reply SearchReply(std::string_view fields) {
    return api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"],{}}})", experiment_id_, fields));
  }

  std::string experiment_id_;
  std::map<std::string, std::string> ids_;
};

TEST_F(RunSearchTest, DefaultOrderIsNewestFirstAndRunsAreComplete) {
  Reply reply = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"]}})", experiment_id_));
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  EXPECT_EQ(Letters(page), "dcba");
  EXPECT_FALSE(page.Has("/next_page_token"));
  // Each entry is the full run, as runs/get returns it.
  EXPECT_EQ(page.Canonical("/runs/3"), Json(GetRunJson(ids_["a"])).Canonical("/run"));
}

TEST_F(RunSearchTest, FiltersOnMetricsParamsTagsAttributesDatasets) {
  EXPECT_EQ(Search("metrics.acc > 0.5"), "a");
  EXPECT_EQ(Search("metrics.acc >= 0.4"), "ba");
  EXPECT_EQ(Search("metrics.acc < 0.5 AND metrics.acc > 0.1"), "b");
  EXPECT_EQ(Search("metric.acc = 0.4"), "b");
  EXPECT_EQ(Search("params.lr = '0.1'"), "ca");
  EXPECT_EQ(Search("params.lr != '0.1'"), "b");  // runs without the key do not match !=
  EXPECT_EQ(Search("param.lr LIKE '0.0%'"), "b");
  EXPECT_EQ(Search("params.`lr` = \"0.01\""), "b");
  EXPECT_EQ(Search("tags.team = 'Vision'"), "a");
  EXPECT_EQ(Search("tags.team LIKE 'vis%'"), "");  // LIKE is case-sensitive
  EXPECT_EQ(Search("tags.team ILIKE 'vis%'"), "a");
  EXPECT_EQ(Search("tags.\"team\" ILIKE '%P'"), "b");
  EXPECT_EQ(Search("tags.`mlflow.runName` = 'run-c'"), "c");
  EXPECT_EQ(Search("attributes.status = 'FINISHED'"), "a");
  EXPECT_EQ(Search("attributes.status != 'FINISHED'"), "dcb");
  EXPECT_EQ(Search("attributes.run_name = 'run-b'"), "b");
  EXPECT_EQ(Search("run_name LIKE 'run-%'"), "dcba");
  EXPECT_EQ(Search("attributes.`run name` = 'run-c'"), "c");
  EXPECT_EQ(Search("attributes.`Run name` ILIKE 'RUN-A'"), "a");
  EXPECT_EQ(Search(fmt::format("attributes.run_id LIKE '{}%'", ids_["b"].substr(0, 20))), "b");
  EXPECT_EQ(Search(fmt::format("attributes.run_id ILIKE '{}'",
                               [&] {
                                 std::string upper = ids_["d"];
                                 for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
                                 return upper;
                               }())),
            "d");
  EXPECT_EQ(Search("attributes.user_id = 'u1'"), "db");
  EXPECT_EQ(Search("attributes.start_time >= 1002"), "dc");
  EXPECT_EQ(Search("attributes.created < 1001"), "a");
  EXPECT_EQ(Search("attributes.end_time = 5000"), "a");
  EXPECT_EQ(Search(fmt::format("attributes.run_id IN ('{}', '{}')", ids_["b"], ids_["d"])), "db");
  EXPECT_EQ(Search(fmt::format("attributes.run_id NOT IN ('{}')", ids_["b"])), "dca");
  EXPECT_EQ(Search(fmt::format("attributes.run_id = '{}'", ids_["c"])), "c");
  EXPECT_EQ(
      Search(fmt::format("attributes.artifact_uri = 'mlflow-artifacts:/{}/{}/artifacts'", experiment_id_, ids_["d"])),
      "d");
  EXPECT_EQ(Search("datasets.name = 'mnist'"), "a");
  EXPECT_EQ(Search("datasets.digest IN ('abc123', 'zzz')"), "a");
  EXPECT_EQ(Search("datasets.context = 'training'"), "a");
  EXPECT_EQ(Search("datasets.context IN ('eval', 'training')"), "a");
  EXPECT_EQ(Search("datasets.name LIKE 'mn%' AND datasets.digest = 'abc123'"), "a");
  EXPECT_EQ(Search("datasets.name != 'mnist'"), "");
  EXPECT_EQ(Search("params.lr = '0.1' AND metrics.acc > 0"), "a");
  EXPECT_EQ(Search("params.lr = '0.1' and tags.team = 'Vision' AND attributes.status = 'FINISHED'"), "a");
  EXPECT_EQ(Search("params.missing = 'x'"), "");
}

TEST_F(RunSearchTest, EmptyResultsHaveNoRunsKey) {
  Reply none = SearchReply(R"("filter":"params.lr = 'nope'")");
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
  Reply no_experiments = api().Post("runs/search", R"({"experiment_ids":[]})");
  ASSERT_OK_JSON(no_experiments);
  EXPECT_EQ(CanonicalJson(no_experiments.body), "{}");
}

TEST_F(RunSearchTest, OrderBy) {
  // Missing values (and NaN for metrics) sort last in both directions.
  EXPECT_EQ(Search("", R"("order_by":["metrics.acc DESC"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["metrics.acc ASC"])"), "bacd");
  EXPECT_EQ(Search("", R"("order_by":["metrics.`acc` desc"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["params.lr ASC"])"), "bcad");   // "0.01" < "0.1"; ties newest first
  EXPECT_EQ(Search("", R"("order_by":["tags.team DESC"])"), "badc");  // "nlp" > "Vision" bytewise
  EXPECT_EQ(Search("", R"("order_by":["attributes.start_time ASC"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["start_time DESC"])"), "dcba");
  EXPECT_EQ(Search("", R"("order_by":["run_name DESC"])"), "dcba");
  EXPECT_EQ(Search("", R"("order_by":["attributes.run_name"])"), "abcd");
  EXPECT_EQ(Search("", R"("order_by":["attributes.user_id ASC", "start_time ASC"])"), "acbd");
  EXPECT_EQ(Search("", R"("order_by":["attributes.end_time ASC"])"), "adcb");
}

TEST_F(RunSearchTest, PagesWithTokens) {
  std::string seen;
  std::string token;
  int pages = 0;
  do {
    std::string fields = R"("max_results":3)";
    if (!token.empty()) fields += fmt::format(R"(,"page_token":"{}")", token);
    Reply reply = SearchReply(fields);
    ASSERT_OK_JSON(reply);
    Json page = reply.json();
    std::string letters = Letters(page);
    EXPECT_LE(letters.size(), 3u);
    seen += letters;
    token = page.Str("/next_page_token").value_or("");
    if (letters.size() < 3) {
      EXPECT_TRUE(token.empty()) << "a short page must be the last";
    }
    ASSERT_LE(++pages, 5) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(seen, "dcba");

  // With a page size dividing the total, the pages still cover every run once.
  seen.clear();
  token.clear();
  pages = 0;
  do {
    std::string fields = R"("max_results":2)";
    if (!token.empty()) fields += fmt::format(R"(,"page_token":"{}")", token);
    Reply reply = SearchReply(fields);
    ASSERT_OK_JSON(reply);
    seen += Letters(reply.json());
    token = reply.json().Str("/next_page_token").value_or("");
    ASSERT_LE(++pages, 5) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(seen, "dcba");
}

TEST_F(RunSearchTest, ViewTypesAndSeveralExperiments) {
  ASSERT_OK_JSON(api().Post("runs/delete", fmt::format(R"({{"run_id":"{}"}})", ids_["b"])));
  EXPECT_EQ(Search(""), "dca");
  EXPECT_EQ(Search("", R"("run_view_type":"ACTIVE_ONLY")"), "dca");
  EXPECT_EQ(Search("", R"("run_view_type":"DELETED_ONLY")"), "b");
  EXPECT_EQ(Search("", R"("run_view_type":"ALL")"), "dcba");
  EXPECT_API_ERROR(SearchReply(R"("run_view_type":"NONE")"), 400, "INVALID_PARAMETER_VALUE");

  std::string other = CreateExperiment("other");
  std::string e = CreateRun(other, R"("start_time":999)");
  ids_["e"] = e;
  Reply both = api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}","{}"]}})", experiment_id_, other));
  ASSERT_OK_JSON(both);
  EXPECT_EQ(Letters(both.json()), "dcae");
}

TEST_F(RunSearchTest, Errors) {
  for (const char* filter :
       {"metrics.acc > 'high'", "params.lr > 1", "params.lr = 0.1", "bogus.key = 'x'", "attributes.nope = 'x'",
        "metrics.acc >", "metrics.acc = 1 OR metrics.acc = 2", "(metrics.acc = 1)", "tags.team IN 'x'",
        "metrics.acc LIKE '1%'", "attributes.start_time = 'yesterday'"}) {
    EXPECT_API_ERROR(SearchReply(fmt::format(R"("filter":"{}")", filter)), 400, "INVALID_PARAMETER_VALUE")
        << "filter: " << filter;
  }
  for (const char* order : {"metrics.acc SIDEWAYS", "nope.x", "attributes.bogus", "datasets.name ASC", ""}) {
    EXPECT_API_ERROR(SearchReply(fmt::format(R"("order_by":["{}"])", order)), 400, "INVALID_PARAMETER_VALUE")
        << "order_by: " << order;
  }
  EXPECT_API_ERROR(SearchReply(R"("order_by":["start_time ASC","start_time DESC"])"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(SearchReply(R"("page_token":"bogus")"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(SearchReply(R"("max_results":0)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(SearchReply(R"("max_results":50001)"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_OK_JSON(SearchReply(R"("max_results":50000)"));
}

// ---------------------------------------------------------------------------
// Metric history

class MetricHistoryTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("history");
    run_id_ = CreateRun(experiment_id_);
    // Logged out of order; history comes back by (timestamp, step, value).
    std::string metrics;
    for (int i = 9; i >= 0; --i) {
      metrics += fmt::format(R"({}{{"key":"loss","value":{},"timestamp":{},"step":{}}})", metrics.empty() ? "" : ",",
                             10 - i, 100 + i, i);
    }
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", run_id_, metrics)));
  }

  static std::string Point(int i) {
    return fmt::format(R"({{"key":"loss","value":{},"timestamp":{},"step":{}}})", 10 - i, 100 + i, i);
  }

  // Drops run_id, which MLflow 3 may add to history points.
  static std::string CanonicalPoints(const Json& page) {
    std::string out = "[";
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      std::string p = fmt::format("/metrics/{}", i);
      out += fmt::format("{}{{\"key\":\"{}\",\"step\":{},\"timestamp\":{},\"value\":{}}}", i ? "," : "",
                         page.Str(p + "/key").value_or("?"), page.Int(p + "/step").value_or(-1),
                         page.Int(p + "/timestamp").value_or(-1), page.Canonical(p + "/value"));
    }
    return out + "]";
  }

  std::string experiment_id_;
  std::string run_id_;
};

TEST_F(MetricHistoryTest, WholeHistoryInOneResponse) {
  Reply reply = api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}});
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  std::string expected = "[";
  for (int i = 0; i < 10; ++i) expected += (i ? "," : "") + Point(i);
  EXPECT_EQ(CanonicalPoints(page), CanonicalJson(expected + "]"));
  EXPECT_FALSE(page.Has("/next_page_token"));
  for (size_t i = 0; i < 10; ++i) {
    for (const auto& key : page.Keys(fmt::format("/metrics/{}", i))) {
      EXPECT_TRUE(key == "key" || key == "value" || key == "timestamp" || key == "step" || key == "run_id") << key;
    }
    if (page.Has(fmt::format("/metrics/{}/run_id", i))) {
      EXPECT_EQ(page.Str(fmt::format("/metrics/{}/run_id", i)), run_id_);
    }
  }
}

TEST_F(MetricHistoryTest, PagesWithMaxResults) {
  std::string token;
  std::vector<std::string> points;
  int pages = 0;
  do {
    client::QueryParams query = {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "3"}};
    if (!token.empty()) query.emplace_back("page_token", token);
    Reply reply = api().Get("metrics/get-history", query);
    ASSERT_OK_JSON(reply);
    Json page = reply.json();
    EXPECT_LE(page.Size("/metrics").value_or(0), 3u);
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      points.push_back(page.Canonical(fmt::format("/metrics/{}/step", i)));
    }
    token = page.Str("/next_page_token").value_or("");
    ASSERT_LE(++pages, 6) << "paging does not terminate";
  } while (!token.empty());
  EXPECT_EQ(points, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  EXPECT_GE(pages, 4);
}

// Without max_results the whole history comes back in one response, however
// long (the spec verified 100 000 points against MLflow).
TEST_F(MetricHistoryTest, HundredThousandPointsInOneResponse) {
  constexpr int kPoints = 100000;
  for (int batch = 0; batch < kPoints / 1000; ++batch) {
    std::string metrics;
    for (int i = batch * 1000; i < (batch + 1) * 1000; ++i) {
      metrics +=
          fmt::format(R"({}{{"key":"long","value":{},"timestamp":{},"step":{}}})", metrics.empty() ? "" : ",", i, i, i);
    }
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", run_id_, metrics)));
  }
  Reply reply = api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "long"}});
  ASSERT_OK_JSON(reply);
  Json page = reply.json();
  ASSERT_EQ(page.Size("/metrics"), size_t(kPoints));
  EXPECT_FALSE(page.Has("/next_page_token"));
  EXPECT_EQ(page.Int("/metrics/0/step"), 0);
  EXPECT_EQ(page.Int(fmt::format("/metrics/{}/step", kPoints - 1)), kPoints - 1);
  EXPECT_EQ(page.Int("/metrics/54321/step"), 54321);
}

TEST_F(MetricHistoryTest, UnknownKeyIsEmptyAndErrors) {
  Reply none = api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "never-logged"}});
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"run_id", run_id_}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history", {{"metric_key", "loss"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Get("metrics/get-history", {{"run_id", "0123456789abcdef0123456789abcdef"}, {"metric_key", "loss"}}), 404,
      "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(
      api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "0"}}), 400,
      "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history",
                             {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "3"}, {"page_token", "x"}}),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "loss"}, {"max_results", "ten"}}), 400,
      "INVALID_PARAMETER_VALUE");
}

TEST_F(MetricHistoryTest, BulkIntervalAcrossRuns) {
  std::string second = CreateRun(experiment_id_);
  std::string metrics;
  for (int step = 0; step < 10; ++step) {
    metrics += fmt::format(R"({}{{"key":"loss","value":{},"timestamp":{},"step":{}}})", step ? "," : "", step * 2,
                           500 + step, step);
  }
  ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}","metrics":[{}]}})", second, metrics)));

  auto fetch = [&](client::QueryParams extra) {
    client::QueryParams query = {{"run_ids", run_id_}, {"run_ids", second}, {"metric_key", "loss"}};
    query.insert(query.end(), extra.begin(), extra.end());
    return api().Get("metrics/get-history-bulk-interval", query);
  };
  // run_id -> steps returned
  auto steps = [&](const Json& page) {
    std::map<std::string, std::vector<int64_t>> out;
    for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
      std::string p = fmt::format("/metrics/{}", i);
      EXPECT_EQ(page.Str(p + "/key"), "loss");
      out[page.Str(p + "/run_id").value_or("?")].push_back(page.Int(p + "/step").value_or(-1));
    }
    for (auto& [run, s] : out) std::sort(s.begin(), s.end());
    return out;
  };

  Reply all = fetch({});
  ASSERT_OK_JSON(all);
  auto all_steps = steps(all.json());
  std::vector<int64_t> zero_to_nine = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(all_steps[run_id_], zero_to_nine);
  EXPECT_EQ(all_steps[second], zero_to_nine);
  EXPECT_EQ(all_steps.size(), 2u);
  // Each point carries its run and value.
  Json page = all.json();
  for (size_t i = 0; i < page.Size("/metrics").value_or(0); ++i) {
    std::string p = fmt::format("/metrics/{}", i);
    int64_t step = *page.Int(p + "/step");
    if (page.Str(p + "/run_id") == second) {
      EXPECT_EQ(page.Canonical(p),
                CanonicalJson(fmt::format(R"({{"key":"loss","value":{},"timestamp":{},"step":{},"run_id":"{}"}})",
                                          step * 2, 500 + step, step, second)));
    }
  }

  Reply window = fetch({{"start_step", "2"}, {"end_step", "4"}});
  ASSERT_OK_JSON(window);
  auto window_steps = steps(window.json());
  EXPECT_EQ(window_steps[run_id_], (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(window_steps[second], (std::vector<int64_t>{2, 3, 4}));

  Reply sampled = fetch({{"max_results", "3"}});
  ASSERT_OK_JSON(sampled);
  for (const auto& [run, s] : steps(sampled.json())) {
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(s.front(), 0) << "each run's min step is kept";
    EXPECT_EQ(s.back(), 9) << "each run's max step is kept";
    EXPECT_LE(s.size(), 4u);  // max_results sampled steps, plus the kept max
  }

  Reply none = api().Get("metrics/get-history-bulk-interval", {{"run_ids", run_id_}, {"metric_key", "nothing"}});
  ASSERT_OK_JSON(none);
  EXPECT_EQ(CanonicalJson(none.body), "{}");

  EXPECT_API_ERROR(fetch({{"start_step", "5"}, {"end_step", "2"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(fetch({{"start_step", "5"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(fetch({{"max_results", "0"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(fetch({{"max_results", "2501"}}), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history-bulk-interval", {{"metric_key", "loss"}}), 400,
                   "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Get("metrics/get-history-bulk-interval", {{"run_ids", run_id_}}), 400,
                   "INVALID_PARAMETER_VALUE");
  client::QueryParams too_many = {{"metric_key", "loss"}};
  for (int i = 0; i < 101; ++i) too_many.emplace_back("run_ids", run_id_);
  EXPECT_API_ERROR(api().Get("metrics/get-history-bulk-interval", too_many), 400, "INVALID_PARAMETER_VALUE");
}

}  // namespace
}  // namespace cairn::integration
