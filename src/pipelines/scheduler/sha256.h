// SHA-256 (FIPS 180-4) for cache fingerprints: small and dependency-free.
// Thread-compatible.
#pragma once

#include <string>
#include <string_view>

namespace cairn::pipelines {

// Lowercase hex digest of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace cairn::pipelines
