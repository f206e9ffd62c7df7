#include "client/rest_registry_store.h"

#include <gtest/gtest.h>

#include "client/testing/fake_http_client.h"

namespace cairn::client {
namespace {

using testing::FakeHttpClient;

constexpr char kVersionJson[] = R"({"model_version":{"name":"iris","version":"3","creation_timestamp":1,
  "current_stage":"Staging","source":"runs:/r/model","run_id":"r","status":"READY","aliases":["champion"],
  "tags":[{"key":"k","value":"v"}]}})";

class RestRegistryStoreTest : public ::testing::Test {
 protected:
  RestRegistryStoreTest() {
    auto fake = std::make_unique<FakeHttpClient>();
    http_ = fake.get();
    store_ = std::make_unique<RestRegistryStore>("http://server:5000", std::move(fake));
  }

  HttpRequest LastRequest() const {
    auto requests = http_->requests();
    EXPECT_FALSE(requests.empty());
    return requests.empty() ? HttpRequest() : requests.back();
  }

  FakeHttpClient* http_;
  std::unique_ptr<RestRegistryStore> store_;
  registry::Actor actor_;
};

TEST_F(RestRegistryStoreTest, CreateVersionPostsAndDecodesStringVersions) {
  http_->EnqueueJson(200, kVersionJson);
  registry::CreateModelVersionRequest request;
  request.name = "iris";
  request.source = "runs:/r/model";
  request.tags = {{"k", "v"}};
  auto version = store_->CreateModelVersion(actor_, request);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->version, 3);
  EXPECT_EQ(version->current_stage, registry::Stage::kStaging);
  EXPECT_EQ(version->aliases, std::vector<std::string>{"champion"});
  HttpRequest sent = LastRequest();
  EXPECT_EQ(sent.method, HttpMethod::kPost);
  EXPECT_EQ(sent.url, "http://server:5000/api/2.0/mlflow/model-versions/create");
  EXPECT_NE(sent.body.find(R"("source":"runs:/r/model")"), std::string::npos);
  EXPECT_FALSE(sent.IsIdempotent());
}

TEST_F(RestRegistryStoreTest, MethodsFollowTheEndpointTable) {
  http_->EnqueueJson(200, "{}");
  ASSERT_TRUE(store_->DeleteRegisteredModel(actor_, "iris").ok());
  EXPECT_EQ(LastRequest().method, HttpMethod::kDelete);
  EXPECT_EQ(LastRequest().body, R"({"name":"iris"})");

  http_->EnqueueJson(200, R"({"registered_model":{"name":"iris","description":"d"}})");
  ASSERT_TRUE(store_->UpdateRegisteredModel(actor_, "iris", "d").ok());
  EXPECT_EQ(LastRequest().method, HttpMethod::kPatch);

  http_->EnqueueJson(200, "{}");
  ASSERT_TRUE(store_->SetAlias(actor_, "iris", "champion", 2).ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/registered-models/alias");
  EXPECT_NE(LastRequest().body.find(R"("version":"2")"), std::string::npos);

  http_->EnqueueJson(200, kVersionJson);
  ASSERT_TRUE(store_->GetVersionByAlias("iris", "champion").ok());
  EXPECT_EQ(LastRequest().method, HttpMethod::kGet);
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/registered-models/alias?name=iris&alias=champion");
}

TEST_F(RestRegistryStoreTest, SearchSendsQueryAndReadsPages) {
  http_->EnqueueJson(200, R"({"registered_models":[{"name":"a"},{"name":"b"}],"next_page_token":"tok"})");
  registry::SearchRequest request;
  request.filter = "name LIKE 'a%'";
  request.max_results = 2;
  request.order_by = {"name DESC"};
  auto page = store_->SearchRegisteredModels(request);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->next_page_token, "tok");
  EXPECT_EQ(LastRequest().url,
            "http://server:5000/api/2.0/mlflow/registered-models/search?filter=name%20LIKE%20%27a%25%27&max_results=2"
            "&order_by=name%20DESC");
}

TEST_F(RestRegistryStoreTest, ErrorsMapToStatusCodes) {
  http_->EnqueueJson(404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=x not found"})");
  auto model = store_->GetRegisteredModel("x");
  EXPECT_EQ(model.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(model.status().message(), "Registered Model with name=x not found");
  http_->EnqueueJson(400, R"({"error_code":"RESOURCE_ALREADY_EXISTS","message":"exists"})");
  EXPECT_EQ(store_->CreateRegisteredModel(actor_, "x", {}, "").status().code(), StatusCode::kAlreadyExists);
  http_->EnqueueJson(200, R"({"model_version":{"name":"x","version":"abc"}})");
  EXPECT_EQ(store_->GetModelVersion("x", 1).status().code(), StatusCode::kInternal);
}

TEST_F(RestRegistryStoreTest, LoggedModelPathsAreFilledAndEscaped) {
  http_->EnqueueJson(200, "{}");
  ASSERT_TRUE(store_->DeleteLoggedModelTag(actor_, "m-1", "a b/c").ok());
  EXPECT_EQ(LastRequest().method, HttpMethod::kDelete);
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/mlflow/logged-models/m-1/tags/a%20b%2Fc");

  http_->EnqueueJson(200, R"({"models":[{"info":{"model_id":"m-1","experiment_id":"1","status":"LOGGED_MODEL_READY"}}]})");
  registry::SearchLoggedModelsRequest search;
  search.experiment_ids = {"1"};
  search.order_by = {"creation_timestamp DESC"};
  auto page = store_->SearchLoggedModels(search);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].status, registry::LoggedModelStatus::kReady);
  EXPECT_NE(LastRequest().body.find(R"({"field_name":"creation_timestamp","ascending":false})"), std::string::npos)
      << LastRequest().body;
}

TEST_F(RestRegistryStoreTest, CairnEndpoints) {
  http_->EnqueueJson(200, R"({"events":[{"id":2,"timestamp":5,"action":"set_alias","name":"iris","version":"1",
    "details":{"alias":"champion"}}]})");
  auto events = store_->ListAuditEvents("iris", 10);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].details, R"({"alias":"champion"})");
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/cairn/registry/audit?name=iris&max_results=10");

  http_->EnqueueJson(200, R"({"model_version":{"name":"iris","version":"1"}})");
  auto lineage = store_->GetLineageJson("iris", std::nullopt, "champion");
  ASSERT_TRUE(lineage.ok());
  EXPECT_EQ(LastRequest().url, "http://server:5000/api/2.0/cairn/models/lineage?name=iris&alias=champion");

  http_->EnqueueJson(200, R"({"artifact_uri":"mlflow-artifacts:/models/iris/x"})");
  EXPECT_EQ(*store_->GetModelVersionDownloadUri("iris", 1), "mlflow-artifacts:/models/iris/x");
}

}  // namespace
}  // namespace cairn::client
