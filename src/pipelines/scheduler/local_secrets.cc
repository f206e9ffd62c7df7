#include "pipelines/scheduler/local_secrets.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace cairn::pipelines {
namespace {

// Kubernetes object names: DNS subdomains (lowercase alphanumerics, '-' and
// '.', at most 253). Keys: alphanumerics, '-', '_' and '.', at most 253.
// Both exclude '/', and "." / ".." are rejected, so a name is always one path
// segment below the secrets directory.
bool IsValidSegment(std::string_view s, bool key) {
  if (s.empty() || s.size() > 253 || s == "." || s == "..") return false;
  for (char ch : s) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
                    (key && ((ch >= 'A' && ch <= 'Z') || ch == '_'));
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<std::optional<std::string>> ReadLocalSecret(const std::string& dir, std::string_view name,
                                                   std::string_view key) {
  if (dir.empty()) return InvalidArgument("no secrets directory is configured (cairn server --pipelines-secrets-dir)");
  if (!IsValidSegment(name, /*key=*/false)) {
    return InvalidArgument(fmt::format("'{}' is not a valid secret name (lowercase letters, digits, '-', '.')", name));
  }
  if (!IsValidSegment(key, /*key=*/true)) {
    return InvalidArgument(fmt::format("'{}' is not a valid secret key (letters, digits, '-', '_', '.')", key));
  }
  const std::string path = fmt::format("{}/{}/{}", dir, name, key);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::optional<std::string>();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(StatusCode::kInternal, fmt::format("cannot read secret '{}' key '{}'", name, key),
                  fmt::format("{}: {}", path, std::strerror(errno)));
  }
  std::string value;
  char buf[8192];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    value.append(buf, static_cast<size_t>(in.gcount()));
    if (value.size() > kMaxSecretBytes) {
      return Status(StatusCode::kResourceExhausted,
                    fmt::format("secret '{}' key '{}' is larger than {} bytes", name, key, kMaxSecretBytes));
    }
  }
  return std::optional<std::string>(std::move(value));
}

}  // namespace cairn::pipelines
