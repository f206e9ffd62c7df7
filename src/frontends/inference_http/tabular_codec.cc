#include "frontends/inference_http/tabular_codec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <simdjson.h>

#include "base/json_reader.h"
#include "base/json_writer.h"
#include "frontends/inference_http/tensor_json.h"

namespace cairn::frontends {
namespace {

using serving::ModelMetadata;
using serving::Tensor;
using serving::TensorSpec;
using Element = simdjson::dom::element;

struct Parsed {
  simdjson::dom::parser parser;
  simdjson::padded_string padded;
  Element root;
};

Status ParseBody(std::string_view body, Parsed& parsed) {
  parsed.padded = simdjson::padded_string(body);
  if (auto error = parsed.parser.parse(parsed.padded).get(parsed.root); error != simdjson::SUCCESS) {
    return InvalidArgument(fmt::format("the request body is not valid JSON ({})", simdjson::error_message(error)));
  }
  if (!parsed.root.is_object()) return InvalidArgument("the request body must be a JSON object");
  return Status::Ok();
}

// A tensor for one input from per-row values, shaped to the spec's rank
// (a model input [-1, 1] accepts one scalar per row).
Result<Tensor> RowsToInput(const std::vector<Element>& rows, const TensorSpec& spec) {
  CAIRN_ASSIGN_OR_RETURN(Tensor t, ParseRowsTensor(rows, spec.name, spec.datatype));
  if (t.shape.size() == 1 && spec.shape.size() == 2 && spec.shape[1] == 1) t.shape.push_back(1);
  return t;
}

// Rows of instances (or "inputs" as a list): plain values for a one-input
// model, objects keyed by input name otherwise.
Result<serving::InferenceRequest> FromInstances(simdjson::dom::array instances, const ModelMetadata& model) {
  if (instances.size() == 0) return InvalidArgument("'instances' must not be empty");
  serving::InferenceRequest request;
  std::vector<Element> rows(instances.begin(), instances.end());
  bool objects = rows[0].is_object();
  if (!objects) {
    if (model.inputs.size() != 1) {
      return InvalidArgument(fmt::format("the model has {} inputs: each instance must be an object keyed by input name",
                                         model.inputs.size()));
    }
    CAIRN_ASSIGN_OR_RETURN(Tensor t, RowsToInput(rows, model.inputs[0]));
    request.inputs.push_back(std::move(t));
    return request;
  }
  // A tabular model's instances may be records keyed by feature name.
  if (model.inputs.size() == 1 && !model.feature_names.empty()) {
    std::vector<Element> leaves;
    for (const Element& row : rows) {
      if (!row.is_object()) return InvalidArgument("all instances must be objects");
      for (const auto& feature : model.feature_names) {
        Element v;
        if (row[feature].get(v) != simdjson::SUCCESS) return InvalidArgument(fmt::format("an instance misses '{}'", feature));
        leaves.push_back(v);
      }
    }
    Tensor t;
    t.name = model.inputs[0].name;
    t.datatype = model.inputs[0].datatype;
    t.shape = {static_cast<int64_t>(rows.size()), static_cast<int64_t>(model.feature_names.size())};
    CAIRN_RETURN_IF_ERROR(FillFromLeaves(t, leaves));
    request.inputs.push_back(std::move(t));
    return request;
  }
  for (const TensorSpec& spec : model.inputs) {
    std::vector<Element> values;
    for (const Element& row : rows) {
      Element v;
      if (!row.is_object() || row[spec.name].get(v) != simdjson::SUCCESS) {
        return InvalidArgument(fmt::format("an instance misses input '{}'", spec.name));
      }
      values.push_back(v);
    }
    CAIRN_ASSIGN_OR_RETURN(Tensor t, RowsToInput(values, spec));
    request.inputs.push_back(std::move(t));
  }
  return request;
}

// A table (column names + rows of values) into the model's inputs: one 2-D
// input takes the columns in the signature's order; several inputs take one
// column each, by name.
Result<serving::InferenceRequest> FromTable(const std::vector<std::string>& columns,
                                            const std::vector<std::vector<Element>>& rows, const ModelMetadata& model) {
  if (rows.empty()) return InvalidArgument("the dataframe has no rows");
  auto column_index = [&](const std::string& name) -> std::optional<size_t> {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == name) return i;
    }
    return std::nullopt;
  };
  serving::InferenceRequest request;
  if (model.inputs.size() == 1 && model.inputs[0].shape.size() == 2) {
    const TensorSpec& spec = model.inputs[0];
    std::vector<size_t> order;
    if (!model.feature_names.empty()) {
      for (const auto& feature : model.feature_names) {
        auto i = column_index(feature);
        if (!i) return InvalidArgument(fmt::format("the dataframe has no column '{}' (the model's columns: {})", feature,
                                                   fmt::join(model.feature_names, ", ")));
        order.push_back(*i);
      }
    } else {
      for (size_t i = 0; i < columns.size(); ++i) order.push_back(i);
    }
    if (spec.shape[1] >= 0 && static_cast<int64_t>(order.size()) != spec.shape[1]) {
      return InvalidArgument(fmt::format("the dataframe has {} columns, the model takes {}", order.size(), spec.shape[1]));
    }
    std::vector<Element> leaves;
    for (const auto& row : rows) {
      for (size_t i : order) leaves.push_back(row[i]);
    }
    Tensor t;
    t.name = spec.name;
    t.datatype = spec.datatype;
    t.shape = {static_cast<int64_t>(rows.size()), static_cast<int64_t>(order.size())};
    CAIRN_RETURN_IF_ERROR(FillFromLeaves(t, leaves));
    request.inputs.push_back(std::move(t));
    return request;
  }
  for (const TensorSpec& spec : model.inputs) {
    auto i = column_index(spec.name);
    if (!i) return InvalidArgument(fmt::format("the dataframe has no column '{}'", spec.name));
    std::vector<Element> values;
    for (const auto& row : rows) values.push_back(row[*i]);
    CAIRN_ASSIGN_OR_RETURN(Tensor t, RowsToInput(values, spec));
    request.inputs.push_back(std::move(t));
  }
  return request;
}

