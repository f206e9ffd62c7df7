// Artifacts end to end: the mlflow-artifacts proxy (PUT/GET/DELETE/list),
// streamed transfers far larger than the server may hold in memory, the
// tracking-side /artifacts/list, /get-artifact and the UI upload route, and
// path traversal: no request may read or write outside the destination.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/url.h"
#include "integration/api.h"
#include "integration/json_testing.h"
#include "integration/server_test.h"

namespace cairn::integration {
namespace {

namespace fs = std::filesystem;
using client::HttpMethod;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), std::streamsize(content.size()));
}

// Every path under `root` (relative), with file contents, skipping `skip`
// subtrees; symlinks are listed, not followed.
std::map<std::string, std::string> Snapshot(const fs::path& root, const std::set<std::string>& skip) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), root).string();
    if (skip.count(rel)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    out[rel] = it->is_regular_file() && !it->is_symlink() ? ReadFile(it->path()) : "<dir or link>";
  }
  return out;
}

class ArtifactProxyTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    ns_ = UniqueName("proxy");  // this test's directory under the destination
    scratch_ = server().dir() / ("scratch-" + ns_);
    fs::create_directories(scratch_);
  }

  std::string Path(std::string_view rel) const { return fmt::format("{}/{}/{}", kArtifactsPrefix, ns_, rel); }

  Reply Put(std::string_view rel, std::string_view content) {
    return api().Send(HttpMethod::kPut, Path(rel), std::string(content),
                      {{"Content-Type", "application/octet-stream"}});
  }

  Reply List(std::string_view dir) {
    return api().Get(std::string(kArtifactsPrefix), {{"path", dir.empty() ? ns_ : fmt::format("{}/{}", ns_, dir)}});
  }

  fs::path Stored(std::string_view rel) const { return server().artifacts_dir() / ns_ / rel; }

  std::string ns_;
  fs::path scratch_;
};

TEST_F(ArtifactProxyTest, PutGetRoundTrip) {
  const std::string content = std::string("hello\0world\n", 12) + std::string(1000, 'x');
  Reply put = Put("dir/hello.txt", content);
  ASSERT_OK_JSON(put);
  EXPECT_EQ(CanonicalJson(put.body), "{}");
  EXPECT_EQ(ReadFile(Stored("dir/hello.txt")), content);

  Reply got = api().Get(Path("dir/hello.txt"));
  EXPECT_EQ(got.status, 200) << got.Describe();
  EXPECT_EQ(got.body, content);
  EXPECT_EQ(got.content_type, "text/plain");

  // Headers, read off the wire.
  Reply raw = SendRaw(server().port(), RawRequest("GET", Path("dir/hello.txt")));
  EXPECT_EQ(raw.status, 200) << raw.Describe();
  EXPECT_EQ(raw.body, content);
  EXPECT_EQ(raw.headers["content-disposition"], "attachment; filename=\"hello.txt\"");
  EXPECT_EQ(raw.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(raw.headers["content-length"], std::to_string(content.size()));

  // Overwrite replaces the content.
  ASSERT_OK_JSON(Put("dir/hello.txt", "v2"));
  EXPECT_EQ(api().Get(Path("dir/hello.txt")).body, "v2");

  // Empty files are files too.
  ASSERT_OK_JSON(Put("empty.bin", ""));
  Reply empty = api().Get(Path("empty.bin"));
  EXPECT_EQ(empty.status, 200) << empty.Describe();
  EXPECT_EQ(empty.body, "");
  EXPECT_EQ(empty.content_type, "application/octet-stream");

  ASSERT_OK_JSON(Put("data.json", R"({"a":1})"));
  EXPECT_EQ(api().Get(Path("data.json")).content_type, "application/json");
}

TEST_F(ArtifactProxyTest, GetMissingIsNotFound) {
  EXPECT_API_ERROR(api().Get(Path("nope.txt")), 404, "RESOURCE_DOES_NOT_EXIST");
  ASSERT_OK_JSON(Put("sub/file.txt", "x"));
  EXPECT_API_ERROR(api().Get(Path("sub")), 404, "RESOURCE_DOES_NOT_EXIST");  // a directory is not a file
}

TEST_F(ArtifactProxyTest, ListOneLevelWithBasenames) {
  ASSERT_OK_JSON(Put("a.txt", "12345"));
  ASSERT_OK_JSON(Put("b/c.txt", "1"));
  ASSERT_OK_JSON(Put("b/d/e.txt", "12"));

  Reply top = List("");
  ASSERT_OK_JSON(top);
  EXPECT_EQ(CanonicalJson(top.body), CanonicalJson(R"({"files":[{"path":"a.txt","is_dir":false,"file_size":5},
                                                                {"path":"b","is_dir":true}]})"));
  Reply sub = List("b");
  ASSERT_OK_JSON(sub);
  EXPECT_EQ(CanonicalJson(sub.body), CanonicalJson(R"({"files":[{"path":"c.txt","is_dir":false,"file_size":1},
                                                                {"path":"d","is_dir":true}]})"));
  // A missing directory lists as empty: {} without a "files" key.
  Reply missing = List("no-such-dir");
  ASSERT_OK_JSON(missing);
  EXPECT_EQ(CanonicalJson(missing.body), "{}");
}

