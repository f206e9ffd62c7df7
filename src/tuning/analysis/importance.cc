#include "tuning/analysis/importance.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "pipelines/spec/value.h"
#include "tuning/spec/load.h"

namespace cairn::tuning {
namespace {

constexpr size_t kNumericBins = 4;

struct Row {
  std::map<std::string, std::string> values;
  double objective = 0;
};

}  // namespace

std::vector<ParameterImportance> ComputeParameterImportance(const std::vector<TrialRecord>& trials) {
  std::vector<Row> rows;
  std::vector<std::string> names;  // parameter order of the first trial
  for (const TrialRecord& t : trials) {
    if (!t.objective || !std::isfinite(*t.objective)) continue;
    if (t.state != TrialPhase::kSucceeded && t.state != TrialPhase::kEarlyStopped) continue;
    auto v = pipelines::Value::ParseJson(t.assignment_json);
    if (!v.ok() || !v->is_list()) continue;
    Row row;
    row.objective = *t.objective;
    for (const auto& item : v->as_list()) {
      const auto* n = item.Find("name");
      const auto* val = item.Find("value");
      if (n == nullptr || val == nullptr || !n->is_string() || !val->is_string()) continue;
      row.values[n->as_string()] = val->as_string();
      if (std::find(names.begin(), names.end(), n->as_string()) == names.end()) names.push_back(n->as_string());
    }
    rows.push_back(std::move(row));
  }
  std::vector<ParameterImportance> out;
  for (const std::string& n : names) out.push_back({n, 0, 0});
  if (rows.size() < 3) return out;

  double mean = 0;
  for (const Row& r : rows) mean += r.objective;
  mean /= static_cast<double>(rows.size());
  double total = 0;
  for (const Row& r : rows) total += (r.objective - mean) * (r.objective - mean);
  if (total <= 0) return out;

  double sum = 0;
  for (ParameterImportance& p : out) {
    // Group key per row: the value itself, or a quantile bin when every
    // value is numeric and there are more distinct values than bins.
    std::vector<std::pair<double, size_t>> numeric;
    bool all_numeric = true;
    std::map<std::string, int> distinct;
    for (size_t i = 0; i < rows.size(); ++i) {
      auto it = rows[i].values.find(p.name);
      std::string value = it == rows[i].values.end() ? "" : it->second;
      distinct[value]++;
      auto number = ParseSpecNumber(value);
      if (!number) all_numeric = false;
      numeric.emplace_back(number.value_or(0), i);
    }
    std::vector<size_t> group(rows.size());
    if (all_numeric && distinct.size() > kNumericBins) {
      std::sort(numeric.begin(), numeric.end());
      for (size_t rank = 0; rank < numeric.size(); ++rank) {
        group[numeric[rank].second] = rank * kNumericBins / numeric.size();
      }
    } else {
      std::map<std::string, size_t> ids;
      for (size_t i = 0; i < rows.size(); ++i) {
        auto it = rows[i].values.find(p.name);
        std::string value = it == rows[i].values.end() ? "" : it->second;
        group[i] = ids.emplace(value, ids.size()).first->second;
      }
    }
    std::map<size_t, std::pair<double, size_t>> sums;  // group -> (sum, count)
    for (size_t i = 0; i < rows.size(); ++i) {
      sums[group[i]].first += rows[i].objective;
      sums[group[i]].second++;
    }
    double between = 0;
    for (const auto& [g, sc] : sums) {
      double m = sc.first / static_cast<double>(sc.second);
      between += static_cast<double>(sc.second) * (m - mean) * (m - mean);
    }
    p.eta_squared = std::clamp(between / total, 0.0, 1.0);
    sum += p.eta_squared;
  }
  for (ParameterImportance& p : out) p.importance = sum > 0 ? p.eta_squared / sum : 0;
  return out;
}

}  // namespace cairn::tuning
