// Shared plumbing for MLflow handlers: parameter parsing, error mapping and a
// catch-all so that no exception from a library can escape a request.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/json_writer.h"
#include "base/result.h"
#include "frontends/http/request_params.h"
#include "frontends/http/router.h"
#include "tracking/entities.h"

namespace cairn::frontends {

// A handler that reads RequestParams and returns a JSON body.
using JsonHandler = std::function<Result<std::string>(const RequestParams&, const HttpRequest&)>;

// Wraps a JsonHandler as a Router handler: parses parameters, maps errors to
// the MLflow error JSON, converts stray exceptions to INTERNAL_ERROR.
Handler WrapJson(JsonHandler handler);
// Catch-all for raw handlers.
Handler WrapRaw(Handler handler);

// Adds `path` under both /api/2.0/mlflow and /ajax-api/2.0/mlflow.
void AddMlflowRoute(Router& router, std::string_view method, std::string_view path, Handler handler);

inline constexpr std::string_view kEmptyJson = "{}";

// run_id, falling back to the deprecated run_uuid.
Result<std::string> RequireRunId(const RequestParams& params);
Result<tracking::ViewType> ParseViewTypeParam(const RequestParams& params, std::string_view key);
// Reads [{key, value}] objects; a missing key is an error, a missing value "".
Result<std::vector<tracking::Tag>> ReadTags(const RequestParams& params, std::string_view field);

}  // namespace cairn::frontends
