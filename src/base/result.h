// Result<T>: a value or a non-OK Status, shaped like std::expected so it can
// become an alias when cairn moves to C++23. Thread-compatible.
#pragma once

#include <optional>
#include <utility>
#include <variant>

#include "base/check.h"
#include "base/status.h"

namespace cairn {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    CAIRN_CHECK(!std::get<1>(data_).ok(), "Result constructed from an OK Status");
  }

  bool has_value() const { return data_.index() == 0; }
  bool ok() const { return has_value(); }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    CAIRN_CHECK(has_value(), "Result::value() on error");
    return std::get<0>(data_);
  }
  const T& value() const& {
    CAIRN_CHECK(has_value(), "Result::value() on error");
    return std::get<0>(data_);
  }
  T&& value() && {
    CAIRN_CHECK(has_value(), "Result::value() on error");
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; OK when a value is held.
  Status status() const { return has_value() ? Status() : std::get<1>(data_); }
  const Status& error() const {
    CAIRN_CHECK(!has_value(), "Result::error() on value");
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Status> data_;
};

}  // namespace cairn

// Evaluates `expr` (a Result<T>); on error returns its Status, otherwise
// moves the value into `lhs` (which may be a declaration: `auto x`).
#define CAIRN_ASSIGN_OR_RETURN(lhs, expr) \
  CAIRN_ASSIGN_OR_RETURN_IMPL_(CAIRN_STATUS_CONCAT_(cairn_result_, __LINE__), lhs, expr)
#define CAIRN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.has_value()) return tmp.error();          \
  lhs = std::move(tmp).value()
