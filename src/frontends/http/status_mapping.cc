#include "frontends/http/status_mapping.h"

#include "base/logging.h"
#include "mlflow_wire/encode.h"

namespace cairn::frontends {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kAlreadyExists: return 400;  // MLflow quirk: not 409
    case StatusCode::kBadRequest: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kEndpointNotFound: return 404;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kConflict: return 409;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kCancelled: return 499;
    case StatusCode::kFailedPrecondition: return 500;  // MLflow's INVALID_STATE
    case StatusCode::kInternal: return 500;
    case StatusCode::kUnimplemented: return 501;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDeadlineExceeded: return 504;
  }
  return 500;
}

HttpResponse ErrorResponse(const Status& status) {
  if (status.code() == StatusCode::kInternal) {
    CAIRN_LOG(kError, "http", "internal error: {}", status.ToString());
  }
  return HttpResponse::Json(mlflow_wire::ErrorJson(StatusCodeName(status.code()), status.message()),
                            HttpStatusFor(status.code()));
}

}  // namespace cairn::frontends
