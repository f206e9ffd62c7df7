#include "client/rest_tracking_store.h"

#include <gtest/gtest.h>

#include <cmath>

#include "client/testing/fake_http_client.h"

namespace cairn::client {
namespace {

using testing::FakeHttpClient;

constexpr char kRunJson[] = R"({"run":{"info":{"run_id":"r1","run_uuid":"r1","run_name":"fox","experiment_id":"3",
  "status":"RUNNING","start_time":10,"artifact_uri":"mlflow-artifacts:/3/r1/artifacts","lifecycle_stage":"active"},
  "data":{"metrics":[{"key":"loss","value":0.5,"timestamp":11,"step":2}],"params":[{"key":"lr","value":"0.1"}],
  "tags":[{"key":"mlflow.runName","value":"fox"}]},"inputs":{}}})";

class RestTrackingStoreTest : public ::testing::Test {
 protected:
  RestTrackingStoreTest() {
    auto fake = std::make_unique<FakeHttpClient>();
    http_ = fake.get();
    store_ = std::make_unique<RestTrackingStore>("http://server:5000", std::move(fake));
  }

  HttpRequest LastRequest() const {
    auto requests = http_->requests();
    EXPECT_FALSE(requests.empty());
    return requests.empty() ? HttpRequest() : requests.back();
  }

  // The JSON body of the last request, parsed.
  JsonDocument LastBody() const {
    body_ = LastRequest().body;
    auto doc = JsonDocument::ParseObject(body_);
    EXPECT_TRUE(doc.ok()) << body_;
    return std::move(doc).value();
  }

  FakeHttpClient* http_;
  std::unique_ptr<RestTrackingStore> store_;
  mutable std::string body_;
};

