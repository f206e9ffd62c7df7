#include "registry/validation.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "tracking/validation.h"

namespace cairn::registry {
namespace {

// Echoed user values are cut here (as tracking/validation.cc does).
constexpr size_t kMaxEchoBytes = 250;

std::string Truncate(std::string_view text) {
  if (text.size() <= kMaxEchoBytes) return std::string(text);
  size_t cut = kMaxEchoBytes;  // back up to a UTF-8 boundary
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// MLflow's limits count characters (Python str length), not UTF-8 bytes.
size_t CharCount(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

Status CheckLength(std::string_view field, std::string_view value, size_t limit) {
  if (value.size() <= limit || CharCount(value) <= limit) return Status::Ok();
  return InvalidArgument(fmt::format("'{}' exceeds the maximum length of {} characters", field, limit));
}

// Decodes one UTF-8 sequence at text[i]; its length, or 0 if invalid.
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

// Python's \w outside ASCII, approximated without Unicode tables: any code
// point except Latin-1 symbols, spaces, invisible/format characters and the
// general and CJK punctuation blocks.
bool IsNonAsciiWordCodePoint(char32_t cp) {
  if (cp < 0xC0) return false;  // C1 controls, NBSP, Latin-1 punctuation and symbols
  if (cp == 0xD7 || cp == 0xF7) return false;  // multiplication and division signs
  if (cp >= 0x2000 && cp <= 0x206F) return false;  // general punctuation, spaces, bidi marks
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK symbols and punctuation
  if (cp == 0x1680 || cp == 0x180E || cp == 0xFEFF || (cp >= 0xFFF0 && cp <= 0xFFFF)) return false;
  return true;
}

bool IsAliasText(std::string_view alias) {
  for (size_t i = 0; i < alias.size();) {
    char c = alias[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
      ++i;
      continue;
    }
    char32_t cp = 0;
    size_t len = DecodeUtf8(alias, i, cp);
    if (len == 0 || !IsNonAsciiWordCodePoint(cp)) return false;
    i += len;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes until the text stops changing, so "%252E%252E" cannot
// smuggle ".." past the check. Each round shrinks the text, so this ends.
std::string FullyUnquote(std::string_view text) {
  std::string current(text);
  while (true) {
    std::string next;
    next.reserve(current.size());
    for (size_t i = 0; i < current.size(); ++i) {
      if (current[i] == '%' && i + 2 < current.size() && HexDigit(current[i + 1]) >= 0 &&
          HexDigit(current[i + 2]) >= 0) {
        next += static_cast<char>(HexDigit(current[i + 1]) * 16 + HexDigit(current[i + 2]));
        i += 2;
      } else {
        next += current[i];
      }
    }
    if (next == current) return current;
    current = std::move(next);
  }
}

// True if some '/'- or '\'-separated segment is exactly "..".
bool HasParentSegment(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find_first_of("/\\", start);
    if (end == std::string_view::npos) end = path.size();
    if (path.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Status ValidateModelName(std::string_view name, std::string_view field) {
  if (name.empty()) return InvalidArgument(fmt::format("Missing value for required parameter '{}'.", field));
  return Status::Ok();
}

Status ValidateRegistryTagKey(std::string_view key) {
  // The tracking rules: characters, normalised relative path, 250 chars.
  static_assert(kMaxTagKeyLength == tracking::kMaxKeyLength);
  return tracking::ValidateKey(key, "tag");
}

Status ValidateRegistryTag(const Tag& tag) {
  CAIRN_RETURN_IF_ERROR(ValidateRegistryTagKey(tag.key));
  return CheckLength("value", tag.value, kMaxTagValueLength);
}

Status ValidateDescription(std::string_view description) {
  return CheckLength("description", description, kMaxDescriptionLength);
}

Status ValidateAlias(std::string_view alias) {
  if (alias.empty()) return InvalidArgument("Registered model alias name cannot be empty.");
  if (!IsAliasText(alias)) {
    return InvalidArgument(
        fmt::format("Invalid alias name: '{}'. Names may only contain alphanumerics, underscores (_), and dashes (-).",
                    Truncate(alias)));
  }
  CAIRN_RETURN_IF_ERROR(CheckLength("Registered model alias name", alias, kMaxAliasLength));
  if (EqualsIgnoreCase(alias, "latest")) {
    return InvalidArgument("'latest' alias name (case insensitive) is reserved.");
  }
  if ((alias[0] == 'v' || alias[0] == 'V') && AllDigits(alias.substr(1))) {
    return InvalidArgument(fmt::format("Version alias name '{}' is reserved.", alias));
  }
  return Status::Ok();
}

Result<int64_t> ParseVersion(std::string_view text, std::string_view field) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (!AllDigits(digits) || ec != std::errc() || ptr != digits.data() + digits.size()) {
    return InvalidArgument(fmt::format("Parameter '{}' must be an integer, got '{}'.", field, Truncate(text)));
  }
  if (negative || value < 1) {
    return InvalidArgument(
        fmt::format("Parameter '{}' must be a positive integer, got '{}'.", field, Truncate(text)));
  }
  return value;
}

Result<Stage> ParseStageArgument(std::string_view text) {
  if (auto stage = ParseStage(text)) return *stage;
  return InvalidArgument(fmt::format(
      "Invalid Model Version stage: {}. Value must be one of None, Staging, Production, Archived.", Truncate(text)));
}

Status ValidateArchiveExisting(Stage stage, bool archive_existing) {
  if (!archive_existing || stage == Stage::kStaging || stage == Stage::kProduction) return Status::Ok();
  return InvalidArgument(
      fmt::format("Model version transition cannot archive existing model versions because '{}' is not an Active "
                  "stage. Valid stages are ['Staging', 'Production']",
                  StageName(stage)));
}

Status ValidateModelVersionSource(std::string_view source) {
  if (source.empty()) return InvalidArgument("Missing value for required parameter 'source'.");
  if (HasParentSegment(FullyUnquote(source))) {
    return InvalidArgument(fmt::format(
        "Invalid model version source: '{}'. The source must not contain '..' path segments.", Truncate(source)));
  }
  return Status::Ok();
}

Result<LoggedModelStatus> ParseLoggedModelStatusArgument(std::string_view text) {
  if (auto status = ParseLoggedModelStatus(text)) return *status;
  if (auto status = ParseLoggedModelStatus(fmt::format("LOGGED_MODEL_{}", text))) return *status;
  return InvalidArgument(fmt::format(
      "Invalid logged model status '{}'. Value must be one of LOGGED_MODEL_PENDING, LOGGED_MODEL_READY, "
      "LOGGED_MODEL_UPLOAD_FAILED.",
      Truncate(text)));
}

Status ValidateSearchMaxResults(int64_t max_results, int64_t limit) {
  return tracking::ValidateMaxResults(max_results, limit, "max_results");
}

}  // namespace cairn::registry
