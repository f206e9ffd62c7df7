// /model-versions/* handlers, including copy-on-register: a version created
// from a run's files (runs:/<run_id>/<path>, or a path under the run's
// artifact root) gets its own copy of those files under the registry's
// storage root, recorded as its storage location, so deleting the run or
// its artifacts later never breaks the version.
#include <cctype>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "artifacts/artifact_path.h"
#include "base/ids.h"
#include "base/logging.h"
#include "frontends/http/status_mapping.h"
#include "frontends/mlflow_rest/handler_util.h"
#include "frontends/mlflow_rest/mlflow_routes.h"
#include "frontends/mlflow_rest/registry_handler_util.h"
#include "mlflow_wire/registry_encode.h"
#include "registry/model_uri.h"
#include "registry/validation.h"

namespace cairn::frontends {
namespace {

namespace ep = mlflow_wire::endpoints;
namespace fs = std::filesystem;
using artifacts::ResolvedLocation;
using registry::RegistryStore;

std::string ModelVersionJson(const registry::ModelVersion& version) {
  JsonWriter w;
  w.StartObject().Key("model_version");
  mlflow_wire::WriteModelVersion(w, version);
  w.EndObject();
  return w.str();
}

Result<std::string> RequireName(const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, params.RequireString("name"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateModelName(name));
  return name;
}

struct VersionKey {
  std::string name;
  int64_t version = 0;
};

Result<VersionKey> RequireVersionKey(const RequestParams& params) {
  VersionKey key;
  CAIRN_ASSIGN_OR_RETURN(key.name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(key.version, RequireVersion(params));
  return key;
}

// --- copy-on-register ---

bool IsLocalUri(std::string_view uri) {
  size_t colon = uri.find(':');
  size_t slash = uri.find('/');
  bool has_scheme = colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash) && colon > 1;
  return !has_scheme || uri.substr(0, 5) == "file:";
}

// file:///a/b, file:/a/b, /a/b, a/b -> a normalised absolute path.
fs::path LocalPathOf(std::string_view uri) {
  if (uri.substr(0, 5) == "file:") {
    uri.remove_prefix(5);
    if (uri.substr(0, 2) == "//") uri.remove_prefix(2);
  }
  std::error_code ec;
  fs::path path = fs::absolute(fs::path(std::string(uri)), ec);
  return (ec ? fs::path(std::string(uri)) : path).lexically_normal();
}

bool IsWithin(const fs::path& path, const fs::path& root) {
  auto root_text = root.string();
  while (root_text.size() > 1 && root_text.back() == '/') root_text.pop_back();
  auto text = path.string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text == root_text || text.rfind(root_text + "/", 0) == 0;
}

// A path segment derived from the model name, for people browsing the
// storage root; the random id below it is what makes the location unique.
std::string StorageSegment(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 100)) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    out += keep ? c : '_';
  }
  if (out.find_first_not_of('.') == std::string::npos) out = "model";
  return out;
}

class TreeCopier {
 public:
  TreeCopier(const ResolvedLocation& to, fs::path scratch) : to_(to), scratch_(std::move(scratch)) {}

  // Copies `from_path` (a file or a directory, recursively) of `from` to
  // `to_path` of the destination. Adds to files_copied().
  Status Copy(artifacts::ArtifactRepository& from, const std::string& from_path, const std::string& to_path) {
    auto listing = from.List(from_path);
    if (!listing.ok()) return listing.error();
    for (const auto& entry : *listing) {
      std::string_view name = entry.path;
      if (size_t slash = name.rfind('/'); slash != std::string_view::npos) name.remove_prefix(slash + 1);
      std::string target = artifacts::JoinArtifactPath(to_path, name);
      if (entry.is_dir) {
        CAIRN_RETURN_IF_ERROR(Copy(from, entry.path, target));
      } else {
        CAIRN_RETURN_IF_ERROR(CopyFile(from, entry.path, target));
      }
    }
    return Status::Ok();
  }