TEST(NormalizeTrackingUriTest, AcceptsHttpOnly) {
  EXPECT_EQ(*NormalizeTrackingUri("http://127.0.0.1:5000/"), "http://127.0.0.1:5000");
  EXPECT_EQ(*NormalizeTrackingUri("https://host/mlflow"), "https://host/mlflow");
  EXPECT_EQ(NormalizeTrackingUri("file:///tmp/mlruns").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizeTrackingUri("databricks").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizeTrackingUri("http://").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(RestTrackingStoreTest, CreateExperimentPostsToTheTableEndpoint) {
  http_->EnqueueJson(200, R"({"experiment_id":"12"})");
  tracking::CreateExperimentRequest request;
  request.name = "exp";
  request.tags = {{"team", "ml"}};
  auto id = store_->CreateExperiment(request);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*id, "12");
  HttpRequest sent = LastRequest();
  EXPECT_EQ(sent.method, HttpMethod::kPost);
  EXPECT_EQ(sent.url, "http://server:5000/api/2.0/mlflow/experiments/create");
  EXPECT_FALSE(sent.IsIdempotent());
  auto body = LastBody();
  EXPECT_EQ(**body.root().GetString("name"), "exp");
  EXPECT_FALSE(body.root().Has("artifact_location"));
  EXPECT_EQ((*body.root().GetArray("tags"))->size(), 1u);
}

TEST_F(RestTrackingStoreTest, ErrorsComeBackAsStatusCodes) {
  http_->EnqueueJson(400, R"({"error_code":"RESOURCE_ALREADY_EXISTS","message":"Experiment 'exp' already exists."})");
  auto id = store_->CreateExperiment({"exp", "", {}});
  EXPECT_EQ(id.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(id.status().message(), "Experiment 'exp' already exists.");

  http_->EnqueueJson(404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Run 'x' not found"})");
  EXPECT_EQ(store_->GetRun("x").status().code(), StatusCode::kNotFound);

  HttpResponse html;
  html.status = 404;
  html.body = "<html>404</html>";
  html.content_type = "text/html";
  http_->Enqueue(html);
  EXPECT_EQ(store_->DeleteRun("x").code(), StatusCode::kEndpointNotFound);

  http_->Enqueue(Unavailable("connection refused"));
  EXPECT_EQ(store_->GetExperiment("1").status().code(), StatusCode::kUnavailable);
}

TEST_F(RestTrackingStoreTest, MalformedSuccessResponsesAreInternal) {
  http_->EnqueueJson(200, "{}");
  EXPECT_EQ(store_->GetRun("r1").status().code(), StatusCode::kInternal);
  http_->EnqueueJson(200, R"({"experiment":{"experiment_id":"1","tags":"oops"}})");
  EXPECT_EQ(store_->GetExperiment("1").status().code(), StatusCode::kInternal);
  http_->EnqueueJson(200, "not json");
  EXPECT_EQ(store_->SearchRuns({}).status().code(), StatusCode::kInternal);
}

TEST_F(RestTrackingStoreTest, GetRunEncodesQueryAndDecodes) {
  http_->EnqueueJson(200, kRunJson);
  auto run = store_->GetRun("r 1");
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/runs/get?run_id=r%201");
  EXPECT_EQ(LastRequest().method, HttpMethod::kGet);
  EXPECT_EQ(run->info.run_id, "r1");
  EXPECT_EQ(run->info.artifact_uri, "mlflow-artifacts:/3/r1/artifacts");
  ASSERT_EQ(run->metrics.size(), 1u);
  EXPECT_EQ(run->metrics[0].step, 2);
  EXPECT_EQ(run->params[0].value, "0.1");
}

TEST_F(RestTrackingStoreTest, GetExperimentByName) {
  http_->EnqueueJson(200, R"({"experiment":{"experiment_id":"4","name":"a b","lifecycle_stage":"deleted"}})");
  auto e = store_->GetExperimentByName("a b");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->lifecycle_stage, tracking::LifecycleStage::kDeleted);
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%20b");
}

TEST_F(RestTrackingStoreTest, SearchRunsSendsEveryFieldAndReadsPage) {
  http_->EnqueueJson(200, std::string(R"({"runs":[)") + std::string(kRunJson).substr(7, std::string(kRunJson).size() - 8) +
                              R"(],"next_page_token":"tok2"})");
  tracking::SearchRunsRequest request;
  request.experiment_ids = {"1", "2"};
  request.filter = "metrics.loss < 1";
  request.order_by = {"metrics.loss ASC"};
  request.max_results = 10;
  request.page_token = "tok1";
  request.view_type = tracking::ViewType::kAll;
  auto page = store_->SearchRuns(request);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->next_page_token, "tok2");
  EXPECT_TRUE(LastRequest().IsIdempotent());
  auto body = LastBody();
  EXPECT_EQ(*(*body.root().GetArray("experiment_ids"))->Strings("experiment_ids"),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(**body.root().GetString("filter"), "metrics.loss < 1");
  EXPECT_EQ(**body.root().GetString("run_view_type"), "ALL");
  EXPECT_EQ(**body.root().GetInt64("max_results"), 10);
  EXPECT_EQ(**body.root().GetString("page_token"), "tok1");
  EXPECT_EQ(*(*body.root().GetArray("order_by"))->Strings("order_by"), (std::vector<std::string>{"metrics.loss ASC"}));
}

TEST_F(RestTrackingStoreTest, SearchExperimentsEmptyPage) {
  http_->EnqueueJson(200, "{}");
  auto page = store_->SearchExperiments({});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_TRUE(page->next_page_token.empty());
  EXPECT_EQ(**LastBody().root().GetString("view_type"), "ACTIVE_ONLY");
}

TEST_F(RestTrackingStoreTest, LogBatchSplitsIntoLimitedRequests) {
  std::vector<tracking::Metric> metrics;
  for (int i = 0; i < 2100; ++i) metrics.push_back({"m", double(i), i, i, ""});
  std::vector<tracking::Param> params = {{"lr", "0.1"}};
  ASSERT_TRUE(store_->LogBatch("r1", metrics, params, {{"t", "v"}}).ok());
  auto requests = http_->requests();
  ASSERT_EQ(requests.size(), 3u);
  size_t total = 0;
  for (const auto& r : requests) {
    EXPECT_EQ(r.url, "http://server:5000/api/2.0/mlflow/runs/log-batch");
    EXPECT_TRUE(r.IsIdempotent());
    auto doc = JsonDocument::ParseObject(r.body);
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(**doc->root().GetString("run_id"), "r1");
    auto m = *doc->root().GetArray("metrics");
    size_t n = m ? m->size() : 0;
    EXPECT_LE(n, 1000u);
    total += n;
  }
  EXPECT_EQ(total, 2100u);
}

TEST_F(RestTrackingStoreTest, LogBatchStopsAtFirstError) {
  std::vector<tracking::Metric> metrics(2500, tracking::Metric{"m", 1, 1, 1, ""});
  http_->EnqueueJson(200, "{}");
  http_->EnqueueJson(400, R"({"error_code":"INVALID_PARAMETER_VALUE","message":"bad"})");
  EXPECT_EQ(store_->LogBatch("r1", metrics, {}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(http_->requests().size(), 2u);
}

TEST_F(RestTrackingStoreTest, MetricHistoryAndBulkIntervalQueries) {
  http_->EnqueueJson(200, R"({"metrics":[{"key":"loss","value":"NaN","timestamp":1,"step":0}],"next_page_token":"n"})");
  tracking::MetricHistoryRequest history;
  history.run_id = "r1";
  history.metric_key = "val/loss";
  history.max_results = 5;
  auto page = store_->GetMetricHistory(history);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_TRUE(std::isnan(page->items[0].value));
  EXPECT_EQ(LastRequest().url,
            "http://server:5000/api/2.0/mlflow/metrics/get-history?run_id=r1&metric_key=val%2Floss&max_results=5");

  http_->EnqueueJson(200, R"({"metrics":[{"key":"loss","value":1,"timestamp":1,"step":0,"run_id":"a"}]})");
  tracking::BulkIntervalRequest bulk;
  bulk.run_ids = {"a", "b"};
  bulk.metric_key = "loss";
  bulk.start_step = 0;
  bulk.end_step = 10;
  auto points = store_->GetMetricHistoryBulkInterval(bulk);
  ASSERT_TRUE(points.ok());
  EXPECT_EQ((*points)[0].run_id, "a");
  EXPECT_EQ(LastRequest().url,
            "http://server:5000/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=a&run_ids=b&metric_key=loss&"
            "start_step=0&end_step=10&max_results=2500");
}

TEST_F(RestTrackingStoreTest, UpdateRunSendsOnlySetFields) {
  http_->EnqueueJson(200, R"({"run_info":{"run_id":"r1","status":"FINISHED","end_time":99}})");
  tracking::UpdateRunRequest request;
  request.run_id = "r1";
  request.status = tracking::RunStatus::kFinished;
  request.end_time = 99;
  auto info = store_->UpdateRun(request);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->status, tracking::RunStatus::kFinished);
  auto body = LastBody();
  EXPECT_EQ(**body.root().GetString("status"), "FINISHED");
  EXPECT_FALSE(body.root().Has("run_name"));
}

TEST_F(RestTrackingStoreTest, CreateRunLeavesStartTimeToServerWhenZero) {
  http_->EnqueueJson(200, kRunJson);
  tracking::CreateRunRequest request;
  request.experiment_id = "3";
  ASSERT_TRUE(store_->CreateRun(request).ok());
  EXPECT_FALSE(LastBody().root().Has("start_time"));
  http_->EnqueueJson(200, kRunJson);
  request.start_time = 123;
  ASSERT_TRUE(store_->CreateRun(request).ok());
  EXPECT_EQ(**LastBody().root().GetInt64("start_time"), 123);
}

TEST_F(RestTrackingStoreTest, SimpleWritesHitTheirEndpoints) {
  ASSERT_TRUE(store_->RenameExperiment("1", "new").ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/experiments/update");
  ASSERT_TRUE(store_->DeleteExperiment("1").ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/experiments/delete");
  ASSERT_TRUE(store_->RestoreExperiment("1").ok());
  ASSERT_TRUE(store_->SetExperimentTag("1", {"k", "v"}).ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/experiments/set-experiment-tag");
  ASSERT_TRUE(store_->DeleteExperimentTag("1", "k").ok());
  ASSERT_TRUE(store_->RestoreRun("r").ok());
  ASSERT_TRUE(store_->DeleteTag("r", "k").ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/runs/delete-tag");
  EXPECT_EQ(**LastBody().root().GetString("key"), "k");
  tracking::DatasetInput input;
  input.dataset = {"d", "x", "local", "s", "", ""};
  ASSERT_TRUE(store_->LogInputs("r", {input}).ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/runs/log-inputs");
  http_->EnqueueJson(200, R"({"dataset_summaries":[{"experiment_id":"1","name":"d","digest":"x","context":"train"}]})");
  auto summaries = store_->SearchDatasets({"1"});
  ASSERT_TRUE(summaries.ok());
  EXPECT_EQ((*summaries)[0].context, "train");
  EXPECT_EQ(http_->requests().size(), 9u);
}

}  // namespace
}  // namespace cairn::client
