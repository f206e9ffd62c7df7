// The placement part of a kfp-kubernetes executor config
// (`platforms.kubernetes.deploymentSpec.executors.<exec>`): nodeSelector,
// tolerations, pvcMount, imagePullPolicy, imagePullSecret, podMetadata,
// secretAsVolume, configMapAsVolume, configMapAsEnv, fieldPathAsEnv.
#pragma once

#include <string_view>

#include "base/result.h"
#include "pipelines/graph.h"
#include "pipelines/spec/yaml_reader.h"

namespace cairn::pipelines {

// Reads `node` (the value of `key` in an executor config) into `cfg` when
// `key` is a placement key, and returns true; false for any other key (the
// caller handles or reports it). kInvalidArgument with the YAML location for
// a malformed value.
Result<bool> LoadKfpPlacementKey(std::string_view key, const YamlNode& node, ExecutorPlatformConfig& cfg);

}  // namespace cairn::pipelines
