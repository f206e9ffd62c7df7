// JSON <-> Tensor for the inference frontends. Parsing is strict and never
// throws: every element must have the JSON type its datatype needs (BOOL:
// true/false; integers: integral numbers in range; FP*: numbers, or "NaN" /
// "Infinity" / "-Infinity"; BYTES: strings), and the element count must match
// the shape. Errors are kInvalidArgument naming the tensor.
#pragma once

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "base/result.h"
#include "serving/tensor.h"

namespace cairn::frontends {

// Largest element count of one tensor (about 1 GB of FP64): protects the
// server from shapes that would allocate without bound.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 27;

// Fills `tensor` (name, datatype and shape already set) from `data`, a flat
// or nested array in row-major order (or a single scalar for shape []/[1]).
Status ParseTensorData(simdjson::dom::element data, serving::Tensor& tensor);

// Builds a tensor of `datatype` from a nested array, inferring the shape
// from the nesting (which must be rectangular); a scalar gives shape [].
Result<serving::Tensor> ParseNestedTensor(simdjson::dom::element value, std::string name, serving::DataType datatype);

// Builds a tensor of `datatype` whose dimension 0 is `rows` (one nested
// value per row, all of the same shape).
Result<serving::Tensor> ParseRowsTensor(const std::vector<simdjson::dom::element>& rows, std::string name,
                                        serving::DataType datatype);

// Fills `tensor` (shape and datatype set) from leaf values in row-major
// order; their count must match the shape.
Status FillFromLeaves(serving::Tensor& tensor, const std::vector<simdjson::dom::element>& leaves);

// Writes the elements of `tensor` as a flat JSON array.
void WriteTensorData(JsonWriter& w, const serving::Tensor& tensor);
// Writes rows [row, row+1) of `tensor` (dim 0 = rows) as nested arrays
// following the remaining dimensions; a tensor of shape [n] gives scalars.
void WriteTensorRow(JsonWriter& w, const serving::Tensor& tensor, int64_t row);

}  // namespace cairn::frontends
