// S3HttpClient: sends one signed S3 request over libcurl, retrying transient
// failures. Signing is libcurl's CURLOPT_AWS_SIGV4 with the care curl 7.88
// needs (see s3_http_client.cc). Thread-safe: each call uses its own handle.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "artifacts/s3/s3_options.h"
#include "base/result.h"

namespace cairn::artifacts::s3 {

struct S3Request {
  std::string method = "GET";  // GET, PUT, POST, DELETE, HEAD
  std::string bucket;
  std::string key;  // unencoded; "" addresses the bucket
  // Unencoded names and values; the client encodes and sorts them (SigV4's
  // canonical query string must match the URL byte for byte).
  std::vector<std::pair<std::string, std::string>> query;
  std::string body;  // small request bodies (XML)
  // Streamed request body: [upload_offset, upload_offset + upload_length) of
  // this file. Takes precedence over `body` when set.
  std::string upload_file;
  int64_t upload_offset = 0;
  int64_t upload_length = 0;
  // 2xx response bodies go to this file (created or truncated) instead of
  // S3Response::body.
  std::string download_file;
};

struct S3Response {
  long http_status = 0;
  std::string body;  // error bodies always land here
  std::string etag;  // the ETag header, quotes included
};

class S3HttpClient {
 public:
  explicit S3HttpClient(S3Options options);

  // kUnavailable when the endpoint cannot be reached, or still answers 5xx
  // or 429, after options.max_retries retries. Any other HTTP status comes
  // back as a response for the caller to interpret.
  Result<S3Response> Send(const S3Request& request) const;

  // The URL `request` is sent to (exposed for error messages and tests).
  std::string Url(const S3Request& request) const;
  const S3Options& options() const { return options_; }

 private:
  // One attempt. `transport_error` is set (and the result empty) when no
  // HTTP response came back.
  Result<S3Response> SendOnce(const S3Request& request, std::string* transport_error) const;

  S3Options options_;
};

}  // namespace cairn::artifacts::s3
