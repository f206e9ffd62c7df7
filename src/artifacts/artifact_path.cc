#include "artifacts/artifact_path.h"

#include <vector>

namespace cairn::artifacts {

Result<std::string> ValidateArtifactPath(std::string_view path) {
  auto invalid = [] { return InvalidArgument("Invalid path"); };
  if (path.size() > 4096) return invalid();
  for (char c : path) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || c == 0x7f || c == '\\' || c == '#') return invalid();
  }
  if (!path.empty() && path.front() == '/') return invalid();
  if (path.size() >= 2 && path[1] == ':') return invalid();  // C:foo, C:/foo
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment == "..") return invalid();
    if (!segment.empty() && segment != ".") {
      if (!out.empty()) out += '/';
      out += segment;
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::string JoinArtifactPath(std::string_view a, std::string_view b) {
  while (!a.empty() && a.back() == '/') a.remove_suffix(1);
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += '/';
  out += b;
  return out;
}

}  // namespace cairn::artifacts
