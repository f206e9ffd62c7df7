// Hostile requests against the real server. A table of requests that must
// each be refused with an exact HTTP status and MLflow error_code (JSON body
// with a message), sent as raw bytes so nothing between the test and the
// server "fixes" them; then HTTP-level abuse (over-limit bodies, malformed
// requests). Before: an experiment and a run with data; after: the server is
// up and every stored value is byte-for-byte what it was.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/json_writer.h"
#include "client/url.h"
#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

constexpr int k400 = 400;
constexpr std::string_view kInvalid = "INVALID_PARAMETER_VALUE";

struct HostileCase {
  std::string name;
  std::string method;
  std::string target;  // path and query, sent as is
  std::string body;
  // Extra raw header lines ("Name: value\r\n"). Empty: a non-GET request
  // gets Content-Type: application/json; "none": no extra header at all.
  std::string headers;
  int status;
  std::string_view error_code;
};

std::string ApiPath(std::string_view path) { return fmt::format("{}/{}", kApiPrefix, path); }
std::string ApiPath(std::string_view path, const client::QueryParams& query) {
  return fmt::format("{}/{}?{}", kApiPrefix, path, client::EncodeQuery(query));
}

std::string Repeat(std::string_view piece, size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (size_t i = 0; i < n; ++i) out += piece;
  return out;
}

// `n` metrics/params/tags objects for log-batch, keys distinct.
std::string Metrics(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += fmt::format(R"({}{{"key":"bm{}","value":1,"timestamp":1}})", i ? "," : "", i);
  return out;
}
std::string KeyValues(std::string_view prefix, size_t n, size_t value_size) {
  std::string out;
  std::string value(value_size, 'v');
  for (size_t i = 0; i < n; ++i)
    out += fmt::format(R"({}{{"key":"{}{}","value":"{}"}})", i ? "," : "", prefix, i, value);
  return out;
}

class BadInputTest : public ServerTest {
 protected:
  // Seeds the data the hostile requests aim at and records how it reads.
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("victim");
    run_id_ =
        CreateRun(experiment_id_, R"("run_name":"victim-run","start_time":1234,"tags":[{"key":"t","value":"v"}])");
    ASSERT_OK_JSON(api().Post("runs/log-batch", fmt::format(R"({{"run_id":"{}",
        "metrics":[{{"key":"acc","value":0.5,"timestamp":10,"step":1}},{{"key":"acc","value":0.75,"timestamp":20,"step":2}},
                   {{"key":"nan","value":"NaN","timestamp":10}}],
        "params":[{{"key":"lr","value":"0.1"}},{{"key":"unicode","value":"größe ✓ \"quoted\" \\ back"}}],
        "tags":[{{"key":"note","value":"line1\nline2"}}]}})",
                                                            run_id_)));
    ASSERT_OK_JSON(api().Post("runs/log-inputs", fmt::format(R"({{"run_id":"{}","datasets":[{{"dataset":{{
        "name":"ds","digest":"dg","source_type":"local","source":"/data"}}}}]}})",
                                                             run_id_)));
    ASSERT_OK_JSON(api().Post("experiments/set-experiment-tag",
                              fmt::format(R"({{"experiment_id":"{}","key":"owner","value":"ana"}})", experiment_id_)));
    before_ = ReadState();
    ASSERT_FALSE(before_.empty());
  }

  // Everything the API says about the seeded data, as raw response bodies.
  std::vector<std::string> ReadState() {
    std::vector<Reply> replies = {
        api().Get("runs/get", {{"run_id", run_id_}}),
        api().Get("experiments/get", {{"experiment_id", experiment_id_}}),
        api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "acc"}}),
        api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "nan"}}),
        api().Get("metrics/get-history", {{"run_id", run_id_}, {"metric_key", "atomic_probe"}}),
        api().Post("runs/search", fmt::format(R"({{"experiment_ids":["{}"],"run_view_type":"ALL"}})", experiment_id_)),
        api().Post("experiments/search", fmt::format(R"({{"filter":"name = '{}'"}})",
                                                     api()
                                                         .Get("experiments/get", {{"experiment_id", experiment_id_}})
                                                         .json()
                                                         .Str("/experiment/name")
                                                         .value_or("?"))),
    };
    std::vector<std::string> out;
    for (const Reply& r : replies) {
      EXPECT_OK_JSON(r);
      out.push_back(r.body);
    }
    return out;
  }

  void ExpectServerUpAndDataUnchanged() {
    ASSERT_TRUE(server().Running()) << "the server died";
    Reply health = api().Get("/health");
    ASSERT_EQ(health.status, 200) << health.Describe();
    std::vector<std::string> after = ReadState();
    ASSERT_EQ(after.size(), before_.size());
    for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i], before_[i]) << "state read #" << i << " changed";
  }

  Reply Send(const HostileCase& c) {
    std::string headers = c.headers;
    if (headers.empty() && c.method != "GET") headers = "Content-Type: application/json\r\n";
    if (headers == "none") headers.clear();
    return SendRaw(server().port(), RawRequest(c.method, c.target, c.body, headers));
  }

  std::vector<HostileCase> Cases() const;

  std::string experiment_id_;
  std::string run_id_;
  std::vector<std::string> before_;
};

