// JSON helpers for the integration suites: exact comparison of response
// bodies and typed access by JSON pointer. Responses are parsed with the
// project's reader (base/json_reader.h, simdjson underneath), never by string
// matching. Test-only; not thread-safe.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::integration {

// Re-serialises `json` with object keys sorted and no whitespace, so two
// documents compare equal iff they hold the same data. Arrays keep their
// order, except the set-like entity lists MLflow does not order: arrays
// under a "tags" or "params" key, and "metrics" directly under "data" (a
// run's latest values). Integral doubles print as integers (1.0 == 1).
// Returns "<invalid JSON: ...>" when `json` does not parse.
std::string CanonicalJson(std::string_view json);
// CanonicalJson of `json` as if it sat at `pointer` in a larger document, so
// the set-like lists compare alike: compare Json::Canonical("/run/data/tags")
// with CanonicalJsonAt("/run/data/tags", R"([...])").
std::string CanonicalJsonAt(std::string_view pointer, std::string_view json);

// A parsed response body. Pointers are RFC 6901 JSON pointers
// ("/run/info/run_id", "/runs/0/info/status"); "" is the root.
class Json {
 public:
  // Parses `text`; ok() is false (and error() says why) when it is not JSON.
  explicit Json(std::string text);
  Json(Json&&) noexcept;
  Json& operator=(Json&&) noexcept;
  ~Json();

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  const std::string& text() const { return text_; }

  bool Has(std::string_view pointer) const;
  // Each returns nullopt when the pointer is missing or has another type.
  std::optional<std::string> Str(std::string_view pointer) const;
  std::optional<int64_t> Int(std::string_view pointer) const;
  std::optional<double> Num(std::string_view pointer) const;  // ints too
  std::optional<bool> Bool(std::string_view pointer) const;
  // Array length, or nullopt if not an array.
  std::optional<size_t> Size(std::string_view pointer) const;
  // Keys of an object, sorted; empty if not an object.
  std::vector<std::string> Keys(std::string_view pointer) const;
  // CanonicalJson of the sub-document (set-like lists judged by where it
  // sits); "<missing>" if absent.
  std::string Canonical(std::string_view pointer = "") const;
  // Canonical() of the root, judged as if it sat at `context`.
  std::string CanonicalAs(std::string_view context) const;

 private:
  std::optional<simdjson::dom::element> At(std::string_view pointer) const;

  std::string text_;
  std::unique_ptr<simdjson::dom::parser> parser_;
  simdjson::dom::element root_;
  bool ok_ = false;
  std::string error_;
};

}  // namespace cairn::integration
