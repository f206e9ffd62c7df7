#include "frontends/inference_http/inference_errors.h"

#include "base/json_writer.h"
#include "base/logging.h"

namespace cairn::frontends {

int InferenceHttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kBadRequest: return 400;      // KServe InvalidInput
    case StatusCode::kNotFound:
    case StatusCode::kEndpointNotFound: return 404;  // ModelNotFound
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kResourceExhausted: return 429;  // queue full
    case StatusCode::kUnimplemented: return 501;      // NotImplemented
    case StatusCode::kUnavailable: return 503;        // ModelNotReady / ServerNotReady
    case StatusCode::kDeadlineExceeded: return 504;
    case StatusCode::kCancelled: return 499;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kInternal: return 500;           // InferenceError
  }
  return 500;
}

HttpResponse InferenceErrorResponse(const Status& status) {
  if (status.code() == StatusCode::kInternal) CAIRN_LOG(kError, "inference", "{}", status.ToString());
  JsonWriter w;
  w.StartObject().Field("error", status.message()).EndObject();
  return HttpResponse::Json(w.str(), InferenceHttpStatusFor(status.code()));
}

}  // namespace cairn::frontends
