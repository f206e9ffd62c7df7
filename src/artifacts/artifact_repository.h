// ArtifactRepository: where artifact bytes live (a local directory by
// default, S3 later), addressed by relative paths that have already passed
// ValidateArtifactPath. Implementations are thread-safe.
//
// Errors: kNotFound for missing paths, kInvalidArgument for paths that escape
// the root, kInternal for I/O failures (details in internal_context).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cairn::artifacts {

struct FileInfo {
  std::string path;  // relative to the listed directory's root, see List
  bool is_dir = false;
  int64_t file_size = 0;  // only meaningful for files
};

// A file the server can stream to a client.
struct ReadableFile {
  std::string local_path;
  int64_t size = 0;
};

class ArtifactRepository {
 public:
  virtual ~ArtifactRepository() = default;

  // Stores the file at `local_file` under `path`, taking it over (the file
  // may be renamed into place, so it must be on a filesystem the repository
  // can rename from, or it is copied). Overwrites an existing file.
  virtual Status Put(std::string_view path, const std::string& local_file) = 0;
  // A local file holding the bytes at `path`, for streaming downloads.
  virtual Result<ReadableFile> Open(std::string_view path) = 0;
  // One directory level below `dir` ("" = root), sorted by name. Each
  // FileInfo::path is `dir` joined with the entry name. A missing directory
  // lists as empty (as MLflow does); a file lists as empty too.
  virtual Result<std::vector<FileInfo>> List(std::string_view dir) = 0;
  // Deletes a file or a whole directory. kNotFound when nothing is there.
  virtual Status Delete(std::string_view path) = 0;
};

}  // namespace cairn::artifacts
