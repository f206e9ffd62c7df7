// Minimal leveled logging to stderr. Formatting is skipped when the level is
// off. Thread-safe (one write(2) per line).
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace cairn {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug|info|warn|error|off"; returns false on anything else.
bool ParseLogLevel(std::string_view text, LogLevel* out);
void LogLine(LogLevel level, std::string_view component, std::string_view message);

}  // namespace cairn

#define CAIRN_LOG(level, component, ...)                                              \
  do {                                                                                \
    if (::cairn::LogLevel::level >= ::cairn::GetLogLevel())                           \
      ::cairn::LogLine(::cairn::LogLevel::level, component, fmt::format(__VA_ARGS__)); \
  } while (0)