std::vector<HostileCase> BadInputTest::Cases() const {
  const std::string& R = run_id_;
  const std::string& E = experiment_id_;
  const std::string unknown_run = "0123456789abcdef0123456789abcdef";
  auto post = [](std::string name, std::string_view path, std::string body, int status = k400,
                 std::string_view code = kInvalid) {
    return HostileCase{std::move(name), "POST", ApiPath(path), std::move(body), "", status, code};
  };
  auto get = [](std::string name, std::string_view path, const client::QueryParams& query, int status = k400,
                std::string_view code = kInvalid) {
    return HostileCase{std::move(name), "GET", ApiPath(path, query), "", "", status, code};
  };
  auto metric = [&](std::string_view fields) { return fmt::format(R"({{"run_id":"{}",{}}})", R, fields); };
  auto search = [&](std::string_view fields) { return fmt::format(R"({{"experiment_ids":["{}"],{}}})", E, fields); };
  auto filter = [&](std::string_view f) {
    JsonWriter w;
    w.String(f);
    return search(fmt::format(R"("filter":{})", w.str()));
  };

  std::vector<HostileCase> cases = {
      // --- malformed JSON and non-object roots
      post("truncated json", "runs/log-metric", fmt::format(R"({{"run_id":"{}","key":"m","value":1,)", R)),
      post("garbage body", "runs/set-tag", "not json at all"),
      post("trailing comma", "runs/set-tag", fmt::format(R"({{"run_id":"{}","key":"k","value":"v",}})", R)),
      post("single quotes", "runs/set-tag", fmt::format("{{'run_id':'{}','key':'k','value':'v'}}", R)),
      post("array root", "runs/set-tag", fmt::format(R"([{{"run_id":"{}","key":"k","value":"v"}}])", R)),
      post("number root", "runs/set-tag", "42"),
      post("null root", "runs/set-tag", "null"),
      post("true root", "runs/set-tag", "true"),
      post("string root that is not json", "runs/set-tag", R"("hello")"),
      post("string root holding an array", "runs/set-tag", R"("[1,2]")"),
      post("bare NaN token", "runs/log-metric", metric(R"("key":"m","value":NaN,"timestamp":1)")),
      post("invalid utf-8", "runs/set-tag", metric("\"key\":\"k\xff\xfe\",\"value\":\"v\"")),
      post("lone surrogate escape", "runs/set-tag", metric(R"("key":"k","value":"\ud800")")),
      post("100k nested arrays", "runs/log-batch",
           metric(fmt::format(R"("metrics":{}{})", Repeat("[", 100000), Repeat("]", 100000)))),
      post("100k nested objects", "runs/log-batch",
           metric(fmt::format(R"("tags":{}1{})", Repeat(R"({"a":)", 100000), Repeat("}", 100000)))),
      post("empty body", "runs/log-metric", ""),
      post("whitespace body", "runs/log-metric", " \r\n\t "),
      post("huge unknown field", "runs/log-metric",
           metric(fmt::format(R"("junk":[{}0],"value":1,"timestamp":1)", Repeat("0,", 4'000'000)))),

      // --- wrong types, for every field kind
      post("metric value string", "runs/log-metric", metric(R"("key":"m","value":"abc","timestamp":1)")),
      post("metric value bool", "runs/log-metric", metric(R"("key":"m","value":true,"timestamp":1)")),
      post("metric value object", "runs/log-metric", metric(R"("key":"m","value":{"v":1},"timestamp":1)")),
      post("metric value array", "runs/log-metric", metric(R"("key":"m","value":[1],"timestamp":1)")),
      post("timestamp string", "runs/log-metric", metric(R"("key":"m","value":1,"timestamp":"yesterday")")),
      post("timestamp fraction", "runs/log-metric", metric(R"("key":"m","value":1,"timestamp":1.5)")),
      post("timestamp beyond int64", "runs/log-metric",
           metric(R"("key":"m","value":1,"timestamp":99999999999999999999)")),
      post("timestamp bool", "runs/log-metric", metric(R"("key":"m","value":1,"timestamp":false)")),
      post("step string", "runs/log-metric", metric(R"("key":"m","value":1,"timestamp":1,"step":"x")")),
      post("metric key array", "runs/log-metric", metric(R"("key":["m"],"value":1,"timestamp":1)")),
      post("metric key object", "runs/log-metric", metric(R"("key":{},"value":1,"timestamp":1)")),
      post("run_id object", "runs/set-tag", R"({"run_id":{"id":1},"key":"k","value":"v"})"),
      post("run_id bool", "runs/set-tag", R"({"run_id":true,"key":"k","value":"v"})"),
      post("run_id array", "runs/set-tag", fmt::format(R"({{"run_id":["{}"],"key":"k","value":"v"}})", R)),
      post("tag value object", "runs/set-tag", metric(R"("key":"k","value":{"a":1})")),
      post("param value bool", "runs/log-parameter", metric(R"("key":"p","value":false)")),
      post("param value array", "runs/log-parameter", metric(R"("key":"p","value":["a"])")),
      post("create tags object", "runs/create", fmt::format(R"({{"experiment_id":"{}","tags":{{"k":"v"}}}})", E)),
      post("create tags strings", "runs/create", fmt::format(R"({{"experiment_id":"{}","tags":["k=v"]}})", E)),
      post("create experiment_id object", "runs/create", R"({"experiment_id":{"id":"0"}})"),
      post("create start_time string", "runs/create", fmt::format(R"({{"experiment_id":"{}","start_time":"now"}})", E)),
      post("batch metrics object", "runs/log-batch", metric(R"("metrics":{"key":"m","value":1,"timestamp":1})")),
      post("batch metrics numbers", "runs/log-batch", metric(R"("metrics":[1,2])")),
      post("batch params string", "runs/log-batch", metric(R"("params":"p")")),
      post("batch tag key object", "runs/log-batch", metric(R"("tags":[{"key":{},"value":"v"}])")),
      post("batch metric value bool", "runs/log-batch",
           metric(R"("metrics":[{"key":"m","value":false,"timestamp":1}])")),
      post("update status bool", "runs/update", metric(R"("status":true)")),
      post("update end_time string", "runs/update", metric(R"("end_time":"later")")),
      post("inputs datasets string", "runs/log-inputs", metric(R"("datasets":"x")")),
      post("inputs dataset string", "runs/log-inputs", metric(R"("datasets":[{"dataset":"x"}])")),
      post("inputs dataset name number array", "runs/log-inputs",
           metric(R"("datasets":[{"dataset":{"name":[1],"digest":"d","source_type":"s","source":"s"}}])")),
      post("experiment name bool", "experiments/create", R"({"name":true})"),
      post("experiment name array", "experiments/create", R"({"name":["x"]})"),
      post("experiment tags object", "experiments/create", R"({"name":"never-created","tags":{"k":"v"}})"),
      post("search experiment_ids string", "runs/search", fmt::format(R"({{"experiment_ids":"{}"}})", E)),
      post("search experiment_ids objects", "runs/search", R"({"experiment_ids":[{}]})"),
      post("search order_by string", "runs/search", search(R"("order_by":"start_time")")),
      post("search max_results string", "runs/search", search(R"("max_results":"many")")),
      post("search max_results bool", "runs/search", search(R"("max_results":true)")),
      post("search filter number", "runs/search", search(R"("filter":5)")),
      post("log-model model_json object", "runs/log-model", metric(R"("model_json":{"artifact_path":"m"})")),

      // --- missing required fields
      post("log-metric without run_id", "runs/log-metric", R"({"key":"m","value":1,"timestamp":1})"),
      post("log-metric without key", "runs/log-metric", metric(R"("value":1,"timestamp":1)")),
      post("log-metric without value", "runs/log-metric", metric(R"("key":"m","timestamp":1)")),
      post("log-metric without timestamp", "runs/log-metric", metric(R"("key":"m","value":1)")),
      post("log-metric with empty run_id", "runs/log-metric", R"({"run_id":"","key":"m","value":1,"timestamp":1})"),
      post("log-parameter without value", "runs/log-parameter", metric(R"("key":"p")")),
      post("set-tag without key", "runs/set-tag", metric(R"("value":"v")")),
      post("delete-tag without key", "runs/delete-tag", metric(R"("other":1)")),
      post("log-batch without run_id", "runs/log-batch", R"({"tags":[{"key":"k","value":"v"}]})"),
      post("log-batch metric without key", "runs/log-batch", metric(R"("metrics":[{"value":1,"timestamp":1}])")),
      post("log-batch param without value", "runs/log-batch", metric(R"("params":[{"key":"p9"}])")),
      post("log-batch tag without key", "runs/log-batch", metric(R"("tags":[{"value":"v"}])")),
      post("update without run_id", "runs/update", R"({"status":"FAILED"})"),
      post("delete run without run_id", "runs/delete", "{}"),
      post("experiment create without name", "experiments/create", R"({"artifact_location":"/tmp/x"})"),
      post("experiment delete without id", "experiments/delete", "{}"),
      post("experiment tag without value", "experiments/set-experiment-tag",
           fmt::format(R"({{"experiment_id":"{}","key":"owner"}})", E)),
      post("experiment tag without key", "experiments/set-experiment-tag",
           fmt::format(R"({{"experiment_id":"{}","value":"x"}})", E)),
      post("log-inputs without dataset", "runs/log-inputs", metric(R"("datasets":[{"tags":[]}])")),
      post("log-inputs dataset without source", "runs/log-inputs",
           metric(R"("datasets":[{"dataset":{"name":"n","digest":"d","source_type":"s"}}])")),
      post("log-model without model_json", "runs/log-model", metric(R"("x":1)")),
      get("runs/get without run_id", "runs/get", {{"other", "1"}}),
      get("experiments/get without id", "experiments/get", {{"other", "1"}}),
      get("get-by-name without name", "experiments/get-by-name", {{"other", "1"}}),
      get("get-history without metric_key", "metrics/get-history", {{"run_id", R}}),
      get("get-history without run_id", "metrics/get-history", {{"metric_key", "acc"}}),
      get("artifacts/list without run_id", "artifacts/list", {{"path", "x"}}),

      // --- unknown ids
      get("unknown run", "runs/get", {{"run_id", unknown_run}}, 404, "RESOURCE_DOES_NOT_EXIST"),
      get("run id that looks like sql", "runs/get", {{"run_id", "x' OR '1'='1"}}, 404, "RESOURCE_DOES_NOT_EXIST"),
      get("run id that looks like a path", "runs/get", {{"run_id", "../../etc/passwd"}}, 404,
          "RESOURCE_DOES_NOT_EXIST"),
      post("log-metric unknown run", "runs/log-metric",
           fmt::format(R"({{"run_id":"{}","key":"m","value":1,"timestamp":1}})", unknown_run), 404,
           "RESOURCE_DOES_NOT_EXIST"),
      post("set-tag injection run id", "runs/set-tag", R"({"run_id":"'; DROP TABLE runs; --","key":"k","value":"v"})",
           404, "RESOURCE_DOES_NOT_EXIST"),
      post("log-batch unknown run", "runs/log-batch",
           fmt::format(R"({{"run_id":"{}","params":[{{"key":"p","value":"v"}}]}})", unknown_run), 404,
           "RESOURCE_DOES_NOT_EXIST"),
      post("delete-tag unknown key", "runs/delete-tag", metric(R"("key":"no-such-tag")"), 404,
           "RESOURCE_DOES_NOT_EXIST"),
      get("unknown experiment", "experiments/get", {{"experiment_id", "987654321"}}, 404, "RESOURCE_DOES_NOT_EXIST"),
      get("experiment id with sql", "experiments/get", {{"experiment_id", "1 OR 1=1"}}, 404, "RESOURCE_DOES_NOT_EXIST"),
      get("negative experiment id", "experiments/get", {{"experiment_id", "-1"}}, 404, "RESOURCE_DOES_NOT_EXIST"),
      get("experiment id overflow", "experiments/get", {{"experiment_id", "99999999999999999999999"}}, 404,
          "RESOURCE_DOES_NOT_EXIST"),
      post("create run in unknown experiment", "runs/create", R"({"experiment_id":"987654321"})", 404,
           "RESOURCE_DOES_NOT_EXIST"),
      post("tag unknown experiment", "experiments/set-experiment-tag",
           R"({"experiment_id":"987654321","key":"k","value":"v"})", 404, "RESOURCE_DOES_NOT_EXIST"),
      get("history of unknown run", "metrics/get-history", {{"run_id", unknown_run}, {"metric_key", "acc"}}, 404,
          "RESOURCE_DOES_NOT_EXIST"),
      get("list artifacts of unknown run", "artifacts/list", {{"run_id", unknown_run}}, 404, "RESOURCE_DOES_NOT_EXIST"),

      // --- Content-Type
      {"no content-type", "POST", ApiPath("runs/set-tag"), metric(R"("key":"k","value":"v")"), "none", k400, kInvalid},
      {"empty content-type", "POST", ApiPath("runs/set-tag"), metric(R"("key":"k","value":"v")"), "Content-Type: \r\n",
       k400, kInvalid},
      {"text/plain", "POST", ApiPath("runs/set-tag"), metric(R"("key":"k","value":"v")"),
       "Content-Type: text/plain\r\n", k400, kInvalid},
      {"form encoded", "POST", ApiPath("runs/set-tag"), fmt::format("run_id={}&key=k&value=v", R),
       "Content-Type: application/x-www-form-urlencoded\r\n", k400, kInvalid},
      {"application/jsonx", "POST", ApiPath("runs/set-tag"), metric(R"("key":"k","value":"v")"),
       "Content-Type: application/jsonx\r\n", k400, kInvalid},
      {"multipart", "POST", ApiPath("runs/set-tag"), "--b\r\n\r\nx\r\n--b--\r\n",
       "Content-Type: multipart/form-data; boundary=b\r\n", k400, kInvalid},

      // --- over-limit batches
      post("1001 metrics", "runs/log-batch", metric(fmt::format(R"("metrics":[{}])", Metrics(1001)))),
      post("101 params", "runs/log-batch", metric(fmt::format(R"("params":[{}])", KeyValues("bp", 101, 1)))),
      post("101 tags", "runs/log-batch", metric(fmt::format(R"("tags":[{}])", KeyValues("bt", 101, 1)))),
      post("1001 entities", "runs/log-batch",
           metric(fmt::format(R"("metrics":[{}],"params":[{}],"tags":[{}])", Metrics(900), KeyValues("bp", 100, 1),
                              KeyValues("bt", 1, 1)))),
      post("batch body over 1 MB", "runs/log-batch",
           metric(fmt::format(R"("params":[{}],"tags":[{}])", KeyValues("bp", 100, 6000), KeyValues("bt", 100, 4000)))),
      post("batch duplicate param keys", "runs/log-batch",
           metric(R"("params":[{"key":"dup","value":"1"},{"key":"dup","value":"2"}])")),
      // One transaction: the valid metric must not be written when the param is refused.
      post("batch is atomic", "runs/log-batch",
           metric(
               R"("metrics":[{"key":"atomic_probe","value":1,"timestamp":1}],"params":[{"key":"lr","value":"0.2"}])")),
      post("batch invalid key late in batch", "runs/log-batch",
           metric(
               R"("metrics":[{"key":"atomic_probe","value":1,"timestamp":1},{"key":"../x","value":1,"timestamp":1}])")),

      // --- over-limit values and bad keys
      post("param value 6001", "runs/log-parameter",
           metric(fmt::format(R"("key":"big","value":"{}")", std::string(6001, 'p')))),
      post("tag value 8001", "runs/set-tag",
           metric(fmt::format(R"("key":"big","value":"{}")", std::string(8001, 't')))),
      post("tag value 10 MB", "runs/set-tag",
           metric(fmt::format(R"("key":"big","value":"{}")", std::string(10 << 20, 't')))),
      post("metric key 251", "runs/log-metric",
           metric(fmt::format(R"("key":"{}","value":1,"timestamp":1)", std::string(251, 'k')))),
      post("param key 251", "runs/log-parameter",
           metric(fmt::format(R"("key":"{}","value":"v")", std::string(251, 'k')))),
      post("tag key 251", "runs/set-tag", metric(fmt::format(R"("key":"{}","value":"v")", std::string(251, 'k')))),
      post("param changes value", "runs/log-parameter", metric(R"("key":"lr","value":"0.2")")),
      post("key with ..", "runs/log-parameter", metric(R"("key":"a/../b","value":"v")")),
      post("key with leading slash", "runs/set-tag", metric(R"("key":"/abs","value":"v")")),
      post("key with trailing slash", "runs/set-tag", metric(R"("key":"dir/","value":"v")")),
      post("key with double slash", "runs/set-tag", metric(R"("key":"a//b","value":"v")")),
      post("key with bad chars", "runs/set-tag", metric(R"("key":"a;b$c","value":"v")")),
      post("key with newline", "runs/set-tag", metric(R"("key":"a\nb","value":"v")")),
      post("key with NUL", "runs/set-tag", metric(R"("key":"a\u0000b","value":"v")")),
      post("key that is a dot", "runs/set-tag", metric(R"("key":".","value":"v")")),
      post("negative timestamp", "runs/log-metric", metric(R"("key":"m","value":1,"timestamp":-1)")),
      post("experiment tag value 5001", "experiments/set-experiment-tag",
           fmt::format(R"({{"experiment_id":"{}","key":"big","value":"{}"}})", E, std::string(5001, 'v'))),
      post("experiment tag key 251", "experiments/set-experiment-tag",
           fmt::format(R"({{"experiment_id":"{}","key":"{}","value":"v"}})", E, std::string(251, 'k'))),
      post("experiment name 501", "experiments/create", fmt::format(R"({{"name":"{}"}})", std::string(501, 'n'))),
      post("experiment name empty", "experiments/create", R"({"name":""})"),
      post("rename to 501 chars", "experiments/update",
           fmt::format(R"({{"experiment_id":"{}","new_name":"{}"}})", E, std::string(501, 'n'))),
      post("dataset digest 37", "runs/log-inputs",
           metric(
               fmt::format(R"("datasets":[{{"dataset":{{"name":"n","digest":"{}","source_type":"s","source":"s"}}}}])",
                           std::string(37, 'd')))),
      post("dataset name 501", "runs/log-inputs",
           metric(
               fmt::format(R"("datasets":[{{"dataset":{{"name":"{}","digest":"d","source_type":"s","source":"s"}}}}])",
                           std::string(501, 'n')))),
      post("update status unknown", "runs/update", metric(R"("status":"DONE")")),
      post("create start_time negative", "runs/create", fmt::format(R"({{"experiment_id":"{}","start_time":-1}})", E)),
      post(
          "create conflicting run names", "runs/create",
          fmt::format(R"({{"experiment_id":"{}","run_name":"a","tags":[{{"key":"mlflow.runName","value":"b"}}]}})", E)),
      post("experiment artifact_location runs:/", "experiments/create",
           R"({"name":"never-created-2","artifact_location":"runs:/abc/x"})"),

      // --- invalid filters
      post("filter string for metric", "runs/search", filter("metrics.acc > 'x'")),
      post("filter number for param", "runs/search", filter("params.lr = 1")),
      post("filter unknown entity", "runs/search", filter("foo.bar = 'x'")),
      post("filter OR", "runs/search", filter("metrics.acc = 1 OR params.lr = '1'")),
      post("filter unterminated quote", "runs/search", filter("params.lr = '0.1")),
      post("filter dangling entity", "runs/search", filter("metrics.")),
      post("filter unclosed IN", "runs/search", filter("attributes.run_id IN ('a'")),
      post("filter LIKE on number", "runs/search", filter("attributes.start_time LIKE '1%'")),
      post("filter injection", "runs/search", filter("params.lr = '0.1'; DROP TABLE runs; --")),
      post("filter injection in key", "runs/search", filter("params.`lr` = '1' UNION SELECT * FROM runs --")),
      post("filter NOT", "runs/search", filter("NOT params.lr = '0.1'")),
      post("filter parentheses", "runs/search", filter("(params.lr = '0.1')")),
      post("filter no comparator", "runs/search", filter("params.lr")),
      post("filter experiments on metrics", "experiments/search", R"({"filter":"metrics.acc > 1"})"),
      post("filter experiments garbage", "experiments/search", R"({"filter":"name == == 'x'"})"),

      // --- bad order_by
      post("order_by direction", "runs/search", search(R"("order_by":["metrics.acc SIDEWAYS"])")),
      post("order_by unknown entity", "runs/search", search(R"("order_by":["bogus.key"])")),
      post("order_by unknown attribute", "runs/search", search(R"("order_by":["attributes.nope"])")),
      post("order_by duplicate", "runs/search", search(R"("order_by":["start_time","start_time DESC"])")),
      post("order_by unterminated backtick", "runs/search", search(R"("order_by":["metrics.`acc ASC"])")),
      post("order_by extra tokens", "runs/search", search(R"("order_by":["start_time ASC DESC"])")),
      post("experiments order_by tag", "experiments/search", R"({"order_by":["tags.x"]})"),

      // --- bad page tokens
      post("page token garbage", "runs/search", search(R"("page_token":"!!!")")),
      post("page token not json", "runs/search", search(R"("page_token":"bm90IGpzb24=")")),  // "not json"
      post("page token negative offset", "runs/search",
           search(R"("page_token":"eyJvZmZzZXQiOiAtNX0=")")),  // {"offset": -5}
      post("page token offset string", "runs/search",
           search(R"("page_token":"eyJvZmZzZXQiOiAieCJ9")")),  // {"offset": "x"}
      post("experiments page token", "experiments/search", R"({"page_token":"%%%"})"),
      get("history page token", "metrics/get-history",
          {{"run_id", R}, {"metric_key", "acc"}, {"max_results", "1"}, {"page_token", "garbage"}}),

      // --- max_results
      post("search max_results 0", "runs/search", search(R"("max_results":0)")),
      post("search max_results 50001", "runs/search", search(R"("max_results":50001)")),
      post("search max_results -1", "runs/search", search(R"("max_results":-1)")),
      post("experiments max_results 0", "experiments/search", R"({"max_results":0})"),
      post("experiments max_results 50001", "experiments/search", R"({"max_results":50001})"),
      post("experiments max_results -1", "experiments/search", R"({"max_results":-1})"),
      get("experiments GET max_results 0", "experiments/search", {{"max_results", "0"}}),
      get("experiments GET max_results text", "experiments/search", {{"max_results", "ten"}}),
      get("history max_results -1", "metrics/get-history",
          {{"run_id", R}, {"metric_key", "acc"}, {"max_results", "-1"}}),
      get("history max_results 0", "metrics/get-history", {{"run_id", R}, {"metric_key", "acc"}, {"max_results", "0"}}),
      get("bulk max_results 0", "metrics/get-history-bulk-interval",
          {{"run_ids", R}, {"metric_key", "acc"}, {"max_results", "0"}}),
      get("bulk max_results 2501", "metrics/get-history-bulk-interval",
          {{"run_ids", R}, {"metric_key", "acc"}, {"max_results", "2501"}}),
      get("bulk start after end", "metrics/get-history-bulk-interval",
          {{"run_ids", R}, {"metric_key", "acc"}, {"start_step", "9"}, {"end_step", "1"}}),

      // --- view types
      post("runs view type", "runs/search", search(R"("run_view_type":"EVERYTHING")")),
      post("runs view type number", "runs/search", search(R"("run_view_type":99)")),
      post("experiments view type", "experiments/search", R"({"view_type":"nope"})"),
      get("experiments GET view type", "experiments/search", {{"view_type", "everything"}}),
      get("legacy list view type", "experiments/list", {{"view_type", "99"}}),

      // --- artifact paths the storage cannot hold (fuzz_mlflow_api found
      // these answered 500 INTERNAL_ERROR)
      {"artifact name over 255 bytes (upload)", "PUT",
       "/api/2.0/mlflow-artifacts/artifacts/0/" + R + "/artifacts/" + std::string(300, 'n'), "x",
       "Content-Type: application/octet-stream\r\n", k400, kInvalid},
      {"artifact name over 255 bytes (download)", "GET",
       "/api/2.0/mlflow-artifacts/artifacts/0/" + R + "/artifacts/" + std::string(300, 'n'), "", "", k400, kInvalid},

      // --- query string
      {"bad percent escape", "GET", ApiPath("runs/get?run_id=%zz"), "", "", k400, kInvalid},
      {"truncated percent escape", "GET", ApiPath("runs/get?run_id=abc%2"), "", "", k400, kInvalid},
      {"max_results in exponent form", "GET", ApiPath("experiments/search", {{"max_results", "1e3"}}), "", "", k400,
       kInvalid},

      // --- routing: JSON 404 / 405, never HTML
      {"unknown path", "GET", ApiPath("nope"), "", "", 404, "ENDPOINT_NOT_FOUND"},
      {"unknown path POST", "POST", ApiPath("runs/creat"), "{}", "", 404, "ENDPOINT_NOT_FOUND"},
      {"trailing slash", "POST", ApiPath("runs/create/"), "{}", "", 404, "ENDPOINT_NOT_FOUND"},
      {"unknown api version", "GET", "/api/9.0/mlflow/runs/get?run_id=" + R, "", "", 404, "ENDPOINT_NOT_FOUND"},
      // (Other GET paths outside the APIs are the web dashboard's: tests/e2e/.)
      {"unknown root path POST", "POST", "/nonexistent", "{}", "", 404, "ENDPOINT_NOT_FOUND"},
      {"unknown ajax path", "GET", "/ajax-api/2.0/mlflow/nope", "", "", 404, "ENDPOINT_NOT_FOUND"},
      {"bare api prefix", "GET", "/api", "", "", 404, "ENDPOINT_NOT_FOUND"},
      {"path traversal route", "GET", "/api/2.0/mlflow/../../health", "", "", 404, "ENDPOINT_NOT_FOUND"},
      {"GET on POST route", "GET", ApiPath("runs/create"), "", "", 405, "ENDPOINT_NOT_FOUND"},
      {"DELETE on GET route", "DELETE", ApiPath("runs/get?run_id=" + R), "", "", 405, "ENDPOINT_NOT_FOUND"},
      {"PATCH on POST route", "PATCH", ApiPath("experiments/create"), "{}", "", 405, "ENDPOINT_NOT_FOUND"},
      {"PUT on POST route", "PUT", ApiPath("runs/log-batch"), metric(R"("tags":[{"key":"k","value":"v"}])"), "", 405,
       "ENDPOINT_NOT_FOUND"},
      {"POST on health", "POST", "/health", "{}", "", 405, "ENDPOINT_NOT_FOUND"},
  };
  return cases;
}

TEST_F(BadInputTest, EveryHostileRequestGetsTheExactErrorAndChangesNothing) {
  std::vector<HostileCase> cases = Cases();
  for (const HostileCase& c : cases) {
    SCOPED_TRACE(fmt::format("case '{}': {} {}", c.name, c.method, c.target.substr(0, 200)));
    Reply reply = Send(c);
    EXPECT_API_ERROR(reply, c.status, c.error_code);
    // Errors never leak internals (SQL text, stack traces).
    for (std::string_view leak : {"sqlite", "SQLITE", "SQL logic", "rc=", "std::", "what()"}) {
      EXPECT_EQ(reply.body.find(leak), std::string::npos) << "error body leaks '" << leak << "': " << reply.Describe();
    }
    EXPECT_LT(reply.body.size(), 64u * 1024) << "error bodies must not echo huge inputs";
    ASSERT_TRUE(server().Running()) << "the server died on case '" << c.name << "'";
  }
  ExpectServerUpAndDataUnchanged();
}

// The legacy double-encoded body (a JSON string holding the object) is
// accepted; it is the control for the "string root" cases above.
TEST_F(BadInputTest, DoubleEncodedBodyIsAccepted) {
  JsonWriter w;
  w.String(R"({"filter":"name = 'nothing-is-called-this'"})");
  Reply search = api().Post("experiments/search", w.str());
  EXPECT_OK_JSON(search);
  EXPECT_EQ(CanonicalJson(search.body), "{}");
  Reply charset = api().Send(client::HttpMethod::kPost, "experiments/search", "{}",
                             {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_OK_JSON(charset);
  ExpectServerUpAndDataUnchanged();
}

// RFC 9110 15.5.6: a 405 response must carry Allow with the route's methods.
TEST_F(BadInputTest, WrongMethodNamesTheAllowedOnes) {
  Reply reply = SendRaw(server().port(), RawRequest("GET", ApiPath("runs/create")));
  EXPECT_API_ERROR(reply, 405, "ENDPOINT_NOT_FOUND");
  EXPECT_EQ(reply.headers["allow"], "POST") << reply.Describe();
}

// A filter too big for SQLite's expression depth is the client's error, not
// the server's.
TEST_F(BadInputTest, HugeFilterIsRefusedAsInvalidNotInternal) {
  std::string filter = "params.lr = '0.1'";
  for (int i = 0; i < 3000; ++i) filter += fmt::format(" AND params.p{} = 'x'", i);
  auto search = [&](const std::string& f) {
    JsonWriter w;
    w.String(f);
    return api().Post("runs/search",
                      fmt::format(R"({{"experiment_ids":["{}"],"filter":{}}})", experiment_id_, w.str()));
  };
  Reply reply = search(filter);
  if (reply.status != 200) {
    EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE") << "3001 AND clauses";
  }
  std::string ids = "'a'";
  for (int i = 0; i < 40000; ++i) ids += fmt::format(",'id{}'", i);
  reply = search(fmt::format("attributes.run_id IN ({})", ids));
  if (reply.status != 200) {
    EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE") << "IN list of 40001";
  }
  std::string order_by;
  for (int i = 0; i < 100; ++i) order_by += fmt::format(R"({}"params.p{} ASC")", i ? "," : "", i);
  reply = api().Post("runs/search",
                     fmt::format(R"({{"experiment_ids":["{}"],"order_by":[{}]}})", experiment_id_, order_by));
  if (reply.status != 200) {
    EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE") << "100 order_by keys";
  }
  ExpectServerUpAndDataUnchanged();
}

// Bodies over --max-body-bytes (default 64 MiB) are refused with 413 and a
// JSON REQUEST_LIMIT_EXCEEDED (not 429: clients retry those), whether the
// size is declared up front or only discovered while reading a chunked
// body; the server keeps serving.
TEST_F(BadInputTest, BodyOverTheServerLimit) {
  constexpr size_t kLimit = 64u << 20;
  // Declared: refused from the headers alone, before any body is sent.
  std::string declared =
      fmt::format("POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                  ApiPath("runs/set-tag"), kLimit + 1);
  Reply early = SendRaw(server().port(), declared, std::chrono::seconds(30), std::chrono::seconds(5));
  EXPECT_API_ERROR(early, 413, "REQUEST_LIMIT_EXCEEDED");
  ASSERT_TRUE(server().Running());

  // Chunked: the limit trips mid-body.
  std::string chunked = fmt::format(
      "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      ApiPath("runs/set-tag"));
  const std::string chunk(1 << 20, ' ');
  for (size_t sent = 0; sent <= kLimit; sent += chunk.size())
    chunked += fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
  chunked += "0\r\n\r\n";
  Reply late = SendRaw(server().port(), chunked, std::chrono::seconds(60), std::chrono::seconds(5));
  // The server may reset the connection before the answer is read; if an
  // answer arrived it must be the JSON error.
  if (late.status != 0) {
    EXPECT_API_ERROR(late, 413, "REQUEST_LIMIT_EXCEEDED");
  }
  ASSERT_TRUE(server().Running());
  ExpectServerUpAndDataUnchanged();
}

// Requests that are not valid HTTP get the connection closed (or a 400);
// the server survives all of them.
TEST_F(BadInputTest, MalformedHttpDoesNotHurtTheServer) {
  const std::vector<std::string> garbage = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS ClientHello
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\n" + std::string(100 * 1024, 'a') + ": b\r\n\r\n",  // header over 64 KB
      "POST " + ApiPath("runs/set-tag") + " HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "POST " + ApiPath("runs/set-tag") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      "POST " + ApiPath("runs/set-tag") + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "POST " + ApiPath("runs/set-tag") +
          " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"run_id\"",
      "GET /health HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
      std::string("GET /he\0alth HTTP/1.1\r\n\r\n", 25),
  };
  for (const std::string& request : garbage) {
    Reply reply = SendRaw(server().port(), request, std::chrono::seconds(10));
    if (reply.status != 0) {
      EXPECT_GE(reply.status, 400) << reply.Describe();
      EXPECT_LT(reply.status, 500) << reply.Describe();
    }
    ASSERT_TRUE(server().Running()) << "died on: " << request.substr(0, 80);
  }
  // Pipelined requests on one keep-alive connection are answered in order.
  std::string pipelined =
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  Reply first = SendRaw(server().port(), pipelined);
  EXPECT_EQ(first.status, 200) << first.Describe();
  EXPECT_EQ(first.body, "OK");
  ExpectServerUpAndDataUnchanged();
}

}  // namespace
}  // namespace cairn::integration