  Status CopyFile(artifacts::ArtifactRepository& from, const std::string& from_path, const std::string& to_path) {
    CAIRN_ASSIGN_OR_RETURN(auto file, from.Open(from_path));
    // Put takes the file over (it may rename it), so hand it a private copy.
    fs::path tmp = scratch_ / fmt::format("cairn-register-{}", NewUuidHex());
    std::error_code ec;
    fs::create_directories(scratch_, ec);
    fs::copy_file(file.local_path, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      return Internal("Could not copy the model files into the registry.",
                      fmt::format("copy {} -> {}: {}", file.local_path, tmp.string(), ec.message()));
    }
    Status put = to_.repository->Put(artifacts::JoinArtifactPath(to_.path, to_path), tmp.string());
    if (!put.ok()) {
      fs::remove(tmp, ec);
      return put;
    }
    ++files_copied_;
    return Status::Ok();
  }

  int64_t files_copied() const { return files_copied_; }

 private:
  ResolvedLocation to_;
  fs::path scratch_;
  int64_t files_copied_ = 0;
};

// Local locations resolve to a repository rooted at the directory itself, so
// resolve the parent and address the last segment inside it: that works for
// a file as well as a directory.
Result<ResolvedLocation> ResolveSource(const RegistryContext& context, const std::string& uri) {
  if (!IsLocalUri(uri)) return context.artifacts.Resolve(uri);
  std::string_view text = uri;
  while (text.size() > 1 && text.back() == '/') text.remove_suffix(1);
  size_t slash = text.rfind('/');
  if (slash == std::string_view::npos || slash + 1 >= text.size()) return context.artifacts.Resolve(uri);
  CAIRN_ASSIGN_OR_RETURN(ResolvedLocation parent, context.artifacts.Resolve(text.substr(0, slash + 1)));
  parent.path = artifacts::JoinArtifactPath(parent.path, text.substr(slash + 1));
  return parent;
}