Result<serving::InferenceRequest> FromDataframeSplit(Element split, const ModelMetadata& model) {
  simdjson::dom::array columns, data;
  if (!split.is_object() || split["data"].get(data) != simdjson::SUCCESS) {
    return InvalidArgument("'dataframe_split' needs a 'data' array");
  }
  std::vector<std::string> names;
  if (split["columns"].get(columns) == simdjson::SUCCESS) {
    for (Element c : columns) {
      std::string_view name;
      if (c.get(name) != simdjson::SUCCESS) return InvalidArgument("'dataframe_split.columns' must hold strings");
      names.emplace_back(name);
    }
  }
  std::vector<std::vector<Element>> rows;
  for (Element row : data) {
    simdjson::dom::array cells;
    if (row.get(cells) != simdjson::SUCCESS) return InvalidArgument("each row of 'dataframe_split.data' must be an array");
    rows.emplace_back(cells.begin(), cells.end());
    if (names.empty()) {
      for (size_t i = 0; i < rows.back().size(); ++i) names.push_back(std::to_string(i));
    }
    if (rows.back().size() != names.size()) {
      return InvalidArgument(fmt::format("a row of 'dataframe_split.data' has {} values for {} columns",
                                         rows.back().size(), names.size()));
    }
  }
  // Without column names, the values are in the model's column order.
  bool positional = split["columns"].error() != simdjson::SUCCESS;
  if (positional && !model.feature_names.empty() && names.size() == model.feature_names.size()) names = model.feature_names;
  return FromTable(names, rows, model);
}

