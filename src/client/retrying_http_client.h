// RetryingHttpClient: an HttpClient decorator that resends idempotent
// requests after connection errors (kUnavailable) and after HTTP 429 / 503,
// with capped exponential backoff and jitter. A numeric Retry-After header
// replaces the computed delay (still capped by max_backoff).
//
// Why only idempotent requests: a connection that breaks after the request
// was sent leaves unknown whether the server applied it, and a second
// runs/create would create a second run. Callers mark POSTs that are safe to
// repeat (searches, log-batch, whose duplicates the server ignores) with
// HttpRequest::idempotent.
//
// Thread-safe if the wrapped client is.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "client/http_client.h"

namespace cairn::client {

struct RetryPolicy {
  // Total tries including the first; 1 disables retries.
  int max_attempts = 4;
  // Delay before the first retry; doubles each retry. Each delay is drawn
  // uniformly from [d/2, d] so that clients failing together do not retry in
  // lock step.
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  // How to wait; tests pass a recorder. Default: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
};

class RetryingHttpClient final : public HttpClient {
 public:
  RetryingHttpClient(std::unique_ptr<HttpClient> inner, RetryPolicy policy);
  RetryingHttpClient(const RetryingHttpClient&) = delete;
  RetryingHttpClient& operator=(const RetryingHttpClient&) = delete;

  // Returns the last response or error once attempts are exhausted;
  // HttpResponse::attempts says how many were made.
  Result<HttpResponse> Send(const HttpRequest& request) override;

 private:
  std::chrono::milliseconds Backoff(int retry, const Result<HttpResponse>& last) const;

  std::unique_ptr<HttpClient> inner_;
  RetryPolicy policy_;
};

}  // namespace cairn::client