// Where a new version's files live. `request` carries the source as given
// and the run id (filled in from a runs:/ source when absent). Copies run
// files into `context.model_storage_root` when the source names them;
// `*copied_to` is set to the copy's root so a failed registration can remove
// it again.
Result<std::string> PlaceVersionFiles(const RegistryContext& context, registry::CreateModelVersionRequest& request,
                                      std::string* copied_to) {
  const std::string& source = request.source;
  std::string from_uri;  // run files to copy, "" = reference the source as is
  if (source.rfind("models:", 0) == 0) {
    // Another version (copy_model_version): share its storage.
    CAIRN_ASSIGN_OR_RETURN(auto uri, registry::ParseModelUri(source));
    return registry::ResolveArtifactUri(context.registry, context.tracking, uri);
  }
  if (source.rfind("runs:", 0) == 0) {
    CAIRN_ASSIGN_OR_RETURN(auto uri, registry::ParseModelUri(source));
    if (request.run_id.empty()) request.run_id = uri.run_id;
    CAIRN_ASSIGN_OR_RETURN(from_uri, registry::ResolveArtifactUri(context.registry, context.tracking, uri));
  } else if (IsLocalUri(source)) {
    // MLflow's rule: a local path is only accepted inside the artifact
    // directory of the run named by run_id (no reading arbitrary files).
    Status refuse = InvalidArgument(fmt::format(
        "Invalid model version source: '{}'. To use a local path as a model version source, the run_id request "
        "parameter has to be specified and the local path has to be contained within the artifact directory of the "
        "run specified by the run_id.",
        source.substr(0, 500)));
    if (request.run_id.empty()) return refuse;
    auto run = context.tracking.GetRun(request.run_id);
    if (!run.ok()) return run.status().code() == StatusCode::kNotFound ? refuse : run.status();
    const std::string& root = run->info.artifact_uri;
    if (!IsLocalUri(root) || !IsWithin(LocalPathOf(source), LocalPathOf(root))) return refuse;
    from_uri = source;
  } else if (!request.run_id.empty()) {
    // The run's own artifact URI (what older clients send after resolving
    // runs:/ themselves).
    auto run = context.tracking.GetRun(request.run_id);
    if (run.ok()) {
      std::string root = run->info.artifact_uri;
      while (!root.empty() && root.back() == '/') root.pop_back();
      if (!root.empty() && (source == root || source.rfind(root + "/", 0) == 0)) from_uri = source;
    } else if (run.status().code() != StatusCode::kNotFound) {
      return run.status();
    }
  }
  if (from_uri.empty() || context.model_storage_root.empty()) return from_uri.empty() ? source : from_uri;

  auto resolved = ResolveSource(context, from_uri);
  if (!resolved.ok()) {
    // A scheme this server has no repository for (a run on s3:// when the
    // server was given such a root): the files stay where the run put them.
    if (resolved.status().code() == StatusCode::kInvalidArgument && !IsLocalUri(from_uri)) return from_uri;
    return resolved.status();
  }
  ResolvedLocation from = std::move(*resolved);
  std::string root = context.model_storage_root;
  while (!root.empty() && root.back() == '/') root.pop_back();
  std::string relative = fmt::format("{}/{}", StorageSegment(request.name), NewUuidHex());
  std::string dest_uri = fmt::format("{}/{}", root, relative);
  // Resolve the root, not each version's directory: a file:// root then
  // maps to one repository however many versions are registered.
  CAIRN_ASSIGN_OR_RETURN(ResolvedLocation to, context.artifacts.Resolve(root));
  to.path = artifacts::JoinArtifactPath(to.path, relative);
  fs::path scratch = context.scratch_dir.empty() ? fs::temp_directory_path() : fs::path(context.scratch_dir);
  TreeCopier copier(to, scratch);
  *copied_to = dest_uri;
  if (auto single = from.repository->Open(from.path); single.ok()) {
    // The source is one file: keep its name inside the version's directory.
    std::string_view base = from.path;
    if (size_t slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
    CAIRN_RETURN_IF_ERROR(copier.CopyFile(*from.repository, from.path, std::string(base)));
    return fmt::format("{}/{}", dest_uri, base);
  }
  CAIRN_RETURN_IF_ERROR(copier.Copy(*from.repository, from.path, ""));
  if (copier.files_copied() == 0) {
    // Nothing there (yet): a copy would be empty forever, so the version
    // refers to the run's location instead, as MLflow's versions always do.
    copied_to->clear();
    return from_uri;
  }
  return dest_uri;
}

void RemoveCopy(const RegistryContext& context, const std::string& uri) {
  if (uri.empty()) return;
  auto location = context.artifacts.Resolve(uri);
  if (!location.ok()) return;
  Status removed = location->repository->Delete(location->path);
  if (!removed.ok() && removed.code() != StatusCode::kNotFound) {
    CAIRN_LOG(kWarn, "registry", "could not remove the partial copy at {}: {}", uri, removed.ToString());
  }
}

Result<std::string> CreateModelVersion(const RegistryContext& context, const RequestParams& params,
                                       const HttpRequest& http_request) {
  registry::CreateModelVersionRequest request;
  CAIRN_ASSIGN_OR_RETURN(request.name, RequireName(params));
  CAIRN_ASSIGN_OR_RETURN(request.source, params.RequireString("source"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateModelVersionSource(request.source));
  CAIRN_ASSIGN_OR_RETURN(auto run_id, params.GetString("run_id"));
  request.run_id = run_id.value_or("");
  CAIRN_ASSIGN_OR_RETURN(request.tags, ReadRegistryTagList(params, "tags"));
  CAIRN_ASSIGN_OR_RETURN(auto run_link, params.GetString("run_link"));
  request.run_link = run_link.value_or("");
  CAIRN_ASSIGN_OR_RETURN(auto description, params.GetString("description"));
  request.description = description.value_or("");
  CAIRN_RETURN_IF_ERROR(registry::ValidateDescription(request.description));
  CAIRN_ASSIGN_OR_RETURN(auto model_id, params.GetString("model_id"));
  request.model_id = model_id.value_or("");

  // Unknown model: fail before copying anything.
  CAIRN_RETURN_IF_ERROR(context.registry.GetRegisteredModel(request.name).status());
  std::string copied_to;
  auto storage = PlaceVersionFiles(context, request, &copied_to);
  if (!storage.ok()) {
    RemoveCopy(context, copied_to);
    return storage.error();
  }
  request.storage_location = std::move(*storage);
  auto version = context.registry.CreateModelVersion(ActorOf(http_request), request);
  if (!version.ok()) {
    RemoveCopy(context, copied_to);
    return version.error();
  }
  return ModelVersionJson(*version);
}

Result<std::string> GetModelVersion(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  CAIRN_ASSIGN_OR_RETURN(auto version, store.GetModelVersion(key.name, key.version));
  return ModelVersionJson(version);
}

Result<std::string> UpdateModelVersion(RegistryStore& store, const RequestParams& params, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  CAIRN_ASSIGN_OR_RETURN(auto description, params.GetString("description"));
  std::string text = description.value_or("");
  CAIRN_RETURN_IF_ERROR(registry::ValidateDescription(text));
  CAIRN_ASSIGN_OR_RETURN(auto version, store.UpdateModelVersion(ActorOf(request), key.name, key.version, text));
  return ModelVersionJson(version);
}

Result<std::string> DeleteModelVersion(RegistryStore& store, const RequestParams& params, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  CAIRN_RETURN_IF_ERROR(store.DeleteModelVersion(ActorOf(request), key.name, key.version));
  return std::string(kEmptyJson);
}

Result<std::string> SearchModelVersions(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto search, ReadRegistrySearch(params, registry::kDefaultSearchModelVersions,
                                                          registry::kMaxSearchModelVersions));
  CAIRN_ASSIGN_OR_RETURN(auto page, store.SearchModelVersions(search));
  JsonWriter w;
  w.StartObject();
  if (!page.items.empty()) {
    w.Key("model_versions").StartArray();
    for (const auto& v : page.items) mlflow_wire::WriteModelVersion(w, v);
    w.EndArray();
  }
  w.FieldIfNotEmpty("next_page_token", page.next_page_token);
  w.EndObject();
  return w.str();
}

Result<std::string> TransitionStage(RegistryStore& store, const RequestParams& params, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  CAIRN_ASSIGN_OR_RETURN(std::string stage_name, params.RequireString("stage"));
  CAIRN_ASSIGN_OR_RETURN(auto stage, registry::ParseStageArgument(stage_name));
  CAIRN_ASSIGN_OR_RETURN(auto archive, params.GetBool("archive_existing_versions"));
  if (!archive) return RequestParams::Missing("archive_existing_versions");
  CAIRN_RETURN_IF_ERROR(registry::ValidateArchiveExisting(stage, *archive));
  CAIRN_ASSIGN_OR_RETURN(auto version,
                         store.TransitionStage(ActorOf(request), key.name, key.version, stage, *archive));
  return ModelVersionJson(version);
}

Result<std::string> GetDownloadUri(RegistryStore& store, const RequestParams& params) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  CAIRN_ASSIGN_OR_RETURN(auto version, store.GetModelVersion(key.name, key.version));
  JsonWriter w;
  w.StartObject().Field("artifact_uri", registry::VersionArtifactUri(version)).EndObject();
  return w.str();
}