Result<serving::InferenceRequest> FromDataframeRecords(Element records, const ModelMetadata& model) {
  simdjson::dom::array list;
  if (records.get(list) != simdjson::SUCCESS || list.size() == 0) {
    return InvalidArgument("'dataframe_records' must be a non-empty array of objects");
  }
  std::vector<std::string> names;
  if (!model.feature_names.empty()) {
    names = model.feature_names;
  } else if (model.inputs.size() > 1) {
    for (const auto& spec : model.inputs) names.push_back(spec.name);
  } else {
    simdjson::dom::object first;
    if ((*list.begin()).get(first) != simdjson::SUCCESS) {
      return InvalidArgument("each of 'dataframe_records' must be an object");
    }
    for (auto field : first) names.emplace_back(field.key);
  }
  std::vector<std::vector<Element>> rows;
  for (Element record : list) {
    if (!record.is_object()) return InvalidArgument("each of 'dataframe_records' must be an object");
    std::vector<Element> row;
    for (const auto& name : names) {
      Element v;
      if (record[name].get(v) != simdjson::SUCCESS) return InvalidArgument(fmt::format("a record misses column '{}'", name));
      row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  return FromTable(names, rows, model);
}

// "inputs" as an object: input name -> the whole tensor (nested array).
Result<serving::InferenceRequest> FromNamedInputs(simdjson::dom::object inputs, const ModelMetadata& model) {
  serving::InferenceRequest request;
  for (const TensorSpec& spec : model.inputs) {
    Element v;
    if (inputs[spec.name].get(v) != simdjson::SUCCESS) return InvalidArgument(fmt::format("'inputs' misses '{}'", spec.name));
    CAIRN_ASSIGN_OR_RETURN(Tensor t, ParseNestedTensor(v, spec.name, spec.datatype));
    if (t.shape.size() == 1 && spec.shape.size() == 2 && spec.shape[1] == 1) t.shape.push_back(1);
    request.inputs.push_back(std::move(t));
  }
  return request;
}

void WriteRows(JsonWriter& w, const Tensor& t) {
  w.StartArray();
  int64_t rows = t.shape.empty() ? 1 : t.shape[0];
  for (int64_t r = 0; r < rows; ++r) WriteTensorRow(w, t, r);
  w.EndArray();
}

}  // namespace

Result<serving::InferenceRequest> ParseV1PredictRequest(std::string_view body, const ModelMetadata& model) {
  Parsed parsed;
  CAIRN_RETURN_IF_ERROR(ParseBody(body, parsed));
  Element value;
  if (parsed.root["instances"].get(value) == simdjson::SUCCESS || parsed.root["inputs"].get(value) == simdjson::SUCCESS) {
    simdjson::dom::array list;
    if (value.get(list) != simdjson::SUCCESS) return InvalidArgument("'instances' must be a list");
    return FromInstances(list, model);
  }
  return InvalidArgument("the request needs an 'instances' list");
}

Result<serving::InferenceRequest> ParseInvocationsRequest(std::string_view body, const ModelMetadata& model) {
  Parsed parsed;
  CAIRN_RETURN_IF_ERROR(ParseBody(body, parsed));
  simdjson::dom::object root;
  if (parsed.root.get(root) != simdjson::SUCCESS) return InvalidArgument("the request body must be a JSON object");
  int formats = 0;
  for (auto key : {"dataframe_split", "dataframe_records", "instances", "inputs"}) formats += root[key].error() == simdjson::SUCCESS;
  if (formats != 1) {
    return InvalidArgument(
        "the request must have exactly one of 'dataframe_split', 'dataframe_records', 'instances' or 'inputs'");
  }
  Element value;
  if (root["dataframe_split"].get(value) == simdjson::SUCCESS) return FromDataframeSplit(value, model);
  if (root["dataframe_records"].get(value) == simdjson::SUCCESS) return FromDataframeRecords(value, model);
  if (root["instances"].get(value) == simdjson::SUCCESS) {
    simdjson::dom::array list;
    if (value.get(list) != simdjson::SUCCESS) return InvalidArgument("'instances' must be a list");
    return FromInstances(list, model);
  }
  if (root["inputs"].get(value) != simdjson::SUCCESS) return InvalidArgument("the request needs 'inputs'");
  simdjson::dom::object named;
  if (value.get(named) == simdjson::SUCCESS) return FromNamedInputs(named, model);
  simdjson::dom::array list;
  if (value.get(list) != simdjson::SUCCESS) return InvalidArgument("'inputs' must be a list or an object");
  return FromInstances(list, model);
}

Result<serving::InferenceRequest> ParseInvocationsCsv(std::string_view body, const ModelMetadata& model) {
  // Rewritten as a dataframe_split document so one code path checks it.
  auto split_line = [](std::string_view line) {
    std::vector<std::string_view> cells;
    while (true) {
      size_t comma = line.find(',');
      std::string_view cell = line.substr(0, comma);
      while (!cell.empty() && (cell.back() == '\r' || cell.back() == ' ')) cell.remove_suffix(1);
      while (!cell.empty() && cell.front() == ' ') cell.remove_prefix(1);
      if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
      cells.push_back(cell);
      if (comma == std::string_view::npos) break;
      line.remove_prefix(comma + 1);
    }
    return cells;
  };
  JsonWriter w;
  w.StartObject().Key("dataframe_split").StartObject();
  bool header = true;
  while (!body.empty()) {
    size_t newline = body.find('\n');
    std::string_view line = body.substr(0, newline);
    body.remove_prefix(newline == std::string_view::npos ? body.size() : newline + 1);
    if (line.empty() || line == "\r") continue;
    auto cells = split_line(line);
    if (header) {
      w.Key("columns").StartArray();
      for (auto c : cells) w.String(c);
      w.EndArray().Key("data").StartArray();
      header = false;
      continue;
    }
    w.StartArray();
    for (auto c : cells) {
      if (auto number = ParseDouble(c); number && !c.empty()) {
        w.Double(*number);
      } else {
        w.String(c);  // rejected later with the column's datatype in the message
      }
    }
    w.EndArray();
  }
  if (header) return InvalidArgument("the CSV body is empty");
  w.EndArray().EndObject().EndObject();
  return ParseInvocationsRequest(w.view(), model);
}

std::string V1PredictionsJson(const serving::InferenceResponse& response) {
  JsonWriter w;
  w.StartObject().Key("predictions").StartArray();
  if (response.outputs.size() == 1) {
    const Tensor& t = response.outputs[0];
    int64_t rows = t.shape.empty() ? 1 : t.shape[0];
    for (int64_t r = 0; r < rows; ++r) WriteTensorRow(w, t, r);
  } else if (!response.outputs.empty()) {
    int64_t rows = response.outputs[0].shape.empty() ? 1 : response.outputs[0].shape[0];
    for (int64_t r = 0; r < rows; ++r) {
      w.StartObject();
      for (const Tensor& t : response.outputs) {
        w.Key(t.name);
        WriteTensorRow(w, t, r);
      }
      w.EndObject();
    }
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string InvocationsPredictionsJson(const serving::InferenceResponse& response) {
  JsonWriter w;
  w.StartObject().Key("predictions");
  if (response.outputs.size() == 1) {
    WriteRows(w, response.outputs[0]);
  } else {
    w.StartObject();
    for (const Tensor& t : response.outputs) {
      w.Key(t.name);
      WriteRows(w, t);
    }
    w.EndObject();
  }
  w.EndObject();
  return w.str();
}

}  // namespace cairn::frontends
