// AlgorithmSettings: typed, validated access to Katib `algorithmSettings`
// (name/value text pairs). Each algorithm reads the settings it knows; the
// factory then rejects any it did not read, naming the known ones.
// Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace cairn::tuning::suggest {

class AlgorithmSettings {
 public:
  AlgorithmSettings(std::string algorithm, std::vector<std::pair<std::string, std::string>> settings)
      : algorithm_(std::move(algorithm)), settings_(std::move(settings)) {}

  // The setting's value, `fallback` when absent; kInvalidArgument when it is
  // not a number in [lo, hi].
  Result<double> Double(std::string_view name, double fallback, double lo, double hi);
  // The same for integers.
  Result<int64_t> Int(std::string_view name, int64_t fallback, int64_t lo, int64_t hi);
  // One of `allowed`.
  Result<std::string> Choice(std::string_view name, std::string fallback, const std::vector<std::string>& allowed);
  // The raw text, nullopt when absent.
  std::optional<std::string> Text(std::string_view name);
  // Accepted and ignored (Katib bookkeeping or tuning knobs that have no
  // meaning here).
  void Ignore(std::string_view name);

  // kInvalidArgument naming the first setting no one read.
  Status CheckAllKnown() const;

 private:
  const std::string* Find(std::string_view name);
  Status Bad(std::string_view name, const std::string& value, std::string_view want) const;

  std::string algorithm_;
  std::vector<std::pair<std::string, std::string>> settings_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace cairn::tuning::suggest
