// Value: accessors, JSON rendering and parsing (simdjson DOM, depth-bounded).
#include "pipelines/spec/value.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "base/check.h"

namespace cairn::pipelines {
namespace {

void AppendJsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Shortest round-trip form; integral values without ".0"; non-finite values
// (not representable in JSON) as the strings KFP/protobuf use.
void AppendDouble(double d, std::string& out) {
  if (std::isnan(d)) { out += "NaN"; return; }
  if (std::isinf(d)) { out += d > 0 ? "Infinity" : "-Infinity"; return; }
  if (std::trunc(d) == d && std::fabs(d) < 1e15) {
    out += std::to_string(static_cast<int64_t>(d));
    return;
  }
  char buf[64];
  // Large magnitudes in exponent form: a 20-digit integer literal would not
  // parse back as JSON (it overflows int64/uint64 in most readers).
  auto res = std::fabs(d) >= 1e15 ? std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific)
                                  : std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, res.ptr);
}

void AppendJson(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; break;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Value::Kind::kInt: out += std::to_string(v.as_int()); break;
    case Value::Kind::kDouble: {
      const double d = v.as_double();
      if (!std::isfinite(d)) {
        std::string s;
        AppendDouble(d, s);
        AppendJsonString(s, out);
      } else {
        AppendDouble(d, out);
      }
      break;
    }
    case Value::Kind::kString: AppendJsonString(v.as_string(), out); break;
    case Value::Kind::kList: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJson(item, out);
      }
      out.push_back(']');
      break;
    }
    case Value::Kind::kStruct: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, item] : v.as_struct()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(k, out);
        out.push_back(':');
        AppendJson(item, out);
      }
      out.push_back('}');
      break;
    }
  }
}

Result<Value> FromDom(simdjson::dom::element el, int depth) {
  if (depth > Value::kMaxDepth) return InvalidArgument("JSON nested deeper than 128 levels");
  switch (el.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return Value::Null();
    case simdjson::dom::element_type::BOOL: return Value::Bool(bool(el));
    case simdjson::dom::element_type::INT64: return Value::Int(int64_t(el));
    case simdjson::dom::element_type::UINT64: return Value::Double(double(uint64_t(el)));
    case simdjson::dom::element_type::DOUBLE: return Value::Double(double(el));
    case simdjson::dom::element_type::STRING: return Value::String(std::string(std::string_view(el)));
    case simdjson::dom::element_type::ARRAY: {
      Value::List items;
      for (auto child : simdjson::dom::array(el)) {
        CAIRN_ASSIGN_OR_RETURN(auto v, FromDom(child, depth + 1));
        items.push_back(std::move(v));
      }
      return Value::MakeList(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      Value::Struct fields;
      std::unordered_set<std::string_view> seen;
      for (auto field : simdjson::dom::object(el)) {
        if (!seen.insert(field.key).second) {
          return InvalidArgument("duplicate JSON key \"" + std::string(field.key) + "\"");
        }
        CAIRN_ASSIGN_OR_RETURN(auto v, FromDom(field.value, depth + 1));
        fields.emplace_back(std::string(field.key), std::move(v));
      }
      return Value::MakeStruct(std::move(fields));
    }
  }
  return InvalidArgument("unsupported JSON value");
}

}  // namespace

bool Value::as_bool() const {
  CAIRN_CHECK(is_bool(), "Value is not a bool");
  return std::get<bool>(data_);
}
int64_t Value::as_int() const {
  CAIRN_CHECK(is_int(), "Value is not an int");
  return std::get<int64_t>(data_);
}
double Value::as_double() const {
  CAIRN_CHECK(is_number(), "Value is not a number");
  return is_int() ? static_cast<double>(std::get<int64_t>(data_)) : std::get<double>(data_);
}
const std::string& Value::as_string() const {
  CAIRN_CHECK(is_string(), "Value is not a string");
  return std::get<std::string>(data_);
}
const Value::List& Value::as_list() const {
  CAIRN_CHECK(is_list(), "Value is not a list");
  return std::get<List>(data_);
}
Value::List& Value::mutable_list() {
  if (is_null()) data_ = List{};
  CAIRN_CHECK(is_list(), "Value is not a list");
  return std::get<List>(data_);
}
const Value::Struct& Value::as_struct() const {
  CAIRN_CHECK(is_struct(), "Value is not a struct");
  return std::get<Struct>(data_);
}
const Value* Value::Find(std::string_view key) const {
  if (!is_struct()) return nullptr;
  for (const auto& [k, v] : std::get<Struct>(data_)) {
    if (k == key) return &v;
  }
  return nullptr;
}
void Value::Set(std::string key, Value value) {
  if (is_null()) data_ = Struct{};
  CAIRN_CHECK(is_struct(), "Value::Set on a non-struct");
  auto& fields = std::get<Struct>(data_);
  for (auto& [k, v] : fields) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  fields.emplace_back(std::move(key), std::move(value));
}

std::string Value::ToJson() const {
  std::string out;
  AppendJson(*this, out);
  return out;
}

std::string Value::RenderForArgv() const {
  switch (kind()) {
    case Kind::kString: return as_string();
    case Kind::kDouble: {
      std::string out;
      AppendDouble(as_double(), out);
      return out;
    }
    default: return ToJson();
  }
}

Result<Value> Value::ParseJson(std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto error = parser.parse(padded).get(root);
  if (error) return InvalidArgument(std::string("invalid JSON: ") + simdjson::error_message(error));
  return FromDom(root, 0);
}

bool operator==(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  return a.data_ == b.data_;
}

std::string_view ValueKindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return "bool";
    case Value::Kind::kInt: return "int";
    case Value::Kind::kDouble: return "double";
    case Value::Kind::kString: return "string";
    case Value::Kind::kList: return "list";
    case Value::Kind::kStruct: return "struct";
  }
  return "unknown";
}

}  // namespace cairn::pipelines
