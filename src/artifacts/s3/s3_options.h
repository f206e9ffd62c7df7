// S3Options: how to reach S3 (or an S3-compatible server) and how hard to
// try. Filled in by the server from the AWS environment (server/
// artifact_stores.cc); nothing here reads the environment.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace cairn::artifacts::s3 {

struct S3Options {
  // "http://127.0.0.1:9000" style endpoint for MinIO, s3rver, Ceph...; it is
  // addressed path-style (endpoint/bucket/key). Empty: AWS itself,
  // virtual-hosted style (https://bucket.s3.region.amazonaws.com/key).
  std::string endpoint_url;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials (STS); sent as x-amz-security-token
  // Files above this size go up as a multipart upload with parts of this
  // size: 8 MiB keeps memory flat (parts stream from the file) while a
  // failed part costs one short retry.
  int64_t part_size = int64_t{8} << 20;
  // Retries after the first attempt on connection errors, 5xx and 429, with
  // exponential backoff from retry_base_delay (0.2, 0.4, 0.8, 1.6 s).
  int max_retries = 4;
  std::chrono::milliseconds retry_base_delay{200};
  std::chrono::seconds connect_timeout{10};
  // Where downloads are spooled for streaming to clients (Open returns a
  // local file). Old files are swept on later downloads.
  std::string download_dir;
};

}  // namespace cairn::artifacts::s3
