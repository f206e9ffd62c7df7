#include "client/retrying_http_client.h"

#include <gtest/gtest.h>

#include "client/testing/fake_http_client.h"

namespace cairn::client {
namespace {

using std::chrono::milliseconds;
using testing::FakeHttpClient;

struct Harness {
  FakeHttpClient* fake = nullptr;
  std::vector<milliseconds> sleeps;
  std::unique_ptr<RetryingHttpClient> client;

  explicit Harness(int max_attempts = 4) {
    auto owned = std::make_unique<FakeHttpClient>();
    fake = owned.get();
    RetryPolicy policy;
    policy.max_attempts = max_attempts;
    policy.initial_backoff = milliseconds(100);
    policy.max_backoff = milliseconds(1000);
    policy.sleep = [this](milliseconds d) { sleeps.push_back(d); };
    client = std::make_unique<RetryingHttpClient>(std::move(owned), policy);
  }
};

HttpResponse Reply(int code, std::optional<int> retry_after = std::nullopt) {
  HttpResponse r;
  r.status = code;
  r.retry_after_seconds = retry_after;
  return r;
}

TEST(RetryingHttpClientTest, RetriesIdempotentOn503And429ThenSucceeds) {
  Harness h;
  h.fake->Enqueue(Reply(503));
  h.fake->Enqueue(Reply(429));
  h.fake->Enqueue(Reply(200));
  auto result = h.client->Get("http://x/y");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->attempts, 3);
  ASSERT_EQ(h.sleeps.size(), 2u);
  // Backoff doubles, with jitter in [d/2, d].
  EXPECT_GE(h.sleeps[0], milliseconds(50));
  EXPECT_LE(h.sleeps[0], milliseconds(100));
  EXPECT_GE(h.sleeps[1], milliseconds(100));
  EXPECT_LE(h.sleeps[1], milliseconds(200));
}

TEST(RetryingHttpClientTest, RetriesConnectionErrorsButNotOtherFailures) {
  Harness h;
  h.fake->Enqueue(Unavailable("connection refused"));
  h.fake->Enqueue(Reply(200));
  EXPECT_EQ(h.client->Get("http://x")->attempts, 2);

  h.fake->Enqueue(cairn::Status(StatusCode::kDeadlineExceeded, "timeout"));
  EXPECT_EQ(h.client->Get("http://x").status().code(), StatusCode::kDeadlineExceeded);
  h.fake->Enqueue(Reply(500));
  EXPECT_EQ(h.client->Get("http://x")->status, 500);
  h.fake->Enqueue(Reply(404));
  EXPECT_EQ(h.client->Get("http://x")->attempts, 1);
  EXPECT_EQ(h.fake->requests().size(), 5u);
}

TEST(RetryingHttpClientTest, NeverRetriesNonIdempotentUnlessMarked) {
  Harness h;
  h.fake->Enqueue(Reply(503));
  auto post = h.client->PostJson("http://x/runs/create", "{}");
  ASSERT_TRUE(post.ok());
  EXPECT_EQ(post->status, 503);
  EXPECT_EQ(h.fake->requests().size(), 1u);
  h.fake->Enqueue(Unavailable("refused"));
  EXPECT_FALSE(h.client->PatchJson("http://x", "{}").ok());
  EXPECT_EQ(h.fake->requests().size(), 2u);

  h.fake->Enqueue(Reply(503));
  auto marked = h.client->PostJson("http://x/runs/log-batch", "{}", /*idempotent=*/true);
  EXPECT_EQ(marked->status, 200);
  EXPECT_EQ(marked->attempts, 2);
}

TEST(RetryingHttpClientTest, GivesUpAfterMaxAttempts) {
  Harness h(3);
  h.fake->SetHandler([](const HttpRequest&) -> Result<HttpResponse> { return Unavailable("down"); });
  auto result = h.client->Get("http://x");
  EXPECT_EQ(result.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(h.fake->requests().size(), 3u);
  EXPECT_EQ(h.sleeps.size(), 2u);
}

TEST(RetryingHttpClientTest, HonoursRetryAfterCappedByMaxBackoff) {
  Harness h;
  h.fake->Enqueue(Reply(429, 0));
  h.fake->Enqueue(Reply(503, 30));
  h.fake->Enqueue(Reply(200));
  ASSERT_TRUE(h.client->Get("http://x").ok());
  ASSERT_EQ(h.sleeps.size(), 2u);
  EXPECT_EQ(h.sleeps[0], milliseconds(0));
  EXPECT_EQ(h.sleeps[1], milliseconds(1000));
}

TEST(RetryingHttpClientTest, BackoffIsCapped) {
  Harness h(8);
  h.fake->SetHandler([](const HttpRequest&) -> Result<HttpResponse> { return Reply(503); });
  EXPECT_EQ(h.client->Get("http://x")->status, 503);
  ASSERT_EQ(h.sleeps.size(), 7u);
  for (auto d : h.sleeps) EXPECT_LE(d, milliseconds(1000));
  EXPECT_GE(h.sleeps.back(), milliseconds(500));
}

}  // namespace
}  // namespace cairn::client
