// One call to one of cairn's own JSON APIs (pipelines, tuning): GET with a
// query, or POST with a JSON body; an error answer becomes its Status (the
// MLflow error JSON through error_mapping), and a 200 must be a JSON object.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "client/http_client.h"
#include "pipelines/spec/value.h"

namespace cairn::client {

Result<pipelines::Value>
CallJsonApi(HttpClient &http, const std::string &base_url,
            std::string_view method, std::string_view path,
            const QueryParams &query, std::string body);

} // namespace cairn::client
