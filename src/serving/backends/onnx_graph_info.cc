#include "serving/backends/onnx_graph_info.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace cairn::serving {
namespace {

// One field of a protobuf message.
struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  uint64_t varint = 0;          // wire type 0
  std::string_view bytes;       // wire type 2
};

class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  // False on malformed input.
  bool Next(Field& f) {
    uint64_t key;
    if (!Varint(key)) return false;
    f.number = static_cast<uint32_t>(key >> 3);
    f.wire_type = static_cast<uint32_t>(key & 7);
    switch (f.wire_type) {
      case 0: return Varint(f.varint);
      case 1: return Skip(8);
      case 2: {
        uint64_t len;
        if (!Varint(len) || len > data_.size() - pos_) return false;
        f.bytes = data_.substr(pos_, len);
        pos_ += len;
        return true;
      }
      case 5: return Skip(4);
      default: return false;
    }
  }

 private:
  bool Varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      out |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool Skip(size_t n) {
    if (n > data_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
};

DataType FromOnnxElemType(uint64_t t) {
  switch (t) {
    case 1: return DataType::kFp32;
    case 2: return DataType::kUint8;
    case 3: return DataType::kInt8;
    case 4: return DataType::kUint16;
    case 5: return DataType::kInt16;
    case 6: return DataType::kInt32;
    case 7: return DataType::kInt64;
    case 8: return DataType::kBytes;
    case 9: return DataType::kBool;
    case 10: return DataType::kFp16;
    case 11: return DataType::kFp64;
    case 12: return DataType::kUint32;
    case 13: return DataType::kUint64;
    case 16: return DataType::kBf16;
    default: return DataType::kFp32;
  }
}

// TensorShapeProto.Dimension: dim_value (1) or dim_param (2).
bool ReadDim(std::string_view bytes, int64_t& dim) {
  Reader r(bytes);
  Field f;
  dim = -1;
  while (!r.done()) {
    if (!r.Next(f)) return false;
    if (f.number == 1 && f.wire_type == 0) dim = static_cast<int64_t>(f.varint);
  }
  if (dim == 0) dim = -1;  // 0 in exported graphs means "unknown"
  return true;
}

// ValueInfoProto{name(1), type(2): TypeProto{tensor_type(1): {elem_type(1), shape(2): {dim(1)...}}}}
bool ReadValueInfo(std::string_view bytes, TensorSpec& spec) {
  Reader r(bytes);
  Field f;
  while (!r.done()) {
    if (!r.Next(f)) return false;
    if (f.number == 1 && f.wire_type == 2) spec.name = std::string(f.bytes);
    if (f.number != 2 || f.wire_type != 2) continue;
    Reader type(f.bytes);
    Field tf;
    while (!type.done()) {
      if (!type.Next(tf)) return false;
      if (tf.number != 1 || tf.wire_type != 2) continue;
      Reader tensor(tf.bytes);
      Field x;
      while (!tensor.done()) {
        if (!tensor.Next(x)) return false;
        if (x.number == 1 && x.wire_type == 0) spec.datatype = FromOnnxElemType(x.varint);
        if (x.number == 2 && x.wire_type == 2) {
          Reader shape(x.bytes);
          Field d;
          while (!shape.done()) {
            if (!shape.Next(d)) return false;
            if (d.number != 1 || d.wire_type != 2) continue;
            int64_t dim;
            if (!ReadDim(d.bytes, dim)) return false;
            spec.shape.push_back(dim);
          }
        }
      }
    }
  }
  return !spec.name.empty();
}

// TensorProto name is field 8.
std::optional<std::string> InitializerName(std::string_view bytes) {
  Reader r(bytes);
  Field f;
  while (!r.done()) {
    if (!r.Next(f)) return std::nullopt;
    if (f.number == 8 && f.wire_type == 2) return std::string(f.bytes);
  }
  return std::nullopt;
}

}  // namespace

Result<OnnxGraphInfo> ReadOnnxGraphInfo(std::string_view model_bytes) {
  Reader model(model_bytes);
  Field f;
  std::optional<std::string_view> graph;
  while (!model.done()) {
    if (!model.Next(f)) return InvalidArgument("the ONNX file is not a valid protobuf ModelProto");
    if (f.number == 7 && f.wire_type == 2) graph = f.bytes;
  }
  if (!graph) return InvalidArgument("the ONNX file has no graph");
  OnnxGraphInfo info;
  std::set<std::string> initializers;
  std::vector<TensorSpec> inputs;
  Reader g(*graph);
  while (!g.done()) {
    if (!g.Next(f)) return InvalidArgument("the ONNX graph is not valid protobuf");
    if (f.wire_type != 2) continue;
    if (f.number == 5) {
      if (auto name = InitializerName(f.bytes)) initializers.insert(*name);
    } else if (f.number == 11 || f.number == 12) {
      TensorSpec spec;
      if (!ReadValueInfo(f.bytes, spec)) return InvalidArgument("an ONNX graph input or output is malformed");
      (f.number == 11 ? inputs : info.outputs).push_back(std::move(spec));
    }
  }
  for (auto& spec : inputs) {
    if (!initializers.count(spec.name)) info.inputs.push_back(std::move(spec));
  }
  if (info.inputs.empty() || info.outputs.empty()) return InvalidArgument("the ONNX graph declares no inputs or outputs");
  return info;
}

}  // namespace cairn::serving
