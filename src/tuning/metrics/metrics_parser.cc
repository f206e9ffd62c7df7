#include "tuning/metrics/metrics_parser.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>

#include "base/numeric.h"
#include "pipelines/spec/value.h"
#include "tuning/spec/load.h"

namespace cairn::tuning {
namespace {

// Longer lines are skipped: std::regex recursion grows with input length.
constexpr size_t kMaxLineBytes = 16 * 1024;

bool IsQuantifierAt(std::string_view p, size_t open) {
  size_t i = open + 1;
  size_t digits = 0;
  while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) ++i, ++digits;
  if (digits == 0) return false;
  if (i < p.size() && p[i] == ',') {
    ++i;
    while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) ++i;
  }
  return i < p.size() && p[i] == '}';
}

}  // namespace

std::string EscapeLiteralBraces(std::string_view p) {
  std::string out;
  bool in_quantifier = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += c;
      out += p[++i];
      continue;
    }
    if (c == '{') {
      if (IsQuantifierAt(p, i)) {
        in_quantifier = true;
        out += c;
      } else {
        out += "\\{";
      }
      continue;
    }
    if (c == '}') {
      if (in_quantifier) {
        in_quantifier = false;
        out += c;
      } else {
        out += "\\}";
      }
      continue;
    }
    out += c;
  }
  return out;
}

std::optional<int64_t> ParseRfc3339Millis(std::string_view t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  if (t.size() < 20) return std::nullopt;
  auto num = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  if (t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  int year = num(0, 4), month = num(5, 2), day = num(8, 2), hour = num(11, 2), minute = num(14, 2), sec = num(17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || sec < 0) {
    return std::nullopt;
  }
  size_t i = 19;
  int64_t millis = 0;
  if (i < t.size() && t[i] == '.') {
    ++i;
    int64_t scale = 100;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
      millis += (t[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  int64_t offset_s = 0;
  if (i < t.size() && (t[i] == 'Z' || t[i] == 'z')) {
    ++i;
  } else if (i + 6 <= t.size() && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':') {
    int oh = num(i + 1, 2), om = num(i + 4, 2);
    if (oh < 0 || om < 0) return std::nullopt;
    offset_s = (t[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != t.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = sec;
  int64_t epoch = static_cast<int64_t>(timegm(&tm));
  return (epoch - offset_s) * 1000 + millis;
}

Result<MetricsParser> MetricsParser::Create(MetricsFormat format, const std::vector<std::string>& filters,
                                            std::vector<std::string> metric_names) {
  MetricsParser p;
  p.format_ = format;
  p.names_ = std::move(metric_names);
  std::vector<std::string> patterns = filters;
  if (patterns.empty()) patterns.push_back(kDefaultMetricsRegex);
  for (const std::string& pattern : patterns) {
    try {
      std::regex re(EscapeLiteralBraces(pattern), std::regex::ECMAScript | std::regex::optimize);
      if (re.mark_count() < 2) {
        return InvalidArgument(fmt::format("metrics filter '{}' needs two groups (name, value)", pattern));
      }
      p.filters_.push_back(std::move(re));
    } catch (const std::regex_error& e) {
      return InvalidArgument(fmt::format("metrics filter '{}' does not compile: {}", pattern, e.what()));
    }
  }
  return p;
}

bool MetricsParser::Wanted(std::string_view name) const {
  for (const std::string& n : names_) {
    if (n == name) return true;
  }
  return false;
}

void MetricsParser::ParseLine(std::string_view line, std::vector<MetricReport>& out) const {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.size() > kMaxLineBytes) return;
  if (format_ == MetricsFormat::kJson) {
    auto v = pipelines::Value::ParseJson(line);
    if (!v.ok() || !v->is_struct()) return;
    int64_t ts = 0;
    if (const auto* t = v->Find("timestamp")) {
      if (t->is_string()) ts = ParseRfc3339Millis(t->as_string()).value_or(0);
      if (t->is_number()) ts = TruncToInt64(t->as_double() * 1000).value_or(0);
    }
    for (const auto& [key, value] : v->as_struct()) {
      if (!Wanted(key)) continue;
      std::optional<double> number;
      if (value.is_number()) number = value.as_double();
      if (value.is_string()) number = ParseSpecNumber(value.as_string());
      if (number) out.push_back({key, *number, ts});
    }
    return;
  }
  // Katib only looks at lines that mention a metric name.
  bool mentions = false;
  for (const std::string& n : names_) mentions = mentions || line.find(n) != std::string_view::npos;
  if (!mentions) return;
  int64_t ts = 0;
  if (size_t space = line.find(' '); space != std::string_view::npos && space >= 20) {
    if (auto parsed = ParseRfc3339Millis(line.substr(0, space))) {
      ts = *parsed;
      line.remove_prefix(space + 1);
    }
  }
  for (const std::regex& re : filters_) {
    try {
      for (std::cregex_iterator it(line.data(), line.data() + line.size(), re), end; it != end; ++it) {
        std::string name = (*it)[1].str();
        while (!name.empty() && name.front() == ' ') name.erase(0, 1);
        if (!Wanted(name)) continue;
        auto value = ParseSpecNumber((*it)[2].str());
        if (value) out.push_back({name, *value, ts});
      }
    } catch (const std::regex_error&) {
      // Pathological input for the regex engine: the line is skipped.
    }
  }
}

size_t MetricsParser::Parse(std::string_view text, bool final, std::vector<MetricReport>& out) const {
  size_t consumed = 0;
  while (consumed < text.size()) {
    size_t nl = text.find('\n', consumed);
    if (nl == std::string_view::npos) {
      if (!final) break;
      ParseLine(text.substr(consumed), out);
      consumed = text.size();
      break;
    }
    ParseLine(text.substr(consumed, nl - consumed), out);
    consumed = nl + 1;
  }
  return consumed;
}

}  // namespace cairn::tuning
