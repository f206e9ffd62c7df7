// JsonDocument: parses untrusted JSON (simdjson DOM API; errors are values, so
// malformed input cannot crash the server) and reads typed fields with
// MLflow's coercions: int64 from a number or a numeric string, doubles from a
// number or "NaN"/"Infinity"/"-Infinity".
//
// Why the DOM API and not On-Demand: request handlers read fields by name in
// any order and revisit arrays; DOM keeps that simple and bodies are small
// (log-batch is capped at 1 MB). Not thread-safe; views borrow the document.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cairn {

class JsonArrayView;

// A borrowed JSON object. Each getter returns nullopt when the key is absent
// or null, and kInvalidArgument naming the key when the type is wrong.
class JsonObjectView {
 public:
  explicit JsonObjectView(simdjson::dom::object object) : object_(object) {}

  bool Has(std::string_view key) const;
  Result<std::optional<std::string>> GetString(std::string_view key) const;
  Result<std::optional<int64_t>> GetInt64(std::string_view key) const;
  Result<std::optional<double>> GetDouble(std::string_view key) const;
  Result<std::optional<bool>> GetBool(std::string_view key) const;
  Result<std::optional<JsonArrayView>> GetArray(std::string_view key) const;
  Result<std::optional<JsonObjectView>> GetObject(std::string_view key) const;

  // Field names, in document order.
  std::vector<std::string_view> Keys() const;

 private:
  simdjson::dom::object object_;
};

class JsonArrayView {
 public:
  explicit JsonArrayView(simdjson::dom::array array) : array_(array) {}
  size_t size() const { return array_.size(); }
  // Elements as objects; kInvalidArgument naming `what` if one is not an object.
  Result<std::vector<JsonObjectView>> Objects(std::string_view what) const;
  // Elements as strings (numbers are stringified, as MLflow does for ids).
  Result<std::vector<std::string>> Strings(std::string_view what) const;

 private:
  simdjson::dom::array array_;
};

class JsonDocument {
 public:
  // Parses `text`; the root must be an object. A root that is a JSON string
  // holding JSON is decoded a second time (what legacy MLflow clients send).
  static Result<JsonDocument> ParseObject(std::string_view text);

  JsonObjectView root() const { return JsonObjectView(root_); }

 private:
  JsonDocument() = default;
  std::unique_ptr<simdjson::dom::parser> parser_;
  std::unique_ptr<simdjson::dom::parser> inner_parser_;
  simdjson::dom::object root_;
};

// Value converters shared with query-string parsing.
std::optional<int64_t> ParseInt64(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);  // accepts NaN/Infinity spellings

}  // namespace cairn
