// JsonWriter: a streaming JSON writer over RapidJSON's Writer, with the
// conventions MLflow responses use (NaN and infinities as strings, int64 as
// numbers). Not thread-safe; one per response.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}

  JsonWriter& StartObject() { writer_.StartObject(); return *this; }
  JsonWriter& EndObject() { writer_.EndObject(); return *this; }
  JsonWriter& StartArray() { writer_.StartArray(); return *this; }
  JsonWriter& EndArray() { writer_.EndArray(); return *this; }
  JsonWriter& Key(std::string_view key) {
    writer_.Key(key.data(), rapidjson::SizeType(key.size()));
    return *this;
  }
  JsonWriter& String(std::string_view value) {
    writer_.String(value.data(), rapidjson::SizeType(value.size()));
    return *this;
  }
  JsonWriter& Int64(int64_t value) { writer_.Int64(value); return *this; }
  JsonWriter& Bool(bool value) { writer_.Bool(value); return *this; }
  JsonWriter& Null() { writer_.Null(); return *this; }
  // Finite values as numbers; NaN as "NaN", infinities as "Infinity" /
  // "-Infinity" (what MLflow's protobuf JSON emits).
  JsonWriter& Double(double value);

  // Key + value shorthands.
  JsonWriter& Field(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Field(std::string_view key, int64_t value) { return Key(key).Int64(value); }
  JsonWriter& Field(std::string_view key, bool value) { return Key(key).Bool(value); }
  JsonWriter& DoubleField(std::string_view key, double value) { return Key(key).Double(value); }
  // Omits the field when `value` is empty (proto3-JSON default omission).
  JsonWriter& FieldIfNotEmpty(std::string_view key, std::string_view value) {
    if (!value.empty()) Field(key, value);
    return *this;
  }

  std::string_view view() const { return {buffer_.GetString(), buffer_.GetSize()}; }
  std::string str() const { return std::string(view()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace cairn
