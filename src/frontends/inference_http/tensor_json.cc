#include "frontends/inference_http/tensor_json.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace cairn::frontends {
namespace {

using serving::DataType;
using serving::Tensor;

constexpr int kMaxDepth = 32;

// Collects the leaves of `value` in row-major order.
Status Flatten(simdjson::dom::element value, std::vector<simdjson::dom::element>& leaves, int depth,
               std::string_view name) {
  if (depth > kMaxDepth) return InvalidArgument(fmt::format("input '{}': data is nested too deeply", name));
  simdjson::dom::array items;
  if (value.get(items) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : items) {
      CAIRN_RETURN_IF_ERROR(Flatten(item, leaves, depth + 1, name));
      if (leaves.size() > static_cast<size_t>(kMaxTensorElements)) {
        return InvalidArgument(fmt::format("input '{}' has more than {} elements", name, kMaxTensorElements));
      }
    }
    return Status::Ok();
  }
  leaves.push_back(value);
  return Status::Ok();
}

Status TypeError(const Tensor& t, size_t i, std::string_view want) {
  return InvalidArgument(fmt::format("input '{}' ({}): element {} is not {}", t.name, serving::DataTypeName(t.datatype), i, want));
}

// Stores one leaf as element i of `t`.
Status StoreLeaf(Tensor& t, size_t i, simdjson::dom::element v) {
  switch (t.datatype) {
    case DataType::kBytes: {
      std::string_view s;
      if (v.get(s) != simdjson::SUCCESS) return TypeError(t, i, "a string");
      t.strings[i] = std::string(s);
      return Status::Ok();
    }
    case DataType::kBool: {
      bool b;
      if (v.get(b) != simdjson::SUCCESS) return TypeError(t, i, "true or false");
      t.data[i] = b ? 1 : 0;
      return Status::Ok();
    }
    case DataType::kFp16:
    case DataType::kFp32:
    case DataType::kFp64:
    case DataType::kBf16: {
      double d;
      if (v.get(d) != simdjson::SUCCESS) {
        std::string_view s;
        if (v.get(s) != simdjson::SUCCESS) return TypeError(t, i, "a number");
        if (s == "NaN") d = std::numeric_limits<double>::quiet_NaN();
        else if (s == "Infinity") d = std::numeric_limits<double>::infinity();
        else if (s == "-Infinity") d = -std::numeric_limits<double>::infinity();
        else return TypeError(t, i, "a number");
      }
      serving::SetFromDouble(t, i, d);
      return Status::Ok();
    }
    case DataType::kUint64: {
      uint64_t u;
      if (v.get(u) != simdjson::SUCCESS) return TypeError(t, i, "an unsigned integer");
      std::memcpy(t.data.data() + i * 8, &u, 8);
      return Status::Ok();
    }
    default: {
      int64_t n;
      if (v.get(n) != simdjson::SUCCESS) return TypeError(t, i, "an integer");
      double lo = 0, hi = 0;
      switch (t.datatype) {
        case DataType::kUint8: lo = 0; hi = 255; break;
        case DataType::kUint16: lo = 0; hi = 65535; break;
        case DataType::kUint32: lo = 0; hi = 4294967295.0; break;
        case DataType::kInt8: lo = -128; hi = 127; break;
        case DataType::kInt16: lo = -32768; hi = 32767; break;
        case DataType::kInt32: lo = -2147483648.0; hi = 2147483647.0; break;
        default: lo = -9.3e18; hi = 9.3e18; break;
      }
      if (static_cast<double>(n) < lo || static_cast<double>(n) > hi) {
        return InvalidArgument(fmt::format("input '{}': element {} ({}) is out of range for {}", t.name, i, n,
                                           serving::DataTypeName(t.datatype)));
      }
      if (t.datatype == DataType::kInt64) {
        std::memcpy(t.data.data() + i * 8, &n, 8);
      } else {
        serving::SetFromDouble(t, i, static_cast<double>(n));
      }
      return Status::Ok();
    }
  }
}

