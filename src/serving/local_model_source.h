// LocalModelSource: serves a model directory on local disk (an MLflow model
// directory with its MLmodel file), named by a path or a file:// URI — for
// `cairn serve ./model` without a tracking server, as KServe's file://
// storage URIs. Version "1" unless the path ends in a numeric directory
// (Triton's <model>/<version>/ layout). Thread-safe (stateless).
#pragma once

#include "serving/model_source.h"

namespace cairn::serving {

class LocalModelSource final : public ModelSource {
 public:
  Result<ModelOrigin> Resolve(const std::string& uri) override;
  Status Fetch(const ModelOrigin& origin, const std::filesystem::path& dst) override;
};

// The directory a path or file:// URI names (file:///abs, file:rel, rel).
std::filesystem::path LocalModelPath(const std::string& uri);

}  // namespace cairn::serving
