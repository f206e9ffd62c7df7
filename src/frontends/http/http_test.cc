#include <gtest/gtest.h>

#include "frontends/http/request_params.h"
#include "frontends/http/router.h"
#include "frontends/http/status_mapping.h"
#include "frontends/http/url.h"

namespace cairn::frontends {
namespace {

TEST(UrlTest, DecodesAndRejectsMalformedEscapes) {
  EXPECT_EQ(*PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("%2e%2E%2f", false), "../");
  EXPECT_FALSE(PercentDecode("%", false).has_value());
  EXPECT_FALSE(PercentDecode("%2", false).has_value());
  EXPECT_FALSE(PercentDecode("%zz", false).has_value());
  auto q = ParseQuery("run_id=a&run_id=b&x=%41&flag");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[1].second, "b");
  EXPECT_EQ((*q)[2].second, "A");
  EXPECT_EQ((*q)[3].first, "flag");
}

TEST(RouterTest, ExactPrefixAndMethodMismatch) {
  Router router;
  auto ok = [](HttpRequest&) { return HttpResponse::Text("ok"); };
  router.Add(Route{"GET", "/a", false, false, ok});
  router.Add(Route{"PUT", "/files/", true, true, ok});
  router.Add(Route{"PUT", "/files/deep/", true, false, ok});
  EXPECT_EQ(router.Find("GET", "/a").kind, Router::MatchKind::kFound);
  EXPECT_EQ(router.Find("POST", "/a").kind, Router::MatchKind::kWrongMethod);
  EXPECT_EQ(router.Find("POST", "/a").allow, "GET");
  EXPECT_EQ(router.Find("GET", "/b").kind, Router::MatchKind::kNoPath);
  auto deep = router.Find("PUT", "/files/deep/x");
  ASSERT_EQ(deep.kind, Router::MatchKind::kFound);
  EXPECT_FALSE(deep.route->streams_request_body);  // longest prefix wins
  EXPECT_EQ(router.Find("GET", "/files/x").kind, Router::MatchKind::kWrongMethod);
}

TEST(RouterTest, FallbackOnlyForUnknownPathsWithItsMethod) {
  Router router;
  auto ok = [](HttpRequest&) { return HttpResponse::Text("ok"); };
  router.Add(Route{"POST", "/a", false, false, ok});
  router.Add(Route{"PUT", "/files/", true, true, ok});
  router.SetFallback(Route{"GET", "", false, false, ok});
  auto fallback = router.Find("GET", "/anything/else");
  ASSERT_EQ(fallback.kind, Router::MatchKind::kFound);
  EXPECT_EQ(fallback.route->method, "GET");
  EXPECT_EQ(router.Find("POST", "/anything").kind, Router::MatchKind::kNoPath);
  EXPECT_EQ(router.Find("GET", "/a").kind, Router::MatchKind::kWrongMethod);  // known path: 405 stays
  EXPECT_EQ(router.Find("GET", "/files/x").kind, Router::MatchKind::kWrongMethod);
}

TEST(StatusMappingTest, MlflowQuirksAndErrorJson) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kResourceExhausted), 429);
  HttpResponse r = ErrorResponse(NotFound("Run 'x' not found"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Run 'x' not found"})");
}

HttpRequest Post(std::string body, std::string content_type = "application/json") {
  HttpRequest r;
  r.method = "POST";
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

TEST(RequestParamsTest, ContentTypeIsEnforcedForBodies) {
  EXPECT_TRUE(RequestParams::FromRequest(Post("{}", "application/json; charset=utf-8")).ok());
  EXPECT_TRUE(RequestParams::FromRequest(Post("{}", "Application/JSON")).ok());
  EXPECT_EQ(RequestParams::FromRequest(Post("{}", "")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RequestParams::FromRequest(Post("{}", "text/plain")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RequestParams::FromRequest(Post("{oops")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(RequestParams::FromRequest(Post("")).ok());  // empty body reads as {}
}

TEST(RequestParamsTest, QueryAndJsonReadTheSame) {
  HttpRequest get;
  get.method = "GET";
  get.query = "run_id=abc&max_results=5&ids=1&ids=2";
  auto from_query = RequestParams::FromRequest(get);
  auto from_json = RequestParams::FromRequest(Post(R"({"run_id":"abc","max_results":"5","ids":[1,"2"]})"));
  for (auto* params : {&from_query, &from_json}) {
    ASSERT_TRUE(params->ok());
    EXPECT_EQ(*(*params)->RequireString("run_id"), "abc");
    EXPECT_EQ(**(*params)->GetInt64("max_results"), 5);
    EXPECT_EQ(*(*params)->GetStringList("ids"), (std::vector<std::string>{"1", "2"}));
    auto missing = (*params)->RequireString("experiment_id");
    EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(missing.status().message().find("'experiment_id'"), std::string::npos);
  }
  get.query = "max_results=abc";
  EXPECT_FALSE((*RequestParams::FromRequest(get)).GetInt64("max_results").ok());
}

}  // namespace
}  // namespace cairn::frontends
