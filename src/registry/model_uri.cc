#include "registry/model_uri.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace cairn::registry {
namespace {

constexpr std::string_view kModelsScheme = "models:";
constexpr std::string_view kRunsScheme = "runs:";

Status Invalid(std::string_view uri, std::string_view why) {
  return InvalidArgument(fmt::format(
      "Invalid model URI '{}': {}. Expected models:/<name>/<version>, models:/<name>/<stage>, "
      "models:/<name>/latest, models:/<name>@<alias>, models:/<model_id> or runs:/<run_id>/<path>.",
      uri.substr(0, 300), why));
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool IsAliasChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// The part after "<scheme>:" without its leading "/"; a "//host" part is
// refused (MLflow uses it for Databricks profiles, which cairn does not have).
Result<std::string_view> PathOf(std::string_view uri, std::string_view rest) {
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    if (!host.empty()) return Invalid(uri, "a registry host part is not supported");
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  if (rest.empty() || rest.front() != '/') return Invalid(uri, "the path must start with '/'");
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (rest.find_first_of("?#") != std::string_view::npos) return Invalid(uri, "query strings are not supported");
  return rest;
}

Result<ModelUri> ParseRunsUri(std::string_view uri) {
  CAIRN_ASSIGN_OR_RETURN(std::string_view path, PathOf(uri, uri.substr(kRunsScheme.size())));
  ModelUri out;
  out.kind = ModelUri::Kind::kRun;
  size_t slash = path.find('/');
  out.run_id = std::string(path.substr(0, slash));
  if (out.run_id.empty()) return Invalid(uri, "the run id is missing");
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  // Normalise: drop empty and "." segments; refuse ".." and backslashes so a
  // URI can never climb out of the run's artifact root.
  std::string clean;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view segment = rest.substr(start, end - start);
    if (segment == "..") return Invalid(uri, "'..' is not allowed in a run artifact path");
    if (segment.find('\\') != std::string_view::npos) return Invalid(uri, "backslashes are not allowed");
    if (!segment.empty() && segment != ".") {
      if (!clean.empty()) clean += '/';
      clean += segment;
    }
    start = end + 1;
  }
  out.path = std::move(clean);
  return out;
}

Result<ModelUri> ParseModelsUri(std::string_view uri) {
  CAIRN_ASSIGN_OR_RETURN(std::string_view path, PathOf(uri, uri.substr(kModelsScheme.size())));
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return Invalid(uri, "the model name is missing");
  ModelUri out;
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) {
    size_t at = path.rfind('@');
    if (at == std::string_view::npos) {
      out.kind = ModelUri::Kind::kLoggedModel;
      out.model_id = std::string(path);
      return out;
    }
    out.kind = ModelUri::Kind::kAlias;
    out.name = std::string(path.substr(0, at));
    out.alias = std::string(path.substr(at + 1));
    if (out.name.empty()) return Invalid(uri, "the model name is missing");
    if (out.alias.empty() || !std::all_of(out.alias.begin(), out.alias.end(), IsAliasChar)) {
      return Invalid(uri, "the alias must be letters, digits, '_' or '-'");
    }
    return out;
  }
  out.name = std::string(path.substr(0, slash));
  std::string_view suffix = path.substr(slash + 1);
  if (out.name.empty()) return Invalid(uri, "the model name is missing");
  if (suffix.find('/') != std::string_view::npos) return Invalid(uri, "too many path segments");
  if (AllDigits(suffix)) {
    // Leading zeros and huge numbers are not versions anyone was given.
    if (suffix.size() > 18 || suffix.front() == '0') return Invalid(uri, "the version must be a positive integer");
    out.kind = ModelUri::Kind::kVersion;
    out.version = std::stoll(std::string(suffix));
    return out;
  }
  if (EqualsIgnoreCase(suffix, "latest")) {
    out.kind = ModelUri::Kind::kLatest;
    return out;
  }
  auto stage = ParseStage(suffix);
  if (!stage) return Invalid(uri, fmt::format("'{}' is neither a version, 'latest' nor a stage", suffix.substr(0, 100)));
  out.kind = ModelUri::Kind::kStage;
  out.stage = *stage;
  return out;
}

}  // namespace

bool IsModelUri(std::string_view uri) {
  return uri.substr(0, kModelsScheme.size()) == kModelsScheme || uri.substr(0, kRunsScheme.size()) == kRunsScheme;
}

Result<ModelUri> ParseModelUri(std::string_view uri) {
  if (uri.substr(0, kModelsScheme.size()) == kModelsScheme) return ParseModelsUri(uri);
  if (uri.substr(0, kRunsScheme.size()) == kRunsScheme) return ParseRunsUri(uri);
  return Invalid(uri, "unknown scheme");
}

std::string VersionArtifactUri(const ModelVersion& version) {
  return version.storage_location.empty() ? version.source : version.storage_location;
}

Result<ModelVersion> ResolveModelVersion(RegistryStore& registry, const ModelUri& uri) {
  switch (uri.kind) {
    case ModelUri::Kind::kVersion: return registry.GetModelVersion(uri.name, uri.version);
    case ModelUri::Kind::kAlias: return registry.GetVersionByAlias(uri.name, uri.alias);
    case ModelUri::Kind::kStage:
    case ModelUri::Kind::kLatest: {
      std::vector<Stage> stages;
      if (uri.kind == ModelUri::Kind::kStage) stages.push_back(uri.stage);
      CAIRN_ASSIGN_OR_RETURN(auto versions, registry.GetLatestVersions(uri.name, stages));
      if (versions.empty()) {
        if (uri.kind == ModelUri::Kind::kLatest) {
          return NotFound(fmt::format("Registered model '{}' has no versions.", uri.name));
        }
        return NotFound(fmt::format("No versions of registered model '{}' are in stage '{}'.", uri.name,
                                    StageName(uri.stage)));
      }
      return *std::max_element(versions.begin(), versions.end(),
                               [](const ModelVersion& a, const ModelVersion& b) { return a.version < b.version; });
    }
    case ModelUri::Kind::kLoggedModel:
    case ModelUri::Kind::kRun: break;
  }
  return InvalidArgument("This model URI does not name a registered model version.");
}

Result<std::string> ResolveArtifactUri(RegistryStore& registry, tracking::TrackingStore& tracking,
                                       const ModelUri& uri) {
  if (uri.kind == ModelUri::Kind::kRun) {
    CAIRN_ASSIGN_OR_RETURN(auto run, tracking.GetRun(uri.run_id));
    std::string root = run.info.artifact_uri;
    if (uri.path.empty()) return root;
    while (!root.empty() && root.back() == '/') root.pop_back();
    return root + "/" + uri.path;
  }
  if (uri.kind == ModelUri::Kind::kLoggedModel) {
    CAIRN_ASSIGN_OR_RETURN(auto model, registry.GetLoggedModel(uri.model_id));
    return model.artifact_location;
  }
  CAIRN_ASSIGN_OR_RETURN(auto version, ResolveModelVersion(registry, uri));
  return VersionArtifactUri(version);
}

}  // namespace cairn::registry
