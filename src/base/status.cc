#include "base/status.h"

#include <array>
#include <utility>

namespace cairn {
namespace {

struct CodeName {
  StatusCode code;
  std::string_view name;
};

constexpr std::array<CodeName, 16> kCodeNames = {{
    {StatusCode::kOk, "OK"},
    {StatusCode::kInvalidArgument, "INVALID_PARAMETER_VALUE"},
    {StatusCode::kNotFound, "RESOURCE_DOES_NOT_EXIST"},
    {StatusCode::kAlreadyExists, "RESOURCE_ALREADY_EXISTS"},
    {StatusCode::kPermissionDenied, "PERMISSION_DENIED"},
    {StatusCode::kUnauthenticated, "UNAUTHENTICATED"},
    {StatusCode::kResourceExhausted, "REQUEST_LIMIT_EXCEEDED"},
    {StatusCode::kFailedPrecondition, "INVALID_STATE"},
    {StatusCode::kConflict, "RESOURCE_CONFLICT"},
    {StatusCode::kUnimplemented, "NOT_IMPLEMENTED"},
    {StatusCode::kUnavailable, "TEMPORARILY_UNAVAILABLE"},
    {StatusCode::kEndpointNotFound, "ENDPOINT_NOT_FOUND"},
    {StatusCode::kBadRequest, "BAD_REQUEST"},
    {StatusCode::kCancelled, "CANCELLED"},
    {StatusCode::kDeadlineExceeded, "DEADLINE_EXCEEDED"},
    {StatusCode::kInternal, "INTERNAL_ERROR"},
}};

const std::string& EmptyString() {
  static const std::string* empty = new std::string();
  return *empty;
}

}  // namespace

std::string_view StatusCodeName(StatusCode code) {
  for (const auto& entry : kCodeNames) {
    if (entry.code == code) return entry.name;
  }
  return "INTERNAL_ERROR";
}

StatusCode StatusCodeFromName(std::string_view name) {
  for (const auto& entry : kCodeNames) {
    if (entry.name == name) return entry.code;
  }
  return StatusCode::kInternal;
}

Status::Status(StatusCode code, std::string message, std::string internal_context) {
  if (code != StatusCode::kOk) {
    state_ = std::make_unique<State>(State{code, std::move(message), std::move(internal_context)});
  }
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

const std::string& Status::message() const { return state_ ? state_->message : EmptyString(); }
const std::string& Status::internal_context() const {
  return state_ ? state_->internal_context : EmptyString();
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code()));
  out += ": ";
  out += state_->message;
  if (!state_->internal_context.empty()) {
    out += " [";
    out += state_->internal_context;
    out += "]";
  }
  return out;
}

}  // namespace cairn
