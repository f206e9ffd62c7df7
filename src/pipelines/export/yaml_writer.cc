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
