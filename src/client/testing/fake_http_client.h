// FakeHttpClient: an HttpClient that records requests and answers from a
// queue of canned results (or a handler), for unit tests of code above the
// HTTP seam. Test-only. Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "client/http_client.h"

namespace cairn::client::testing {

class FakeHttpClient final : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  // Answers from the queue first; when it is empty, from the handler; with
  // neither, 200 "{}".
  void Enqueue(Result<HttpResponse> result) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(result));
  }
  void EnqueueJson(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    response.content_type = "application/json";
    Enqueue(std::move(response));
  }
  void SetHandler(Handler handler) {
    std::lock_guard lock(mu_);
    handler_ = std::move(handler);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    Handler handler;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      if (!queue_.empty()) {
        Result<HttpResponse> next = std::move(queue_.front());
        queue_.pop_front();
        return next;
      }
      handler = handler_;
    }
    if (handler) return handler(request);
    HttpResponse ok;
    ok.status = 200;
    ok.body = "{}";
    ok.content_type = "application/json";
    return ok;
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Result<HttpResponse>> queue_;  // GUARDED_BY(mu_)
  Handler handler_;                          // GUARDED_BY(mu_)
  std::vector<HttpRequest> requests_;        // GUARDED_BY(mu_)
};

}  // namespace cairn::client::testing
