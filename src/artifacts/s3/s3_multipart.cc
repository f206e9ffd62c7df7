#include "artifacts/s3/s3_multipart.h"

#include <algorithm>

namespace cairn::artifacts::s3 {

bool NeedsMultipart(int64_t file_size, int64_t part_size) {
  return file_size > std::max(part_size, kMinPartSize);
}

std::vector<PartRange> PlanParts(int64_t file_size, int64_t part_size) {
  std::vector<PartRange> parts;
  if (file_size <= 0) return parts;
  int64_t size = std::max(part_size, kMinPartSize);
  // Too many parts: grow each part (rounded up to whole MiB) instead of failing.
  if ((file_size + size - 1) / size > kMaxParts) {
    size = (file_size + kMaxParts - 1) / kMaxParts;
    size = (size + (int64_t{1} << 20) - 1) & ~((int64_t{1} << 20) - 1);
  }
  int number = 1;
  for (int64_t offset = 0; offset < file_size; offset += size) {
    parts.push_back(PartRange{number++, offset, std::min(size, file_size - offset)});
  }
  return parts;
}

}  // namespace cairn::artifacts::s3