Status Fill(Tensor& t, const std::vector<simdjson::dom::element>& leaves) {
  if (t.datatype == DataType::kBytes) {
    t.strings.assign(leaves.size(), {});
  } else {
    t.data.assign(leaves.size() * serving::DataTypeSize(t.datatype), 0);
  }
  for (size_t i = 0; i < leaves.size(); ++i) CAIRN_RETURN_IF_ERROR(StoreLeaf(t, i, leaves[i]));
  return Status::Ok();
}

// Infers the shape of a nested array, checking it is rectangular.
Status InferShape(simdjson::dom::element v, std::vector<int64_t>& shape, size_t depth, std::string_view name) {
  if (depth > kMaxDepth) return InvalidArgument(fmt::format("input '{}' is nested too deeply", name));
  simdjson::dom::array a;
  if (v.get(a) != simdjson::SUCCESS) {
    if (depth != shape.size()) return InvalidArgument(fmt::format("input '{}' is not a rectangular array", name));
    return Status::Ok();
  }
  int64_t n = static_cast<int64_t>(a.size());
  if (depth == shape.size()) {
    shape.push_back(n);
  } else if (depth > shape.size() || shape[depth] != n) {
    return InvalidArgument(fmt::format("input '{}' is not a rectangular array", name));
  }
  for (simdjson::dom::element item : a) CAIRN_RETURN_IF_ERROR(InferShape(item, shape, depth + 1, name));
  if (n == 0 && depth + 1 < shape.size()) return InvalidArgument(fmt::format("input '{}' is not a rectangular array", name));
  return Status::Ok();
}

void WriteElement(JsonWriter& w, const Tensor& t, size_t i) {
  switch (t.datatype) {
    case DataType::kBytes: w.String(t.strings[i]); break;
    case DataType::kBool: w.Bool(t.data[i] != 0); break;
    case DataType::kFp16:
    case DataType::kFp32:
    case DataType::kFp64:
    case DataType::kBf16: w.Double(t.AsDouble(i)); break;
    case DataType::kUint64: w.Int64(static_cast<int64_t>(t.At<uint64_t>(i))); break;
    case DataType::kInt64: w.Int64(t.At<int64_t>(i)); break;
    default: w.Int64(static_cast<int64_t>(t.AsDouble(i))); break;
  }
}

void WriteNested(JsonWriter& w, const Tensor& t, size_t dim, size_t& index) {
  if (dim == t.shape.size()) {
    WriteElement(w, t, index++);
    return;
  }
  w.StartArray();
  for (int64_t k = 0; k < t.shape[dim]; ++k) WriteNested(w, t, dim + 1, index);
  w.EndArray();
}

}  // namespace

namespace {

// Counts the leaves of `value` (up to the limit), for sizing before filling.
Status CountLeaves(simdjson::dom::element value, int64_t& count, int depth, std::string_view name) {
  if (depth > kMaxDepth) return InvalidArgument(fmt::format("input '{}': data is nested too deeply", name));
  simdjson::dom::array items;
  if (value.get(items) != simdjson::SUCCESS) {
    if (++count > kMaxTensorElements) {
      return InvalidArgument(fmt::format("input '{}' has more than {} elements", name, kMaxTensorElements));
    }
    return Status::Ok();
  }
  for (simdjson::dom::element item : items) CAIRN_RETURN_IF_ERROR(CountLeaves(item, count, depth + 1, name));
  return Status::Ok();
}

// Stores the leaves of `value` into `t` from element `index` on (the
// count was checked, so no bounds can be exceeded).
Status StoreLeaves(simdjson::dom::element value, Tensor& t, size_t& index) {
  simdjson::dom::array items;
  if (value.get(items) != simdjson::SUCCESS) return StoreLeaf(t, index++, value);
  for (simdjson::dom::element item : items) CAIRN_RETURN_IF_ERROR(StoreLeaves(item, t, index));
  return Status::Ok();
}

}  // namespace

