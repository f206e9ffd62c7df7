// The one table mapping StatusCode to HTTP statuses for the MLflow-style JSON
// APIs, and the error response built from a Status.
#pragma once

#include "base/status.h"
#include "frontends/http/http_types.h"

namespace cairn::frontends {

int HttpStatusFor(StatusCode code);

// {"error_code": "...", "message": "..."} with the mapped status. The
// internal context is logged, never sent.
HttpResponse ErrorResponse(const Status& status);

}  // namespace cairn::frontends
