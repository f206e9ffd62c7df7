// The one StatusCode -> HTTP table of the inference protocols (OIP v2,
// KServe V1, MLflow /invocations), and their error body {"error": "..."}
// (specs/inference-protocol.md §2: KServe's errors.py statuses).
#pragma once

#include "base/status.h"
#include "frontends/http/http_types.h"

namespace cairn::frontends {

int InferenceHttpStatusFor(StatusCode code);
// {"error": "<message>"} with the mapped status; internal errors are logged.
HttpResponse InferenceErrorResponse(const Status& status);

}  // namespace cairn::frontends
