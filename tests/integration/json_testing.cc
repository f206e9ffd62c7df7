#include "integration/json_testing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cairn::integration {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool IsUnorderedList(std::string_view key, std::string_view parent_key) {
  return key == "tags" || key == "params" || (key == "metrics" && parent_key == "data");
}

void Write(const element& value, std::string_view parent_key, std::string_view key, std::string& out) {
  switch (value.type()) {
    case element_type::OBJECT: {
      std::vector<std::pair<std::string, std::string>> fields;
      for (auto field : simdjson::dom::object(value)) {
        std::string text;
        Write(field.value, key, field.key, text);
        fields.emplace_back(std::string(field.key), std::move(text));
      }
      std::sort(fields.begin(), fields.end());
      out += '{';
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += Quote(fields[i].first);
        out += ':';
        out += fields[i].second;
      }
      out += '}';
      return;
    }
    case element_type::ARRAY: {
      std::vector<std::string> items;
      for (element item : simdjson::dom::array(value)) {
        std::string text;
        Write(item, key, "", text);
        items.push_back(std::move(text));
      }
      if (IsUnorderedList(key, parent_key)) std::sort(items.begin(), items.end());
      out += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += items[i];
      }
      out += ']';
      return;
    }
    case element_type::INT64:
      out += fmt::format("{}", int64_t(value));
      return;
    case element_type::UINT64:
      out += fmt::format("{}", uint64_t(value));
      return;
    case element_type::DOUBLE: {
      double d = double(value);
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9e15) {
        out += fmt::format("{}", int64_t(d));
      } else {
        out += fmt::format("{}", d);
      }
      return;
    }
    case element_type::STRING:
      out += Quote(std::string_view(value));
      return;
    case element_type::BOOL:
      out += bool(value) ? "true" : "false";
      return;
    case element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

}  // namespace

std::string CanonicalJson(std::string_view json) { return CanonicalJsonAt("", json); }

std::string CanonicalJsonAt(std::string_view pointer, std::string_view json) {
  Json doc{std::string(json)};
  if (!doc.ok()) return "<invalid JSON: " + doc.error() + ">";
  return doc.CanonicalAs(pointer);
}

Json::Json(std::string text) : text_(std::move(text)), parser_(std::make_unique<simdjson::dom::parser>()) {
  auto error = parser_->parse(text_).get(root_);
  ok_ = error == simdjson::SUCCESS;
  if (!ok_) error_ = simdjson::error_message(error);
}

Json::Json(Json&&) noexcept = default;
Json& Json::operator=(Json&&) noexcept = default;
Json::~Json() = default;

std::optional<element> Json::At(std::string_view pointer) const {
  if (!ok_) return std::nullopt;
  if (pointer.empty()) return root_;
  element value;
  if (root_.at_pointer(pointer).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

bool Json::Has(std::string_view pointer) const { return At(pointer).has_value(); }

std::optional<std::string> Json::Str(std::string_view pointer) const {
  auto value = At(pointer);
  std::string_view text;
  if (!value || value->get(text) != simdjson::SUCCESS) return std::nullopt;
  return std::string(text);
}

std::optional<int64_t> Json::Int(std::string_view pointer) const {
  auto value = At(pointer);
  int64_t number = 0;
  if (!value || value->get(number) != simdjson::SUCCESS) return std::nullopt;
  return number;
}

std::optional<double> Json::Num(std::string_view pointer) const {
  auto value = At(pointer);
  if (!value) return std::nullopt;
  if (value->is_int64()) return double(int64_t(*value));
  double number = 0;
  if (value->get(number) != simdjson::SUCCESS) return std::nullopt;
  return number;
}

std::optional<bool> Json::Bool(std::string_view pointer) const {
  auto value = At(pointer);
  bool flag = false;
  if (!value || value->get(flag) != simdjson::SUCCESS) return std::nullopt;
  return flag;
}

std::optional<size_t> Json::Size(std::string_view pointer) const {
  auto value = At(pointer);
  simdjson::dom::array array;
  if (!value || value->get(array) != simdjson::SUCCESS) return std::nullopt;
  return array.size();
}

std::vector<std::string> Json::Keys(std::string_view pointer) const {
  std::vector<std::string> keys;
  auto value = At(pointer);
  simdjson::dom::object object;
  if (!value || value->get(object) != simdjson::SUCCESS) return keys;
  for (auto field : object) keys.emplace_back(field.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

namespace {
// The last two segments of a JSON pointer: {parent key, key}.
std::pair<std::string_view, std::string_view> Context(std::string_view pointer) {
  if (pointer.empty()) return {"", ""};
  std::string_view key = pointer.substr(pointer.rfind('/') + 1);
  std::string_view rest = pointer.substr(0, pointer.rfind('/'));
  std::string_view parent = rest.empty() ? std::string_view() : rest.substr(rest.rfind('/') + 1);
  return {parent, key};
}
}  // namespace

std::string Json::Canonical(std::string_view pointer) const {
  auto value = At(pointer);
  if (!value) return "<missing>";
  std::string out;
  auto [parent, key] = Context(pointer);
  Write(*value, parent, key, out);
  return out;
}

std::string Json::CanonicalAs(std::string_view context) const {
  if (!ok_) return "<invalid JSON: " + error_ + ">";
  std::string out;
  auto [parent, key] = Context(context);
  Write(root_, parent, key, out);
  return out;
}

}  // namespace cairn::integration
