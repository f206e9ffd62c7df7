// Status: the error value every fallible cairn function returns.
//
// An OK Status holds no allocation (a null pointer), so returning OK costs
// nothing. A non-OK Status carries a closed StatusCode, a message that is safe
// to show to users, and optional internal context for logs only.
// Thread-compatible: a Status is a plain value.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace cairn {

// Closed set of error codes. Each maps 1:1 to an MLflow error_code and an
// HTTP status in exactly one table per transport (see
// frontends/http/status_mapping.cc).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,      // INVALID_PARAMETER_VALUE, 400
  kNotFound,             // RESOURCE_DOES_NOT_EXIST, 404
  kAlreadyExists,        // RESOURCE_ALREADY_EXISTS, 400 (MLflow quirk)
  kPermissionDenied,     // PERMISSION_DENIED, 403
  kUnauthenticated,      // UNAUTHENTICATED, 401
  kResourceExhausted,    // REQUEST_LIMIT_EXCEEDED, 429
  kFailedPrecondition,   // INVALID_STATE, 500 (MLflow quirk)
  kConflict,             // RESOURCE_CONFLICT, 409
  kUnimplemented,        // NOT_IMPLEMENTED, 501
  kUnavailable,          // TEMPORARILY_UNAVAILABLE, 503
  kEndpointNotFound,     // ENDPOINT_NOT_FOUND, 404
  kBadRequest,           // BAD_REQUEST, 400
  kCancelled,            // CANCELLED, 499
  kDeadlineExceeded,     // DEADLINE_EXCEEDED, 504
  kInternal,             // INTERNAL_ERROR, 500
};

// The MLflow spelling of a code ("INVALID_PARAMETER_VALUE", ...).
std::string_view StatusCodeName(StatusCode code);
// Inverse of StatusCodeName; unknown names map to kInternal.
StatusCode StatusCodeFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string internal_context = {});

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // User-facing message; empty for OK.
  const std::string& message() const;
  // Internal detail for logs; never sent to clients.
  const std::string& internal_context() const;

  // "INVALID_PARAMETER_VALUE: message" for logs and tests.
  std::string ToString() const;

 private:
  struct State {
    StatusCode code;
    std::string message;
    std::string internal_context;
  };
  std::unique_ptr<State> state_;
};

inline Status InvalidArgument(std::string msg) { return Status(StatusCode::kInvalidArgument, std::move(msg)); }
inline Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
inline Status AlreadyExists(std::string msg) { return Status(StatusCode::kAlreadyExists, std::move(msg)); }
inline Status FailedPrecondition(std::string msg) { return Status(StatusCode::kFailedPrecondition, std::move(msg)); }
inline Status Internal(std::string msg, std::string ctx = {}) {
  return Status(StatusCode::kInternal, std::move(msg), std::move(ctx));
}
inline Status Unimplemented(std::string msg) { return Status(StatusCode::kUnimplemented, std::move(msg)); }
inline Status ResourceExhausted(std::string msg) { return Status(StatusCode::kResourceExhausted, std::move(msg)); }
inline Status Unavailable(std::string msg) { return Status(StatusCode::kUnavailable, std::move(msg)); }

}  // namespace cairn

#define CAIRN_STATUS_CONCAT_INNER_(a, b) a##b
#define CAIRN_STATUS_CONCAT_(a, b) CAIRN_STATUS_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define CAIRN_RETURN_IF_ERROR(expr)                         \
  do {                                                      \
    ::cairn::Status cairn_status_ = (expr);                 \
    if (!cairn_status_.ok()) return cairn_status_;          \
  } while (0)
