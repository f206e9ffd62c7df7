#include "pipelines/export/yaml_writer.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

namespace cairn::pipelines {
namespace {

// Plain only for words that cannot be misread: start with a letter or '/',
// then letters, digits and -_./: (no ": " or " #"), and not a YAML 1.1/1.2
// keyword.
bool SafePlain(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0])) && s[0] != '/') return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != '/') return false;
  }
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"}) {
    if (lower == word) return false;
  }
  return true;
}

// Multi-line scripts (KFP Python components) read best as `|` blocks.
// Only text whose lines start without blanks or tabs and end without
// trailing blanks, so the block needs no indentation indicator and every
// character survives (checked by the round-trip test).
bool ReadsWellAsBlock(const std::string& s) {
  // `|` keeps exactly one final newline (yaml-cpp writes no chomping indicator).
  if (s.size() < 2 || s.size() > (1 << 20) || s.back() != '\n' || s[s.size() - 2] == '\n') return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    const std::string_view line(s.data() + start, end - start);
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t' || line.back() == ' ' || line.back() == '\t' ||
                          line.back() == '\r')) {
      return false;
    }
    for (char c : line) {
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return false;
    }
    start = end + 1;
  }
  return true;
}

void Emit(YAML::Emitter& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out << YAML::Null;
      break;
    case Value::Kind::kBool:
      out << (v.as_bool() ? "true" : "false");
      break;
    case Value::Kind::kInt:
      out << v.as_int();
      break;
    case Value::Kind::kDouble:
      out << v.RenderForArgv();
      break;
    case Value::Kind::kString:
      if (SafePlain(v.as_string())) {
        out << v.as_string();
      } else if (ReadsWellAsBlock(v.as_string())) {
        out << YAML::Literal << v.as_string();
      } else {
        out << YAML::DoubleQuoted << v.as_string();
      }
      break;
    case Value::Kind::kList:
      if (v.as_list().empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const Value& item : v.as_list()) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case Value::Kind::kStruct:
      if (v.as_struct().empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        break;
      }
      out << YAML::BeginMap;
      for (const auto& [k, item] : v.as_struct()) {
        out << YAML::Key;
        if (SafePlain(k)) {
          out << k;
        } else {
          out << YAML::DoubleQuoted << k;
        }
        out << YAML::Value;
        Emit(out, item);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

std::string ToYaml(const Value& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace cairn::pipelines
