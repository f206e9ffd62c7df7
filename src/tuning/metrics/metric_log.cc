#include "tuning/metrics/metric_log.h"

#include <algorithm>

#include "base/numeric.h"
#include "pipelines/spec/value.h"

namespace cairn::tuning {

using pipelines::Value;

std::string MetricLogToJson(const MetricLog& log) {
  Value::Struct out;
  for (const auto& [name, points] : log) {
    Value::List items;
    for (const MetricPoint& p : points) {
      items.push_back(Value::MakeList({Value::Int(p.step), Value::Double(p.value), Value::Int(p.timestamp_ms)}));
    }
    out.emplace_back(name, Value::MakeList(std::move(items)));
  }
  return Value::MakeStruct(std::move(out)).ToJson();
}

MetricLog MetricLogFromJson(const std::string& json) {
  MetricLog log;
  if (json.empty()) return log;
  auto v = Value::ParseJson(json);
  if (!v.ok() || !v->is_struct()) return log;
  for (const auto& [name, points] : v->as_struct()) {
    if (!points.is_list()) continue;
    auto& out = log[name];
    for (const Value& p : points.as_list()) {
      if (!p.is_list() || p.as_list().size() != 3) continue;
      const auto& f = p.as_list();
      if (!f[0].is_number() || !f[1].is_number() || !f[2].is_number()) continue;
      auto step = TruncToInt64(f[0].as_double());
      auto timestamp = TruncToInt64(f[2].as_double());
      if (!step || !timestamp) continue;
      out.push_back({*step, f[1].as_double(), *timestamp});
    }
  }
  return log;
}

std::optional<double> ApplyStrategy(const std::vector<MetricPoint>& points, MetricStrategy strategy) {
  if (points.empty()) return std::nullopt;
  switch (strategy) {
    case MetricStrategy::kLatest:
      return points.back().value;
    case MetricStrategy::kMin:
      return std::min_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.value < b.value; })->value;
    case MetricStrategy::kMax:
      return std::max_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.value < b.value; })->value;
  }
  return std::nullopt;
}

std::optional<double> MetricValue(const MetricLog& log, const std::string& metric, MetricStrategy strategy) {
  auto it = log.find(metric);
  return it == log.end() ? std::nullopt : ApplyStrategy(it->second, strategy);
}

}  // namespace cairn::tuning
