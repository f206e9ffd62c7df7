#include "pipelines/executor/log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cairn::pipelines {

Result<LogChunk> ReadLogFile(const std::string& path, int64_t offset, int64_t max_bytes) {
  if (offset < 0 || max_bytes < 0) return InvalidArgument("Log offset and size must not be negative.");
  LogChunk chunk;
  chunk.next_offset = offset;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      chunk.eof = true;
      return chunk;
    }
    return Internal("Cannot read the task's log.", std::strerror(errno));
  }
  chunk.data.resize(static_cast<size_t>(std::min<int64_t>(max_bytes, 16 << 20)));
  size_t got = 0;
  while (got < chunk.data.size()) {
    ssize_t n = pread(fd, chunk.data.data() + got, chunk.data.size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  chunk.eof = got < chunk.data.size();
  chunk.data.resize(got);
  chunk.next_offset = offset + static_cast<int64_t>(got);
  return chunk;
}

}  // namespace cairn::pipelines
