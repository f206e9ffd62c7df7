#include "frontends/inference_http/oip_codec.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <set>

#include "base/ids.h"
#include "base/json_writer.h"
#include "frontends/inference_http/tensor_json.h"

namespace cairn::frontends {
namespace {

using serving::Tensor;

Status Malformed(std::string_view what) { return InvalidArgument(std::string(what)); }

// Binary tensors (Triton's extension) would need a non-JSON body reader.
Status CheckNoBinary(simdjson::dom::element params, std::string_view where) {
  simdjson::dom::object object;
  if (params.get(object) != simdjson::SUCCESS) return Malformed(fmt::format("{}: 'parameters' must be an object", where));
  for (auto field : object) {
    if (field.key == "binary_data_size" || (field.key == "binary_data" && field.value.is_bool() &&
                                            bool(field.value.get_bool().value_unsafe()))) {
      return Status(StatusCode::kUnimplemented,
                    fmt::format("{}: the binary tensor extension is not supported; send JSON data", where));
    }
  }
  return Status::Ok();
}

Result<Tensor> ParseInput(simdjson::dom::element input, size_t index) {
  if (!input.is_object()) return Malformed(fmt::format("inputs[{}] must be an object", index));
  Tensor t;
  std::string_view text;
  if (input["name"].get(text) != simdjson::SUCCESS || text.empty()) {
    return Malformed(fmt::format("inputs[{}] needs a string 'name'", index));
  }
  t.name = std::string(text);
  if (input["datatype"].get(text) != simdjson::SUCCESS) {
    return Malformed(fmt::format("input '{}' needs a string 'datatype'", t.name));
  }
  auto datatype = serving::ParseDataType(text);
  if (!datatype) {
    return Malformed(fmt::format("input '{}' has unknown datatype '{}' (BOOL, UINT8..UINT64, INT8..INT64, FP16, "
                                 "FP32, FP64, BF16, BYTES)",
                                 t.name, text));
  }
  t.datatype = *datatype;
  simdjson::dom::array shape;
  if (input["shape"].get(shape) != simdjson::SUCCESS) {
    return Malformed(fmt::format("input '{}' needs a 'shape' array", t.name));
  }
  if (shape.size() > 32) return Malformed(fmt::format("input '{}' has more than 32 dimensions", t.name));
  for (simdjson::dom::element dim : shape) {
    int64_t d;
    if (dim.get(d) != simdjson::SUCCESS || d < 0) {
      return Malformed(fmt::format("input '{}': shape entries must be integers >= 0", t.name));
    }
    t.shape.push_back(d);
  }
  simdjson::dom::element params;
  if (input["parameters"].get(params) == simdjson::SUCCESS) {
    CAIRN_RETURN_IF_ERROR(CheckNoBinary(params, fmt::format("input '{}'", t.name)));
  }
  simdjson::dom::element data;
  if (input["data"].get(data) != simdjson::SUCCESS) return Malformed(fmt::format("input '{}' needs 'data'", t.name));
  CAIRN_RETURN_IF_ERROR(ParseTensorData(data, t));
  return t;
}

void WriteTensor(JsonWriter& w, const Tensor& t) {
  w.StartObject();
  w.Field("name", t.name).Field("datatype", serving::DataTypeName(t.datatype));
  w.Key("shape").StartArray();
  for (int64_t d : t.shape) w.Int64(d);
  w.EndArray();
  w.Key("data");
  WriteTensorData(w, t);
  w.EndObject();
}

void WriteSpec(JsonWriter& w, const serving::TensorSpec& spec) {
  w.StartObject();
  w.Field("name", spec.name).Field("datatype", serving::DataTypeName(spec.datatype));
  w.Key("shape").StartArray();
  for (int64_t d : spec.shape) w.Int64(d);
  w.EndArray();
  w.EndObject();
}

}  // namespace

Result<serving::InferenceRequest> ParseOipInferRequest(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(body);
  simdjson::dom::element root;
  if (auto error = parser.parse(padded).get(root); error != simdjson::SUCCESS) {
    return Malformed(fmt::format("the request body is not valid JSON ({})", simdjson::error_message(error)));
  }
  if (!root.is_object()) return Malformed("the request body must be a JSON object");
  serving::InferenceRequest request;
  simdjson::dom::element value;
  if (root["id"].get(value) == simdjson::SUCCESS) {
    std::string_view id;
    if (value.get(id) != simdjson::SUCCESS) return Malformed("'id' must be a string");
    request.id = std::string(id);
  }
  if (root["parameters"].get(value) == simdjson::SUCCESS) {
    CAIRN_RETURN_IF_ERROR(CheckNoBinary(value, "request"));
    request.parameters_json = simdjson::minify(value);
  }
  simdjson::dom::array inputs;
  if (root["inputs"].get(inputs) != simdjson::SUCCESS) return Malformed("the request needs an 'inputs' array");
  if (inputs.size() == 0) return Malformed("'inputs' must not be empty");
  std::set<std::string> names;
  size_t index = 0;
  for (simdjson::dom::element input : inputs) {
    CAIRN_ASSIGN_OR_RETURN(Tensor t, ParseInput(input, index++));
    if (!names.insert(t.name).second) return Malformed(fmt::format("input '{}' appears twice", t.name));
    request.inputs.push_back(std::move(t));
  }
  if (root["outputs"].get(value) == simdjson::SUCCESS) {
    simdjson::dom::array outputs;
    if (value.get(outputs) != simdjson::SUCCESS) return Malformed("'outputs' must be an array");
    for (simdjson::dom::element output : outputs) {
      std::string_view name;
      if (!output.is_object() || output["name"].get(name) != simdjson::SUCCESS) {
        return Malformed("each of 'outputs' needs a string 'name'");
      }
      simdjson::dom::element params;
      if (output["parameters"].get(params) == simdjson::SUCCESS) {
        CAIRN_RETURN_IF_ERROR(CheckNoBinary(params, fmt::format("output '{}'", name)));
      }
      request.outputs.emplace_back(name);
    }
  }
  return request;
}

std::string OipInferResponseJson(const serving::InferenceResponse& response) {
  JsonWriter w;
  w.StartObject();
  w.Field("model_name", response.model_name).Field("model_version", response.model_version);
  // KServe answers an id even when the request had none.
  w.Field("id", response.id.empty() ? NewUuidHex() : response.id);
  w.Key("outputs").StartArray();
  for (const auto& t : response.outputs) WriteTensor(w, t);
  w.EndArray();
  w.EndObject();
  std::string json = w.str();
  if (!response.parameters_json.empty()) {
    // The request's parameters, echoed back as KServe does (already minified
    // JSON from the parser, so it is spliced in as is).
    json.insert(1, "\"parameters\":" + response.parameters_json + ",");
  }
  return json;
}

std::string OipModelMetadataJson(const std::string& name, const std::vector<std::string>& versions,
                                 const serving::ModelMetadata& metadata) {
  JsonWriter w;
  w.StartObject();
  w.Field("name", name);
  w.Key("versions").StartArray();
  for (const auto& v : versions) w.String(v);
  w.EndArray();
  w.Field("platform", metadata.platform);
  w.Key("inputs").StartArray();
  for (const auto& spec : metadata.inputs) WriteSpec(w, spec);
  w.EndArray();
  w.Key("outputs").StartArray();
  for (const auto& spec : metadata.outputs) WriteSpec(w, spec);
  w.EndArray();
  w.EndObject();
  return w.str();
}

}  // namespace cairn::frontends
