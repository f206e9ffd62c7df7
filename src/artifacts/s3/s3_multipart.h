// Multipart upload planning: how a file of a given size is cut into parts.
// Pure, thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace cairn::artifacts::s3 {

// S3's limits: parts of at least 5 MiB (except the last), at most 10,000
// parts, objects of at most 5 TiB.
inline constexpr int64_t kMinPartSize = int64_t{5} << 20;
inline constexpr int64_t kMaxParts = 10000;

struct PartRange {
  int part_number = 0;  // 1-based, as S3 numbers them
  int64_t offset = 0;
  int64_t length = 0;
};

// Files up to `part_size` go up in one PUT; larger ones in parts.
bool NeedsMultipart(int64_t file_size, int64_t part_size);

// Cuts [0, file_size) into parts of `part_size` (raised to kMinPartSize, and
// raised further so there are at most kMaxParts). The last part holds the
// remainder. An empty file has no parts.
std::vector<PartRange> PlanParts(int64_t file_size, int64_t part_size);

}  // namespace cairn::artifacts::s3
