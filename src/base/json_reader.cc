#include "base/json_reader.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace cairn {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

const char* TypeName(element_type type) {
  switch (type) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64: return "integer";
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

Status WrongType(std::string_view key, const element& value, std::string_view expected) {
  std::string shown = simdjson::minify(value);
  if (shown.size() > 100) shown = shown.substr(0, 100) + "...";
  return InvalidArgument(fmt::format(
      "Invalid value {} for parameter '{}' supplied: expected {}, got {}.", shown, key, expected,
      TypeName(value.type())));
}

// Looks up `key`; nullopt when absent or JSON null.
std::optional<element> Lookup(const simdjson::dom::object& object, std::string_view key) {
  element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  if (value.is_null()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int64_t> ParseInt64(std::string_view text) {
  int64_t out = 0;
  if (text.empty()) return std::nullopt;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text == "NaN" || text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity" || text == "inf" || text == "+Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity" || text == "-inf") return -std::numeric_limits<double>::infinity();
  if (text.empty()) return std::nullopt;
  double out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return out;
}

bool JsonObjectView::Has(std::string_view key) const { return Lookup(object_, key).has_value(); }

Result<std::optional<std::string>> JsonObjectView::GetString(std::string_view key) const {
  auto value = Lookup(object_, key);
  if (!value) return std::optional<std::string>();
  std::string_view text;
  if (value->get(text) == simdjson::SUCCESS) return std::optional<std::string>(std::string(text));
  // Numbers are accepted where strings are expected (experiment ids are sent
  // as numbers by some clients; MLflow's parser stringifies them).
  if (value->is_int64() || value->is_uint64()) return std::optional<std::string>(simdjson::minify(*value));
  return WrongType(key, *value, "string");
}

Result<std::optional<int64_t>> JsonObjectView::GetInt64(std::string_view key) const {
  auto value = Lookup(object_, key);
  if (!value) return std::optional<int64_t>();
  int64_t number = 0;
  if (value->get(number) == simdjson::SUCCESS) return std::optional<int64_t>(number);
  std::string_view text;
  if (value->get(text) == simdjson::SUCCESS) {
    if (auto parsed = ParseInt64(text)) return std::optional<int64_t>(*parsed);
  }
  double d = 0;
  if (value->get(d) == simdjson::SUCCESS && std::isfinite(d) && d == std::floor(d) &&
      std::fabs(d) < 9.2e18) {
    return std::optional<int64_t>(int64_t(d));
  }
  return WrongType(key, *value, "integer");
}

Result<std::optional<double>> JsonObjectView::GetDouble(std::string_view key) const {
  auto value = Lookup(object_, key);
  if (!value) return std::optional<double>();
  if (value->is_bool()) return WrongType(key, *value, "number");
  double number = 0;
  if (value->get(number) == simdjson::SUCCESS) return std::optional<double>(number);
  std::string_view text;
  if (value->get(text) == simdjson::SUCCESS) {
    if (auto parsed = ParseDouble(text)) return std::optional<double>(*parsed);
  }
  return WrongType(key, *value, "number");
}

Result<std::optional<bool>> JsonObjectView::GetBool(std::string_view key) const {
  auto value = Lookup(object_, key);
  if (!value) return std::optional<bool>();
  bool flag = false;
  if (value->get(flag) == simdjson::SUCCESS) return std::optional<bool>(flag);
  std::string_view text;
  if (value->get(text) == simdjson::SUCCESS) {
    if (text == "true") return std::optional<bool>(true);
    if (text == "false") return std::optional<bool>(false);
  }
  return WrongType(key, *value, "boolean");
}

Result<std::optional<JsonArrayView>> JsonObjectView::GetArray(std::string_view key) const {
  auto value = Lookup(object_, key);
  if (!value) return std::optional<JsonArrayView>();
  simdjson::dom::array array;
  if (value->get(array) == simdjson::SUCCESS) return std::optional<JsonArrayView>(JsonArrayView(array));
  return WrongType(key, *value, "array");
}

Result<std::optional<JsonObjectView>> JsonObjectView::GetObject(std::string_view key) const {
  auto value = Lookup(object_, key);
  if (!value) return std::optional<JsonObjectView>();
  simdjson::dom::object object;
  if (value->get(object) == simdjson::SUCCESS) return std::optional<JsonObjectView>(JsonObjectView(object));
  return WrongType(key, *value, "object");
}

std::vector<std::string_view> JsonObjectView::Keys() const {
  std::vector<std::string_view> keys;
  for (auto field : object_) keys.push_back(field.key);
  return keys;
}

Result<std::vector<JsonObjectView>> JsonArrayView::Objects(std::string_view what) const {
  std::vector<JsonObjectView> out;
  out.reserve(array_.size());
  for (element item : array_) {
    simdjson::dom::object object;
    if (item.get(object) != simdjson::SUCCESS) return WrongType(what, item, "array of objects");
    out.emplace_back(object);
  }
  return out;
}

Result<std::vector<std::string>> JsonArrayView::Strings(std::string_view what) const {
  std::vector<std::string> out;
  out.reserve(array_.size());
  for (element item : array_) {
    std::string_view text;
    if (item.get(text) == simdjson::SUCCESS) {
      out.emplace_back(text);
    } else if (item.is_int64() || item.is_uint64()) {
      out.push_back(simdjson::minify(item));
    } else {
      return WrongType(what, item, "array of strings");
    }
  }
  return out;
}

Result<JsonDocument> JsonDocument::ParseObject(std::string_view text) {
  JsonDocument doc;
  doc.parser_ = std::make_unique<simdjson::dom::parser>();
  element root;
  auto error = doc.parser_->parse(text.data(), text.size()).get(root);
  if (error != simdjson::SUCCESS) {
    return InvalidArgument(fmt::format("Malformed JSON in request body: {}", simdjson::error_message(error)));
  }
  std::string_view nested;
  if (root.get(nested) == simdjson::SUCCESS) {
    doc.inner_parser_ = std::make_unique<simdjson::dom::parser>();
    error = doc.inner_parser_->parse(nested.data(), nested.size()).get(root);
    if (error != simdjson::SUCCESS) {
      return InvalidArgument(fmt::format("Malformed JSON in request body: {}", simdjson::error_message(error)));
    }
  }
  if (root.get(doc.root_) != simdjson::SUCCESS) {
    return InvalidArgument("Request body must be a JSON object.");
  }
  return doc;
}

}  // namespace cairn
