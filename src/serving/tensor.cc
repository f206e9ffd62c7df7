#include "serving/tensor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

namespace cairn::serving {
namespace {

struct TypeInfo {
  DataType type;
  std::string_view name;
  size_t size;
};

constexpr TypeInfo kTypes[] = {
    {DataType::kBool, "BOOL", 1},     {DataType::kUint8, "UINT8", 1},   {DataType::kUint16, "UINT16", 2},
    {DataType::kUint32, "UINT32", 4}, {DataType::kUint64, "UINT64", 8}, {DataType::kInt8, "INT8", 1},
    {DataType::kInt16, "INT16", 2},   {DataType::kInt32, "INT32", 4},   {DataType::kInt64, "INT64", 8},
    {DataType::kFp16, "FP16", 2},     {DataType::kFp32, "FP32", 4},     {DataType::kFp64, "FP64", 8},
    {DataType::kBf16, "BF16", 2},     {DataType::kBytes, "BYTES", 0},
};

const TypeInfo& Info(DataType type) { return kTypes[static_cast<int>(type)]; }

// IEEE half -> float (FP16 has no JSON form, but binary payloads or
// backends may produce it).
float HalfToFloat(uint16_t h) {
  int sign = (h >> 15) & 1, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  float value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<float>(mantissa), -24);
  } else if (exponent == 31) {
    value = mantissa ? NAN : INFINITY;
  } else {
    value = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  }
  return sign ? -value : value;
}

uint16_t FloatToHalf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  int exponent = static_cast<int>((bits >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = bits & 0x7fffff;
  if (std::isnan(f)) return sign | 0x7e00;
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    return sign | static_cast<uint16_t>(mantissa >> (14 - exponent));
  }
  return sign | static_cast<uint16_t>(exponent << 10) | static_cast<uint16_t>(mantissa >> 13);
}

}  // namespace

std::string_view DataTypeName(DataType type) { return Info(type).name; }

std::optional<DataType> ParseDataType(std::string_view name) {
  for (const auto& info : kTypes) {
    if (info.name == name) return info.type;
  }
  return std::nullopt;
}

size_t DataTypeSize(DataType type) { return Info(type).size; }

bool IsFloatingPoint(DataType type) {
  return type == DataType::kFp16 || type == DataType::kFp32 || type == DataType::kFp64 || type == DataType::kBf16;
}

std::optional<int64_t> ElementCount(const std::vector<int64_t>& shape, int64_t limit) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) return std::nullopt;
    if (dim != 0 && count > limit / dim) return std::nullopt;
    count *= dim;
  }
  return count;
}

std::string ShapeString(const std::vector<int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }

int64_t Tensor::element_count() const { return ElementCount(shape).value_or(0); }

Tensor Tensor::Fp32(std::string name, std::vector<int64_t> shape, const std::vector<float>& values) {
  Tensor t;
  t.name = std::move(name);
  t.datatype = DataType::kFp32;
  t.shape = std::move(shape);
  t.data.resize(values.size() * sizeof(float));
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

double Tensor::AsDouble(size_t i) const {
  switch (datatype) {
    case DataType::kBool: return At<uint8_t>(i) ? 1.0 : 0.0;
    case DataType::kUint8: return At<uint8_t>(i);
    case DataType::kUint16: return At<uint16_t>(i);
    case DataType::kUint32: return At<uint32_t>(i);
    case DataType::kUint64: return static_cast<double>(At<uint64_t>(i));
    case DataType::kInt8: return At<int8_t>(i);
    case DataType::kInt16: return At<int16_t>(i);
    case DataType::kInt32: return At<int32_t>(i);
    case DataType::kInt64: return static_cast<double>(At<int64_t>(i));
    case DataType::kFp16: return HalfToFloat(At<uint16_t>(i));
    case DataType::kFp32: return At<float>(i);
    case DataType::kFp64: return At<double>(i);
    case DataType::kBf16: {
      uint32_t bits = static_cast<uint32_t>(At<uint16_t>(i)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case DataType::kBytes: return 0.0;
  }
  return 0.0;
}

void SetFromDouble(Tensor& t, size_t i, double v) {
  auto put = [&](auto value) { std::memcpy(t.data.data() + i * sizeof(value), &value, sizeof(value)); };
  switch (t.datatype) {
    case DataType::kBool: put(static_cast<uint8_t>(v != 0.0)); break;
    case DataType::kUint8: put(static_cast<uint8_t>(v)); break;
    case DataType::kUint16: put(static_cast<uint16_t>(v)); break;
    case DataType::kUint32: put(static_cast<uint32_t>(v)); break;
    case DataType::kUint64: put(static_cast<uint64_t>(v)); break;
    case DataType::kInt8: put(static_cast<int8_t>(v)); break;
    case DataType::kInt16: put(static_cast<int16_t>(v)); break;
    case DataType::kInt32: put(static_cast<int32_t>(v)); break;
    case DataType::kInt64: put(static_cast<int64_t>(v)); break;
    case DataType::kFp16: put(FloatToHalf(static_cast<float>(v))); break;
    case DataType::kFp32: put(static_cast<float>(v)); break;
    case DataType::kFp64: put(v); break;
    case DataType::kBf16: {
      float f = static_cast<float>(v);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      put(static_cast<uint16_t>(bits >> 16));
      break;
    }
    case DataType::kBytes: break;
  }
}

Result<std::vector<float>> Tensor::ToFloats() const {
  if (datatype == DataType::kBytes) {
    return InvalidArgument(fmt::format("input '{}' is BYTES; this model takes numbers", name));
  }
  size_t n = static_cast<size_t>(element_count());
  std::vector<float> out(n);
  if (datatype == DataType::kFp32) {
    if (n) std::memcpy(out.data(), data.data(), n * sizeof(float));
    return out;
  }
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<float>(AsDouble(i));
  return out;
}

Status CheckShape(const Tensor& tensor, const std::vector<int64_t>& spec_shape) {
  bool matches = tensor.shape.size() == spec_shape.size();
  for (size_t i = 0; matches && i < spec_shape.size(); ++i) {
    if (spec_shape[i] >= 0 && spec_shape[i] != tensor.shape[i]) matches = false;
  }
  if (matches) return Status::Ok();
  return InvalidArgument(fmt::format("input '{}' has shape {}, the model expects {} (-1: any size)", tensor.name,
                                     ShapeString(tensor.shape), ShapeString(spec_shape)));
}

}  // namespace cairn::serving
