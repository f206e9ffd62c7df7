#include "artifacts/s3/s3_http_client.h"

#include <gtest/gtest.h>

namespace cairn::artifacts::s3 {
namespace {

// curl 7.88 signs the URL as written, so the URL itself must already be in
// SigV4's canonical form: keys encoded once, query sorted and encoded,
// valueless parameters as "name=".
TEST(S3HttpClientTest, CustomEndpointsArePathStyleWithACanonicalQuery) {
  S3Options options;
  options.endpoint_url = "http://127.0.0.1:9000/";
  S3HttpClient client(options);
  S3Request request;
  request.bucket = "artifacts";
  request.key = "runs/1/a b+c.txt";
  request.query = {{"uploadId", "x/y=z"}, {"partNumber", "2"}};
  EXPECT_EQ(client.Url(request), "http://127.0.0.1:9000/artifacts/runs/1/a%20b%2Bc.txt?partNumber=2&uploadId=x%2Fy%3Dz");
  request.key = "k";
  request.query = {{"uploads", ""}};
  EXPECT_EQ(client.Url(request), "http://127.0.0.1:9000/artifacts/k?uploads=");
  S3Request list;
  list.bucket = "artifacts";
  list.query = {{"list-type", "2"}, {"prefix", "r1/"}, {"delimiter", "/"}, {"continuation-token", "a+b/c="}};
  EXPECT_EQ(client.Url(list),
            "http://127.0.0.1:9000/artifacts?continuation-token=a%2Bb%2Fc%3D&delimiter=%2F&list-type=2&prefix=r1%2F");
}

TEST(S3HttpClientTest, AwsIsVirtualHostedInTheRegion) {
  S3Options options;
  options.region = "eu-west-1";
  S3HttpClient client(options);
  S3Request request;
  request.bucket = "my-bucket";
  request.key = "x/y";
  EXPECT_EQ(client.Url(request), "https://my-bucket.s3.eu-west-1.amazonaws.com/x/y");
  request.key.clear();
  EXPECT_EQ(client.Url(request), "https://my-bucket.s3.eu-west-1.amazonaws.com/");
}

TEST(S3HttpClientTest, AnUnreachableEndpointIsUnavailableAfterTheRetries) {
  S3Options options;
  options.endpoint_url = "http://127.0.0.1:1";  // nothing listens on port 1
  options.max_retries = 2;
  options.retry_base_delay = std::chrono::milliseconds(1);
  S3HttpClient client(options);
  S3Request request;
  request.bucket = "artifacts";
  request.key = "k";
  auto response = client.Send(request);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(response.error().message().find("after 3 attempts"), std::string::npos) << response.error().message();
}

}  // namespace
}  // namespace cairn::artifacts::s3
