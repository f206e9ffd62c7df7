// The few S3 XML responses the repository reads, parsed without an XML
// library: S3 responses are flat, namespace-prefixed only at the root, and
// never use CDATA or attributes we need, so a tag scanner suffices.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::artifacts::s3 {

struct ListedObject {
  std::string key;
  int64_t size = 0;
};

// One page of ListObjectsV2 (with a delimiter).
struct ListPage {
  std::vector<ListedObject> objects;        // <Contents>
  std::vector<std::string> common_prefixes;  // <CommonPrefixes><Prefix>, each ending in the delimiter
  bool truncated = false;
  std::string next_continuation_token;
};

// nullopt when `xml` is not a ListBucketResult.
std::optional<ListPage> ParseListObjectsV2(std::string_view xml);

// <InitiateMultipartUploadResult><UploadId>; nullopt when missing.
std::optional<std::string> ParseUploadId(std::string_view xml);

// <Error><Code>/<Message>; empty fields when the body is not an S3 error
// (e.g. a HEAD response or a proxy's HTML page).
struct S3ErrorBody {
  std::string code;
  std::string message;
};
S3ErrorBody ParseS3Error(std::string_view xml);

// The text of the first <tag>...</tag> inside `xml`, entity-decoded.
std::optional<std::string> FirstElementText(std::string_view xml, std::string_view tag);

// Escapes & < > " ' for element text (ETags carry quotes).
std::string XmlEscape(std::string_view text);

// The CompleteMultipartUpload request body for parts 1..etags.size().
std::string CompleteMultipartUploadXml(const std::vector<std::string>& etags);

}  // namespace cairn::artifacts::s3
