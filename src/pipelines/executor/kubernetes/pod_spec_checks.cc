#include "pipelines/executor/kubernetes/pod_spec_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace cairn::pipelines::kubernetes {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `s` quoted for a message, cut when long (a hostile spec may be huge).
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  return s.size() <= kMax ? fmt::format("\"{}\"", s) : fmt::format("\"{}...\"", s.substr(0, kMax));
}

}  // namespace

bool IsDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (!IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (char c : s) {
    if (!IsLowerAlnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

Status CheckMountPath(std::string_view path, std::string_view what) {
  if (path.empty() || path.front() != '/') {
    return InvalidArgument(fmt::format("{}: the mount path {} must be absolute", what, Quote(path)));
  }
  if (path.find(':') != std::string_view::npos) {
    return InvalidArgument(fmt::format("{}: the mount path {} must not contain ':'", what, Quote(path)));
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") {
      return InvalidArgument(fmt::format("{}: the mount path {} must not contain '..'", what, Quote(path)));
    }
    start = end + 1;
  }
  return Status::Ok();
}

Status CheckEnvVarName(std::string_view name, std::string_view what) {
  bool ok = !name.empty() && !IsDigit(name.front());
  for (char c : name) ok = ok && (IsAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.');
  if (ok) return Status::Ok();
  return InvalidArgument(fmt::format(
      "{}: {} is not a valid environment variable name (letters, digits, '_', '-', '.'; not starting with a digit)",
      what, Quote(name)));
}

Status CheckObjectKey(std::string_view key, std::string_view what) {
  bool ok = !key.empty() && key.size() <= 253 && key != "." && key != "..";
  for (char c : key) ok = ok && (IsAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.');
  if (ok) return Status::Ok();
  return InvalidArgument(
      fmt::format("{}: {} is not a valid key (letters, digits, '-', '_', '.'; at most 253)", what, Quote(key)));
}

Status CheckFieldPath(std::string_view path, std::string_view what) {
  static constexpr std::array<std::string_view, 8> kPlain = {
      "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
      "spec.serviceAccountName", "status.hostIP", "status.podIP", "status.podIPs"};
  for (std::string_view p : kPlain) {
    if (path == p) return Status::Ok();
  }
  // metadata.labels['key'] / metadata.annotations['key'].
  for (std::string_view prefix : {std::string_view("metadata.labels['"), std::string_view("metadata.annotations['")}) {
    if (path.size() > prefix.size() + 2 && path.substr(0, prefix.size()) == prefix && path.substr(path.size() - 2) == "']") {
      const std::string_view key = path.substr(prefix.size(), path.size() - prefix.size() - 2);
      if (key.find('\'') == std::string_view::npos && key.find(']') == std::string_view::npos) return Status::Ok();
    }
  }
  return InvalidArgument(fmt::format(
      "{}: {} is not a pod field Kubernetes can put into an environment variable (metadata.name, "
      "metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, "
      "spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs)",
      what, Quote(path)));
}

}  // namespace cairn::pipelines::kubernetes