Status ParseTensorData(simdjson::dom::element data, Tensor& tensor) {
  auto expected = serving::ElementCount(tensor.shape, kMaxTensorElements);
  if (!expected) {
    return InvalidArgument(fmt::format("input '{}' has shape {}: dimensions must be >= 0 and hold at most {} elements",
                                       tensor.name, serving::ShapeString(tensor.shape), kMaxTensorElements));
  }
  // Two walks over the parsed document (count, then store) instead of a
  // list of leaves: no temporary as large as the tensor itself.
  int64_t count = 0;
  CAIRN_RETURN_IF_ERROR(CountLeaves(data, count, 0, tensor.name));
  if (count != *expected) {
    return InvalidArgument(fmt::format("input '{}' has shape {} ({} elements) but {} data elements", tensor.name,
                                       serving::ShapeString(tensor.shape), *expected, count));
  }
  if (tensor.datatype == DataType::kBytes) {
    tensor.strings.assign(static_cast<size_t>(count), {});
  } else {
    tensor.data.assign(static_cast<size_t>(count) * serving::DataTypeSize(tensor.datatype), 0);
  }
  size_t index = 0;
  return StoreLeaves(data, tensor, index);
}

Result<Tensor> ParseNestedTensor(simdjson::dom::element value, std::string name, DataType datatype) {
  Tensor t;
  t.name = std::move(name);
  t.datatype = datatype;
  CAIRN_RETURN_IF_ERROR(InferShape(value, t.shape, 0, t.name));
  std::vector<simdjson::dom::element> leaves;
  CAIRN_RETURN_IF_ERROR(Flatten(value, leaves, 0, t.name));
  CAIRN_RETURN_IF_ERROR(Fill(t, leaves));
  return t;
}

Result<Tensor> ParseRowsTensor(const std::vector<simdjson::dom::element>& rows, std::string name, DataType datatype) {
  Tensor t;
  t.name = std::move(name);
  t.datatype = datatype;
  t.shape.push_back(static_cast<int64_t>(rows.size()));
  std::vector<simdjson::dom::element> leaves;
  for (const auto& row : rows) {
    CAIRN_RETURN_IF_ERROR(InferShape(row, t.shape, 1, t.name));
    CAIRN_RETURN_IF_ERROR(Flatten(row, leaves, 1, t.name));
  }
  if (!serving::ElementCount(t.shape, kMaxTensorElements) ||
      static_cast<int64_t>(leaves.size()) != t.element_count()) {
    return InvalidArgument(fmt::format("input '{}' is not a rectangular array", t.name));
  }
  CAIRN_RETURN_IF_ERROR(Fill(t, leaves));
  return t;
}

Status FillFromLeaves(Tensor& tensor, const std::vector<simdjson::dom::element>& leaves) {
  auto expected = serving::ElementCount(tensor.shape, kMaxTensorElements);
  if (!expected || *expected != static_cast<int64_t>(leaves.size())) {
    return InvalidArgument(fmt::format("input '{}': {} values do not fill shape {}", tensor.name, leaves.size(),
                                       serving::ShapeString(tensor.shape)));
  }
  return Fill(tensor, leaves);
}

void WriteTensorData(JsonWriter& w, const Tensor& t) {
  w.StartArray();
  size_t n = static_cast<size_t>(t.element_count());
  for (size_t i = 0; i < n; ++i) WriteElement(w, t, i);
  w.EndArray();
}

void WriteTensorRow(JsonWriter& w, const Tensor& t, int64_t row) {
  if (t.shape.empty()) {
    WriteElement(w, t, 0);
    return;
  }
  int64_t rows = t.shape[0];
  size_t per_row = rows > 0 ? static_cast<size_t>(t.element_count() / rows) : 0;
  size_t index = static_cast<size_t>(row) * per_row;
  WriteNested(w, t, 1, index);
}

}  // namespace cairn::frontends
