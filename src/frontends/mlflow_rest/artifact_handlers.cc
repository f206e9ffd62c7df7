// Artifact routes: the tracking-side /artifacts/list, the mlflow-artifacts
// proxy (upload, download, list, delete — bodies streamed through files, never
// held in memory), and the UI's /get-artifact and upload-artifact routes.
#include <fmt/format.h>

#include "artifacts/artifact_path.h"
#include "frontends/http/status_mapping.h"
#include "frontends/http/url.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "mlflow_wire/endpoints.h"

namespace cairn::frontends {
namespace {

using artifacts::ArtifactRepository;
using artifacts::ArtifactRepositoryRegistry;
using artifacts::FileInfo;
using artifacts::JoinArtifactPath;
using tracking::TrackingStore;

std::string_view GuessContentType(std::string_view path) {
  struct Entry {
    std::string_view ext, type;
  };
  static constexpr Entry kTypes[] = {
      {".json", "application/json"}, {".txt", "text/plain"},       {".log", "text/plain"},
      {".csv", "text/csv"},          {".html", "text/html"},       {".md", "text/markdown"},
      {".yaml", "text/yaml"},        {".yml", "text/yaml"},        {".png", "image/png"},
      {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},      {".gif", "image/gif"},
      {".svg", "image/svg+xml"},     {".pdf", "application/pdf"},  {".parquet", "application/octet-stream"},
  };
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    std::string_view ext = path.substr(dot);
    for (const auto& entry : kTypes) {
      if (entry.ext == ext) return entry.type;
    }
  }
  return "application/octet-stream";
}

// Percent-decodes then validates a path taken from a URL.
Result<std::string> DecodeUrlPath(std::string_view raw) {
  auto decoded = PercentDecode(raw, false);
  if (!decoded) return InvalidArgument("Invalid path");
  return artifacts::ValidateArtifactPath(*decoded);
}

HttpResponse Download(ArtifactRepository& repo, const std::string& path) {
  auto file = repo.Open(path);
  if (!file) return ErrorResponse(file.error());
  HttpResponse response;
  response.content_type = std::string(GuessContentType(path));
  response.file_path = file->local_path;
  std::string_view name = path;
  if (size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string safe_name;
  for (char c : name) safe_name += (c == '"' || c == '\\') ? '_' : c;
  response.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", safe_name));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

HttpResponse Upload(ArtifactRepository& repo, const std::string& path, const HttpRequest& request) {
  if (path.empty()) return ErrorResponse(InvalidArgument("Invalid path"));
  Status status = repo.Put(path, request.body_file);
  if (!status.ok()) return ErrorResponse(status);
  return HttpResponse::Json(std::string(kEmptyJson));
}

void WriteFiles(JsonWriter& w, const std::vector<FileInfo>& files) {
  if (files.empty()) return;
  w.Key("files").StartArray();
  for (const auto& f : files) {
    w.StartObject().Field("path", f.path).Field("is_dir", f.is_dir);
    if (!f.is_dir) w.Field("file_size", f.file_size);
    w.EndObject();
  }
  w.EndArray();
}

// A run's artifact root as a repository location.
Result<artifacts::ResolvedLocation> RunArtifactRoot(TrackingStore& store, ArtifactRepositoryRegistry& registry,
                                                    const std::string& run_id, std::string* root_uri) {
  CAIRN_ASSIGN_OR_RETURN(auto run, store.GetRun(run_id));
  if (root_uri) *root_uri = run.info.artifact_uri;
  return registry.Resolve(run.info.artifact_uri);
}

Result<std::string> ListRunArtifacts(TrackingStore& store, ArtifactRepositoryRegistry& registry,
                                     const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string run_id, RequireRunId(params));
  CAIRN_ASSIGN_OR_RETURN(auto raw_path, params.GetString("path"));
  CAIRN_ASSIGN_OR_RETURN(std::string path, artifacts::ValidateArtifactPath(raw_path.value_or("")));
  std::string root_uri;
  CAIRN_ASSIGN_OR_RETURN(auto root, RunArtifactRoot(store, registry, run_id, &root_uri));
  CAIRN_ASSIGN_OR_RETURN(auto files, root.repository->List(JoinArtifactPath(root.path, path)));
  // Paths relative to the run's artifact root.
  size_t strip = root.path.empty() ? 0 : root.path.size() + 1;
  for (auto& f : files) f.path = f.path.substr(std::min(strip, f.path.size()));
  JsonWriter w;
  w.StartObject().Field("root_uri", root_uri);
  WriteFiles(w, files);
  w.EndObject();
  return w.str();
}

void RegisterProxyRoutes(Router& router, ArtifactRepository* proxied) {
  const std::string base = fmt::format("{}{}", mlflow_wire::kArtifactsApiPrefix, mlflow_wire::kArtifactsPath);
  const std::string file_prefix = base + "/";
  auto unavailable = [](HttpRequest&) {
    return HttpResponse::Text("Endpoint: disabled due to the mlflow server running with `--no-serve-artifacts`.", 503);
  };
  if (proxied == nullptr) {
    for (const char* method : {"GET", "PUT", "DELETE"}) {
      router.Add(Route{method, file_prefix, true, false, unavailable});
    }
    router.Add(Route{"GET", base, false, false, unavailable});
    return;
  }
  ArtifactRepository& repo = *proxied;
  auto path_of = [file_prefix](const HttpRequest& request) {
    return DecodeUrlPath(std::string_view(request.path).substr(file_prefix.size()));
  };
  router.Add(Route{"PUT", file_prefix, true, true, WrapRaw([&repo, path_of](HttpRequest& request) {
                     auto path = path_of(request);
                     if (!path) return ErrorResponse(path.error());
                     return Upload(repo, *path, request);
                   })});
  router.Add(Route{"GET", file_prefix, true, false, WrapRaw([&repo, path_of](HttpRequest& request) {
                     auto path = path_of(request);
                     if (!path) return ErrorResponse(path.error());
                     return Download(repo, *path);
                   })});
  router.Add(Route{"DELETE", file_prefix, true, false, WrapRaw([&repo, path_of](HttpRequest& request) {
                     auto path = path_of(request);
                     if (!path) return ErrorResponse(path.error());
                     if (path->empty()) return ErrorResponse(InvalidArgument("Invalid path"));
                     Status status = repo.Delete(*path);
                     if (!status.ok()) return ErrorResponse(status);
                     return HttpResponse::Json(std::string(kEmptyJson));
                   })});
  // GET .../artifacts?path=<dir>: one level, basenames only (unlike the
  // tracking-side list).
  router.Add(Route{"GET", base, false, false,
                   WrapJson([&repo](const RequestParams& params, const HttpRequest&) -> Result<std::string> {
                     CAIRN_ASSIGN_OR_RETURN(auto raw, params.GetString("path"));
                     CAIRN_ASSIGN_OR_RETURN(std::string dir, artifacts::ValidateArtifactPath(raw.value_or("")));
                     CAIRN_ASSIGN_OR_RETURN(auto files, repo.List(dir));
                     for (auto& f : files) f.path = f.path.substr(f.path.rfind('/') + 1);
                     JsonWriter w;
                     w.StartObject();
                     WriteFiles(w, files);
                     w.EndObject();
                     return w.str();
                   })});
  // Multipart upload needs a destination with presigned part URLs (S3);
  // local storage does not have them, as in MLflow.
  router.Add(Route{"POST", fmt::format("{}/mpu/", mlflow_wire::kArtifactsApiPrefix), true, false,
                   [](HttpRequest&) {
                     return ErrorResponse(Unimplemented(
                         "Multipart upload is not supported for the current artifact destination."));
                   }});
}

}  // namespace

HttpResponse DownloadArtifact(ArtifactRepository& repo, const std::string& path) { return Download(repo, path); }

void RegisterArtifactRoutes(Router& router, TrackingStore& store, ArtifactRepositoryRegistry& registry,
                            ArtifactRepository* proxied) {
  AddMlflowRoute(router, "GET", mlflow_wire::endpoints::kListArtifacts.path,
                 WrapJson([&store, &registry](const RequestParams& params, const HttpRequest&) {
                   return ListRunArtifacts(store, registry, params);
                 }));
  RegisterProxyRoutes(router, proxied);

  // UI download route: /get-artifact?run_id=&path=
  router.Add(Route{"GET", "/get-artifact", false, false, WrapRaw([&store, &registry](HttpRequest& request) {
                     auto params = RequestParams::FromRequest(request);
                     if (!params) return ErrorResponse(params.error());
                     auto run_id = RequireRunId(*params);
                     if (!run_id) return ErrorResponse(run_id.error());
                     auto raw = params->GetString("path");
                     if (!raw) return ErrorResponse(raw.error());
                     auto path = artifacts::ValidateArtifactPath(raw->value_or(""));
                     if (!path) return ErrorResponse(path.error());
                     auto root = RunArtifactRoot(store, registry, *run_id, nullptr);
                     if (!root) return ErrorResponse(root.error());
                     return Download(*root->repository, JoinArtifactPath(root->path, *path));
                   })});
  // UI upload route: POST /ajax-api/2.0/mlflow/upload-artifact?run_uuid=&path=
  router.Add(Route{"POST", fmt::format("{}/upload-artifact", mlflow_wire::kAjaxApiPrefix), false, true,
                   WrapRaw([&store, &registry](HttpRequest& request) {
                     HttpRequest query_only = request;
                     query_only.method = "GET";  // parameters come from the query string
                     auto params = RequestParams::FromRequest(query_only);
                     if (!params) return ErrorResponse(params.error());
                     auto run_id = RequireRunId(*params);
                     if (!run_id) return ErrorResponse(run_id.error());
                     auto raw = params->GetString("path");
                     if (!raw) return ErrorResponse(raw.error());
                     auto path = artifacts::ValidateArtifactPath(raw->value_or(""));
                     if (!path) return ErrorResponse(path.error());
                     auto root = RunArtifactRoot(store, registry, *run_id, nullptr);
                     if (!root) return ErrorResponse(root.error());
                     return Upload(*root->repository, JoinArtifactPath(root->path, *path), request);
                   })});
}

}  // namespace cairn::frontends
