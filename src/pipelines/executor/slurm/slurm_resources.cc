#include "pipelines/executor/slurm/slurm_resources.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <string>

namespace cairn::pipelines {
namespace {

// A decimal number followed by an optional suffix; nullopt if malformed.
std::optional<std::pair<double, std::string_view>> SplitQuantity(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0 || i > 20) return std::nullopt;
  std::string number(text.substr(0, i));
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value) || value <= 0) return std::nullopt;
  return std::make_pair(value, text.substr(i));
}

}  // namespace

std::optional<int64_t> ParseCpuCores(std::string_view quantity) {
  auto q = SplitQuantity(quantity);
  if (!q) return std::nullopt;
  double cores = q->first;
  if (q->second == "m") {
    cores /= 1000.0;
  } else if (!q->second.empty()) {
    return std::nullopt;
  }
  if (cores > 100000) return std::nullopt;
  return static_cast<int64_t>(std::ceil(cores - 1e-9));
}

std::optional<int64_t> ParseMemoryMegabytes(std::string_view quantity) {
  auto q = SplitQuantity(quantity);
  if (!q) return std::nullopt;
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"", 1.0},       {"k", 1e3},          {"K", 1e3},          {"M", 1e6},          {"G", 1e9},
      {"T", 1e12},     {"Ki", 1024.0},      {"Mi", 1048576.0},   {"Gi", 1073741824.0}, {"Ti", 1099511627776.0},
  };
  for (const auto& [suffix, factor] : kUnits) {
    if (q->second != suffix) continue;
    const double megabytes = q->first * factor / 1048576.0;
    if (megabytes > 1e12) return std::nullopt;
    return std::max<int64_t>(1, static_cast<int64_t>(std::ceil(megabytes - 1e-9)));
  }
  return std::nullopt;
}

Result<std::vector<std::string>> SbatchResourceOptions(const TaskLaunch& launch) {
  std::vector<std::string> options;
  if (!launch.cpu_limit.empty()) {
    auto cores = ParseCpuCores(launch.cpu_limit);
    if (!cores) return InvalidArgument(fmt::format("cannot read the CPU request '{}'", launch.cpu_limit));
    options.push_back(fmt::format("--cpus-per-task={}", *cores));
  }
  if (!launch.memory_limit.empty()) {
    auto mb = ParseMemoryMegabytes(launch.memory_limit);
    if (!mb) return InvalidArgument(fmt::format("cannot read the memory request '{}'", launch.memory_limit));
    options.push_back(fmt::format("--mem={}M", *mb));
  }
  if (launch.accelerator_count > 0) options.push_back(fmt::format("--gres=gpu:{}", launch.accelerator_count));
  if (launch.timeout_ms > 0) {
    const int64_t minutes = (launch.timeout_ms + 59999) / 60000 + 1;
    options.push_back(fmt::format("--time={}", minutes));
  }
  return options;
}

}  // namespace cairn::pipelines
