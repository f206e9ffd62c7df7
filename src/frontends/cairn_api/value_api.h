// Helpers for cairn's own JSON APIs (pipelines, tuning): request bodies read
// as pipelines::Value (their parameters are arbitrary JSON), typed fields
// with MLflow-style error messages, and handlers that answer a Value.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "frontends/http/http_types.h"
#include "frontends/http/router.h"
#include "pipelines/spec/value.h"

namespace cairn::frontends {

// The body as a JSON object; an empty body reads as {}. kInvalidArgument for
// another Content-Type than JSON (`other_types_hint` says which else the
// endpoint takes), malformed JSON, or a non-object.
Result<pipelines::Value> JsonObjectBody(const HttpRequest& request, std::string_view other_types_hint = {});

// `key` as a string: absent/null is "" (or "Missing value for required
// parameter" when `required`, also for ""); another type is an error.
Result<std::string> StringField(const pipelines::Value& body, std::string_view key, bool required);

// Whether the request's Content-Type names YAML (a spec sent as the body).
bool IsYamlContentType(std::string_view content_type);

// A handler answering 200 with the Value as JSON, or the error JSON.
Handler ValueHandler(std::function<Result<pipelines::Value>(const HttpRequest&)> handler);

// Registers `handler` for an API route given as (method, path).
void AddApiRoute(Router& router, std::string_view method, std::string_view path, Handler handler);

}  // namespace cairn::frontends
