// Model URIs, as MLflow clients write them, and their resolution to a model
// version or an artifact location:
//
//   models:/<name>/<version>     one version ("3")
//   models:/<name>@<alias>       the version an alias points at
//   models:/<name>/<stage>       the latest version in a stage (case-insensitive)
//   models:/<name>/latest        the highest version number (any stage)
//   models:/<model_id>           an MLflow 3 logged model ("m-<hex>")
//   runs:/<run_id>[/<path>]      a path inside a run's artifact root
//
// Parsing is pure; resolution reads the stores. Thread-safe (the stores are).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "registry/entities.h"
#include "registry/registry_store.h"
#include "tracking/tracking_store.h"

namespace cairn::registry {

struct ModelUri {
  enum class Kind { kVersion, kAlias, kStage, kLatest, kLoggedModel, kRun };
  Kind kind = Kind::kVersion;
  std::string name;      // registered model name (models: forms but kLoggedModel)
  int64_t version = 0;   // kVersion
  std::string alias;     // kAlias
  Stage stage = Stage::kNone;  // kStage
  std::string model_id;  // kLoggedModel
  std::string run_id;    // kRun
  std::string path;      // kRun: relative path inside the run's artifacts, "" = root
};

// True for "models:" and "runs:" URIs (the forms ParseModelUri reads).
bool IsModelUri(std::string_view uri);

// kInvalidArgument with a message naming the accepted forms when `uri` is
// not one of them: wrong scheme, a host part (models://profile@...), an
// empty name, an unknown stage, a version that is not a positive integer,
// a malformed alias, or a run path with "..".
Result<ModelUri> ParseModelUri(std::string_view uri);

// The model version a models: URI names (not kLoggedModel or kRun, which are
// kInvalidArgument). kNotFound when the model, version, alias or a version
// in the stage does not exist.
Result<ModelVersion> ResolveModelVersion(RegistryStore& registry, const ModelUri& uri);

// Where the files a URI names live:
//  * models: version forms -> the version's storage location (its source
//    when it has none);
//  * kLoggedModel -> the logged model's artifact location;
//  * kRun -> "<run artifact_uri>/<path>".
// kNotFound for unknown models, versions, logged models or runs.
Result<std::string> ResolveArtifactUri(RegistryStore& registry, tracking::TrackingStore& tracking,
                                       const ModelUri& uri);

// The artifact location of a version: storage_location, else source.
std::string VersionArtifactUri(const ModelVersion& version);

}  // namespace cairn::registry
