#include "artifacts/s3/s3_location.h"

#include <fmt/format.h>

#include "artifacts/artifact_path.h"

namespace cairn::artifacts::s3 {

namespace {
// S3's bucket naming rules (3-63 chars, lower-case letters, digits, '.', '-';
// starting and ending with a letter or digit). Checked up front so a typo
// fails at startup with a readable message instead of a signature error.
bool ValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '.' && c != '-') return false;
  }
  return true;
}
}  // namespace

bool IsS3Uri(std::string_view uri) { return uri.substr(0, 5) == "s3://"; }

Result<S3Location> ParseS3Uri(std::string_view uri) {
  std::string_view rest = uri;
  if (rest.substr(0, 3) == "s3:") rest.remove_prefix(3);
  if (rest.substr(0, 2) != "//") {
    return InvalidArgument(fmt::format("Invalid S3 URI '{}': expected s3://bucket/prefix", uri.substr(0, 200)));
  }
  rest.remove_prefix(2);
  size_t slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (!ValidBucketName(location.bucket)) {
    return InvalidArgument(fmt::format("Invalid S3 bucket name '{}' in '{}'", location.bucket, uri.substr(0, 200)));
  }
  std::string_view prefix = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  auto clean = ValidateArtifactPath(prefix);
  if (!clean) {
    return InvalidArgument(fmt::format("Invalid S3 prefix '{}' in '{}'", prefix, uri.substr(0, 200)));
  }
  location.prefix = *clean;
  return location;
}

std::string ObjectKey(std::string_view prefix, std::string_view path) { return JoinArtifactPath(prefix, path); }

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace cairn::artifacts::s3
