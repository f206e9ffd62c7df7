#include "base/json_writer.h"

#include <cmath>

namespace cairn {

JsonWriter& JsonWriter::Double(double value) {
  if (std::isnan(value)) return String("NaN");
  if (std::isinf(value)) return String(value > 0 ? "Infinity" : "-Infinity");
  writer_.Double(value);
  return *this;
}

}  // namespace cairn
