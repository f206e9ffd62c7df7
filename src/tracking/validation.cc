#include "tracking/validation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/json_writer.h"

namespace cairn::tracking {
namespace {

constexpr size_t kMaxDatasetNameLength = 500;
constexpr size_t kMaxDatasetDigestLength = 36;
constexpr size_t kMaxDatasetSourceLength = 65535;
constexpr size_t kMaxDatasetSchemaLength = 1048575;
constexpr size_t kMaxDatasetProfileLength = 16777215;
constexpr size_t kMaxInputTagKeyLength = 255;
constexpr size_t kMaxInputTagValueLength = 500;
constexpr size_t kMaxRunIdLength = 256;
// Echoed user values are cut here so a 16 MB value does not come back in an
// error body (MLflow echoes 250 characters in its length messages too).
constexpr size_t kMaxEchoBytes = 250;

// MLflow's limits count characters (Python str length), not UTF-8 bytes.
size_t CharCount(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Truncate(std::string_view text) {
  if (text.size() <= kMaxEchoBytes) return std::string(text);
  size_t cut = kMaxEchoBytes;  // back up to a UTF-8 boundary
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// MLflow renders the offending value with json.dumps.
std::string JsonQuote(std::string_view text) {
  JsonWriter writer;
  writer.String(Truncate(text));
  return writer.str();
}

std::string Path(std::string_view prefix, std::string_view field) {
  return prefix.empty() ? std::string(field) : fmt::format("{}.{}", prefix, field);
}

Status Missing(std::string_view path) {
  return InvalidArgument(fmt::format("Missing value for required parameter '{}'.", path));
}

Status InvalidValue(std::string_view path, std::string_view value, std::string_view why) {
  return InvalidArgument(fmt::format("Invalid value {} for parameter '{}' supplied: {}", JsonQuote(value), path, why));
}

Status CheckLength(std::string_view label, std::string_view value, size_t limit) {
  if (value.size() <= limit) return Status::Ok();  // fast path: bytes >= characters
  size_t length = CharCount(value);
  if (length <= limit) return Status::Ok();
  return InvalidArgument(fmt::format("{} '{}' had length {}, which exceeded length limit of {}", label,
                                     Truncate(value), length, limit));
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 if invalid
// (overlong, surrogate, out of range, truncated).
size_t DecodeUtf8(std::string_view text, size_t i, char32_t& cp) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = b(i);
  size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (len == 0 || lead > 0xF4 || i + len > text.size()) return 0;
  cp = lead & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Python's \w accepts non-ASCII letters, so MLflow takes keys like "größe";
// without Unicode tables we accept non-ASCII code points except the
// invisible ones (controls, spaces, zero-width and bidi marks) that make two
// different keys look identical.
bool IsInvisible(char32_t cp) {
  return cp < 0xA0 || cp == 0xA0 || cp == 0xAD || cp == 0x1680 || cp == 0x180E ||
         (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) ||
         cp == 0x3000 || cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFF);
}

bool HasOnlyKeyCharacters(std::string_view key) {
  for (size_t i = 0; i < key.size();) {
    char c = key[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
        c == '.' || c == '/' || c == ' ' || c == ':') {
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = DecodeUtf8(key, i, cp);
    if (len == 0 || IsInvisible(cp)) return false;
    i += len;
  }
  return true;
}

// posixpath.normpath: collapses "//", "." and "a/.." segments.
std::string NormPath(std::string_view path) {
  if (path.empty()) return ".";
  size_t slashes = 0;
  if (path[0] == '/') slashes = (path.size() > 1 && path[1] == '/' && (path.size() == 2 || path[2] != '/')) ? 2 : 1;
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != "..") {
      parts.push_back(part);
    } else if (!parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (slashes == 0) {
      parts.push_back(part);  // a relative path keeps leading ".."
    }
  }
  std::string out(slashes, '/');
  out += fmt::format("{}", fmt::join(parts, "/"));
  return out.empty() ? "." : out;
}

Status ValidateKeyAt(std::string_view key, std::string_view what, std::string_view path) {
  if (key.empty()) return Missing(path);
  std::string label = fmt::format("{} key", what);  // "Param key", as MLflow says
  if (label[0] >= 'a' && label[0] <= 'z') label[0] = static_cast<char>(label[0] - 'a' + 'A');
  CAIRN_RETURN_IF_ERROR(CheckLength(label, key, kMaxKeyLength));
  if (!HasOnlyKeyCharacters(key)) {
    return InvalidValue(path, key,
                        "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), "
                        "colon(:) and slashes (/).");
  }
  // Keys become file names in file-based stores and artifact paths, so a key
  // must not be another spelling of a different path.
  std::string norm = NormPath(key);
  if (norm != key || norm == "." || norm.starts_with("..") || norm.starts_with("/")) {
    return InvalidValue(path, key,
                        fmt::format("Names may be treated as files in certain cases, and must not resolve to other "
                                    "names when treated as such. This name would resolve to '{}'",
                                    Truncate(norm)));
  }
  return Status::Ok();
}

Status ValidateMetricAt(const Metric& metric, std::string_view prefix) {
  CAIRN_RETURN_IF_ERROR(ValidateKeyAt(metric.key, "metric", Path(prefix, "key")));
  if (metric.timestamp < 0) {
    return InvalidArgument(fmt::format(
        "Invalid value {} for parameter '{}' supplied: metric '{}' (value={}). Timestamp must be a nonnegative "
        "long (64-bit integer)",
        metric.timestamp, Path(prefix, "timestamp"), Truncate(metric.key), metric.value));
  }
  return Status::Ok();
}

Status ValidateParamAt(const Param& param, std::string_view prefix) {
  CAIRN_RETURN_IF_ERROR(ValidateKeyAt(param.key, "param", Path(prefix, "key")));
  return CheckLength("Param value", param.value, kMaxParamValueLength);
}

Status ValidateRunTagAt(const Tag& tag, std::string_view prefix) {
  CAIRN_RETURN_IF_ERROR(ValidateKeyAt(tag.key, "tag", Path(prefix, "key")));
  return CheckLength("Tag value", tag.value, kMaxRunTagValueLength);
}

Status CheckBatchLimit(std::string_view what, size_t limit, size_t count) {
  if (count <= limit) return Status::Ok();
  return InvalidArgument(fmt::format(
      "A batch logging request can contain at most {} {}. Got {} {}. Please split up {} across multiple requests "
      "and try again.",
      limit, what, count, what, what));
}

Status CheckDatasetField(std::string_view path, std::string_view value, size_t limit, bool required) {
  if (required && value.empty()) return Missing(path);
  if (value.size() > limit && CharCount(value) > limit) {
    return InvalidArgument(fmt::format("'{}' exceeds the maximum length of {} characters", path, limit));
  }
  return Status::Ok();
}

// urllib.parse.urlparse splits ";params" off the last path segment only for
// these schemes; MLflow rejects a location whose parse has params.
bool SchemeUsesParams(std::string_view scheme) {
  static constexpr std::string_view kSchemes[] = {"",     "ftp",  "hdl",  "prospero", "http", "imap", "https",
                                                  "shttp", "rtsp", "rtspu", "sip",    "sips", "mms",  "sftp",
                                                  "tel"};
  for (std::string_view s : kSchemes) {
    if (s == scheme) return true;
  }
  return false;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes until the text stops changing, so "%252E%252E" cannot
// smuggle ".." past the check.
std::string FullyUnquote(std::string_view text) {
  std::string current(text);
  while (true) {
    std::string next;
    for (size_t i = 0; i < current.size(); ++i) {
      if (current[i] == '%' && i + 2 < current.size() && HexDigit(current[i + 1]) >= 0 &&
          HexDigit(current[i + 2]) >= 0) {
        next += static_cast<char>(HexDigit(current[i + 1]) * 16 + HexDigit(current[i + 2]));
        i += 2;
      } else {
        next += current[i];
      }
    }
    if (next == current) return current;  // each round shrinks, so this ends
    current = std::move(next);
  }
}

}  // namespace

Status ValidateKey(std::string_view key, std::string_view what) { return ValidateKeyAt(key, what, "key"); }

Status ValidateParam(const Param& param) { return ValidateParamAt(param, ""); }

Status ValidateMetric(const Metric& metric) { return ValidateMetricAt(metric, ""); }

Status ValidateRunTag(const Tag& tag) { return ValidateRunTagAt(tag, ""); }

Status ValidateExperimentTag(const Tag& tag) {
  CAIRN_RETURN_IF_ERROR(ValidateKeyAt(tag.key, "tag", "key"));
  return CheckLength("Tag value", tag.value, kMaxExperimentTagValueLength);
}

Status ValidateExperimentName(std::string_view name) {
  if (name.empty()) return InvalidArgument("Invalid experiment name: ''");
  if (CharCount(name) > kMaxExperimentNameLength) {
    return InvalidArgument(
        fmt::format("Experiment name exceeds the maximum length of {} characters", kMaxExperimentNameLength));
  }
  return Status::Ok();
}

Status ValidateBatch(const std::vector<Metric>& metrics, const std::vector<Param>& params,
                     const std::vector<Tag>& tags) {
  CAIRN_RETURN_IF_ERROR(CheckBatchLimit("metrics", kMaxMetricsPerBatch, metrics.size()));
  CAIRN_RETURN_IF_ERROR(CheckBatchLimit("params", kMaxParamsPerBatch, params.size()));
  CAIRN_RETURN_IF_ERROR(CheckBatchLimit("tags", kMaxTagsPerBatch, tags.size()));
  CAIRN_RETURN_IF_ERROR(CheckBatchLimit("metrics, params, and tags", kMaxEntitiesPerBatch,
                                        metrics.size() + params.size() + tags.size()));
  for (size_t i = 0; i < metrics.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(ValidateMetricAt(metrics[i], fmt::format("metrics[{}]", i)));
  }
  for (size_t i = 0; i < params.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(ValidateParamAt(params[i], fmt::format("params[{}]", i)));
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    CAIRN_RETURN_IF_ERROR(ValidateRunTagAt(tags[i], fmt::format("tags[{}]", i)));
  }
  // Params are immutable, so two values for one key in a batch can never
  // both be stored; name each duplicated key once, in request order.
  std::unordered_set<std::string_view> seen;
  std::unordered_set<std::string_view> reported;
  std::vector<std::string> duplicates;
  for (const Param& param : params) {
    if (!seen.insert(param.key).second && reported.insert(param.key).second) {
      duplicates.push_back(fmt::format("'{}'", param.key));
    }
  }
  if (!duplicates.empty()) {
    return InvalidArgument(fmt::format(
        "Duplicate parameter keys have been submitted: [{}]. Please ensure the request contains only one param "
        "value per param key.",
        fmt::join(duplicates, ", ")));
  }
  return Status::Ok();
}

Status ValidateDatasetInputs(const std::vector<DatasetInput>& inputs) {
  CAIRN_RETURN_IF_ERROR(CheckBatchLimit("datasets", kMaxDatasetsPerCall, inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Dataset& d = inputs[i].dataset;
    std::string prefix = fmt::format("datasets[{}].dataset", i);
    CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(prefix, "name"), d.name, kMaxDatasetNameLength, true));
    CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(prefix, "digest"), d.digest, kMaxDatasetDigestLength, true));
    CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(prefix, "source_type"), d.source_type, SIZE_MAX, true));
    CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(prefix, "source"), d.source, kMaxDatasetSourceLength, true));
    CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(prefix, "schema"), d.schema, kMaxDatasetSchemaLength, false));
    CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(prefix, "profile"), d.profile, kMaxDatasetProfileLength, false));
    for (size_t j = 0; j < inputs[i].tags.size(); ++j) {
      const Tag& tag = inputs[i].tags[j];
      std::string tag_prefix = fmt::format("datasets[{}].tags[{}]", i, j);
      CAIRN_RETURN_IF_ERROR(CheckDatasetField(Path(tag_prefix, "key"), tag.key, kMaxInputTagKeyLength, true));
      CAIRN_RETURN_IF_ERROR(
          CheckDatasetField(Path(tag_prefix, "value"), tag.value, kMaxInputTagValueLength, false));
    }
  }
  return Status::Ok();
}

