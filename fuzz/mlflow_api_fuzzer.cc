// The MLflow REST API in process: every tracking, registry, logged-model,
// lineage and artifact-proxy handler behind the real Router, over the real
// SQL store (SQLite in memory) and a local artifact directory, as
// `cairn server` wires them. An input is one request:
//   METHOD /path?query\n
//   body...
// A handler must answer anything with a 2xx or 4xx (501 where MLflow does)
// and never crash; state accumulates across inputs as on a live server, so
// later requests meet the experiments, runs and models earlier ones made.
// Only the mlflow-artifacts scheme resolves (to a temp directory): no input
// can make the fuzzer touch files elsewhere.
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "artifacts/artifact_repository_registry.h"
#include "artifacts/local/local_artifact_repository.h"
#include "base/logging.h"
#include "frontends/http/router.h"
#include "frontends/mlflow_rest/mlflow_api.h"
#include "store/store_factory.h"

namespace {

namespace fs = std::filesystem;
using namespace cairn;

struct Api {
  fs::path dir;
  store::Stores stores;
  std::unique_ptr<artifacts::LocalArtifactRepository> repo;
  artifacts::ArtifactRepositoryRegistry registry;
  frontends::Router router;

  Api() {
    SetLogLevel(LogLevel::kOff);  // handlers log 5xx answers; millions of lines would drown a finding
    dir = fs::temp_directory_path() / ("cairn-fuzz-api-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "spool");
    store::StoreOptions options;
    options.uri = "sqlite:///:memory:";
    options.default_artifact_root = "mlflow-artifacts:";
    stores = std::move(store::OpenStores(options)).value();
    repo = std::move(artifacts::LocalArtifactRepository::Create((dir / "artifacts").string())).value();
    artifacts::ArtifactRepository* proxied = repo.get();
    registry.Register("mlflow-artifacts", [proxied](std::string_view rest) -> Result<artifacts::ResolvedLocation> {
      while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
      return artifacts::ResolvedLocation{proxied, std::string(rest)};
    });
    frontends::MlflowApiDeps deps;
    deps.store = stores.tracking.get();
    deps.artifacts = &registry;
    deps.proxied_artifacts = proxied;
    deps.version = "fuzz";
    deps.registry = stores.registry.get();
    deps.model_storage_root = "mlflow-artifacts:/models";
    deps.scratch_dir = (dir / "scratch").string();
    frontends::RegisterMlflowApi(router, deps);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Api* api = new Api();  // lives for the process, as the server's does
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  std::string_view line = input.substr(0, eol);
  std::string_view body = eol == std::string_view::npos ? std::string_view() : input.substr(eol + 1);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;

  frontends::HttpRequest request;
  request.method = std::string(line.substr(0, space));
  std::string_view target = line.substr(space + 1);
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.content_type = "application/json";
  request.peer = "127.0.0.1";

  auto match = api->router.Find(request.method, request.path);
  if (match.kind != frontends::Router::MatchKind::kFound) return 0;
  const fs::path spool = api->dir / "spool" / "body";
  if (match.route->streams_request_body) {
    std::ofstream(spool, std::ios::binary).write(body.data(), static_cast<std::streamsize>(body.size()));
    request.body_file = spool.string();
  } else {
    request.body = std::string(body);
  }
  frontends::HttpResponse response = match.route->handler(request);
  // Anything a client sends is a 2xx or a 4xx here: the store and the disk
  // are healthy, so a 5xx means hostile input was taken for a server fault.
  // (501: multipart uploads, which a local destination does not offer, as
  // in MLflow.)
  if (response.status < 200 || (response.status >= 500 && response.status != 501)) {
    std::fprintf(stderr, "HTTP %d for %s %s: %s\n", response.status, request.method.c_str(), request.path.c_str(),
                 response.body.substr(0, 500).c_str());
    __builtin_trap();
  }
  std::error_code ignored;
  fs::remove(spool, ignored);
  return 0;
}
