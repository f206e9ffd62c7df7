// DynamicBatcher: combines concurrent requests for one model into batches
// along dimension 0 (as Triton's dynamic batcher does), up to
// `max_batch_size` rows, waiting at most `max_queue_delay_us` after the first
// request of a batch arrives. The queue is bounded: a request beyond
// `max_queue_size` waiting requests is turned away at once with
// kResourceExhausted (429), never left to time out.
//
// With max_batch_size <= 1 nothing is queued: requests run on the calling
// thread (the backend serialises if it must), and the bound still applies to
// requests in flight.
//
// Owns one worker thread between Start() and Stop(); Stop() fails requests
// still queued with kUnavailable. Infer is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "serving/metrics.h"
#include "serving/model_backend.h"

namespace cairn::serving {

struct BatchingOptions {
  // Rows per backend call; <= 1 switches batching off. Bigger batches raise
  // throughput under load at the price of up to max_queue_delay_us latency.
  int max_batch_size = 1;
  // How long the first request of a batch waits for company.
  int64_t max_queue_delay_us = 0;
  // Requests waiting (or, without batching, running) at once before new ones
  // are turned away with 429.
  int max_queue_size = 256;
};

class DynamicBatcher {
 public:
  // `backend` and `stats` must outlive the batcher.
  DynamicBatcher(ModelBackend& backend, BatchingOptions options, ModelStats& stats);
  ~DynamicBatcher();
  DynamicBatcher(const DynamicBatcher&) = delete;
  DynamicBatcher& operator=(const DynamicBatcher&) = delete;

  void Start();
  void Stop();

  // Runs `inputs` (in the backend's input order, already validated) and
  // returns the backend's outputs for these rows only.
  Result<std::vector<Tensor>> Infer(std::vector<Tensor> inputs);

  const BatchingOptions& options() const { return options_; }

 private:
  struct Pending {
    std::vector<Tensor> inputs;
    int64_t rows = 0;
    std::chrono::steady_clock::time_point enqueued;
    std::promise<Result<std::vector<Tensor>>> result;
  };

  Result<std::vector<Tensor>> RunDirect(std::vector<Tensor> inputs);
  void WorkerLoop();
  // Runs one batch and fulfils every member's promise.
  void RunBatch(std::vector<std::unique_ptr<Pending>>& batch);

  ModelBackend& backend_;
  const BatchingOptions options_;
  ModelStats& stats_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Pending>> queue_;  // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  std::thread worker_;
};

// True when `a` and `b` can be stacked along dimension 0 (same names,
// datatypes and trailing dimensions).
bool Stackable(const std::vector<Tensor>& a, const std::vector<Tensor>& b);

}  // namespace cairn::serving