Status ValidateRunId(std::string_view run_id) {
  // [A-Za-z0-9][\w-]{0,255}, ASCII only: real ids are 32 hex digits.
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  bool ok = !run_id.empty() && run_id.size() <= kMaxRunIdLength && alnum(run_id[0]);
  for (size_t i = 1; ok && i < run_id.size(); ++i) ok = alnum(run_id[i]) || run_id[i] == '_' || run_id[i] == '-';
  if (ok) return Status::Ok();
  return InvalidArgument(fmt::format("Invalid value {} for parameter 'run_id' supplied.", JsonQuote(run_id)));
}

Status ValidateArtifactLocation(std::string_view location) {
  if (location.starts_with("runs:")) {
    return InvalidArgument(
        fmt::format("Artifact location cannot be a runs:/ URI. Given: '{}'", Truncate(location)));
  }
  // Split the way urlparse does: scheme ':' , '#' fragment, '?' query.
  std::string_view rest = location;
  std::string scheme;
  if (size_t colon = rest.find(':'); colon != std::string_view::npos && colon > 0) {
    std::string_view candidate = rest.substr(0, colon);
    bool valid = (candidate[0] >= 'a' && candidate[0] <= 'z') || (candidate[0] >= 'A' && candidate[0] <= 'Z');
    for (char c : candidate) {
      valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
                        c == '-' || c == '.');
    }
    if (valid) {
      for (char c : candidate) scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      rest.remove_prefix(colon + 1);
    }
  }
  std::string_view fragment;
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) {
    fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  std::string_view query;
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view params;
  if (SchemeUsesParams(scheme)) {
    size_t last_slash = rest.rfind('/');
    size_t semi = rest.find(';', last_slash == std::string_view::npos ? 0 : last_slash);
    if (semi != std::string_view::npos) params = rest.substr(semi + 1);
  }
  if (!fragment.empty() || !params.empty()) {
    return InvalidArgument("'artifact_location' URL can't include fragments or params.");
  }
  if (FullyUnquote(query).find("..") != std::string::npos) return InvalidArgument("Invalid query string");
  return Status::Ok();
}

Status ValidateMaxResults(int64_t max_results, int64_t limit, std::string_view what) {
  std::string_view name = what.empty() ? "max_results" : what;
  if (max_results <= 0) {
    return InvalidArgument(fmt::format(
        "Invalid value for request parameter {}. It must be a positive integer, but got value {}", name, max_results));
  }
  if (max_results > limit) {
    return InvalidArgument(fmt::format("Invalid value for request parameter {}. It must be at most {}, but got value {}",
                                       name, limit, max_results));
  }
  return Status::Ok();
}

}  // namespace cairn::tracking
