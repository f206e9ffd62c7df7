// Value: a JSON value as KFP passes parameters around (google.protobuf.Value
// semantics, but integers kept exact). Used for parameter defaults, constant
// bindings, raw iterator lists, importer metadata and CEL results.
//
// Rendering (RenderForArgv) follows the KFP launcher: strings raw, integers
// without ".0", doubles in shortest round-trip form (integral doubles without
// ".0"), bools true/false, null as "null", lists and structs as compact JSON.
// Thread-compatible: a plain value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"

namespace cairn::pipelines {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kStruct };
  using List = std::vector<Value>;
  // Struct fields in document order; keys are unique (the parser rejects
  // duplicates, Set() replaces).
  using Struct = std::vector<std::pair<std::string, Value>>;

  Value() = default;  // null
  static Value Null() { return Value(); }
  static Value Bool(bool b) { Value v; v.data_ = b; return v; }
  static Value Int(int64_t i) { Value v; v.data_ = i; return v; }
  static Value Double(double d) { Value v; v.data_ = d; return v; }
  static Value String(std::string s) { Value v; v.data_ = std::move(s); return v; }
  static Value MakeList(List items) { Value v; v.data_ = std::move(items); return v; }
  static Value MakeStruct(Struct fields) { Value v; v.data_ = std::move(fields); return v; }

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_struct() const { return kind() == Kind::kStruct; }

  // Accessors CHECK the kind.
  bool as_bool() const;
  int64_t as_int() const;
  double as_double() const;  // kInt or kDouble
  const std::string& as_string() const;
  const List& as_list() const;
  List& mutable_list();
  const Struct& as_struct() const;
  // Field lookup in a struct; nullptr when absent or not a struct.
  const Value* Find(std::string_view key) const;
  void Set(std::string key, Value value);  // CHECKs is_struct() or is_null()

  // Compact JSON text (strings quoted and escaped).
  std::string ToJson() const;
  // The text a placeholder expands to (see header comment).
  std::string RenderForArgv() const;

  // Parses JSON text. Integers that fit int64 stay kInt; other numbers are
  // kDouble. Nesting deeper than kMaxDepth is an error, never a crash.
  static Result<Value> ParseJson(std::string_view text);
  static constexpr int kMaxDepth = 128;

  friend bool operator==(const Value& a, const Value& b);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Struct> data_;
};

std::string_view ValueKindName(Value::Kind kind);  // "null", "bool", ...

}  // namespace cairn::pipelines
