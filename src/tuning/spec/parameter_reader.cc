#include "tuning/spec/parameter_reader.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "tuning/spec/load.h"

namespace cairn::tuning {

using pipelines::YamlNode;

void AddProblem(std::vector<SpecProblem>& problems, std::string path, const Status& status) {
  problems.push_back({std::move(path), status.message()});
}

std::optional<double> ParseSpecNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

namespace {

std::optional<double> ReadNumber(const std::optional<YamlNode>& node, std::string_view what,
                                 std::vector<SpecProblem>& problems) {
  if (!node || node->IsNull()) return std::nullopt;
  auto text = node->AsString();
  if (!text.ok()) {
    AddProblem(problems, node->path(), node->Error(fmt::format("{} must be a number", what)));
    return std::nullopt;
  }
  auto v = ParseSpecNumber(*text);
  if (!v) {
    AddProblem(problems, node->path(), node->Error(fmt::format("{} '{}' is not a number", what, text->substr(0, 60))));
  }
  return v;
}

}  // namespace

std::optional<int64_t> ReadSpecInt(const YamlNode& map, std::string_view key, int64_t min, int64_t max,
                                   std::vector<SpecProblem>& problems) {
  auto node = map.Get(key);
  if (!node || node->IsNull()) return std::nullopt;
  auto v = node->AsInt();  // exact integers only, |v| < 9e15
  if (!v.ok() || *v < min || *v > max) {
    AddProblem(problems, node->path(), node->Error(fmt::format("must be an integer from {} to {}", min, max)));
    return std::nullopt;
  }
  return *v;
}

namespace {

bool IsInteger(double v) { return std::floor(v) == v && std::fabs(v) < 9e15; }

}  // namespace

ParameterSpec ReadParameter(std::string name, const YamlNode& type_node, const YamlNode& space,
                            std::string_view list_key, std::vector<SpecProblem>& problems) {
  ParameterSpec p;
  p.name = std::move(name);
  const size_t before = problems.size();
  auto type = type_node.AsString();
  if (!type.ok() || type->empty()) {
    AddProblem(problems, type_node.path(),
               type_node.Error("a parameter type is required: double, int, categorical or discrete"));
    return p;
  }
  if (*type == "double" || *type == "float") {
    p.type = ParameterType::kDouble;
  } else if (*type == "int") {
    p.type = ParameterType::kInt;
  } else if (*type == "categorical") {
    p.type = ParameterType::kCategorical;
  } else if (*type == "discrete") {
    p.type = ParameterType::kDiscrete;
  } else {
    AddProblem(problems, type_node.path(),
               type_node.Error(fmt::format("unknown parameter type '{}': expected double, int, categorical or discrete",
                                           type->substr(0, 60))));
    return p;
  }
  if (space.IsNull() || !space.IsMap()) {
    AddProblem(problems, space.path(), space.Error("the feasible space (min/max or list) is required"));
    return p;
  }
  if (auto dist = space.Get("distribution"); dist && !dist->IsNull()) {
    auto d = dist->AsString();
    if (!d.ok() || !(*d == "uniform" || *d == "logUniform" || *d == "normal" || *d == "logNormal" || d->empty())) {
      AddProblem(problems, dist->path(),
                 dist->Error("distribution must be uniform, logUniform, normal or logNormal"));
    } else if (*d == "logUniform") {
      p.distribution = Distribution::kLogUniform;
    } else if (*d == "normal") {
      p.distribution = Distribution::kNormal;
    } else if (*d == "logNormal") {
      p.distribution = Distribution::kLogNormal;
    }
  }

  if (p.type == ParameterType::kDouble || p.type == ParameterType::kInt) {
    auto min = ReadNumber(space.Get("min"), "min", problems);
    auto max = ReadNumber(space.Get("max"), "max", problems);
    auto step = ReadNumber(space.Get("step"), "step", problems);
    if (problems.size() != before) return p;
    if (!min || !max) {
      AddProblem(problems, space.path(),
                 space.Error(fmt::format("parameter '{}' needs both min and max", p.name)));
      return p;
    }
    p.min = *min;
    p.max = *max;
    p.step = step;
    if (p.min > p.max) {
      AddProblem(problems, space.path(),
                 space.Error(fmt::format("parameter '{}': inverted range, min {} > max {}", p.name, p.min, p.max)));
    }
    if (p.type == ParameterType::kInt && (!IsInteger(p.min) || !IsInteger(p.max))) {
      AddProblem(problems, space.path(),
                 space.Error(fmt::format("parameter '{}' is int but min/max are not integers", p.name)));
    }
    if (step && *step <= 0) {
      AddProblem(problems, space.path(), space.Error(fmt::format("parameter '{}': step must be > 0", p.name)));
    }
    if ((p.distribution == Distribution::kLogUniform || p.distribution == Distribution::kLogNormal) && p.min <= 0) {
      AddProblem(problems, space.path(),
                 space.Error(fmt::format("parameter '{}': a log distribution needs min > 0", p.name)));
    }
    return p;
  }

  auto list = space.Get(list_key);
  if (!list || list->IsNull()) {
    AddProblem(problems, space.path(),
               space.Error(fmt::format("parameter '{}' ({}) needs a non-empty '{}'", p.name, *type, list_key)));
    return p;
  }
  auto items = list->Items();
  if (!items.ok()) {
    AddProblem(problems, list->path(), items.status());
    return p;
  }
  for (const YamlNode& item : *items) {
    auto text = item.AsString();
    if (!text.ok()) {
      AddProblem(problems, item.path(), item.Error("list values must be scalars"));
      continue;
    }
    if (p.type == ParameterType::kDiscrete && !ParseSpecNumber(*text)) {
      AddProblem(problems, item.path(),
                 item.Error(fmt::format("discrete value '{}' is not a number", text->substr(0, 60))));
    }
    p.list.push_back(*text);
  }
  if (p.list.empty()) {
    AddProblem(problems, list->path(), list->Error(fmt::format("parameter '{}': the list is empty", p.name)));
  }
  return p;
}

}  // namespace cairn::tuning
