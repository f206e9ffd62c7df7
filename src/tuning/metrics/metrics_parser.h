// MetricsParser: turns the text a trial writes (its stdout, or a metrics
// file) into metric reports, the way Katib's collectors do
// (pkg/metricscollector/v1beta1/common):
//  * TEXT: each line is matched against the filters (default
//    `([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)`; custom filters have
//    two groups, name and value) and every match whose name is one of the
//    experiment's metrics is a report. A line starting with an RFC3339
//    timestamp and a space carries that time. Non-numeric values ("nan",
//    "") are skipped.
//  * JSON: one object per line; keys that are metric names give reports
//    (string or number values), an optional "timestamp" (RFC3339 or epoch
//    seconds) their time.
// Filters are written in Go (RE2) syntax; braces that are not a repetition
// ("{metricName: ...}") are taken literally, as RE2 does.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tuning/spec/experiment_spec.h"

namespace cairn::tuning {

struct MetricReport {
  std::string name;
  double value = 0;
  int64_t timestamp_ms = 0;  // 0: the line had none
};

class MetricsParser {
 public:
  // kInvalidArgument for a filter that does not compile or has < 2 groups.
  static Result<MetricsParser> Create(MetricsFormat format, const std::vector<std::string>& filters,
                                      std::vector<std::string> metric_names);

  // Parses complete lines of `text`; returns how many bytes were consumed
  // (up to and including the last newline, or everything when `final`), so
  // callers resume from there with the unfinished line.
  size_t Parse(std::string_view text, bool final, std::vector<MetricReport>& out) const;

  // One line (no newline).
  void ParseLine(std::string_view line, std::vector<MetricReport>& out) const;

 private:
  MetricsParser() = default;
  bool Wanted(std::string_view name) const;

  MetricsFormat format_ = MetricsFormat::kText;
  std::vector<std::regex> filters_;
  std::vector<std::string> names_;
};

// RE2 syntax to ECMAScript for the filters above (literal braces escaped).
std::string EscapeLiteralBraces(std::string_view pattern);

// "2024-05-01T12:34:56.789Z" / "...+02:00" -> ms since the epoch.
std::optional<int64_t> ParseRfc3339Millis(std::string_view text);

}  // namespace cairn::tuning