Result<std::string> SetModelVersionTag(RegistryStore& store, const RequestParams& params, const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  registry::Tag tag;
  CAIRN_ASSIGN_OR_RETURN(tag.key, params.RequireString("key"));
  CAIRN_ASSIGN_OR_RETURN(auto value, params.GetString("value"));
  if (!value) return RequestParams::Missing("value");
  tag.value = std::move(*value);
  CAIRN_RETURN_IF_ERROR(registry::ValidateRegistryTag(tag));
  CAIRN_RETURN_IF_ERROR(store.SetModelVersionTag(ActorOf(request), key.name, key.version, tag));
  return std::string(kEmptyJson);
}

Result<std::string> DeleteModelVersionTag(RegistryStore& store, const RequestParams& params,
                                          const HttpRequest& request) {
  CAIRN_ASSIGN_OR_RETURN(auto key, RequireVersionKey(params));
  CAIRN_ASSIGN_OR_RETURN(std::string tag_key, params.RequireString("key"));
  CAIRN_RETURN_IF_ERROR(registry::ValidateRegistryTagKey(tag_key));
  CAIRN_RETURN_IF_ERROR(store.DeleteModelVersionTag(ActorOf(request), key.name, key.version, tag_key));
  return std::string(kEmptyJson);
}

// GET /model-versions/get-artifact?name=&version=&path=: a file of the
// version, streamed from its storage location.
HttpResponse DownloadVersionArtifact(const RegistryContext& context, HttpRequest& request) {
  auto params = RequestParams::FromRequest(request);
  if (!params) return ErrorResponse(params.error());
  auto key = RequireVersionKey(*params);
  if (!key) return ErrorResponse(key.error());
  auto raw = params->GetString("path");
  if (!raw) return ErrorResponse(raw.error());
  auto path = artifacts::ValidateArtifactPath(raw->value_or(""));
  if (!path) return ErrorResponse(path.error());
  auto version = context.registry.GetModelVersion(key->name, key->version);
  if (!version) return ErrorResponse(version.error());
  auto root = context.artifacts.Resolve(registry::VersionArtifactUri(*version));
  if (!root) return ErrorResponse(root.error());
  return DownloadArtifact(*root->repository, artifacts::JoinArtifactPath(root->path, *path));
}

}  // namespace

