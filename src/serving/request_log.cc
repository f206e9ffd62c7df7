#include "serving/request_log.h"

#include <fmt/format.h>

namespace cairn::serving {

Result<std::shared_ptr<RequestLog>> RequestLog::Open(const std::filesystem::path& file, int64_t max_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::shared_ptr<RequestLog> log(new RequestLog());
  log->path_ = file;
  log->max_bytes_ = max_bytes;
  log->file_ = std::fopen(file.c_str(), "ae");
  if (!log->file_) return Internal(fmt::format("cannot open the request log {}", file.filename().string()), file.string());
  log->bytes_ = static_cast<int64_t>(std::filesystem::file_size(file, ec));
  return log;
}

RequestLog::~RequestLog() {
  if (file_) std::fclose(file_);
}

void RequestLog::Append(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bytes_ + static_cast<int64_t>(line.size()) + 1 > max_bytes_) {
    dropped_++;
    return;
  }
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
  // Flushed per line: the file is read while the server runs.
  std::fflush(file_);
  bytes_ += static_cast<int64_t>(line.size()) + 1;
}

int64_t RequestLog::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

}  // namespace cairn::serving