TEST_F(ArtifactProxyTest, DeleteFilesAndDirectories) {
  ASSERT_OK_JSON(Put("keep.txt", "k"));
  ASSERT_OK_JSON(Put("gone.txt", "g"));
  ASSERT_OK_JSON(Put("tree/x/y.txt", "y"));

  Reply deleted = api().Send(HttpMethod::kDelete, Path("gone.txt"), "");
  ASSERT_OK_JSON(deleted);
  EXPECT_EQ(CanonicalJson(deleted.body), "{}");
  EXPECT_FALSE(fs::exists(Stored("gone.txt")));
  EXPECT_API_ERROR(api().Get(Path("gone.txt")), 404, "RESOURCE_DOES_NOT_EXIST");

  ASSERT_OK_JSON(api().Send(HttpMethod::kDelete, Path("tree"), ""));
  EXPECT_FALSE(fs::exists(Stored("tree")));
  EXPECT_TRUE(fs::exists(Stored("keep.txt")));

  EXPECT_API_ERROR(api().Send(HttpMethod::kDelete, Path("gone.txt"), ""), 404, "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(ArtifactProxyTest, NamesWithSpacesAndUnicodeRoundTrip) {
  const std::string name = "dir with space/größe ✓ #1.txt";
  const std::string url = fmt::format("{}/{}/{}", kArtifactsPrefix, ns_, client::UrlEncodePath(name));
  // '#' must be percent-encoded in a URL; the decoded name is valid.
  Reply put = api().Send(HttpMethod::kPut, url, "unicode", {{"Content-Type", "application/octet-stream"}});
  if (put.status == 400) {
    // A literal '#' is refused by the path rules (spec section 6); the rest must work.
    ASSERT_OK_JSON(Put(client::UrlEncodePath("dir with space/größe ✓.txt"), "unicode"));
    EXPECT_EQ(ReadFile(Stored("dir with space/größe ✓.txt")), "unicode");
    Reply listed = List("dir with space");
    EXPECT_EQ(listed.json().Canonical("/files"),
              CanonicalJsonAt("/files", R"([{"path":"größe ✓.txt","is_dir":false,"file_size":7}])"));
    return;
  }
  ASSERT_OK_JSON(put);
  EXPECT_EQ(ReadFile(Stored(name)), "unicode");
  EXPECT_EQ(api().Get(url).body, "unicode");
}

TEST_F(ArtifactProxyTest, PathConflictsAreClientErrors) {
  ASSERT_OK_JSON(Put("conflict/inner.txt", "x"));
  // A file where a directory is.
  EXPECT_API_ERROR(Put("conflict", "file over dir"), 400, "INVALID_PARAMETER_VALUE");
  // A directory below a file.
  ASSERT_OK_JSON(Put("plain.txt", "x"));
  EXPECT_API_ERROR(Put("plain.txt/below.txt", "y"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ReadFile(Stored("plain.txt")), "x");
  EXPECT_EQ(ReadFile(Stored("conflict/inner.txt")), "x");
}

// Uploads land by rename: concurrent writers of one path leave exactly one
// writer's complete content, never a mix or a truncation.
TEST_F(ArtifactProxyTest, ConcurrentUploadsOfOnePathLeaveOneWholeFile) {
  constexpr int kWriters = 8;
  std::vector<std::string> contents;
  for (int i = 0; i < kWriters; ++i) contents.push_back(std::string(1 << 20, char('a' + i)));
  std::vector<std::thread> writers;
  std::vector<int> statuses(kWriters);
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      Api own(server().url());
      statuses[i] =
          own.Send(HttpMethod::kPut, Path("contended.bin"), contents[i], {{"Content-Type", "application/octet-stream"}})
              .status;
    });
  }
  for (auto& t : writers) t.join();
  for (int i = 0; i < kWriters; ++i) EXPECT_EQ(statuses[i], 200) << "writer " << i;
  std::string stored = ReadFile(Stored("contended.bin"));
  EXPECT_TRUE(std::find(contents.begin(), contents.end(), stored) != contents.end())
      << "stored file is not one writer's content (" << stored.size() << " bytes)";
  EXPECT_EQ(api().Get(Path("contended.bin")).body, stored);
}

