#include "serving/drift.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "base/json_reader.h"

namespace cairn::serving {
namespace {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) {
    while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
    out.push_back(cell);
  }
  return out;
}

}  // namespace

double PopulationStabilityIndex(const std::vector<double>& reference, std::vector<double> current, int bins) {
  if (reference.empty() || current.empty() || bins < 2) return 0;
  // Inner edges at the reference's quantiles; a value goes to the first bin
  // whose edge is above it.
  std::vector<double> edges;
  for (int i = 1; i < bins; ++i) edges.push_back(reference[reference.size() * i / bins]);
  auto histogram = [&](const std::vector<double>& values) {
    std::vector<double> share(bins, 0.0);
    for (double v : values) share[std::upper_bound(edges.begin(), edges.end(), v) - edges.begin()] += 1;
    for (double& s : share) s = std::max(s / static_cast<double>(values.size()), 1e-4);
    return share;
  };
  std::vector<double> expected = histogram(reference), actual = histogram(current);
  double psi = 0;
  for (int i = 0; i < bins; ++i) psi += (actual[i] - expected[i]) * std::log(actual[i] / expected[i]);
  return psi;
}

double KolmogorovSmirnov(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  return d;
}

Result<std::unique_ptr<DriftMonitor>> DriftMonitor::FromCsv(const std::filesystem::path& csv,
                                                            const std::vector<std::string>& feature_names,
                                                            int64_t width, size_t window) {
  std::ifstream in(csv);
  if (!in) return InvalidArgument("cannot read the reference dataset " + csv.filename().string());
  std::string line;
  if (!std::getline(in, line)) return InvalidArgument("the reference dataset is empty");
  std::vector<std::string> header = SplitCsvLine(line);
  std::vector<size_t> columns;
  std::unique_ptr<DriftMonitor> monitor(new DriftMonitor());
  if (!feature_names.empty()) {
    for (const auto& name : feature_names) {
      auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) return InvalidArgument(fmt::format("the reference dataset has no column '{}'", name));
      columns.push_back(static_cast<size_t>(it - header.begin()));
      monitor->names_.push_back(name);
    }
  } else {
    if (width <= 0 || static_cast<int64_t>(header.size()) < width) {
      return InvalidArgument(fmt::format("the reference dataset needs {} columns", width));
    }
    for (int64_t i = 0; i < width; ++i) {
      columns.push_back(static_cast<size_t>(i));
      monitor->names_.push_back(header[static_cast<size_t>(i)]);
    }
  }
  monitor->reference_.resize(columns.size());
  size_t line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> cells = SplitCsvLine(line);
    for (size_t k = 0; k < columns.size(); ++k) {
      auto value = columns[k] < cells.size() ? ParseDouble(cells[columns[k]]) : std::nullopt;
      if (!value) return InvalidArgument(fmt::format("reference dataset line {}: not a number in column {}", line_number, columns[k] + 1));
      monitor->reference_[k].push_back(*value);
    }
    monitor->reference_rows_++;
  }
  if (monitor->reference_rows_ == 0) return InvalidArgument("the reference dataset has no rows");
  for (auto& column : monitor->reference_) std::sort(column.begin(), column.end());
  monitor->window_ = window;
  monitor->recent_.resize(columns.size());
  return monitor;
}

void DriftMonitor::Observe(const Tensor& input) {
  if (input.shape.size() != 2 || input.shape[1] != static_cast<int64_t>(names_.size()) ||
      input.datatype == DataType::kBytes) {
    return;
  }
  const size_t width = names_.size();
  const size_t rows = static_cast<size_t>(input.shape[0]);
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t k = 0; k < width; ++k) {
      auto& column = recent_[k];
      column.push_back(input.AsDouble(r * width + k));
      if (column.size() > window_) column.pop_front();
    }
  }
}

size_t DriftMonitor::window_rows() const {
  std::lock_guard<std::mutex> lock(mu_);
  return recent_.empty() ? 0 : recent_[0].size();
}

std::vector<FeatureDrift> DriftMonitor::Compute() const {
  std::vector<std::vector<double>> current;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& column : recent_) current.emplace_back(column.begin(), column.end());
  }
  std::vector<FeatureDrift> out;
  for (size_t k = 0; k < names_.size(); ++k) {
    std::sort(current[k].begin(), current[k].end());
    out.push_back({names_[k], PopulationStabilityIndex(reference_[k], current[k]), KolmogorovSmirnov(reference_[k], current[k])});
  }
  return out;
}

}  // namespace cairn::serving
