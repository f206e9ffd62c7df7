// S3 locations: parsing "s3://bucket/prefix" URIs, and turning artifact paths
// into object keys and keys into the percent-encoded form SigV4 signs.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace cairn::artifacts::s3 {

struct S3Location {
  std::string bucket;
  std::string prefix;  // no leading or trailing '/'; "" = the whole bucket
};

// Accepts "s3://bucket[/prefix...]" or, as an ArtifactRepositoryRegistry
// resolver sees it, "//bucket[/prefix...]". kInvalidArgument for anything
// else (no bucket, a bucket name S3 would reject, '..' or empty segments).
Result<S3Location> ParseS3Uri(std::string_view uri);

// True for "s3://..." (the check the server makes before choosing a store).
bool IsS3Uri(std::string_view uri);

// The object key of `path` (an already validated artifact path) under
// `prefix`. ObjectKey("a/b", "") == "a/b"; ObjectKey("a", "x/y") == "a/x/y".
std::string ObjectKey(std::string_view prefix, std::string_view path);

// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - . _ ~
// becomes %XX (upper-case hex); '/' is kept when `keep_slash` (object keys in
// URL paths), encoded otherwise (query values).
std::string UriEncode(std::string_view text, bool keep_slash);

}  // namespace cairn::artifacts::s3
