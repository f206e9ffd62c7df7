// What handlers read from a request: the query string (GET) or the JSON body
// (POST), through RequestParams' typed getters, and raw percent-decoding.
// Input: first byte picks GET/POST, the rest up to the first newline is the
// query string, the remainder the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "frontends/http/request_params.h"
#include "frontends/http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t newline = text.find('\n');
  cairn::frontends::HttpRequest request;
  request.method = (data[0] & 1) ? "POST" : "GET";
  request.query = std::string(text.substr(0, newline));
  if (newline != std::string_view::npos) request.body = std::string(text.substr(newline + 1));
  request.content_type = "application/json";
  (void)cairn::frontends::PercentDecode(request.query, true);
  (void)cairn::frontends::ParseQuery(request.query);
  auto params = cairn::frontends::RequestParams::FromRequest(request);
  if (!params.ok()) return 0;
  for (std::string_view key : {"experiment_id", "run_id", "max_results", "filter", "order_by", "tags", "metrics"}) {
    (void)params->GetString(key);
    (void)params->GetInt64(key);
    (void)params->GetDouble(key);
    (void)params->GetBool(key);
    (void)params->GetStringList(key);
    (void)params->GetObjectList(key);
  }
  return 0;
}
