// LocalArtifactRepository: artifacts as files under one root directory.
// Thread-safe: every operation is a self-contained filesystem call; uploads
// land by rename, so readers never see a half-written file.
#pragma once

#include <memory>
#include <string>

#include "artifacts/artifact_repository.h"

namespace cairn::artifacts {

class LocalArtifactRepository final : public ArtifactRepository {
 public:
  // `root` is created if missing.
  static Result<std::unique_ptr<LocalArtifactRepository>> Create(const std::string& root);

  Status Put(std::string_view path, const std::string& local_file) override;
  Result<ReadableFile> Open(std::string_view path) override;
  Result<std::vector<FileInfo>> List(std::string_view dir) override;
  Status Delete(std::string_view path) override;

  const std::string& root() const { return root_; }

 private:
  explicit LocalArtifactRepository(std::string root) : root_(std::move(root)) {}
  // Validates `path` and resolves it under the root; refuses anything that a
  // symlink would take outside the root.
  Result<std::string> Resolve(std::string_view path) const;

  std::string root_;  // absolute, canonical
};

}  // namespace cairn::artifacts
