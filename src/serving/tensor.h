// Tensor: the one value type inference passes around — a datatype of the
// Open Inference Protocol, a row-major shape, and the elements. Numeric
// elements are stored as raw little-endian bytes of the datatype's width;
// BYTES elements as strings. Plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace cairn::serving {

// The Open Inference Protocol datatypes (specs/inference-protocol.md §2).
enum class DataType { kBool, kUint8, kUint16, kUint32, kUint64, kInt8, kInt16, kInt32, kInt64, kFp16, kFp32, kFp64, kBf16, kBytes };

// "FP32", ...
std::string_view DataTypeName(DataType type);
// Inverse of DataTypeName (case-sensitive, as the protocol is).
std::optional<DataType> ParseDataType(std::string_view name);
// Bytes per element; 0 for kBytes (variable).
size_t DataTypeSize(DataType type);
bool IsFloatingPoint(DataType type);

// Product of the dimensions; nullopt when one is negative or the product
// overflows `limit`.
std::optional<int64_t> ElementCount(const std::vector<int64_t>& shape, int64_t limit = INT64_MAX);
// "[2, 3]"
std::string ShapeString(const std::vector<int64_t>& shape);

struct Tensor {
  std::string name;
  DataType datatype = DataType::kFp32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;         // numeric types: element_count * DataTypeSize bytes
  std::vector<std::string> strings;  // kBytes: element_count entries

  int64_t element_count() const;

  // Builds an FP32 tensor (the common case for backends and tests).
  static Tensor Fp32(std::string name, std::vector<int64_t> shape, const std::vector<float>& values);

  template <typename T>
  T At(size_t i) const {
    T value;
    std::memcpy(&value, data.data() + i * sizeof(T), sizeof(T));
    return value;
  }
  // Element i converted to double (numeric types; FP16/BF16 decoded).
  double AsDouble(size_t i) const;
  // All elements as float, for backends that compute in FP32;
  // kInvalidArgument for BYTES.
  Result<std::vector<float>> ToFloats() const;
};

// Stores `value` as element i of a numeric tensor whose data is sized.
void SetFromDouble(Tensor& tensor, size_t i, double value);

// Checks a tensor against a declared spec shape (-1 = any) and datatype.
// kInvalidArgument naming the tensor, expected and actual, on mismatch.
Status CheckShape(const Tensor& tensor, const std::vector<int64_t>& spec_shape);

}  // namespace cairn::serving
