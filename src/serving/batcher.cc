#include "serving/batcher.h"

#include <fmt/format.h>

namespace cairn::serving {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t RowsOf(const std::vector<Tensor>& inputs) {
  return inputs.empty() || inputs[0].shape.empty() ? 1 : inputs[0].shape[0];
}

// Bytes (or strings) per row of a tensor whose dim 0 is `rows`.
size_t RowWidth(const Tensor& t, int64_t rows) {
  if (rows <= 0) return 0;
  size_t count = static_cast<size_t>(t.element_count() / rows);
  return t.datatype == DataType::kBytes ? count : count * DataTypeSize(t.datatype);
}

}  // namespace

bool Stackable(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].datatype != b[i].datatype) return false;
    if (a[i].shape.size() != b[i].shape.size() || a[i].shape.empty()) return false;
    if (!std::equal(a[i].shape.begin() + 1, a[i].shape.end(), b[i].shape.begin() + 1)) return false;
  }
  return true;
}

DynamicBatcher::DynamicBatcher(ModelBackend& backend, BatchingOptions options, ModelStats& stats)
    : backend_(backend), options_(options), stats_(stats) {}

DynamicBatcher::~DynamicBatcher() { Stop(); }

void DynamicBatcher::Start() {
  if (options_.max_batch_size <= 1 || worker_.joinable()) return;
  worker_ = std::thread([this] { WorkerLoop(); });
}

void DynamicBatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& p : queue_) p->result.set_value(Unavailable("the model is unloading"));
  queue_.clear();
}

Result<std::vector<Tensor>> DynamicBatcher::RunDirect(std::vector<Tensor> inputs) {
  auto start = std::chrono::steady_clock::now();
  auto outputs = backend_.Infer(inputs);
  stats_.compute_latency.Observe(SecondsSince(start));
  stats_.executions.fetch_add(1, std::memory_order_relaxed);
  stats_.batch_size.Observe(static_cast<double>(RowsOf(inputs)));
  return outputs;
}

Result<std::vector<Tensor>> DynamicBatcher::Infer(std::vector<Tensor> inputs) {
  // queue_depth counts requests admitted and not finished, batched or not.
  int64_t depth = stats_.queue_depth.fetch_add(1, std::memory_order_relaxed) + 1;
  struct Leave {
    ModelStats& s;
    ~Leave() { s.queue_depth.fetch_sub(1, std::memory_order_relaxed); }
  } leave{stats_};
  if (depth > options_.max_queue_size) {
    stats_.rejected.fetch_add(1, std::memory_order_relaxed);
    return ResourceExhausted(fmt::format("the model's queue is full ({} requests); retry later", options_.max_queue_size));
  }
  if (options_.max_batch_size <= 1) return RunDirect(std::move(inputs));

  auto pending = std::make_unique<Pending>();
  pending->rows = RowsOf(inputs);
  pending->inputs = std::move(inputs);
  pending->enqueued = std::chrono::steady_clock::now();
  auto future = pending->result.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Unavailable("the model is unloading");
    queue_.push_back(std::move(pending));
  }
  cv_.notify_one();
  return future.get();
}

void DynamicBatcher::WorkerLoop() {
  const auto delay = std::chrono::microseconds(options_.max_queue_delay_us);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    // Wait for company until the first request's deadline or a full batch.
    const auto deadline = queue_.front()->enqueued + delay;
    auto queued_rows = [&] {
      int64_t rows = 0;
      for (auto& p : queue_) rows += p->rows;
      return rows;
    };
    while (!stopping_ && queued_rows() < options_.max_batch_size && std::chrono::steady_clock::now() < deadline) {
      cv_.wait_until(lock, deadline);
    }
    if (stopping_) return;
    // Take requests in arrival order while they fit and stack with the
    // first; a request bigger than the batch goes alone.
    std::vector<std::unique_ptr<Pending>> batch;
    int64_t rows = 0;
    while (!queue_.empty()) {
      Pending& next = *queue_.front();
      if (!batch.empty() && (rows + next.rows > options_.max_batch_size || !Stackable(batch[0]->inputs, next.inputs))) {
        break;
      }
      rows += next.rows;
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    RunBatch(batch);
    lock.lock();
  }
}

void DynamicBatcher::RunBatch(std::vector<std::unique_ptr<Pending>>& batch) {
  const auto now = std::chrono::steady_clock::now();
  for (auto& p : batch) stats_.queue_latency.Observe(std::chrono::duration<double>(now - p->enqueued).count());
  if (batch.size() == 1) {
    batch[0]->result.set_value(RunDirect(std::move(batch[0]->inputs)));
    return;
  }
  // Concatenate each input along dimension 0.
  int64_t total_rows = 0;
  for (auto& p : batch) total_rows += p->rows;
  std::vector<Tensor> merged;
  for (size_t i = 0; i < batch[0]->inputs.size(); ++i) {
    Tensor t;
    t.name = batch[0]->inputs[i].name;
    t.datatype = batch[0]->inputs[i].datatype;
    t.shape = batch[0]->inputs[i].shape;
    t.shape[0] = total_rows;
    for (auto& p : batch) {
      Tensor& part = p->inputs[i];
      t.data.insert(t.data.end(), part.data.begin(), part.data.end());
      for (auto& s : part.strings) t.strings.push_back(std::move(s));
    }
    merged.push_back(std::move(t));
  }
  auto outputs = RunDirect(std::move(merged));
  if (!outputs.ok()) {
    for (auto& p : batch) p->result.set_value(outputs.status());
    return;
  }
  for (const Tensor& out : *outputs) {
    if (out.shape.empty() || out.shape[0] != total_rows) {
      Status error = Internal(fmt::format("the model returned output '{}' with shape {} for a batch of {} rows; it "
                                          "cannot be batched (set max_batch_size 1)",
                                          out.name, ShapeString(out.shape), total_rows));
      for (auto& p : batch) p->result.set_value(error);
      return;
    }
  }
  // Split each output back by rows, in batch order.
  int64_t offset = 0;
  for (auto& p : batch) {
    std::vector<Tensor> mine;
    for (const Tensor& out : *outputs) {
      size_t width = RowWidth(out, total_rows);
      Tensor part;
      part.name = out.name;
      part.datatype = out.datatype;
      part.shape = out.shape;
      part.shape[0] = p->rows;
      if (out.datatype == DataType::kBytes) {
        part.strings.assign(out.strings.begin() + offset * width, out.strings.begin() + (offset + p->rows) * width);
      } else {
        part.data.assign(out.data.begin() + offset * width, out.data.begin() + (offset + p->rows) * width);
      }
      mine.push_back(std::move(part));
    }
    offset += p->rows;
    p->result.set_value(std::move(mine));
  }
}

}  // namespace cairn::serving
