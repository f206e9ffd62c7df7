// Clock seam: injectable time so stores and schedulers are testable without
// the wall clock. Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <memory>

namespace cairn {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (the unit MLflow uses everywhere).
  virtual int64_t NowMillis() const = 0;
};

// The real wall clock.
std::unique_ptr<Clock> CreateSystemClock();

// A clock tests set by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMillis() const override { return now_ms_; }
  void Advance(int64_t ms) { now_ms_ += ms; }
  void Set(int64_t ms) { now_ms_ = ms; }

 private:
  int64_t now_ms_;
};

}  // namespace cairn
