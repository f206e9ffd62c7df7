#include "serving/mlmodel.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace cairn::serving {
namespace {

// One signature list ('[{"name": ..., "type": ...}]', a JSON string inside
// the YAML).
Result<std::vector<SignatureField>> ParseSignatureList(std::string_view json, std::string_view which,
                                                       bool* tensor_signature) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  simdjson::dom::array items;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || root.get(items) != simdjson::SUCCESS) {
    return InvalidArgument(fmt::format("MLmodel signature {} is not a JSON list", which));
  }
  std::vector<SignatureField> fields;
  for (simdjson::dom::element item : items) {
    if (!item.is_object()) return InvalidArgument(fmt::format("MLmodel signature {}: an entry is not an object", which));
    SignatureField field;
    std::string_view text;
    if (item["name"].get(text) == simdjson::SUCCESS) field.name = std::string(text);
    if (item["type"].get(text) == simdjson::SUCCESS) field.type = std::string(text);
    if (field.type == "tensor") {
      *tensor_signature = true;
      simdjson::dom::element spec;
      if (item["tensor-spec"].get(spec) != simdjson::SUCCESS || !spec.is_object()) {
        return InvalidArgument(fmt::format("MLmodel signature {}: tensor '{}' has no tensor-spec", which, field.name));
      }
      std::string_view dtype;
      if (spec["dtype"].get(dtype) != simdjson::SUCCESS) dtype = "float32";
      auto type = DataTypeFromMlflowType(dtype);
      if (!type) return InvalidArgument(fmt::format("MLmodel signature {}: unknown dtype '{}'", which, dtype));
      field.datatype = *type;
      simdjson::dom::array shape;
      if (spec["shape"].get(shape) == simdjson::SUCCESS) {
        for (simdjson::dom::element dim : shape) {
          int64_t d;
          if (dim.get(d) != simdjson::SUCCESS) return InvalidArgument("MLmodel signature: a shape entry is not an integer");
          field.shape.push_back(d);
        }
      }
    } else {
      auto type = DataTypeFromMlflowType(field.type);
      if (!type) return InvalidArgument(fmt::format("MLmodel signature {}: unknown type '{}'", which, field.type));
      field.datatype = *type;
    }
    fields.push_back(std::move(field));
  }
  return fields;
}

}  // namespace

std::string MlModel::FlavorField(std::string_view flavor, std::string_view field) const {
  auto it = flavors.find(std::string(flavor));
  if (it == flavors.end()) return {};
  auto f = it->second.find(std::string(field));
  return f == it->second.end() ? std::string() : f->second;
}

std::optional<DataType> DataTypeFromMlflowType(std::string_view type) {
  struct Entry {
    std::string_view name;
    DataType type;
  };
  static constexpr Entry kEntries[] = {
      {"float32", DataType::kFp32}, {"float", DataType::kFp32},   {"float64", DataType::kFp64},
      {"double", DataType::kFp64},  {"float16", DataType::kFp16}, {"int8", DataType::kInt8},
      {"int16", DataType::kInt16},  {"int32", DataType::kInt32},  {"integer", DataType::kInt32},
      {"int64", DataType::kInt64},  {"long", DataType::kInt64},   {"uint8", DataType::kUint8},
      {"uint16", DataType::kUint16}, {"uint32", DataType::kUint32}, {"uint64", DataType::kUint64},
      {"bool", DataType::kBool},    {"boolean", DataType::kBool}, {"string", DataType::kBytes},
      {"str", DataType::kBytes},    {"binary", DataType::kBytes}, {"object", DataType::kBytes},
  };
  for (const auto& e : kEntries) {
    if (e.name == type) return e.type;
  }
  return std::nullopt;
}

Result<MlModel> ParseMlModel(std::string_view yaml_text) {
  MlModel model;
  std::string inputs_json, outputs_json;
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    if (!root.IsMap()) return InvalidArgument("MLmodel is not a YAML mapping");
    YAML::Node flavors = root["flavors"];
    if (!flavors || !flavors.IsMap()) return InvalidArgument("MLmodel has no 'flavors' mapping");
    for (const auto& flavor : flavors) {
      auto& fields = model.flavors[flavor.first.as<std::string>()];
      if (!flavor.second.IsMap()) continue;
      for (const auto& field : flavor.second) {
        if (field.second.IsScalar()) fields[field.first.as<std::string>()] = field.second.as<std::string>();
      }
    }
    if (root["run_id"] && root["run_id"].IsScalar()) model.run_id = root["run_id"].as<std::string>();
    YAML::Node signature = root["signature"];
    if (signature && signature.IsMap()) {
      if (signature["inputs"] && signature["inputs"].IsScalar()) inputs_json = signature["inputs"].as<std::string>();
      if (signature["outputs"] && signature["outputs"].IsScalar()) {
        outputs_json = signature["outputs"].as<std::string>();
      }
    }
  } catch (const std::exception& e) {
    return InvalidArgument(fmt::format("MLmodel is not valid YAML: {}", e.what()));
  }
  bool unused = false;
  if (!inputs_json.empty() && inputs_json != "null") {
    CAIRN_ASSIGN_OR_RETURN(model.inputs, ParseSignatureList(inputs_json, "inputs", &model.tensor_signature));
  }
  if (!outputs_json.empty() && outputs_json != "null") {
    CAIRN_ASSIGN_OR_RETURN(model.outputs, ParseSignatureList(outputs_json, "outputs", &unused));
  }
  return model;
}

Result<MlModel> DescribeModelDir(const std::filesystem::path& dir) {
  if (std::filesystem::exists(dir / "MLmodel")) return ReadMlModel(dir);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    std::string ext = entry.path().extension().string();
    std::string flavor;
    if (ext == ".onnx") flavor = "onnx";
    if (name == "model.json" || name == "model.ubj" || name == "model.xgb" || ext == ".bst") flavor = "xgboost";
    if (flavor.empty()) continue;
    MlModel model;
    model.flavors[flavor]["data"] = name;
    return model;
  }
  return InvalidArgument("the model directory has neither an MLmodel file nor a model file (*.onnx, model.json, model.ubj, model.xgb, *.bst)");
}

Result<MlModel> ReadMlModel(const std::filesystem::path& dir) {
  std::ifstream in(dir / "MLmodel", std::ios::binary);
  if (!in) return InvalidArgument("the model directory has no MLmodel file");
  std::ostringstream text;
  text << in.rdbuf();
  return ParseMlModel(text.str());
}

}  // namespace cairn::serving
