#include "client/retrying_http_client.h"

#include <algorithm>
#include <random>
#include <thread>

namespace cairn::client {
namespace {

bool IsRetryable(const Result<HttpResponse>& result) {
  if (!result.ok()) return result.error().code() == StatusCode::kUnavailable;
  return result->status == 429 || result->status == 503;
}

}  // namespace

RetryingHttpClient::RetryingHttpClient(std::unique_ptr<HttpClient> inner, RetryPolicy policy)
    : inner_(std::move(inner)), policy_(std::move(policy)) {
  if (!policy_.sleep) policy_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  policy_.max_attempts = std::max(policy_.max_attempts, 1);
}

std::chrono::milliseconds RetryingHttpClient::Backoff(int retry, const Result<HttpResponse>& last) const {
  using std::chrono::milliseconds;
  if (last.ok() && last->retry_after_seconds) {
    return std::min(milliseconds(int64_t(*last->retry_after_seconds) * 1000), policy_.max_backoff);
  }
  int64_t full = policy_.initial_backoff.count();
  for (int i = 1; i < retry && full < policy_.max_backoff.count(); ++i) full *= 2;
  full = std::min(full, int64_t(policy_.max_backoff.count()));
  // One generator per thread: no lock, and seeding once per thread is cheap.
  thread_local std::minstd_rand rng(std::random_device{}());
  std::uniform_int_distribution<int64_t> jitter(full / 2, full);
  return milliseconds(jitter(rng));
}

Result<HttpResponse> RetryingHttpClient::Send(const HttpRequest& request) {
  const bool idempotent = request.IsIdempotent();
  int attempt = 1;
  Result<HttpResponse> result = inner_->Send(request);
  while (idempotent && attempt < policy_.max_attempts && IsRetryable(result)) {
    policy_.sleep(Backoff(attempt, result));
    ++attempt;
    result = inner_->Send(request);
  }
  if (result.ok()) result->attempts = attempt;
  return result;
}

}  // namespace cairn::client
