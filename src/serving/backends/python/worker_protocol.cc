#include "serving/backends/python/worker_protocol.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>
#include <limits>

#include "base/json_writer.h"
#include "base/numeric.h"

namespace cairn::serving::python {
namespace {

using Element = simdjson::dom::element;

void WriteData(JsonWriter& w, const Tensor& t) {
  w.StartArray();
  const size_t n = static_cast<size_t>(t.element_count());
  if (t.datatype == DataType::kBytes) {
    for (const auto& s : t.strings) w.String(s);
  } else if (t.datatype == DataType::kBool) {
    for (size_t i = 0; i < n; ++i) w.Bool(t.data[i] != 0);
  } else if (t.datatype == DataType::kInt64) {
    for (size_t i = 0; i < n; ++i) w.Int64(t.At<int64_t>(i));
  } else if (IsFloatingPoint(t.datatype)) {
    for (size_t i = 0; i < n; ++i) {
      double v = t.AsDouble(i);
      if (std::isfinite(v)) {
        w.Double(v);
      } else {
        w.Null();
      }
    }
  } else {
    // The other integer types fit int64 except UINT64s above 2^63, which
    // saturate.
    for (size_t i = 0; i < n; ++i) w.Int64(SaturatingInt64(t.AsDouble(i)));
  }
  w.EndArray();
}

// One output tensor from its JSON.
Result<Tensor> ParseOutput(Element e) {
  Tensor t;
  std::string_view text;
  if (e["name"].get(text) != simdjson::SUCCESS) return Internal("a worker output has no name");
  t.name = std::string(text);
  if (e["datatype"].get(text) != simdjson::SUCCESS) return Internal("a worker output has no datatype");
  auto type = ParseDataType(text);
  if (!type) return Internal(fmt::format("the worker returned unknown datatype '{}'", text));
  t.datatype = *type;
  simdjson::dom::array shape, data;
  if (e["shape"].get(shape) != simdjson::SUCCESS || e["data"].get(data) != simdjson::SUCCESS) {
    return Internal("a worker output has no shape or data");
  }
  for (Element d : shape) {
    int64_t v;
    if (d.get(v) != simdjson::SUCCESS || v < 0) return Internal("a worker output has a bad shape");
    t.shape.push_back(v);
  }
  auto count = ElementCount(t.shape, int64_t{1} << 31);
  if (!count || static_cast<size_t>(*count) != data.size()) {
    return Internal(fmt::format("output '{}' has {} values for shape {}", t.name, data.size(), ShapeString(t.shape)));
  }
  if (t.datatype == DataType::kBytes) {
    for (Element v : data) {
      if (v.get(text) != simdjson::SUCCESS) return Internal("a BYTES output holds a non-string");
      t.strings.emplace_back(text);
    }
    return t;
  }
  t.data.assign(static_cast<size_t>(*count) * DataTypeSize(t.datatype), 0);
  size_t i = 0;
  for (Element v : data) {
    int64_t as_int;
    double as_double;
    bool as_bool;
    if (t.datatype == DataType::kInt64 && v.get(as_int) == simdjson::SUCCESS) {
      std::memcpy(t.data.data() + i * 8, &as_int, 8);  // exact beyond 2^53
    } else if (v.get(as_double) == simdjson::SUCCESS) {
      SetFromDouble(t, i, as_double);
    } else if (v.get(as_bool) == simdjson::SUCCESS) {
      SetFromDouble(t, i, as_bool ? 1 : 0);
    } else if (v.is_null()) {
      SetFromDouble(t, i, std::numeric_limits<double>::quiet_NaN());
    } else {
      return Internal(fmt::format("output '{}' holds a value that is not a number", t.name));
    }
    ++i;
  }
  return t;
}

}  // namespace

std::string Frame(std::string_view json) {
  std::string out(4, '\0');
  uint32_t n = static_cast<uint32_t>(json.size());
  out[0] = static_cast<char>(n >> 24);
  out[1] = static_cast<char>(n >> 16);
  out[2] = static_cast<char>(n >> 8);
  out[3] = static_cast<char>(n);
  out.append(json);
  return out;
}

uint32_t FrameLength(std::string_view header) {
  auto b = [&](int i) { return static_cast<uint32_t>(static_cast<unsigned char>(header[i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

std::string LoadRequest(const std::string& model_dir) {
  JsonWriter w;
  w.StartObject().Field("op", "load").Field("model_dir", model_dir).EndObject();
  return w.str();
}

std::string PredictRequest(const std::vector<Tensor>& inputs, InputLayout layout,
                           const std::vector<std::string>& columns) {
  JsonWriter w;
  w.StartObject().Field("op", "predict");
  w.Field("layout", layout == InputLayout::kColumns ? "columns" : layout == InputLayout::kTensors ? "tensors" : "none");
  w.Key("columns").StartArray();
  for (const auto& c : columns) w.String(c);
  w.EndArray();
  w.Key("inputs").StartArray();
  for (const Tensor& t : inputs) {
    w.StartObject().Field("name", t.name).Field("datatype", DataTypeName(t.datatype));
    w.Key("shape").StartArray();
    for (int64_t d : t.shape) w.Int64(d);
    w.EndArray();
    w.Key("data");
    WriteData(w, t);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

Result<WorkerReply> ParseReply(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  Element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object()) {
    return Internal("the worker sent a reply that is not a JSON object");
  }
  WorkerReply reply;
  if (root["ok"].get(reply.ok) != simdjson::SUCCESS) return Internal("the worker's reply has no 'ok'");
  std::string_view text;
  if (root["error"].get(text) == simdjson::SUCCESS) reply.error = std::string(text);
  if (root["kind"].get(text) == simdjson::SUCCESS) reply.kind = std::string(text);
  if (root["package"].get(text) == simdjson::SUCCESS) reply.package = std::string(text);
  std::string_view python, mlflow;
  if (root["python"].get(python) == simdjson::SUCCESS && root["mlflow"].get(mlflow) == simdjson::SUCCESS) {
    bool numpy = false, pandas = false;
    if (root["numpy"].get(numpy) != simdjson::SUCCESS) numpy = false;
    if (root["pandas"].get(pandas) != simdjson::SUCCESS) pandas = false;
    reply.versions = fmt::format("python {}, mlflow {}{}{}", python, mlflow, numpy ? ", numpy" : "", pandas ? ", pandas" : "");
  }
  simdjson::dom::array outputs;
  if (reply.ok && root["outputs"].get(outputs) == simdjson::SUCCESS) {
    for (Element e : outputs) {
      CAIRN_ASSIGN_OR_RETURN(Tensor t, ParseOutput(e));
      reply.outputs.push_back(std::move(t));
    }
  }
  return reply;
}

}  // namespace cairn::serving::python
