#include "pipelines/executor/kubernetes/kube_client.h"

#include <gtest/gtest.h>

namespace cairn::pipelines::kubernetes {
namespace {

KubeResponse Answer(long status, std::string reason, std::string message) {
  return {status, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":")" + message +
                      R"(","reason":")" + reason + R"(","code":)" + std::to_string(status) + "}"};
}

TEST(KubeApiErrorTest, MapsApiServerAnswersToStatusCodes) {
  struct Case {
    KubeResponse response;
    StatusCode code;
    std::string needle;
  } cases[] = {
      {Answer(401, "Unauthorized", "Unauthorized"), StatusCode::kUnauthenticated, "credentials"},
      {Answer(403, "Forbidden", "jobs.batch is forbidden: User \\\"x\\\" cannot create resource"),
       StatusCode::kPermissionDenied, "RBAC"},
      {Answer(404, "NotFound", "jobs.batch \\\"j\\\" not found"), StatusCode::kNotFound, "not found"},
      {Answer(409, "AlreadyExists", "jobs.batch \\\"j\\\" already exists"), StatusCode::kAlreadyExists,
       "already exists"},
      {Answer(409, "Conflict", "the object has been modified"), StatusCode::kConflict, "modified"},
      {Answer(422, "Invalid", "Job.batch \\\"j\\\" is invalid: spec.template.spec.containers[0].image: Required"),
       StatusCode::kInvalidArgument, "image: Required"},
      {Answer(429, "TooManyRequests", "slow down"), StatusCode::kResourceExhausted, "slow down"},
      {Answer(503, "ServiceUnavailable", "etcd down"), StatusCode::kUnavailable, "etcd down"},
      {{500, "not json at all"}, StatusCode::kUnavailable, "not json at all"},
  };
  for (const Case& c : cases) {
    Status s = KubeApiError(c.response, "create Job j in namespace ns");
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_NE(s.message().find("create Job j in namespace ns"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(c.needle), std::string::npos) << s.message();
  }
}

TEST(KubeClientTest, UnreachableServerIsUnavailable) {
  KubeConfig config;
  config.server = "https://127.0.0.1:1";  // nothing listens on port 1
  config.source = "test";
  KubeClient client(config, 2000);
  auto r = client.Send("GET", "/version");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot reach the Kubernetes API server https://127.0.0.1:1"),
            std::string::npos)
      << r.status().message();
}

TEST(KubeClientTest, QueryEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(QueryEncode("cairn.dev/attempt=ab12,x in (a)"), "cairn.dev%2Fattempt%3Dab12%2Cx%20in%20%28a%29");
}

}  // namespace
}  // namespace cairn::pipelines::kubernetes
