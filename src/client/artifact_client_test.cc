#include "client/artifact_client.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "client/testing/test_http_server.h"
#include "client/url.h"

namespace cairn::client {
namespace {

namespace fs = std::filesystem;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

TEST(ArtifactUriTest, ResolvesProxyPaths) {
  auto loc = ResolveArtifactUri("mlflow-artifacts:/1/abc/artifacts", "http://t:5000");
  ASSERT_TRUE(loc.ok());
  EXPECT_EQ(loc->base_url, "http://t:5000");
  EXPECT_EQ(loc->path, "1/abc/artifacts");
  EXPECT_EQ(ResolveArtifactUri("mlflow-artifacts:///1/x/", "http://t")->path, "1/x");
  EXPECT_EQ(ResolveArtifactUri("mlflow-artifacts:", "http://t")->path, "");
  auto other = ResolveArtifactUri("mlflow-artifacts://other:8080/2/y", "http://t");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->base_url, "http://other:8080");
  EXPECT_EQ(other->path, "2/y");
  EXPECT_EQ(ResolveArtifactUri("s3://bucket/1/x", "http://t").status().code(), StatusCode::kUnimplemented);
  EXPECT_EQ(ResolveArtifactUri("mlflow-artifacts:/1/../../etc", "http://t").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ArtifactUriTest, NormalizesPaths) {
  EXPECT_EQ(*NormalizeArtifactPath(""), "");
  EXPECT_EQ(*NormalizeArtifactPath("/a//b/./c/"), "a/b/c");
  EXPECT_EQ(NormalizeArtifactPath("a/../b").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalizeArtifactPath("a\\b").status().code(), StatusCode::kInvalidArgument);
}

// An in-memory mlflow-artifacts proxy plus the tracking list endpoint.
class FakeProxy {
 public:
  FakeProxy()
      : server_([this](const TestRequest& r) { return Handle(r); }) {}

  std::string base_url() const { return server_.base_url(); }
  std::map<std::string, std::string> files() const {
    std::lock_guard lock(mu_);
    return files_;
  }
  void Put(const std::string& path, const std::string& data) {
    std::lock_guard lock(mu_);
    files_[path] = data;
  }
  std::vector<TestRequest> requests() const { return server_.requests(); }
  void InjectListingName(std::string name) {
    std::lock_guard lock(mu_);
    injected_name_ = std::move(name);
  }

 private:
  static constexpr std::string_view kPrefix = "/api/2.0/mlflow-artifacts/artifacts";

  TestResponse Handle(const TestRequest& r) {
    std::lock_guard lock(mu_);
    std::string target = r.target;
    std::string query;
    if (size_t q = target.find('?'); q != std::string::npos) {
      query = target.substr(q + 1);
      target.resize(q);
    }
    if (target == kPrefix && r.method == "GET") {
      std::string dir = query.starts_with("path=") ? UrlDecode(query.substr(5)) : "";
      return List(dir);
    }
    if (target.starts_with(std::string(kPrefix) + "/")) {
      std::string path = UrlDecode(target.substr(kPrefix.size() + 1));
      if (r.method == "PUT") {
        files_[path] = r.body;
        return TestResponse(200, "{}");
      }
      if (r.method == "GET") {
        auto it = files_.find(path);
        if (it == files_.end()) {
          return TestResponse(404, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"missing"})");
        }
        return TestResponse(200, it->second, "application/octet-stream");
      }
      if (r.method == "DELETE") {
        files_.erase(path);
        return TestResponse(200, "{}");
      }
    }
    if (target == "/api/2.0/mlflow/artifacts/list") {
      return TestResponse(200, R"({"root_uri":"mlflow-artifacts:/1/r/artifacts","files":[{"path":"model/MLmodel",)"
                               R"("is_dir":false,"file_size":3}]})");
    }
    return TestResponse(404, "<html>no route</html>", "text/html");
  }

  // One level below `dir`, basenames only, as the real proxy answers.
  TestResponse List(const std::string& dir) {
    std::map<std::string, std::pair<bool, size_t>> entries;
    std::string prefix = dir.empty() ? "" : dir + "/";
    for (const auto& [path, data] : files_) {
      if (!path.starts_with(prefix)) continue;
      std::string rest = path.substr(prefix.size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) {
        entries[rest] = {false, data.size()};
      } else {
        entries[rest.substr(0, slash)] = {true, 0};
      }
    }
    if (!injected_name_.empty()) entries[injected_name_] = {false, 1};
    std::string body = R"({"files":[)";
    bool first = true;
    for (const auto& [name, info] : entries) {
      if (!first) body += ",";
      first = false;
      body += R"({"path":")" + name + R"(","is_dir":)" + (info.first ? "true" : "false");
      if (!info.first) body += R"(,"file_size":)" + std::to_string(info.second);
      body += "}";
    }
    return TestResponse(200, body + "]}");
  }

