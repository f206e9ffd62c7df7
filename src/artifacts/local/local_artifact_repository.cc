#include "artifacts/local/local_artifact_repository.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "artifacts/artifact_path.h"

namespace cairn::artifacts {
namespace fs = std::filesystem;

namespace {
Status IoError(std::string_view what, const std::error_code& ec) {
  // The client's path, not the storage, is at fault: 400, not 500.
  if (ec == std::errc::filename_too_long) {
    return InvalidArgument("The artifact path is too long for this storage (a name over 255 bytes, or a path "
                           "over 4096).");
  }
  return Internal(fmt::format("Artifact storage failed to {}.", what), ec.message());
}
}  // namespace

Result<std::unique_ptr<LocalArtifactRepository>> LocalArtifactRepository::Create(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return IoError(fmt::format("create the artifact root '{}'", root), ec);
  fs::path canonical = fs::canonical(root, ec);
  if (ec) return IoError("resolve the artifact root", ec);
  return std::unique_ptr<LocalArtifactRepository>(new LocalArtifactRepository(canonical.string()));
}

Result<std::string> LocalArtifactRepository::Resolve(std::string_view path) const {
  CAIRN_ASSIGN_OR_RETURN(std::string clean, ValidateArtifactPath(path));
  fs::path full = clean.empty() ? fs::path(root_) : fs::path(root_) / clean;
  // Existing symlinks inside the tree must not lead out of it.
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(full, ec);
  if (ec) return IoError("resolve a path", ec);
  std::string resolved_text = resolved.string();
  if (resolved_text != root_ && resolved_text.rfind(root_ + "/", 0) != 0) {
    return InvalidArgument("Invalid path");
  }
  return full.string();
}

Status LocalArtifactRepository::Put(std::string_view path, const std::string& local_file) {
  CAIRN_ASSIGN_OR_RETURN(std::string target, Resolve(path));
  if (target == root_) return InvalidArgument("Invalid path");
  std::error_code ec;
  fs::create_directories(fs::path(target).parent_path(), ec);
  if (ec == std::errc::not_a_directory || ec == std::errc::file_exists) {
    return InvalidArgument(fmt::format("Cannot store '{}': a parent path is an existing file.", path));
  }
  if (ec) return IoError("create a directory", ec);
  if (fs::is_directory(target, ec)) {
    return InvalidArgument(fmt::format("Cannot overwrite directory '{}' with a file.", path));
  }
  fs::rename(local_file, target, ec);
  if (ec == std::errc::cross_device_link) {
    // Spool on another filesystem: copy to a sibling, then rename, so the
    // final step is still atomic.
    std::string tmp = target + ".cairn-upload";
    fs::copy_file(local_file, tmp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(tmp, target, ec);
    if (!ec) fs::remove(local_file, ec);
  }
  if (ec) return IoError("store an uploaded file", ec);
  return Status::Ok();
}

Result<ReadableFile> LocalArtifactRepository::Open(std::string_view path) {
  CAIRN_ASSIGN_OR_RETURN(std::string target, Resolve(path));
  std::error_code ec;
  auto status = fs::status(target, ec);
  if (ec || !fs::exists(status) || !fs::is_regular_file(status)) {
    return NotFound(fmt::format("File not found: '{}'", path));
  }
  int64_t size = static_cast<int64_t>(fs::file_size(target, ec));
  if (ec) return IoError("read a file size", ec);
  return ReadableFile{target, size};
}

Result<std::vector<FileInfo>> LocalArtifactRepository::List(std::string_view dir) {
  CAIRN_ASSIGN_OR_RETURN(std::string clean, ValidateArtifactPath(dir));
  CAIRN_ASSIGN_OR_RETURN(std::string target, Resolve(clean));
  std::vector<FileInfo> out;
  std::error_code ec;
  if (!fs::is_directory(target, ec)) return out;
  for (fs::directory_iterator it(target, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    if (name.size() > 14 && name.ends_with(".cairn-upload")) continue;  // in-flight copy
    FileInfo info;
    info.path = JoinArtifactPath(clean, name);
    std::error_code entry_ec;
    info.is_dir = entry.is_directory(entry_ec);
    if (!info.is_dir) info.file_size = static_cast<int64_t>(entry.file_size(entry_ec));
    out.push_back(std::move(info));
  }
  if (ec) return IoError("list a directory", ec);
  std::sort(out.begin(), out.end(), [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

Status LocalArtifactRepository::Delete(std::string_view path) {
  CAIRN_ASSIGN_OR_RETURN(std::string target, Resolve(path));
  if (target == root_) return InvalidArgument("Refusing to delete the artifact root.");
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target, ec))) return NotFound(fmt::format("No artifact at '{}'", path));
  fs::remove_all(target, ec);
  if (ec) return IoError("delete an artifact", ec);
  return Status::Ok();
}

}  // namespace cairn::artifacts
