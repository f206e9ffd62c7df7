// Turning HTTP responses from an MLflow-compatible server back into Status
// values: the inverse of the server's one status table
// (frontends/http/status_mapping.cc), as MLflow's RestException does.
// Pure, thread-safe.
#pragma once

#include <string_view>

#include "base/json_reader.h"
#include "base/status.h"
#include "client/http_client.h"

namespace cairn::client {

// StatusCodeFromName plus the MLflow names cairn's closed code set folds into
// one code (NOT_FOUND, ALREADY_EXISTS, ABORTED, RESOURCE_EXHAUSTED,
// CUSTOMER_UNAUTHORIZED, DATA_LOSS). Unknown names are kInternal.
StatusCode StatusCodeFromErrorName(std::string_view error_code);

// Status for a non-2xx response. A JSON body {"error_code", "message"} maps
// through StatusCodeFromErrorName and keeps the server's message; any other
// body maps by HTTP status as MLflow's client does: 400 -> kBadRequest,
// 404 -> kEndpointNotFound, everything else -> kInternal. `what` names the
// call ("POST /api/2.0/mlflow/runs/create") in messages about bad bodies.
Status StatusFromErrorResponse(const HttpResponse& response, std::string_view what);

// The JSON object of a 2xx response; an empty body reads as {}. A body that
// is not a JSON object is kInternal (the server broke the protocol).
Result<JsonDocument> ParseJsonResponse(const HttpResponse& response, std::string_view what);

}  // namespace cairn::client