  mutable std::mutex mu_;
  std::map<std::string, std::string> files_;  // GUARDED_BY(mu_)
  std::string injected_name_;                  // GUARDED_BY(mu_)
  TestHttpServer server_;                      // last: stops before the state above is destroyed
};

class ArtifactClientTest : public ::testing::Test {
 protected:
  ArtifactClientTest() {
    root_ = fs::temp_directory_path() / ("cairn_artifact_test_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    client_ = *ArtifactClient::Create(proxy_.base_url());
  }
  ~ArtifactClientTest() override { fs::remove_all(root_); }

  void Write(const fs::path& p, const std::string& data) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
  }
  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static constexpr char kUri[] = "mlflow-artifacts:/1/r/artifacts";
  FakeProxy proxy_;
  fs::path root_;
  std::unique_ptr<ArtifactClient> client_;
};

TEST_F(ArtifactClientTest, UploadFileGoesBelowArtifactPath) {
  Write(root_ / "notes file.txt", "hello");
  ASSERT_TRUE(client_->UploadFile(kUri, root_ / "notes file.txt", "docs").ok());
  EXPECT_EQ(proxy_.files().at("1/r/artifacts/docs/notes file.txt"), "hello");
  // Spaces are percent-encoded on the wire.
  EXPECT_EQ(proxy_.requests().back().target, "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/docs/notes%20file.txt");
  EXPECT_EQ(client_->UploadFile(kUri, root_ / "missing").code(), StatusCode::kNotFound);
  EXPECT_EQ(client_->UploadFile(kUri, root_ / "notes file.txt", "../x").code(), StatusCode::kInvalidArgument);
}

TEST_F(ArtifactClientTest, DirectoryRoundTrip) {
  fs::path src = root_ / "src";
  Write(src / "MLmodel", "flavors: {}");
  Write(src / "data" / "model.bin", std::string(100000, 'm'));
  Write(src / "data" / "nested" / "deep.txt", "deep");
  ASSERT_TRUE(client_->UploadDirectory(kUri, src, "model").ok());
  auto files = proxy_.files();
  EXPECT_EQ(files.size(), 3u);
  EXPECT_EQ(files.at("1/r/artifacts/model/data/nested/deep.txt"), "deep");

  auto listing = client_->List(kUri, "model");
  ASSERT_TRUE(listing.ok()) << listing.status().ToString();
  ASSERT_EQ(listing->size(), 2u);
  EXPECT_EQ((*listing)[0], (FileInfo{"model/MLmodel", false, 11}));
  EXPECT_EQ((*listing)[1], (FileInfo{"model/data", true, std::nullopt}));

  fs::path dst = root_ / "dst";
  auto local = client_->Download(kUri, "model", dst);
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(*local, dst / "model");
  EXPECT_EQ(Read(dst / "model" / "MLmodel"), "flavors: {}");
  EXPECT_EQ(Read(dst / "model" / "data" / "model.bin"), std::string(100000, 'm'));
  EXPECT_EQ(Read(dst / "model" / "data" / "nested" / "deep.txt"), "deep");

  // The whole root, and a single file.
  ASSERT_TRUE(client_->Download(kUri, "", root_ / "all").ok());
  EXPECT_EQ(Read(root_ / "all" / "model" / "data" / "nested" / "deep.txt"), "deep");
  auto one = client_->Download(kUri, "model/data/nested/deep.txt", root_ / "one");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(Read(*one), "deep");
}

TEST_F(ArtifactClientTest, MissingArtifactIsNotFound) {
  auto result = client_->Download(kUri, "nope.txt", root_ / "dst");
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(root_ / "dst" / "nope.txt"));
}

TEST_F(ArtifactClientTest, RejectsUnsafeNamesFromServer) {
  proxy_.Put("1/r/artifacts/ok.txt", "x");
  proxy_.InjectListingName("..");
  auto result = client_->Download(kUri, "", root_ / "dst");
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(fs::exists(root_ / "x"));
}

TEST_F(ArtifactClientTest, ListRunArtifactsUsesTrackingEndpoint) {
  auto files = client_->ListRunArtifacts("r", "model");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].path, "model/MLmodel");
  EXPECT_EQ(proxy_.requests().back().target, "/api/2.0/mlflow/artifacts/list?run_id=r&path=model");
}

TEST_F(ArtifactClientTest, Delete) {
  proxy_.Put("1/r/artifacts/a.txt", "x");
  ASSERT_TRUE(client_->Delete(kUri, "a.txt").ok());
  EXPECT_TRUE(proxy_.files().empty());
  EXPECT_EQ(client_->Delete("mlflow-artifacts:", "").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::client
