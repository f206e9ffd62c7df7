#include "client/error_mapping.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

HttpResponse Response(int status, std::string body, std::string type = "application/json") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(type);
  return r;
}

TEST(ErrorMappingTest, JsonErrorCodesMapToStatusCodes) {
  struct Case {
    std::string error_code;
    int http;
    StatusCode expected;
  };
  const Case cases[] = {
      {"INVALID_PARAMETER_VALUE", 400, StatusCode::kInvalidArgument},
      {"RESOURCE_DOES_NOT_EXIST", 404, StatusCode::kNotFound},
      {"RESOURCE_ALREADY_EXISTS", 400, StatusCode::kAlreadyExists},
      {"BAD_REQUEST", 400, StatusCode::kBadRequest},
      {"ENDPOINT_NOT_FOUND", 404, StatusCode::kEndpointNotFound},
      {"PERMISSION_DENIED", 403, StatusCode::kPermissionDenied},
      {"UNAUTHENTICATED", 401, StatusCode::kUnauthenticated},
      {"RESOURCE_CONFLICT", 409, StatusCode::kConflict},
      {"REQUEST_LIMIT_EXCEEDED", 429, StatusCode::kResourceExhausted},
      {"INVALID_STATE", 500, StatusCode::kFailedPrecondition},
      {"NOT_IMPLEMENTED", 501, StatusCode::kUnimplemented},
      {"TEMPORARILY_UNAVAILABLE", 503, StatusCode::kUnavailable},
      {"DEADLINE_EXCEEDED", 504, StatusCode::kDeadlineExceeded},
      {"CANCELLED", 499, StatusCode::kCancelled},
      {"INTERNAL_ERROR", 500, StatusCode::kInternal},
      // Names MLflow uses that cairn folds.
      {"NOT_FOUND", 404, StatusCode::kNotFound},
      {"ALREADY_EXISTS", 409, StatusCode::kAlreadyExists},
      {"ABORTED", 409, StatusCode::kConflict},
      {"RESOURCE_EXHAUSTED", 429, StatusCode::kResourceExhausted},
      {"CUSTOMER_UNAUTHORIZED", 401, StatusCode::kUnauthenticated},
      {"DATA_LOSS", 500, StatusCode::kInternal},
      {"SOMETHING_NEW", 500, StatusCode::kInternal},
      {"OK", 500, StatusCode::kInternal},
  };
  for (const auto& c : cases) {
    Status s = StatusFromErrorResponse(
        Response(c.http, R"({"error_code":")" + c.error_code + R"(","message":"Run 'x' not found"})"), "GET /x");
    EXPECT_EQ(s.code(), c.expected) << c.error_code;
    EXPECT_EQ(s.message(), "Run 'x' not found") << c.error_code;
  }
}

TEST(ErrorMappingTest, RoundTripsEveryStatusCodeName) {
  for (int i = 1; i <= int(StatusCode::kInternal); ++i) {
    auto code = StatusCode(i);
    EXPECT_EQ(StatusCodeFromErrorName(StatusCodeName(code)), code) << StatusCodeName(code);
  }
}

TEST(ErrorMappingTest, NonJsonBodiesMapByHttpStatus) {
  EXPECT_EQ(StatusFromErrorResponse(Response(400, "bad", "text/plain"), "w").code(), StatusCode::kBadRequest);
  EXPECT_EQ(StatusFromErrorResponse(Response(404, "<html>Not Found</html>", "text/html"), "w").code(),
            StatusCode::kEndpointNotFound);
  EXPECT_EQ(StatusFromErrorResponse(Response(405, "<html/>", "text/html"), "w").code(), StatusCode::kInternal);
  EXPECT_EQ(StatusFromErrorResponse(Response(500, "", "text/html"), "w").code(), StatusCode::kInternal);
  EXPECT_EQ(StatusFromErrorResponse(Response(503, "disabled", "text/plain"), "w").code(), StatusCode::kInternal);
  // JSON without error_code is not an MLflow error either.
  EXPECT_EQ(StatusFromErrorResponse(Response(404, R"({"detail":"x"})"), "w").code(), StatusCode::kEndpointNotFound);
  Status s = StatusFromErrorResponse(Response(404, "nope", "text/plain"), "GET /api/2.0/mlflow/x");
  EXPECT_NE(s.message().find("GET /api/2.0/mlflow/x"), std::string::npos);
  EXPECT_NE(s.message().find("404"), std::string::npos);
  EXPECT_NE(s.message().find("nope"), std::string::npos);
}

TEST(ErrorMappingTest, LongBodiesAreTruncatedInMessages) {
  Status s = StatusFromErrorResponse(Response(500, std::string(10000, 'x'), "text/html"), "w");
  EXPECT_LT(s.message().size(), 500u);
}

TEST(ErrorMappingTest, ParseJsonResponse) {
  auto empty = ParseJsonResponse(Response(200, ""), "w");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->root().Keys().empty());
  auto doc = ParseJsonResponse(Response(200, R"({"a":"b"})"), "w");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(**doc->root().GetString("a"), "b");
  EXPECT_EQ(ParseJsonResponse(Response(200, "<html>"), "w").status().code(), StatusCode::kInternal);
  EXPECT_EQ(ParseJsonResponse(Response(200, "[1]"), "w").status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace cairn::client