void RegisterRegistryVersionRoutes(Router& router, const RegistryContext& context) {
  RegistryStore& store = context.registry;
  auto with_actor = [&router, &store](const mlflow_wire::Endpoint& endpoint,
                                      Result<std::string> (*fn)(RegistryStore&, const RequestParams&,
                                                                const HttpRequest&)) {
    AddRegistryRoute(router, endpoint,
                     [&store, fn](const RequestParams& params, const HttpRequest& request) {
                       return fn(store, params, request);
                     });
  };
  auto read_only = [&router, &store](const mlflow_wire::Endpoint& endpoint,
                                     Result<std::string> (*fn)(RegistryStore&, const RequestParams&)) {
    AddRegistryRoute(router, endpoint,
                     [&store, fn](const RequestParams& params, const HttpRequest&) { return fn(store, params); });
  };
  AddRegistryRoute(router, ep::kCreateModelVersion,
                   [context](const RequestParams& params, const HttpRequest& request) {
                     return CreateModelVersion(context, params, request);
                   });
  read_only(ep::kGetModelVersion, GetModelVersion);
  with_actor(ep::kUpdateModelVersion, UpdateModelVersion);
  with_actor(ep::kDeleteModelVersion, DeleteModelVersion);
  read_only(ep::kSearchModelVersions, SearchModelVersions);
  with_actor(ep::kTransitionModelVersionStage, TransitionStage);
  read_only(ep::kGetModelVersionDownloadUri, GetDownloadUri);
  with_actor(ep::kSetModelVersionTag, SetModelVersionTag);
  with_actor(ep::kDeleteModelVersionTag, DeleteModelVersionTag);
  router.Add(Route{"GET", std::string(mlflow_wire::kModelVersionArtifactPath), false, false,
                   WrapRaw([context](HttpRequest& request) { return DownloadVersionArtifact(context, request); })});
}

}  // namespace cairn::frontends
