// RequestLog: the optional request/response log of one deployment — an
// append-only JSON-lines file, one line per inference:
//   {"timestamp_ms", "deployment", "model_version", "protocol", "status",
//    "request": <the request body>, "response": <the response body>}
// On the platform server the file sits inside the proxied artifact store
// (<artifacts-destination>/serving-logs/<deployment>.jsonl, i.e.
// mlflow-artifacts:/serving-logs/<deployment>.jsonl), so it is read like any
// artifact. Bounded: after `max_bytes` further lines are dropped (counted).
// Thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>

#include "base/result.h"

namespace cairn::serving {

class RequestLog {
 public:
  static Result<std::shared_ptr<RequestLog>> Open(const std::filesystem::path& file, int64_t max_bytes);
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  // Appends `line` (one JSON object, no newline) and a newline.
  void Append(std::string_view line);
  const std::filesystem::path& path() const { return path_; }
  int64_t dropped() const;

 private:
  RequestLog() = default;
  std::filesystem::path path_;
  int64_t max_bytes_ = 0;
  mutable std::mutex mu_;
  std::FILE* file_ = nullptr;  // guarded by mu_
  int64_t bytes_ = 0;          // guarded by mu_
  int64_t dropped_ = 0;        // guarded by mu_
};

}  // namespace cairn::serving
