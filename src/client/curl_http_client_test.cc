#include "client/curl_http_client.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "client/testing/test_http_server.h"

namespace cairn::client {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

TestResponse Echo(const TestRequest& request) {
  TestResponse r;
  r.body = request.method + " " + request.target + " " + request.body;
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("cairn_http_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CurlHttpClientTest, GetEncodesQueryAndReadsResponse) {
  TestHttpServer server(Echo);
  CurlHttpClient client;
  auto r = client.Get(server.base_url() + "/api/x", {{"filter", "metrics.acc > 0.9"}, {"id", "a&b"}, {"id", "c"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /api/x?filter=metrics.acc%20%3E%200.9&id=a%26b&id=c ");
  EXPECT_EQ(r->content_type, "text/plain");
}

TEST(CurlHttpClientTest, JsonMethodsSendBodyAndContentType) {
  TestHttpServer server(Echo);
  CurlHttpClient client;
  EXPECT_EQ(client.PostJson(server.base_url() + "/p", R"({"a":1})")->body, R"(POST /p {"a":1})");
  EXPECT_EQ(client.PatchJson(server.base_url() + "/p", R"({"b":2})")->body, R"(PATCH /p {"b":2})");
  EXPECT_EQ(client.DeleteJson(server.base_url() + "/p", R"({"c":3})")->body, R"(DELETE /p {"c":3})");
  EXPECT_EQ(client.PostJson(server.base_url() + "/p", "")->body, "POST /p ");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& request : requests) {
    EXPECT_EQ(request.headers.at("content-type"), "application/json");
    EXPECT_EQ(request.headers.count("expect"), 0u);
  }
}

TEST(CurlHttpClientTest, ReusesConnections) {
  TestHttpServer server(Echo);
  CurlHttpClient client;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.Get(server.base_url() + "/k").ok());
  EXPECT_EQ(server.connections(), 1);
}

TEST(CurlHttpClientTest, ConcurrentRequestsFromManyThreads) {
  TestHttpServer server(Echo);
  CurlHttpClient client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string path = "/t" + std::to_string(t) + "_" + std::to_string(i);
        auto r = client.Get(server.base_url() + path);
        if (r.ok() && r->body == "GET " + path + " ") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_LE(server.connections(), 8);
}

TEST(CurlHttpClientTest, PutFileStreamsContents) {
  TempDir dir;
  std::string data(3 * 1024 * 1024 + 17, '\0');
  std::mt19937 rng(42);
  for (char& c : data) c = char(rng());
  auto file = dir.path() / "blob.bin";
  std::ofstream(file, std::ios::binary) << data;

  TestHttpServer server([](const TestRequest& r) { return TestResponse{200, "{}"}; });
  CurlHttpClient client;
  auto r = client.PutFile(server.base_url() + "/api/2.0/mlflow-artifacts/artifacts/1/blob.bin", file);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].headers.at("content-length"), std::to_string(data.size()));
  EXPECT_TRUE(requests[0].body == data);

  auto missing = client.PutFile(server.base_url() + "/x", dir.path() / "nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(CurlHttpClientTest, PutEmptyFile) {
  TempDir dir;
  auto file = dir.path() / "empty";
  std::ofstream(file).close();
  TestHttpServer server([](const TestRequest& r) { return TestResponse{200, "{}"}; });
  CurlHttpClient client;
  ASSERT_TRUE(client.PutFile(server.base_url() + "/e", file).ok());
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers.at("content-length"), "0");
}

TEST(CurlHttpClientTest, GetToFileWritesOnlySuccessfulBodies) {
  TempDir dir;
  std::string big(2 * 1024 * 1024, 'x');
  TestHttpServer server([&](const TestRequest& r) {
    if (r.target == "/big") return TestResponse{200, big, "application/octet-stream"};
    if (r.target == "/empty") return TestResponse{200, "", "application/octet-stream"};
    return TestResponse{404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no"})"};
  });
  CurlHttpClient client;
  auto dst = dir.path() / "out.bin";
  auto r = client.GetToFile(server.base_url() + "/big", dst);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->body.empty());
  EXPECT_TRUE(ReadAll(dst) == big);

  auto missing = client.GetToFile(server.base_url() + "/missing", dir.path() / "missing.bin");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("RESOURCE_DOES_NOT_EXIST"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.bin"));

  ASSERT_TRUE(client.GetToFile(server.base_url() + "/empty", dir.path() / "empty.bin").ok());
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "empty.bin"));
  EXPECT_EQ(std::filesystem::file_size(dir.path() / "empty.bin"), 0u);
  // No temporary files left behind.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 2);
}

TEST(CurlHttpClientTest, ParsesRetryAfter) {
  TestHttpServer server([](const TestRequest&) {
    TestResponse r{429, "slow down", "text/plain"};
    r.headers.emplace_back("Retry-After", "7");
    return r;
  });
  CurlHttpClient client;
  auto r = client.Get(server.base_url());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->retry_after_seconds, 7);
}

TEST(CurlHttpClientTest, ConnectionRefusedIsUnavailable) {
  int port;
  {
    TestHttpServer server(Echo);
    port = server.port();
  }
  CurlHttpClient client;
  auto r = client.Get("http://127.0.0.1:" + std::to_string(port) + "/x");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
}

TEST(CurlHttpClientTest, MalformedUrlIsInvalidArgument) {
  CurlHttpClient client;
  EXPECT_EQ(client.Get("nope://x").status().code(), StatusCode::kInvalidArgument);
}

TEST(CurlHttpClientTest, RequestTimeout) {
  TestHttpServer server([](const TestRequest&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    return TestResponse{200, "{}"};
  });
  HttpClientOptions options;
  options.request_timeout = std::chrono::milliseconds(100);
  CurlHttpClient client(options);
  EXPECT_EQ(client.Get(server.base_url()).status().code(), StatusCode::kDeadlineExceeded);
}

TEST(CurlHttpClientTest, CreateHttpClientRetries503) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    return ++calls < 3 ? TestResponse{503, "busy", "text/plain"} : TestResponse{200, "{}"};
  });
  HttpClientOptions options;
  options.retry.initial_backoff = std::chrono::milliseconds(1);
  auto client = CreateHttpClient(options);
  auto r = client->Get(server.base_url());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 3);
}

}  // namespace
}  // namespace cairn::client