TEST_F(ArtifactProxyTest, MultipartUploadIsNotImplementedForLocalStorage) {
  EXPECT_API_ERROR(api().Post(fmt::format("/api/2.0/mlflow-artifacts/mpu/create/{}/f.bin", ns_),
                              fmt::format(R"({{"path":"{}/f.bin","num_parts":2}})", ns_)),
                   501, "NOT_IMPLEMENTED");
}

// A symlink inside the destination must not lead reads or writes out of it.
TEST_F(ArtifactProxyTest, SymlinksCannotEscapeTheDestination) {
  WriteFile(scratch_ / "secret.txt", "secret");
  fs::create_directories(Stored(""));
  fs::create_directory_symlink(scratch_, Stored("link"));

  Reply read = api().Get(Path("link/secret.txt"));
  EXPECT_API_ERROR(read, 400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(read.body.find("secret\""), std::string::npos);
  EXPECT_API_ERROR(Put("link/planted.txt", "evil"), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_FALSE(fs::exists(scratch_ / "planted.txt"));
  EXPECT_API_ERROR(api().Send(HttpMethod::kDelete, Path("link/secret.txt"), ""), 400, "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(ReadFile(scratch_ / "secret.txt"), "secret");
}

// Uploads are spooled inside the destination (so they land by rename); that
// directory is server state, not an artifact. Own suite (and server): if
// the spool can be deleted, every later upload of that server fails.
class SpoolDirectoryTest : public ArtifactProxyTest {};

TEST_F(SpoolDirectoryTest, IsNeitherListedNorDeletable) {
  Reply root = api().Get(std::string(kArtifactsPrefix));
  ASSERT_OK_JSON(root);
  Json listing = root.json();
  for (size_t i = 0; i < listing.Size("/files").value_or(0); ++i) {
    EXPECT_NE(listing.Str(fmt::format("/files/{}/path", i)), ".cairn-spool") << root.body;
  }
  Reply deleted = api().Send(HttpMethod::kDelete, fmt::format("{}/.cairn-spool", kArtifactsPrefix), "");
  EXPECT_NE(deleted.status, 200) << "the spool directory was deletable: " << deleted.Describe();
  EXPECT_OK_JSON(Put("after-spool-delete.txt", "still works"));
}

// ---------------------------------------------------------------------------
// Path traversal. Every attempt gets 400 INVALID_PARAMETER_VALUE (404 only
// where the path is harmless and merely absent), and afterwards nothing
// outside the destination was read, changed or created.

class PathTraversalTest : public ServerTest {};

TEST_F(PathTraversalTest, ProxyRejectsEscapingPaths) {
  const fs::path dir = server().dir();
  const std::string canary_content = "canary: must never change";
  WriteFile(dir / "canary.txt", canary_content);
  const std::set<std::string> skip = {"artifacts",    "cairn.db",         "cairn.db-wal",
                                      "cairn.db-shm", "cairn.db-journal", "server.log"};
  const auto before = Snapshot(dir, skip);
  const std::string canary_abs = (dir / "canary.txt").string();  // starts with '/'
  std::string canary_abs_encoded;
  for (char c : canary_abs) canary_abs_encoded += c == '/' ? std::string("%2F") : std::string(1, c);

  // Raw request targets below /api/2.0/mlflow-artifacts/artifacts/.
  const std::vector<std::string> escaping = {
      "../canary.txt",
      "../created-by-attack.txt",
      "../../canary.txt",
      "a/../../canary.txt",
      "..",
      "..%2fcanary.txt",
      "..%2Fcreated-by-attack.txt",
      "%2e%2e/canary.txt",
      "%2E%2E%2Fcanary.txt",
      "%2e%2e%2f%2e%2e%2fcanary.txt",
      "a/%2e%2e/%2e%2e/canary.txt",
      "./../canary.txt",
      canary_abs.substr(1),  // made relative: harmless, stays inside (see below)
      "/" + canary_abs.substr(1),
      canary_abs_encoded,
      "%2F" + canary_abs_encoded,  // "//tmp/...": still absolute
      "..%5Ccanary.txt",
      "..\\canary.txt",
      "a\\..\\..\\canary.txt",
      "C:%5CWindows%5Cwin.ini",
      "C:\\Windows\\win.ini",
      "C:/Windows/win.ini",
      "c%3A%2Fcanary.txt",
      "canary.txt%00.png",
      "%00",
      "ok/..%00/canary.txt",
      "%2e%2e",
      "..%252fcanary.txt",  // double-encoded: one decode gives a literal name
  };
  // Paths that stay inside the destination once decoded (not attacks, so a
  // write succeeding there is fine as long as it lands inside).
  const std::set<std::string> benign = {canary_abs.substr(1), "..%252fcanary.txt"};

  for (const std::string& target : escaping) {
    const std::string url = fmt::format("{}/{}", kArtifactsPrefix, target);
    SCOPED_TRACE("target: " + url);
    for (const char* method : {"GET", "PUT", "DELETE"}) {
      SCOPED_TRACE(method);
      std::string body = std::string(method) == "PUT" ? "evil" : "";
      Reply reply = SendRaw(server().port(), RawRequest(method, url, body));
      ASSERT_TRUE(server().Running()) << "the server died on " << method << " " << url;
      if (benign.count(target)) {
        EXPECT_TRUE(reply.status == 200 || reply.status == 400 || reply.status == 404) << reply.Describe();
      } else {
        EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE");
      }
      EXPECT_EQ(reply.body.find(canary_content), std::string::npos) << "the canary was read";
    }
  }
  // The destination root itself: never written or deleted as a file.
  for (const std::string& target : {"", ".", "./", "a/.."}) {
    const std::string url = fmt::format("{}/{}", kArtifactsPrefix, target);
    EXPECT_API_ERROR(SendRaw(server().port(), RawRequest("PUT", url, "evil")), 400, "INVALID_PARAMETER_VALUE") << url;
    EXPECT_API_ERROR(SendRaw(server().port(), RawRequest("DELETE", url)), 400, "INVALID_PARAMETER_VALUE") << url;
    Reply get = SendRaw(server().port(), RawRequest("GET", url));
    EXPECT_TRUE(get.status == 400 || get.status == 404) << url << ": " << get.Describe();
  }
  // Reads of real system files, GET only (the tests may run as root).
  for (const std::string& target :
       {"/etc/passwd", "%2Fetc%2Fpasswd", "../../../../../../etc/passwd", "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"}) {
    const std::string url = fmt::format("{}/{}", kArtifactsPrefix, target);
    Reply reply = SendRaw(server().port(), RawRequest("GET", url));
    EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE") << url;
    EXPECT_EQ(reply.body.find("root:"), std::string::npos) << url;
  }
  // The list route takes its directory from the query string.
  for (const std::string& path :
       {"..", "../", "..%2F", "%2e%2e", "/etc", "%2Fetc", "a/../..", "..%5C", "C:%5C", "%00"}) {
    Reply reply = SendRaw(server().port(), RawRequest("GET", fmt::format("{}?path={}", kArtifactsPrefix, path)));
    EXPECT_API_ERROR(reply, 400, "INVALID_PARAMETER_VALUE") << "list path=" << path;
  }

  EXPECT_EQ(ReadFile(dir / "canary.txt"), canary_content);
  EXPECT_FALSE(fs::exists(dir / "created-by-attack.txt"));
  EXPECT_FALSE(fs::exists(dir.parent_path() / "canary.txt"));
  EXPECT_EQ(Snapshot(dir, skip), before) << "something outside the destination changed";
  EXPECT_TRUE(fs::is_directory(server().artifacts_dir()));
}

TEST_F(PathTraversalTest, RunArtifactRoutesRejectEscapingPaths) {
  const fs::path dir = server().dir();
  WriteFile(dir / "canary.txt", "canary");
  std::string experiment_id = CreateExperiment("traversal");
  std::string run_id = CreateRun(experiment_id);
  const std::vector<std::string> paths = {"..",          "../..",    "../../..", "../../../canary.txt", "a/../../..",
                                          "/etc/passwd", "\\..\\..", "C:\\x",    std::string("a\0b", 3)};
  for (const std::string& path : paths) {
    SCOPED_TRACE("path: " + path);
    EXPECT_API_ERROR(api().Get("artifacts/list", {{"run_id", run_id}, {"path", path}}), 400, "INVALID_PARAMETER_VALUE");
    EXPECT_API_ERROR(api().Get("/get-artifact", {{"run_id", run_id}, {"path", path}}), 400, "INVALID_PARAMETER_VALUE");
    Reply upload =
        api().Send(HttpMethod::kPost,
                   fmt::format("{}/upload-artifact?run_uuid={}&path={}", kAjaxPrefix, run_id, client::UrlEncode(path)),
                   "evil", {{"Content-Type", "application/octet-stream"}});
    EXPECT_API_ERROR(upload, 400, "INVALID_PARAMETER_VALUE");
  }
  EXPECT_EQ(ReadFile(dir / "canary.txt"), "canary");
}

// ---------------------------------------------------------------------------
// Run artifacts through the tracking API.

class RunArtifactsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    experiment_id_ = CreateExperiment("run-artifacts");
    run_id_ = CreateRun(experiment_id_);
    root_ = fmt::format("{}/{}/artifacts", experiment_id_, run_id_);
  }

  // Uploads through the proxy, as the MLflow client does for
  // mlflow-artifacts:/ artifact URIs.
  void Upload(std::string_view rel, std::string_view content) {
    ASSERT_OK_JSON(api().Send(HttpMethod::kPut, fmt::format("{}/{}/{}", kArtifactsPrefix, root_, rel),
                              std::string(content), {{"Content-Type", "application/octet-stream"}}));
  }

  std::string experiment_id_;
  std::string run_id_;
  std::string root_;
};

TEST_F(RunArtifactsTest, ListIsRelativeToTheRunRoot) {
  Upload("metrics.json", "{}");
  Upload("model/MLmodel", "flavors: {}");
  Upload("model/data/weights.bin", "0123456789");
  const std::string root_uri = fmt::format("mlflow-artifacts:/{}", root_);

  Reply top = api().Get("artifacts/list", {{"run_id", run_id_}});
  ASSERT_OK_JSON(top);
  EXPECT_EQ(
      CanonicalJson(top.body),
      CanonicalJson(fmt::format(R"({{"root_uri":"{}","files":[{{"path":"metrics.json","is_dir":false,"file_size":2}},
                                                                     {{"path":"model","is_dir":true}}]}})",
                                root_uri)));
  Reply model = api().Get("artifacts/list", {{"run_id", run_id_}, {"path", "model"}});
  ASSERT_OK_JSON(model);
  EXPECT_EQ(
      CanonicalJson(model.body),
      CanonicalJson(fmt::format(R"({{"root_uri":"{}","files":[{{"path":"model/MLmodel","is_dir":false,"file_size":11}},
                                                                     {{"path":"model/data","is_dir":true}}]}})",
                                root_uri)));
  Reply nested = api().Get("artifacts/list", {{"run_uuid", run_id_}, {"path", "model/data/"}});
  ASSERT_OK_JSON(nested);
  EXPECT_EQ(nested.json().Canonical("/files"),
            CanonicalJsonAt("/files", R"([{"path":"model/data/weights.bin","is_dir":false,"file_size":10}])"));

  // A run without artifacts: root_uri only.
  std::string empty_run = CreateRun(experiment_id_);
  Reply empty = api().Get("artifacts/list", {{"run_id", empty_run}});
  ASSERT_OK_JSON(empty);
  EXPECT_EQ(
      CanonicalJson(empty.body),
      CanonicalJson(fmt::format(R"({{"root_uri":"mlflow-artifacts:/{}/{}/artifacts"}})", experiment_id_, empty_run)));

  EXPECT_API_ERROR(api().Get("artifacts/list", {{"run_id", "0123456789abcdef0123456789abcdef"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("artifacts/list"), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(RunArtifactsTest, GetArtifactDownloadsFromTheRunRoot) {
  Upload("model/MLmodel", "flavors: {}");
  Reply got = api().Get("/get-artifact", {{"run_id", run_id_}, {"path", "model/MLmodel"}});
  EXPECT_EQ(got.status, 200) << got.Describe();
  EXPECT_EQ(got.body, "flavors: {}");
  EXPECT_API_ERROR(api().Get("/get-artifact", {{"run_id", run_id_}, {"path", "model/missing"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("/get-artifact", {{"run_id", "0123456789abcdef0123456789abcdef"}, {"path", "x"}}), 404,
                   "RESOURCE_DOES_NOT_EXIST");
  EXPECT_API_ERROR(api().Get("/get-artifact", {{"path", "x"}}), 400, "INVALID_PARAMETER_VALUE");
}

TEST_F(RunArtifactsTest, AjaxUploadArtifactStoresUnderTheRunRoot) {
  Reply uploaded = api().Send(HttpMethod::kPost,
                              fmt::format("{}/upload-artifact?run_uuid={}&path=plots/loss.png", kAjaxPrefix, run_id_),
                              "PNGDATA", {{"Content-Type", "application/octet-stream"}});
  ASSERT_OK_JSON(uploaded);
  EXPECT_EQ(CanonicalJson(uploaded.body), "{}");
  EXPECT_EQ(ReadFile(server().artifacts_dir() / root_ / "plots/loss.png"), "PNGDATA");
  Reply listed = api().Get("artifacts/list", {{"run_id", run_id_}, {"path", "plots"}});
  EXPECT_EQ(listed.json().Canonical("/files"),
            CanonicalJsonAt("/files", R"([{"path":"plots/loss.png","is_dir":false,"file_size":7}])"));
  Reply got = api().Get("/get-artifact", {{"run_id", run_id_}, {"path", "plots/loss.png"}});
  EXPECT_EQ(got.body, "PNGDATA");
  EXPECT_EQ(got.content_type, "image/png");

  EXPECT_API_ERROR(api().Send(HttpMethod::kPost, fmt::format("{}/upload-artifact?path=x.txt", kAjaxPrefix), "x",
                              {{"Content-Type", "application/octet-stream"}}),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(api().Send(HttpMethod::kPost, fmt::format("{}/upload-artifact?run_uuid={}", kAjaxPrefix, run_id_),
                              "x", {{"Content-Type", "application/octet-stream"}}),
                   400, "INVALID_PARAMETER_VALUE");
  EXPECT_API_ERROR(
      api().Send(HttpMethod::kPost,
                 fmt::format("{}/upload-artifact?run_uuid=0123456789abcdef0123456789abcdef&path=x", kAjaxPrefix), "x",
                 {{"Content-Type", "application/octet-stream"}}),
      404, "RESOURCE_DOES_NOT_EXIST");
}

// ---------------------------------------------------------------------------
// A 200 MB artifact streams through files on both sides; the server's peak
// RSS stays far below the body size. Own server, so VmHWM is its alone.

class LargeArtifactTest : public ServerTest {
 protected:
  static constexpr int64_t kSize = 200ll << 20;
  static constexpr int64_t kMaxServerRss = 150ll << 20;

  // Deterministic, incompressible-looking content (splitmix64 of the offset).
  static void WritePattern(const fs::path& path, int64_t size) {
    std::ofstream out(path, std::ios::binary);
    std::vector<uint64_t> block(1 << 17);  // 1 MiB
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int64_t written = 0; written < size; written += int64_t(block.size() * 8)) {
      for (auto& word : block) {
        uint64_t z = (x += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        word = z ^ (z >> 31);
      }
      out.write(reinterpret_cast<const char*>(block.data()),
                std::streamsize(std::min<int64_t>(size - written, int64_t(block.size() * 8))));
    }
  }

  static bool SameContent(const fs::path& a, const fs::path& b) {
    std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
    std::vector<char> ba(1 << 20), bb(1 << 20);
    while (fa && fb) {
      fa.read(ba.data(), std::streamsize(ba.size()));
      fb.read(bb.data(), std::streamsize(bb.size()));
      if (fa.gcount() != fb.gcount() || !std::equal(ba.begin(), ba.begin() + fa.gcount(), bb.begin())) return false;
    }
    return fa.eof() && fb.eof();
  }
};

TEST_F(LargeArtifactTest, TwoHundredMegabytesStreamThroughWithBoundedMemory) {
  const fs::path scratch = server().dir() / "large-scratch";
  fs::create_directories(scratch);
  const fs::path source = scratch / "upload.bin";
  const fs::path downloaded = scratch / "download.bin";
  WritePattern(source, kSize);
  ASSERT_EQ(int64_t(fs::file_size(source)), kSize);
  const std::string path = fmt::format("{}/large/blob.bin", kArtifactsPrefix);

  Reply put = api().PutFile(path, source);
  ASSERT_OK_JSON(put);
  const fs::path stored = server().artifacts_dir() / "large/blob.bin";
  ASSERT_EQ(int64_t(fs::file_size(stored)), kSize);
  EXPECT_TRUE(SameContent(source, stored));

  Reply get = api().GetToFile(path, downloaded);
  ASSERT_EQ(get.status, 200) << get.Describe();
  ASSERT_EQ(int64_t(fs::file_size(downloaded)), kSize);
  EXPECT_TRUE(SameContent(source, downloaded));

  Reply listed = api().Get(std::string(kArtifactsPrefix), {{"path", "large"}});
  EXPECT_EQ(CanonicalJson(listed.body),
            CanonicalJson(fmt::format(R"({{"files":[{{"path":"blob.bin","is_dir":false,"file_size":{}}}]}})", kSize)));

  auto peak = server().PeakRssBytes();
  ASSERT_TRUE(peak.has_value());
  RecordProperty("server_peak_rss_mib", int(*peak >> 20));
  EXPECT_LT(*peak, kMaxServerRss) << "server VmHWM " << (*peak >> 20) << " MiB after a " << (kSize >> 20)
                                  << " MiB upload and download";
  std::error_code ignored;
  fs::remove_all(scratch, ignored);
}

}  // namespace
}  // namespace cairn::integration
